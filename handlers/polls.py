"""Polls (see polls.mmd): a member answers a poll from content/polls/ — by pressing an option,
typing its number or its words (read by the tolerant matcher, in any language), or in their own
words where the poll takes them — and may change the answer until the poll closes.

A poll arrives through the outbox with its options as buttons whose ids are commands,
``/poll <id> <option>`` (:meth:`bot.content.polls.Poll.buttons`), so a press answers it
whatever the member is doing. A typed answer works too: while the poll is the last thing the
member was sent, its options are what a number or a word is read against (:func:`offers`);
later, words that clearly name an option still answer it (:func:`fallback`), and anything else
is a question for the team, as always.

Every answer leads somewhere: the poll's (or the option's) ``next`` asks the next poll at once —
post-event feedback goes rating → what to improve → what next — or opens events, the
fellowship, an offer of help, a business request, a question or the topics. A poll with several
answers is a checklist with Done; an answer in the member's own words may be skipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot import choices
from bot.content.polls import NEXT_POLL, OWN_WORDS, Poll
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Conversation, PollAnswer
from bot.store.polls import Sent
from bot.text import clean, fold
from handlers import business, dates, events, fellowship, offer, questions, registration, topics

ASK_CHOICE = "ask_choice"
ASK_TEXT = "ask_text"
DONE = "done"
OWN = "own"
# The poll being answered, and the options ticked so far (several answers).
POLL = "poll"
CHOSEN = "chosen"
# An answer in the member's own words is at most this long.
TEXT_LIMIT = 500
# Typed words answer the poll last sent to a member for this long after it went.
REPLY_WINDOW = timedelta(days=3)
# Context.looked_up's name for the poll last sent to the member.
_LAST_ASKED = "polls.last_asked"

Command = Callable[[Context, str], Awaitable["Go | None"]]
# The conversations a poll's answer may open (``next:`` in the poll file).
NEXT_STEPS: Mapping[str, Command] = {
    "events": events.events,
    "fellowship": fellowship.fellowship,
    "offer": offer.offer,
    "business": business.business,
    "ask": questions.ask,
    "topics": topics.topics,
}


def _poll(ctx: Context) -> Poll | None:
    return ctx.content.polls.get(str(ctx.answers.get(POLL, "")))


def _label(ctx: Context, poll: Poll, option: str) -> str:
    found = poll.option(option)
    return found.label(ctx.language, ctx.content.default_language) if found else option


def _answer_text(ctx: Context, poll: Poll, answer: PollAnswer) -> str:
    """The answer as the member reads it: the options' labels, then their own words."""
    parts = [_label(ctx, poll, option) for option in answer.choices]
    if answer.text:
        parts.append(f"“{answer.text}”")
    return ", ".join(parts) or "—"


def _closes(ctx: Context, poll: Poll) -> str:
    assert poll.closes_at is not None
    return dates.moment_text(ctx.content, ctx.language, poll.closes_at, ctx.settings.timezone)


def _refused(ctx: Context, poll: Poll | None) -> bool:
    """Says why the member cannot answer (no such poll, not a member, closed); True then."""
    if poll is None:
        ctx.say(ctx.t("polls.unknown"))
        return True
    if not registration.has_minimum(ctx.member):
        ctx.say(ctx.t("polls.members_only"))
        return True
    if poll.closed(ctx.now()):
        ctx.say(ctx.t("polls.closed", date=_closes(ctx, poll)))
        return True
    return False


def _start_state(poll: Poll) -> str:
    return ASK_CHOICE if poll.options else ASK_TEXT


async def poll(ctx: Context, payload: str) -> Go | None:
    """``/poll <id> [option]``: a press on a poll's button answers it (an option, or "in my own
    words"); without an option, the poll's question."""
    poll_id, _, option = payload.strip().partition(" ")
    found = ctx.content.polls.get(poll_id)
    if _refused(ctx, found):
        return None
    assert found is not None and ctx.member is not None
    option = option.strip()
    if option == OWN_WORDS:
        return Go(FLOW.name, ASK_TEXT, {POLL: found.id})
    if found.option(option) is None:
        return Go(FLOW.name, _start_state(found), {POLL: found.id})
    stored = await ctx.store.polls.get(found.id, ctx.member.id)
    if found.multiple:
        # The tap ticks (or unticks) the option, kept at once; the checklist shows the rest.
        chosen = list(stored.choices) if stored else []
        chosen = [c for c in chosen if c != option] if option in chosen else [*chosen, option]
        ordered = [o.id for o in found.options if o.id in chosen]
        await _record(ctx, found, ordered, stored.text if stored else None)
        return Go(FLOW.name, ASK_CHOICE, {POLL: found.id, CHOSEN: ordered})
    answer = await _record(ctx, found, [option], stored.text if stored else None)
    _thank(ctx, found, answer, changed=stored is not None)
    if ctx.flow is not None and ctx.flow != FLOW.name:
        # In the middle of something else: noted, and the question there is asked again.
        return None
    return await _next_step(ctx, found, answer)


async def _record(ctx: Context, poll: Poll, chosen: list[str], text: str | None) -> PollAnswer:
    """Stores the member's answer (replacing any earlier one)."""
    assert ctx.member is not None
    return await ctx.store.polls.answer(
        poll.id, ctx.member.id, ctx.now(), choices=chosen, text=text, channel=ctx.channel
    )


def _thank(ctx: Context, poll: Poll, answer: PollAnswer, *, changed: bool) -> None:
    """Thanks the member and says what was recorded, and until when it can change."""
    key = "polls.changed" if changed else "polls.thanks"
    text = ctx.t(key, answer=_answer_text(ctx, poll, answer))
    if poll.closes_at is not None:
        text += "\n" + ctx.t("polls.change_until", date=_closes(ctx, poll))
    ctx.say(text)


async def _next_step(ctx: Context, poll: Poll, answer: PollAnswer) -> Go | None:
    """What follows the answer: the next poll (unless answered already), or a conversation."""
    step = poll.next_after(answer.choices)
    if step is None or ctx.answers.get("_resume"):
        # Nothing next, or a flow was put aside for the poll: back to it.
        return None
    if step.startswith(NEXT_POLL):
        following = ctx.content.polls.get(step.removeprefix(NEXT_POLL))
        if following is None or following.closed(ctx.now()):
            return None
        assert ctx.member is not None
        if await ctx.store.polls.get(following.id, ctx.member.id) is not None:
            return None
        return Go(FLOW.name, _start_state(following), {POLL: following.id})
    command = NEXT_STEPS.get(step)
    return await command(ctx, "") if command is not None else None


async def ask_choice(ctx: Context) -> Question:
    """Asks the poll's question with its options (a checklist with Done for several)."""
    found = _poll(ctx)
    if found is None:
        return Question(ctx.t("polls.unknown"))
    default = ctx.content.default_language
    _language, text = found.text(ctx.language, default)
    text = _fill(ctx, text)
    options = [Option(o.id, o.label(ctx.language, default)) for o in found.options]
    if found.free_text:
        options.append(Option(OWN, ctx.t("polls.own_words")))
    aliases = {o.id: tuple(o.labels.values()) for o in found.options}
    if found.multiple:
        selected = frozenset(ctx.answers.get(CHOSEN) or [])
        return Question(
            text,
            options=[*options, Option(DONE, ctx.t("controls.done"))],
            multi=True,
            selected=selected,
            aliases=aliases,
            back=False,
        )
    return Question(text, options=options, aliases=aliases, free_text=found.free_text, back=False)


def _fill(ctx: Context, text: str) -> str:
    """The question with the member's name (and the event's title) filled in."""
    name = ctx.member.first_name if ctx.member is not None else ""
    found = _poll(ctx)
    title = ""
    if found is not None and found.event in ctx.content.events:
        event = ctx.content.events[found.event or ""]
        title = event.text("title", ctx.language, ctx.content.default_language)
    values = {"first_name": name, "name": name, "event_title": title}
    try:
        return text.format_map(_Keep(values))
    except (ValueError, IndexError):
        return text


class _Keep(dict[str, str]):
    """Fills what it knows and leaves other ``{placeholders}`` as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


async def got_choice(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Records the option chosen (or ticks one), or the member's own words; then what next."""
    found = _poll(ctx)
    if _refused(ctx, found):
        return END
    assert found is not None and ctx.member is not None
    ids = [o.id for o in found.options]
    if answer.choice == OWN:
        return ASK_TEXT
    if found.multiple:
        return await _tick(ctx, found, answer, ids)
    if answer.choice in ids:
        return await _answered(ctx, found, [answer.choice or ""], keep_text=True)
    text = clean(answer.text)
    if found.free_text and text and not answer.choices:
        return await _own_words(ctx, found, text)
    return Retry(ctx.t("registration.pick_from_list"))


async def _tick(ctx: Context, found: Poll, answer: Answer, ids: list[str]) -> str | Retry | Go:
    """A checklist: a tap ticks or unticks (kept at once); typed numbers or Done finish it."""
    chosen = list(ctx.answers.get(CHOSEN) or [])
    if answer.choice == DONE or answer.choices:
        if answer.choices:
            if not set(answer.choices) - {DONE} <= set(ids):
                return Retry(ctx.t("registration.pick_from_list"))
            chosen = [i for i in ids if i in answer.choices]
        if not chosen:
            return Retry(ctx.t("polls.pick_several"))
        return await _answered(ctx, found, chosen, keep_text=True)
    if answer.choice not in ids:
        text = clean(answer.text)
        if found.free_text and text:
            return await _own_words(ctx, found, text)
        return Retry(ctx.t("polls.pick_several"))
    chosen = (
        [c for c in chosen if c != answer.choice]
        if answer.choice in chosen
        else [
            *chosen,
            answer.choice or "",
        ]
    )
    ordered = [i for i in ids if i in chosen]
    ctx.answers[CHOSEN] = ordered
    assert ctx.member is not None
    stored = await ctx.store.polls.get(found.id, ctx.member.id)
    await _record(ctx, found, ordered, stored.text if stored else None)
    return ASK_CHOICE


async def _answered(ctx: Context, found: Poll, chosen: list[str], *, keep_text: bool) -> str | Go:
    """Records the options, thanks, and goes on to the next step (or ends)."""
    assert ctx.member is not None
    stored = await ctx.store.polls.get(found.id, ctx.member.id)
    text = stored.text if stored and keep_text else None
    answer = await _record(ctx, found, chosen, text)
    # A checklist was kept tick by tick: Done is a thank-you, not a change.
    _thank(ctx, found, answer, changed=stored is not None and not found.multiple)
    following = await _next_step(ctx, found, answer)
    return following if following is not None else END


async def _own_words(ctx: Context, found: Poll, text: str) -> str | Retry | Go:
    """Records the member's own words beside any options chosen."""
    if len(text) > TEXT_LIMIT:
        return Retry(ctx.t("polls.too_long", limit=TEXT_LIMIT))
    assert ctx.member is not None
    stored = await ctx.store.polls.get(found.id, ctx.member.id)
    answer = await _record(ctx, found, list(stored.choices) if stored else [], text)
    _thank(ctx, found, answer, changed=stored is not None)
    following = await _next_step(ctx, found, answer)
    return following if following is not None else END


async def ask_text(ctx: Context) -> Question:
    """Asks for the answer in the member's own words (a poll of free text only asks its
    question here)."""
    found = _poll(ctx)
    if found is None:
        return Question(ctx.t("polls.unknown"))
    if found.options:
        text = ctx.t("polls.ask_text", limit=TEXT_LIMIT)
    else:
        text = _fill(ctx, found.text(ctx.language, ctx.content.default_language)[1])
    return Question(text, skip=True, free_text=True, back=False)


async def got_text(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Records the member's own words (skipped: goes on to what comes next)."""
    found = _poll(ctx)
    if _refused(ctx, found):
        return END
    assert found is not None and ctx.member is not None
    if answer.skipped:
        stored = await ctx.store.polls.get(found.id, ctx.member.id)
        following = None
        if stored is not None:
            following = await _next_step(ctx, found, stored)
        elif not found.options:
            following = await _next_step(ctx, found, _empty(found, ctx.member.id, ctx.now()))
        return following if following is not None else END
    text = clean(answer.text)
    if not text or not any(char.isalnum() for char in text):
        return Retry(ctx.t("polls.ask_text", limit=TEXT_LIMIT))
    return await _own_words(ctx, found, text)


def _empty(found: Poll, member_id: int, now: datetime) -> PollAnswer:
    """No answer at all (a free-text poll skipped): only for finding what comes next."""
    at = now.isoformat()
    return PollAnswer(found.id, member_id, (), None, None, at, at, 0)


def offered(ctx: Context, poll: Poll) -> list[list[str]]:
    """A poll's buttons as a conversation keeps what was offered: ``[id, label, aliases…]``,
    every language's label an alias, so a member may type any of them."""
    buttons = poll.buttons(ctx.language, ctx.content.default_language, ctx.t("polls.own_words"))
    entries = []
    for button in buttons:
        option = poll.option(button.id.rsplit(" ", 1)[-1])
        aliases = [label for label in option.labels.values()] if option else []
        entries.append([button.id, button.label, *aliases])
    return entries


async def offers(ctx: Context, conversation: Conversation) -> None:
    """A poll sent to the member since their last message is what they answer now: its options
    (numbered as the member saw them) replace the menu shown before."""
    member = ctx.member
    if member is None:
        return
    sent = await _last_asked(ctx, member.id)
    if sent is None or (conversation.updated_at or "") > sent.sent_at:
        return
    found = ctx.content.polls.get(sent.poll)
    if found is None or found.closed(ctx.now()):
        return
    conversation.offered = offered(ctx, found)


async def fallback(ctx: Context, text: str) -> Go | None:
    """Free text outside a flow: the answer to the poll the member was last sent (words that
    clearly name options, or their own words where the poll takes them and has none yet);
    anything else is a question (:func:`handlers.questions.fallback`)."""
    found = await _recent(ctx)
    if found is not None:
        assert ctx.member is not None
        entries = offered(ctx, found)
        resolved = choices.resolve(ctx.inbound, entries)
        picked = [resolved.choice] if resolved.choice else list(resolved.choices)
        options = [entry.rsplit(" ", 1)[-1] for entry in picked if entry.startswith("/")]
        if options and OWN_WORDS not in options and (len(options) == 1 or found.multiple):
            stored = await ctx.store.polls.get(found.id, ctx.member.id)
            chosen = [o.id for o in found.options if o.id in options]
            answer = await _record(ctx, found, chosen, stored.text if stored else None)
            _thank(ctx, found, answer, changed=stored is not None)
            return await _next_step(ctx, found, answer)
        stored = await ctx.store.polls.get(found.id, ctx.member.id)
        if stored is None and questions.small_talk(ctx, text) and fold(text):
            # "Hi" to the WhatsApp template that said a poll was waiting: here it is.
            return Go(FLOW.name, _start_state(found), {POLL: found.id})
        cleaned = clean(text)
        # Own words once, and not a long text (that is a question, kept whole for the team).
        own_words = found.free_text and 0 < len(cleaned) <= TEXT_LIMIT and fold(text)
        if (
            own_words
            and not questions.small_talk(ctx, text)
            and (stored is None or not stored.text)
        ):
            answer = await _record(ctx, found, list(stored.choices) if stored else [], cleaned)
            _thank(ctx, found, answer, changed=stored is not None)
            ctx.say(ctx.t("polls.maybe_question"))
            return await _next_step(ctx, found, answer)
    return await questions.fallback(ctx, text)


async def _recent(ctx: Context) -> Poll | None:
    """The open poll last sent to the member, if it went within :data:`REPLY_WINDOW`."""
    member = ctx.member
    if member is None:
        return None
    sent = await _last_asked(ctx, member.id)
    if sent is None or datetime.fromisoformat(sent.sent_at) < ctx.now() - REPLY_WINDOW:
        return None
    found = ctx.content.polls.get(sent.poll)
    return found if found is not None and not found.closed(ctx.now()) else None


async def _last_asked(ctx: Context, member_id: int) -> Sent | None:
    """The poll last sent to the member, looked up once per message."""
    if _LAST_ASKED not in ctx.looked_up:
        ctx.looked_up[_LAST_ASKED] = await ctx.store.polls.last_asked(member_id)
    sent: Sent | None = ctx.looked_up[_LAST_ASKED]
    return sent


FLOW = Flow(
    name="poll",
    start=ASK_CHOICE,
    # A press while registering (say) answers the poll and comes back to the registration.
    interrupts=True,
    states={
        ASK_CHOICE: State(ask_choice, got_choice),
        ASK_TEXT: State(ask_text, got_text),
    },
)
