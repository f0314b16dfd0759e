"""Account commands: start, help, language, my data, delete, stop."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Attachment, Option
from bot.store import Conversation
from bot.store.conversations import UNFINISHED_FOR
from handlers import business, events, fellowship, labels, offer, registration

ASK_LANGUAGE = "ask_language"
ASK_DELETE = "ask_delete"
YES = "yes"
NO = "no"
# What Telegram allows in a /start payload.
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FELLOWSHIP_LINK = "fellowship"


async def start(ctx: Context, payload: str) -> Go | None:
    """``/start``: greets a newcomer and starts registration; welcomes back and resumes a member.

    A deep link's payload opens what it names: ``ev_<slug>`` that event's RSVP, ``fellowship``
    the fellowship programmes, ``business`` a local business's request for help, ``offer`` a
    member's offer of help.
    """
    member = ctx.member
    link = payload if _PAYLOAD.match(payload) else ""
    if member is not None and member.stopped_at:
        # Whatever else is open: /start is how a member turns announcements back on.
        await ctx.store.members.update(member.id, ctx.now(), stopped_at=None)
        member.stopped_at = None
        ctx.say(ctx.t("stop.resumed"))
        if not link:
            return None
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if link == business.LINK:
        # A local business, not a member of the diaspora: a greeting of its own.
        return await business.open_link(ctx)
    if member is None:
        ctx.say(labels.before_language(ctx, "start.greeting"))
    if link == offer.LINK:
        return await offer.open_link(ctx)
    if link.startswith(events.LINK_PREFIX):
        return await events.open_link(ctx, link.removeprefix(events.LINK_PREFIX))
    if link == FELLOWSHIP_LINK:
        return await fellowship.open_link(ctx)
    if member is not None and (member.registered or registration.has_minimum(member)):
        ctx.say(ctx.t("start.welcome_back", name=member.first_name))
        return None
    if member is not None:
        ctx.say(ctx.t("start.greeting"))
    return await registration.register(ctx, payload)


async def help_(ctx: Context, payload: str) -> Go | None:
    """``/help``: what the bot can do, in the member's language."""
    ctx.say(ctx.t("help.text"))
    return None


async def language(ctx: Context, payload: str) -> Go | None:
    """``/language``: opens the language choice, from anywhere."""
    return Go(LANGUAGE_FLOW.name)


async def ask_language(ctx: Context) -> Question:
    """Asks which language the member wants."""
    options = labels.language_options(ctx)
    return Question(ctx.t("language.ask"), options=options, back=False, columns=2)


async def got_language(ctx: Context, answer: Answer) -> str | Retry:
    """Switches the member's language and confirms in the new one."""
    if answer.choice not in ctx.content.languages:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.language = answer.choice
    if ctx.member is not None:
        await ctx.store.members.update(ctx.member.id, ctx.now(), language=answer.choice)
        ctx.member.language = answer.choice
    else:
        ctx.answers["_lang"] = answer.choice
    ctx.say(ctx.t("language.changed"))
    return END


async def mydata(ctx: Context, payload: str) -> Go | None:
    """``/mydata``: everything held on the member, as a message and as a JSON file."""
    member = ctx.member
    if member is None:
        await _guest_data(ctx)
        return None
    data = await ctx.store.personal_data(member.id)
    # Answers of a registration under way are held too (with the conversation): shown apart,
    # since the profile does not hold them until the member confirms.
    given = registration.unsaved(ctx)
    pending = ["", ctx.t("mydata.unsaved"), labels.profile_text(ctx, given)] if given else []
    text = "\n".join(
        [
            ctx.t("mydata.heading"),
            "",
            labels.profile_text(ctx, member.profile()),
            *pending,
            "",
            ctx.t(
                "mydata.record",
                language=ctx.content.text(member.language, "language_name"),
                consent_version=member.consent_version,
                consent_at=member.consent_at[:16].replace("T", " "),
                registered_at=(
                    member.registered_at[:16].replace("T", " ") + " UTC"
                    if member.registered_at
                    else ctx.t("mydata.not_registered")
                ),
                stopped=ctx.t("mydata.yes") if member.stopped_at else ctx.t("mydata.no"),
                addresses=", ".join(address["address"] for address in data["addresses"]),
            ),
            "",
            ctx.t("mydata.file"),
        ]
    )
    blob = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    ctx.say(text, file=Attachment(f"mydata-{member.id}.json", blob, "application/json"))
    return None


def _guest_answer(answers: dict[str, Any], key: str) -> Any:
    """An answer kept by the conversation, or by the flow it interrupted (``_resume``)."""
    while answers:
        if answers.get(key):
            return answers[key]
        answers = (answers.get("_resume") or {}).get("answers") or {}
    return None


async def _guest_data(ctx: Context) -> None:
    """``/mydata`` for someone with no profile: the conversation is all that is held (their
    address, the language they chose, the name their app shows, where they stopped), kept
    for :data:`UNFINISHED_FOR` after their last message."""
    held = await ctx.store.conversations.stored(ctx.address) or Conversation(ctx.address)
    not_given = ctx.t("profile.not_given")
    language = _guest_answer(held.answers, "_lang")
    text = ctx.t(
        "mydata.guest",
        days=UNFINISHED_FOR.days,
        address=ctx.address,
        language=(
            ctx.content.text(language, "language_name")
            if language in ctx.content.locales
            else not_given
        ),
        name=_guest_answer(held.answers, "_suggested_name") or not_given,
    )
    data = {
        "conversation": {
            "address": held.address,
            "flow": held.flow,
            "step": held.step,
            "answers": held.answers,
            "updated_at": held.updated_at,
        }
    }
    blob = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    ctx.say(text, file=Attachment("mydata.json", blob, "application/json"))


async def delete(ctx: Context, payload: str) -> Go | None:
    """``/delete``: asks for confirmation before erasing the member, or the conversation of
    someone with no profile; a conversation that holds nothing but the address is forgotten
    at once."""
    if ctx.member is None:
        held = await ctx.store.conversations.stored(ctx.address)
        if held is None or not (held.active or held.answers):
            ctx.forget = True
            ctx.say(ctx.t("delete.nothing"))
            return None
    return Go(DELETE_FLOW.name)


async def ask_delete(ctx: Context) -> Question:
    """Asks the member to confirm that everything about them (or, for someone with no profile,
    the conversation) is to be erased."""
    return Question(
        ctx.t("delete.confirm" if ctx.member is not None else "delete.confirm_guest"),
        options=[Option(YES, ctx.t("delete.yes")), Option(NO, ctx.t("delete.no"))],
        aliases=labels.yes_no(ctx, YES, NO),
        back=False,
        cancel=False,
    )


async def got_delete(ctx: Context, answer: Answer) -> str | Retry:
    """Erases the member and everything linked to them (a guest's conversation), or keeps
    them."""
    if answer.choice == NO:
        ctx.say(ctx.t("delete.kept"))
        return END
    if answer.choice != YES:
        return Retry(ctx.t("registration.pick_from_list"))
    done = "delete.done_guest"
    if ctx.member is not None:
        member_id = ctx.member.id
        await ctx.store.members.delete(member_id)
        await ctx.store.audit.record(
            f"member:{member_id}", "member.erased", ctx.now(), subject=f"member:{member_id}"
        )
        done = "delete.done"
    ctx.member = None
    # The engine erases the conversation (the whole of what a guest had) once the step is over.
    ctx.forget = True
    ctx.say(ctx.t(done))
    return END


async def stop(ctx: Context, payload: str) -> Go | None:
    """``/stop``: no more campaign or broadcast messages until ``/start``."""
    member = ctx.member
    if member is None:
        ctx.say(ctx.t("stop.not_registered"))
        return None
    if not member.stopped_at:
        await ctx.store.members.update(member.id, ctx.now(), stopped_at=ctx.now().isoformat())
        member.stopped_at = ctx.now().isoformat()
    ctx.say(ctx.t("stop.done"))
    return None


async def menu(ctx: Context, payload: str) -> Go | None:
    """``/menu``: nothing to do but show the menu, which the engine does."""
    return None


LANGUAGE_FLOW = Flow(
    name="language",
    start=ASK_LANGUAGE,
    interrupts=True,
    states={ASK_LANGUAGE: State(ask_language, got_language)},
)

DELETE_FLOW = Flow(
    name="delete",
    start=ASK_DELETE,
    interrupts=True,
    states={ASK_DELETE: State(ask_delete, got_delete)},
)
