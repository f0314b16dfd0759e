"""``/intro`` (WhatsApp: INTRO): a business or a member answers an introduction a coordinator
proposed, and later tells how it went.

Each proposal waiting for this person's answer is shown with an anonymised summary of the other
side (:mod:`bot.notices`): accept, decline (with an optional reason), or answer later. Only
when both sides accepted does each learn the other's name and contact — the second to accept
reads it here at once, the first gets it through the outbox. Then the follow-ups the scheduler
asked (two weeks and two months after) are answered: did you meet, how far is the business plan,
did an investment or partnership follow, do you want to go on. With nothing left to answer,
``/intro`` lists the introductions made, with each contact.
"""

from __future__ import annotations

from bot import notices
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Business, Match, Member
from bot.store.matches import BUSINESS, INTRODUCED, MEMBER, PROPOSED
from bot.store.outcomes import FOLLOW_UP_ANSWERS

FLOW_NAME = "intro"
ASK_PROPOSAL = "ask_proposal"
ASK_DECLINE = "ask_decline"
ASK_MET = "ask_met"
ASK_PLAN = "ask_plan"
ASK_INVESTMENT = "ask_investment"
ASK_CONTINUE = "ask_continue"
ACCEPT = "accept"
DECLINE = "decline"
LATER = "later"
DECLINE_REASONS = ("not_relevant", "no_time", "other")


async def intro(ctx: Context, payload: str) -> Go | None:
    """``/intro``: the next proposal or follow-up to answer, else the introductions made."""
    if ctx.member is None:
        ctx.say(ctx.t("intro.none"))
        return None
    waiting = await _next(ctx)
    if waiting is not None:
        return waiting
    made = [
        (match, side)
        for match, side in await ctx.store.matches.involving(ctx.member.id)
        if match.status == INTRODUCED
    ]
    if not made:
        ctx.say(ctx.t("intro.none"))
        return None
    cards = []
    for match, side in made:
        cards.append(await _card(ctx, match, side))
    ctx.say("\n\n".join([ctx.t("intro.made_heading"), *cards]))
    return None


async def _next(ctx: Context) -> Go | None:
    """The oldest proposal waiting for this person's answer, else their oldest follow-up."""
    assert ctx.member is not None
    waiting = await ctx.store.matches.awaiting(ctx.member.id)
    if waiting:
        match, side = waiting[0]
        return Go(FLOW_NAME, ASK_PROPOSAL, {"match": match.id, "side": side})
    follow_ups = await ctx.store.outcomes.open_for(ctx.member.id)
    if follow_ups:
        follow_up, match = follow_ups[0]
        answers = {"match": match.id, "side": follow_up.side, "follow_up": follow_up.id}
        return Go(FLOW_NAME, ASK_MET, answers)
    return None


async def _then(ctx: Context) -> str | Go:
    """What comes after an answer: the next thing to answer, or the end."""
    waiting = await _next(ctx)
    return END if waiting is None else waiting


async def _match(ctx: Context) -> Match | None:
    """The match being answered, if this person is still the side they answer for."""
    match_id = ctx.answers.get("match")
    match = await ctx.store.matches.get(match_id) if isinstance(match_id, int) else None
    if match is None or ctx.member is None:
        return None
    side = ctx.answers.get("side")
    mine = {(found.id, found_side) for found, found_side in await _involving(ctx)}
    return match if (match.id, side) in mine else None


async def _involving(ctx: Context) -> list[tuple[Match, str]]:
    assert ctx.member is not None
    return await ctx.store.matches.involving(ctx.member.id)


async def _people(ctx: Context, match: Match) -> tuple[Business | None, Member | None]:
    """The business, and the member who offered help."""
    people = await notices.sides(ctx.store, match)
    return people[MEMBER][1], people[MEMBER][0]


async def _card(ctx: Context, match: Match, side: str) -> str:
    """The other side's name and contact (introduced matches only)."""
    if match.status != INTRODUCED:
        raise ValueError(f"match {match.id} is not introduced: no contact may be shown")
    business, helper = await _people(ctx, match)
    assert ctx.member is not None
    if business is None:
        return ctx.t("profile.not_given")
    offer = await ctx.store.offers.of_member(match.member_id)
    other = helper if side == BUSINESS else None
    return notices.card_for(ctx.content, side, ctx.member, other, business, offer)


async def ask_proposal(ctx: Context) -> Question:
    """Shows the anonymised summary of the other side and asks: introduce us?"""
    match = await _match(ctx)
    if match is None or match.status != PROPOSED:
        return Question(ctx.t("intro.gone"))
    business, helper = await _people(ctx, match)
    offer = await ctx.store.offers.of_member(match.member_id)
    side = ctx.answers["side"]
    if side == BUSINESS and helper is not None and offer is not None:
        summary = notices.member_summary(ctx.content, ctx.language, helper, offer)
    elif business is not None:
        summary = notices.business_summary(ctx.content, ctx.language, business)
    else:
        summary = ctx.t("profile.not_given")
    return Question(
        ctx.t(f"intro.ask_proposal_{side}", summary=summary),
        options=[
            Option(ACCEPT, ctx.t("intro.accept")),
            Option(DECLINE, ctx.t("intro.decline")),
            Option(LATER, ctx.t("intro.later_button")),
        ],
        back=False,
    )


async def got_proposal(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Accepts (introducing both once the other side accepted too), asks why on a decline, or
    leaves it for later."""
    if answer.choice == LATER:
        ctx.say(ctx.t("intro.later", days=notices.DAYS_TO_ANSWER))
        return END
    if answer.choice == DECLINE:
        return ASK_DECLINE
    if answer.choice != ACCEPT:
        return Retry(ctx.t("registration.pick_from_list"))
    match = await _match(ctx)
    answered = (
        await ctx.store.matches.answer(match.id, ctx.answers["side"], True, ctx.now())
        if match is not None
        else None
    )
    if answered is None:
        ctx.say(ctx.t("intro.gone"))
        return await _then(ctx)
    assert ctx.member is not None
    actor = f"member:{ctx.member.id}"
    subject = f"match:{answered.match.id}"
    await ctx.store.audit.record(actor, "match.accepted", ctx.now(), subject=subject)
    if answered.moved_to == INTRODUCED:
        await ctx.store.audit.record(actor, "match.introduced", ctx.now(), subject=subject)
        card = await _card(ctx, answered.match, ctx.answers["side"])
        ctx.say(ctx.t("intro.introduced", card=card))
        await notices.tell_introduced(
            ctx.store, ctx.content, answered.match, ctx.now(), spare=ctx.member.id
        )
    else:
        ctx.say(ctx.t("intro.accepted"))
    return await _then(ctx)


async def ask_decline(ctx: Context) -> Question:
    """Asks, optionally, why they decline."""
    return Question(
        ctx.t("intro.ask_decline"),
        options=[Option(code, ctx.t(f"intro.decline_reasons.{code}")) for code in DECLINE_REASONS],
        skip=True,
    )


async def got_decline(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Declines with the reason given; the other side is told it will not go ahead."""
    if not answer.skipped and answer.choice not in DECLINE_REASONS:
        return Retry(ctx.t("registration.pick_from_list"))
    match = await _match(ctx)
    note = None if answer.skipped else answer.choice
    answered = (
        await ctx.store.matches.answer(match.id, ctx.answers["side"], False, ctx.now(), note=note)
        if match is not None
        else None
    )
    if answered is None:
        ctx.say(ctx.t("intro.gone"))
        return await _then(ctx)
    assert ctx.member is not None
    await ctx.store.audit.record(
        f"member:{ctx.member.id}",
        "match.declined",
        ctx.now(),
        subject=f"match:{answered.match.id}",
        reason=note,
    )
    await notices.tell_closed(
        ctx.store, ctx.content, answered.match, ctx.now(), why="declined", spare=ctx.member.id
    )
    ctx.say(ctx.t("intro.declined"))
    return await _then(ctx)


async def _other_name(ctx: Context) -> str:
    """The other side's name, for the follow-up questions (they were introduced)."""
    match = await _match(ctx)
    if match is None:
        return ""
    business, helper = await _people(ctx, match)
    if ctx.answers.get("side") == MEMBER:
        return business.name if business else ""
    return (helper.name if helper else None) or ""


def _choice(ctx: Context, key: str, name: str, *, skip: bool = False, **values: str) -> Question:
    """A follow-up question whose options are the answers :data:`FOLLOW_UP_ANSWERS` allows."""
    return Question(
        ctx.t(f"intro.ask_{key}", **values),
        options=[
            Option(code, ctx.t(f"intro.answers.{name}.{code}")) for code in FOLLOW_UP_ANSWERS[name]
        ],
        skip=skip,
    )


async def ask_met(ctx: Context) -> Question:
    """Asks whether they met."""
    return _choice(ctx, "met", "met", other=await _other_name(ctx))


async def got_met(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the answer and asks how far the business plan is."""
    return _keep(ctx, answer, "met", ASK_PLAN)


async def ask_plan(ctx: Context) -> Question:
    """Asks whether the business plan is drafted or completed."""
    return _choice(ctx, "plan", "plan")


async def got_plan(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the answer and asks about an investment or partnership."""
    return _keep(ctx, answer, "plan", ASK_INVESTMENT)


async def ask_investment(ctx: Context) -> Question:
    """Asks whether an investment or partnership followed."""
    return _choice(ctx, "investment", "investment")


async def got_investment(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the answer and asks whether they want to go on."""
    return _keep(ctx, answer, "investment", ASK_CONTINUE)


async def ask_continue(ctx: Context) -> Question:
    """Asks whether they want to go on working together."""
    return _choice(ctx, "continue", "continues")


def _keep(ctx: Context, answer: Answer, name: str, then: str) -> str | Retry:
    if answer.choice not in FOLLOW_UP_ANSWERS[name]:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers[name] = answer.choice
    return then


async def got_continue(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Records the follow-up (a "no" ends the introduction) and thanks them."""
    kept = _keep(ctx, answer, "continues", END)
    if isinstance(kept, Retry):
        return kept
    follow_up = ctx.answers.get("follow_up")
    given = {name: ctx.answers[name] for name in FOLLOW_UP_ANSWERS if name in ctx.answers}
    match = (
        await ctx.store.outcomes.record(follow_up, given, ctx.now())
        if isinstance(follow_up, int) and await _match(ctx) is not None
        else None
    )
    if match is None:
        ctx.say(ctx.t("intro.gone"))
        return await _then(ctx)
    assert ctx.member is not None
    await ctx.store.audit.record(
        f"member:{ctx.member.id}", "match.follow_up", ctx.now(), subject=f"match:{match.id}"
    )
    ctx.say(ctx.t("intro.follow_up_thanks" if given["continues"] == "yes" else "intro.ended"))
    return await _then(ctx)


FLOW = Flow(
    name=FLOW_NAME,
    start=ASK_PROPOSAL,
    states={
        ASK_PROPOSAL: State(ask_proposal, got_proposal),
        ASK_DECLINE: State(ask_decline, got_decline),
        ASK_MET: State(ask_met, got_met),
        ASK_PLAN: State(ask_plan, got_plan),
        ASK_INVESTMENT: State(ask_investment, got_investment),
        ASK_CONTINUE: State(ask_continue, got_continue),
    },
)
