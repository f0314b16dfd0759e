"""A member offers help to local businesses: ``/offer``, the deep link ``/start offer``, and the
invitation at the end of registration for members interested in mentoring local businesses or
investing (:func:`handlers.offer_states.invitation`).

A newcomer gives consent, name and country first (:func:`registration.minimal`). The offer's
questions are in :mod:`handlers.offer_form`; here are the invitation, the summary, saving, and
managing an offer: change it, pause or resume it, or withdraw it. Pausing or withdrawing takes
back the introductions still waiting for answers (the businesses are told it will not go
ahead); introductions already made stay.
"""

from __future__ import annotations

from typing import Any

from bot.flow import EDITING, END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Offer
from bot.store.offers import ACTIVE, FIELDS, PAUSED, WITHDRAWN
from handlers import changes, offer_form, registration, withdrawals
from handlers.offer_states import (
    ASK_CONTACT,
    ASK_GIVES,
    ASK_HOURS,
    ASK_INVESTMENT,
    ASK_INVITE,
    ASK_LANGUAGES,
    ASK_MANAGE,
    ASK_MODE,
    ASK_SECTORS,
    ASK_WITHDRAW,
    FIELD_STATES,
    FLOW_NAME,
    SUMMARY,
)

LINK = "offer"
YES = "yes"
NO = "no"
SAVE = "save"
CHANGE = "change"
PAUSE = "pause"
RESUME = "resume"
WITHDRAW = "withdraw"


async def offer(ctx: Context, payload: str) -> Go | None:
    """``/offer``: the member's offer, or a new one (after the minimum registration)."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if not registration.has_minimum(ctx.member):
        ctx.say(ctx.t("offer.register_first"))
        return registration.minimal(ctx, Go(FLOW_NAME, ASK_GIVES))
    assert ctx.member is not None
    existing = await ctx.store.offers.of_member(ctx.member.id)
    if existing is not None and existing.status != WITHDRAWN:
        return Go(FLOW_NAME, ASK_MANAGE)
    return Go(FLOW_NAME, ASK_GIVES, _first_answers(ctx))


async def open_link(ctx: Context) -> Go | None:
    """The deep link ``/start offer``: like ``/offer``."""
    return await offer(ctx, "")


def _first_answers(ctx: Context) -> dict[str, Any]:
    """A new offer begins with the profile's sector and languages ticked."""
    member = ctx.member
    if member is None:
        return {}
    sectors = [member.sector] if member.sector in offer_form.sectors(ctx) else []
    return {"sectors": sectors, "languages": list(member.languages)}


async def ask_invite(ctx: Context) -> Question:
    """Invites a member who just registered with an interest in businesses to offer help."""
    return Question(
        ctx.t("offer.invite"),
        options=[Option(YES, ctx.t("offer.invite_yes")), Option(NO, ctx.t("offer.invite_no"))],
        back=False,
    )


async def got_invite(ctx: Context, answer: Answer) -> str | Retry:
    """Starts the offer, or says how to offer later."""
    if answer.choice == NO:
        ctx.say(ctx.t("offer.later"))
        return END
    if answer.choice != YES:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers.update(_first_answers(ctx))
    return ASK_GIVES


def offer_text(ctx: Context, given: dict[str, Any]) -> str:
    """Every answer of an offer, one a line, as the member reads it."""
    not_given = ctx.t("profile.not_given")

    def shown(name: str) -> str:
        value = given.get(name)
        if value in (None, "", []):
            return not_given
        if name in ("gives", "sectors", "languages"):
            group = {"gives": "needs", "sectors": "sectors", "languages": "spoken_languages"}
            return ", ".join(ctx.t(f"{group[name]}.{code}") for code in value)
        if name == "mode":
            return ctx.t(f"work_modes.{value}")
        if name == "hours":
            return ctx.t("offer.hours_value", hours=value)
        if name == "investment":
            return ctx.t(f"investment_ranges.{value}")
        return str(value)

    shown_fields = [
        name
        for name in FIELD_STATES
        if name != "investment" or "investment" in given.get("gives", [])
    ]
    return "\n".join(f"{ctx.t(f'offer_fields.{name}')}: {shown(name)}" for name in shown_fields)


async def ask_summary(ctx: Context) -> Question:
    """Shows every answer, offers to change any of them, and asks to save the offer."""
    text = f"{ctx.t('offer.summary_heading')}\n\n{offer_text(ctx, ctx.answers)}"
    states = {
        name: state
        for name, state in FIELD_STATES.items()
        if name != "investment" or "investment" in ctx.answers.get("gives", [])
    }
    options = [Option(SAVE, ctx.t("offer.save"))]
    options += changes.change_options(ctx, states, "offer_fields")
    return Question(text, options=options, back=False, columns=2)


async def got_summary(ctx: Context, answer: Answer) -> str | Retry:
    """Saves the offer (active), or opens the question of the answer to change."""
    state = changes.changed(ctx, answer.choice, FIELD_STATES)
    if state is not None:
        return state
    if answer.choice != SAVE:
        return Retry(ctx.t("registration.pick_from_list"))
    if ctx.member is None:
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    given = {name: ctx.answers.get(name) for name in FIELDS}
    if "investment" not in (given.get("gives") or []):
        given["investment"] = None
    missing = next(
        (name for name in ("gives", "mode", "hours", "contact") if not given[name]), None
    )
    if missing is not None:
        ctx.say(ctx.t("offer.missing", field=ctx.t(f"offer_fields.{missing}")))
        ctx.answers[EDITING] = True
        return FIELD_STATES[missing]
    saved = await ctx.store.offers.save(ctx.member.id, given, ctx.now())
    await ctx.store.audit.record(
        f"member:{ctx.member.id}", "offer.saved", ctx.now(), subject=f"offer:{saved.id}"
    )
    ctx.say(ctx.t("offer.saved", name=ctx.member.first_name))
    return END


async def _mine(ctx: Context) -> Offer | None:
    return await ctx.store.offers.of_member(ctx.member.id) if ctx.member else None


async def ask_manage(ctx: Context) -> Question:
    """The member's offer with its status: change, pause or resume, or withdraw it."""
    mine = await _mine(ctx)
    if mine is None:
        return Question(ctx.t("offer.none"), back=False)
    text = "\n".join(
        [
            ctx.t("offer.mine_heading", status=ctx.t(f"offer.status.{mine.status}")),
            "",
            offer_text(ctx, mine.answers()),
        ]
    )
    options = [Option(CHANGE, ctx.t("offer.change"))]
    if mine.status == ACTIVE:
        options.append(Option(PAUSE, ctx.t("offer.pause")))
    elif mine.status == PAUSED:
        options.append(Option(RESUME, ctx.t("offer.resume")))
    options.append(Option(WITHDRAW, ctx.t("offer.withdraw")))
    return Question(text, options=options, back=False)


async def got_manage(ctx: Context, answer: Answer) -> str | Retry:
    """Opens the summary to change the offer, pauses or resumes it, or asks before
    withdrawing it."""
    mine = await _mine(ctx)
    if mine is None:
        return Retry(ctx.t("offer.none"))
    if answer.choice == CHANGE:
        ctx.answers.update(mine.answers())
        return SUMMARY
    if answer.choice == WITHDRAW:
        return ASK_WITHDRAW
    status = {PAUSE: PAUSED, RESUME: ACTIVE}.get(answer.choice or "")
    if status is None or status == mine.status:
        return Retry(ctx.t("registration.pick_from_list"))
    await _set_status(ctx, status)
    return END


async def ask_withdraw(ctx: Context) -> Question:
    """Asks the member to confirm withdrawing the offer."""
    return Question(
        ctx.t("offer.ask_withdraw"),
        options=[Option(YES, ctx.t("offer.withdraw_yes")), Option(NO, ctx.t("offer.withdraw_no"))],
    )


async def got_withdraw(ctx: Context, answer: Answer) -> str | Retry:
    """Withdraws the offer, or keeps it."""
    if answer.choice == NO:
        ctx.say(ctx.t("offer.kept"))
        return END
    if answer.choice != YES:
        return Retry(ctx.t("registration.pick_from_list"))
    await _set_status(ctx, WITHDRAWN)
    return END


async def _set_status(ctx: Context, status: str) -> None:
    """Changes the offer's status; pausing or withdrawing takes back the proposals still open."""
    assert ctx.member is not None
    await ctx.store.offers.set_status(ctx.member.id, status, ctx.now())
    await ctx.store.audit.record(
        f"member:{ctx.member.id}", f"offer.{status}", ctx.now(), subject=f"member:{ctx.member.id}"
    )
    if status != ACTIVE:
        open_ones = await ctx.store.matches.of_members_proposed(ctx.member.id)
        await withdrawals.withdraw(ctx, open_ones, reason=f"offer {status} by the member")
    ctx.say(ctx.t(f"offer.now_{status}"))


FLOW = Flow(
    name=FLOW_NAME,
    start=ASK_GIVES,
    summary=SUMMARY,
    states={
        ASK_INVITE: State(ask_invite, got_invite),
        ASK_GIVES: State(offer_form.ask_gives, offer_form.got_gives),
        ASK_SECTORS: State(offer_form.ask_sectors, offer_form.got_sectors),
        ASK_LANGUAGES: State(offer_form.ask_languages, offer_form.got_languages),
        ASK_MODE: State(offer_form.ask_mode, offer_form.got_mode),
        ASK_HOURS: State(offer_form.ask_hours, offer_form.got_hours),
        ASK_INVESTMENT: State(offer_form.ask_investment, offer_form.got_investment),
        ASK_CONTACT: State(offer_form.ask_contact, offer_form.got_contact),
        SUMMARY: State(ask_summary, got_summary),
        ASK_MANAGE: State(ask_manage, got_manage),
        ASK_WITHDRAW: State(ask_withdraw, got_withdraw),
    },
)
