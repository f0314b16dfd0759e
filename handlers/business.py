"""A local business asks for help: ``/business`` and the deep link ``/start business`` (QR posters
for municipalities and chambers of commerce).

The contact person chooses a language and consents (the business consent: what is asked, that
a summary without name or contact is shown to members who may help, who sees the rest), then
answers the questions of :mod:`handlers.business_form`, checks a summary and sends it. Someone
who already has requests sees them instead, and may pause, resume, close or change one, or make
another.

A request a municipality sent us (``businesses import``) joins its contact person only when they
prove its phone number is theirs: writing from it on WhatsApp (they are asked "is this yours?"
at once) or sharing it with Telegram's own-contact button. Nothing is sent to anyone about an
imported request before that.
"""

from __future__ import annotations

from typing import Any

from bot.flow import EDITING, END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option, address_id
from bot.store import Business
from bot.store.businesses import CHAT, CLOSED, OPEN, PAUSED
from bot.store.matches import PROPOSED
from handlers import answers, business_form, changes, labels, registration, withdrawals
from handlers.business_states import (
    ASK_CLAIM,
    ASK_CONSENT,
    ASK_CONTACT_NAME,
    ASK_DESCRIPTION,
    ASK_LANGUAGE,
    ASK_LANGUAGES,
    ASK_MANAGE,
    ASK_MUNICIPALITY,
    ASK_NAME,
    ASK_NEEDS,
    ASK_REACH,
    ASK_REQUEST,
    ASK_SECTOR,
    ASK_STAGE,
    FIELD_STATES,
    SUMMARY,
)

LINK = "business"
AGREE = "agree"
DECLINE = "decline"
YES = "yes"
NO = "no"
SEND = "send"
NEW = "new"
PAUSE = "pause"
RESUME = "resume"
CLOSE = "close"
CHANGE = "change"
_REQUEST = "request:"
# Answers kept by the conversation besides the request's own fields.
_CLAIM = "_claim"
_NOT_MINE = "_not_mine"
_EDITING = "_business"
# What a request must say before it is sent.
REQUIRED = ("name", "municipality", "sector", "stage", "needs", "description", "contact_name")


async def business(ctx: Context, payload: str) -> Go | None:
    """``/business``: a new request, or the contact person's requests."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if ctx.member is not None and await ctx.store.businesses.of_member(ctx.member.id):
        return Go(FLOW.name, ASK_MANAGE)
    if ctx.member is None:
        ctx.say(ctx.t("business.greeting"))
        return Go(FLOW.name, ASK_LANGUAGE)
    return Go(FLOW.name, ASK_CONSENT)


async def open_link(ctx: Context) -> Go | None:
    """The deep link ``/start business``: like ``/business``."""
    return await business(ctx, "")


async def ask_language(ctx: Context) -> Question:
    """Asks which language the contact person wants."""
    return Question(
        ctx.t("registration.ask_language"),
        options=labels.language_options(ctx),
        back=False,
        columns=2,
    )


async def got_language(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the language and asks for consent."""
    if answer.choice not in ctx.content.languages:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.language = ctx.answers["_lang"] = answer.choice
    return ASK_CONSENT


async def ask_consent(ctx: Context) -> Question:
    """Explains what is asked of a business, who sees it and for how long, and asks for
    consent."""
    return Question(
        ctx.t("business.consent", version=ctx.settings.consent_version),
        options=[Option(AGREE, ctx.t("consent.agree")), Option(DECLINE, ctx.t("consent.decline"))],
    )


async def got_consent(ctx: Context, answer: Answer) -> str | Retry:
    """On consent, keeps the person (a newcomer becomes a contact person) and asks about the
    business — first whether a request sent from this WhatsApp number is theirs."""
    if answer.choice == DECLINE:
        ctx.say(ctx.t("business.declined"))
        if ctx.member is None:
            ctx.forget = True
        return END
    if answer.choice != AGREE:
        return Retry(ctx.t("consent.pick"))
    if ctx.member is None:
        ctx.member = await ctx.store.members.create(
            ctx.address,
            language=ctx.language,
            consent_version=ctx.settings.consent_version,
            now=ctx.now(),
        )
    ctx.answers["_consent"] = ctx.settings.consent_version
    if ctx.channel == "whatsapp":
        phone = answers.shared_phone(address_id(ctx.address))
        found = await ctx.store.businesses.unclaimed_with_phone(phone) if phone else []
        if found:
            ctx.answers[_CLAIM] = found[0].id
            return ASK_CLAIM
    return ASK_NAME


async def _claimable(ctx: Context) -> Business | None:
    """The imported request this chat's proved number may claim (asked about)."""
    business_id = ctx.answers.get(_CLAIM)
    found = await ctx.store.businesses.get(business_id) if business_id else None
    return found if found is not None and found.member_id is None else None


async def ask_claim(ctx: Context) -> Question:
    """Shows the request a municipality sent us with this number, and asks if it is theirs."""
    found = await _claimable(ctx)
    text = ctx.t(
        "business.ask_claim",
        name=found.name if found else "",
        municipality=(found.municipality if found else None) or "",
        source=found.source if found else "",
    )
    return Question(
        text,
        options=[Option(YES, ctx.t("business.claim_yes")), Option(NO, ctx.t("business.claim_no"))],
        back=False,
    )


async def got_claim(ctx: Context, answer: Answer) -> str | Retry:
    """Takes the imported request's answers (to check and complete), or starts a new one."""
    if answer.choice == NO:
        ctx.answers.pop(_CLAIM, None)
        ctx.answers[_NOT_MINE] = True
        return ASK_NAME
    if answer.choice != YES:
        return Retry(ctx.t("registration.pick_from_list"))
    found = await _claimable(ctx)
    if found is None:
        ctx.say(ctx.t("business.claim_gone"))
        return ASK_NAME
    given = {key: value for key, value in found.answers().items() if value not in (None, [], "")}
    ctx.answers.update(given)
    ctx.answers["phone"] = answers.shared_phone(address_id(ctx.address))
    ctx.answers["proved"] = True
    # What the municipality's list lacks is asked when they send it (see got_summary).
    return SUMMARY


def summary_text(ctx: Context, given: dict[str, Any]) -> str:
    """Every answer of a request, one a line, as the contact person reads it."""
    not_given = ctx.t("profile.not_given")

    def shown(name: str) -> str:
        value = given.get(name)
        if name == "reach":
            reach = " · ".join(v for v in (given.get("phone"), given.get("email")) if v)
            return reach or not_given
        if value in (None, "", []):
            return not_given
        if name == "sector":
            return ctx.t(f"sectors.{value}")
        if name == "stage":
            return ctx.t(f"stages.{value}")
        if name in ("needs", "languages"):
            group = "needs" if name == "needs" else "spoken_languages"
            return ", ".join(ctx.t(f"{group}.{code}") for code in value)
        return str(value)

    return "\n".join(f"{ctx.t(f'business_fields.{name}')}: {shown(name)}" for name in FIELD_STATES)


async def ask_summary(ctx: Context) -> Question:
    """Shows every answer, offers to change any of them, and asks to send the request."""
    text = f"{ctx.t('business.summary_heading')}\n\n{summary_text(ctx, ctx.answers)}"
    options = [Option(SEND, ctx.t("business.send"))]
    options += changes.change_options(ctx, FIELD_STATES, "business_fields")
    return Question(text, options=options, back=False, columns=2)


async def got_summary(ctx: Context, answer: Answer) -> str | Retry:
    """Sends the request (joining an imported one this person proved is theirs), or opens the
    question of the answer to change."""
    state = changes.changed(ctx, answer.choice, FIELD_STATES)
    if state is not None:
        return state
    if answer.choice != SEND:
        return Retry(ctx.t("registration.pick_from_list"))
    if ctx.member is None:
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    missing = next((name for name in REQUIRED if not ctx.answers.get(name)), None)
    if missing is not None:
        # An imported request, or a question skipped on the way: asked now, then back here.
        ctx.say(ctx.t("business.missing", field=ctx.t(f"business_fields.{missing}")))
        ctx.answers[EDITING] = True
        return FIELD_STATES[missing]
    saved = await _save(ctx)
    await ctx.store.audit.record(
        f"member:{ctx.member.id}",
        "business.request",
        ctx.now(),
        subject=f"business:{saved.id}",
        claimed=saved.imported,
    )
    ctx.say(ctx.t("business.saved", name=saved.name))
    return END


async def _save(ctx: Context) -> Business:
    """Writes the request: a change to one of theirs, an imported one they proved is theirs,
    or a new one."""
    assert ctx.member is not None
    member, now = ctx.member, ctx.now()
    values: dict[str, Any] = {
        name: ctx.answers.get(name) for name in (*FIELD_STATES, "phone", "email")
    }
    values.pop("reach")
    if not member.name and values.get("contact_name"):
        await ctx.store.members.update(member.id, now, name=values["contact_name"])
        member.name = values["contact_name"]
    editing = ctx.answers.get(_EDITING)
    mine = await ctx.store.businesses.get(editing) if editing else None
    if mine is not None and mine.member_id == member.id:
        await ctx.store.businesses.update(
            mine.id, now, proved_phone=bool(ctx.answers.get("proved")), **values
        )
        updated = await ctx.store.businesses.get(mine.id)
        assert updated is not None
        return updated
    phone = values.get("phone")
    if ctx.answers.get("proved") and phone and not ctx.answers.get(_NOT_MINE):
        for imported in await ctx.store.businesses.unclaimed_with_phone(phone):
            claimed = await ctx.store.businesses.claim(
                imported.id,
                member.id,
                phone,
                now,
                consent_version=ctx.answers.get("_consent") or ctx.settings.consent_version,
                answers=values,
            )
            if claimed is not None:
                ctx.say(ctx.t("business.claimed", source=claimed.source))
                return claimed
    return await ctx.store.businesses.create(
        Business(
            0,
            values.get("name") or "",
            CHAT,
            member_id=member.id,
            proved_phone=bool(ctx.answers.get("proved")),
            **{name: value for name, value in values.items() if name != "name"},
        ),
        now,
        consent_version=ctx.answers.get("_consent") or ctx.settings.consent_version,
    )


async def ask_manage(ctx: Context) -> Question:
    """Lists the contact person's requests with their status, and offers a new one."""
    mine = await ctx.store.businesses.of_member(ctx.member.id) if ctx.member else []
    lines = [ctx.t("business.mine_heading")]
    lines += [f"🏢 {b.name} — {ctx.t(f'business.status.{b.status}')}" for b in mine]
    options = [Option(f"{_REQUEST}{b.id}", b.name) for b in mine]
    options.append(Option(NEW, ctx.t("business.new")))
    return Question("\n".join(lines), options=options, back=False)


async def got_manage(ctx: Context, answer: Answer) -> str | Retry:
    """Opens one request, or starts a new one (after the business consent)."""
    if answer.choice == NEW:
        for name in (*FIELD_STATES, "phone", "email", "proved", _EDITING):
            ctx.answers.pop(name, None)
        return ASK_CONSENT
    chosen = await _chosen(ctx, answer.choice)
    if chosen is None:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers[_EDITING] = chosen.id
    return ASK_REQUEST


async def _chosen(ctx: Context, choice: str | None) -> Business | None:
    """The contact person's own request named by a button (``request:<id>``)."""
    if ctx.member is None or not choice or not choice.startswith(_REQUEST):
        return None
    number = choice.removeprefix(_REQUEST)
    found = await ctx.store.businesses.get(int(number)) if number.isdigit() else None
    return found if found is not None and found.member_id == ctx.member.id else None


async def ask_request(ctx: Context) -> Question:
    """One request: its answers and status; pause, resume, close or change it."""
    found = await _chosen(ctx, f"{_REQUEST}{ctx.answers.get(_EDITING)}")
    if found is None:
        return Question(ctx.t("business.gone"))
    given = {**found.answers(), "proved": found.proved_phone}
    text = "\n".join(
        [
            f"🏢 {found.name} — {ctx.t(f'business.status.{found.status}')}",
            "",
            summary_text(ctx, given),
        ]
    )
    options = [Option(CHANGE, ctx.t("business.change"))]
    if found.status == OPEN:
        options.append(Option(PAUSE, ctx.t("business.pause")))
    elif found.status == PAUSED:
        options.append(Option(RESUME, ctx.t("business.resume")))
    if found.status != CLOSED:
        options.append(Option(CLOSE, ctx.t("business.close")))
    else:
        options = []
    return Question(text, options=options)


async def got_request(ctx: Context, answer: Answer) -> str | Retry:
    """Pauses, resumes or closes the request (proposals still open are withdrawn and the
    members told), or opens its summary to change it."""
    found = await _chosen(ctx, f"{_REQUEST}{ctx.answers.get(_EDITING)}")
    if found is None:
        return Retry(ctx.t("business.gone"))
    if answer.choice == CHANGE:
        ctx.answers.update({**found.answers(), "proved": found.proved_phone})
        return SUMMARY
    status = {PAUSE: PAUSED, RESUME: OPEN, CLOSE: CLOSED}.get(answer.choice or "")
    if status is None or status == found.status or found.status == CLOSED:
        return Retry(ctx.t("registration.pick_from_list"))
    await ctx.store.businesses.update(found.id, ctx.now(), status=status)
    await ctx.store.audit.record(
        f"member:{found.member_id}", f"business.{status}", ctx.now(), subject=f"business:{found.id}"
    )
    if status != OPEN:
        open_ones = [
            match
            for match in await ctx.store.matches.of_business(found.id)
            if match.status == PROPOSED
        ]
        await withdrawals.withdraw(ctx, open_ones, reason=f"request {status} by the business")
    ctx.say(ctx.t(f"business.now_{status}", name=found.name))
    return END


async def on_cancel(ctx: Context) -> None:
    """Drops the unsent answers; someone who consented here and holds nothing else (no name,
    no request, not registered) is erased entirely."""
    member = ctx.member
    if (
        member is not None
        and not member.name
        and not member.registered
        and not await ctx.store.businesses.of_member(member.id)
    ):
        await ctx.store.members.delete(member.id)
        ctx.member = None
        ctx.forget = True
    ctx.say(ctx.t("engine.cancelled"))


FLOW = Flow(
    name="business",
    start=ASK_LANGUAGE,
    summary=SUMMARY,
    on_cancel=on_cancel,
    states={
        ASK_LANGUAGE: State(ask_language, got_language),
        ASK_CONSENT: State(ask_consent, got_consent),
        ASK_CLAIM: State(ask_claim, got_claim),
        ASK_NAME: State(business_form.ask_name, business_form.got_name),
        ASK_MUNICIPALITY: State(business_form.ask_municipality, business_form.got_municipality),
        ASK_SECTOR: State(business_form.ask_sector, business_form.got_sector),
        ASK_STAGE: State(business_form.ask_stage, business_form.got_stage),
        ASK_NEEDS: State(business_form.ask_needs, business_form.got_needs),
        ASK_DESCRIPTION: State(business_form.ask_description, business_form.got_description),
        ASK_LANGUAGES: State(business_form.ask_languages, business_form.got_languages),
        ASK_CONTACT_NAME: State(business_form.ask_contact_name, business_form.got_contact_name),
        ASK_REACH: State(business_form.ask_reach, business_form.got_reach),
        SUMMARY: State(ask_summary, got_summary),
        ASK_MANAGE: State(ask_manage, got_manage),
        ASK_REQUEST: State(ask_request, got_request),
    },
)
