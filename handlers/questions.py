"""Questions: the FAQ answers first, then the programme team (see questions.mmd).

Outside a flow, free text is a question (:func:`fallback`); ``/ask`` asks one on purpose. The
FAQ (:mod:`bot.faq`) answers a question it knows and asks whether that helped; a question it
half knows gets the two or three entries it may mean to choose from; any other — or one whose
answer did not help — goes to the team as a thread, and the member is told roughly when to
expect an answer. Until the thread is closed, what the member writes outside a flow joins it.

Someone with no profile has consented to nothing, so their question is kept only after the
minimum of registration (consent, name, country), and then sent once they confirm it.

A member cannot flood the team: at most :data:`MOST_WAITING` questions wait at once (beyond,
the text joins the latest one), and at most :data:`MOST_FOLLOW_UPS` messages join a thread
before the team answers. Answers come through the outbox (staff/questions.py); one that met
WhatsApp's closed window goes out after the member's next message (:func:`arrival`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import choices
from bot.content import Content
from bot.faq_index import index_for
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Outgoing
from bot.store.questions import ANSWERED, MEMBER, OPEN, Thread, answer_job
from bot.text import clean, fold
from handlers import registration

ASK_QUESTION = "ask_question"
ASK_HELPED = "ask_helped"
ASK_WHICH = "ask_which"
ASK_SEND = "ask_send"
YES = "yes"
NO = "no"
TEAM = "team"
SEND = "send"
# An option naming an FAQ entry: "faq:<slug>".
ENTRY = "faq:"
QUESTION_LIMIT = 3000
MOST_WAITING = 3
MOST_FOLLOW_UPS = 10
# The team's usual time to answer, told to the member.
ANSWER_DAYS = 2
# A member's reply to an answer joins the thread for this long; after it, it is a new question.
REPLY_WINDOW = timedelta(days=7)
# Button labels of FAQ entries are cut here (a phrasing may be long).
LABEL_LIMIT = 60
# The question in the conversation's answers, and the FAQ entry offered for it.
_TEXT = "text"
_FAQ = "faq"
_CANDIDATES = "candidates"


def answer_text(content: Content, language: str, thread_id: int, text: str) -> str:
    """An answer from the team as the member reads it, in their language."""
    return content.text(language, "questions.answer", id=thread_id, text=text)


async def ask(ctx: Context, payload: str) -> Go | None:
    """``/ask [question]``: a new question, even while another is open."""
    if fold(payload):
        return await question(ctx, payload, new=True)
    return Go(FLOW.name, ASK_QUESTION)


async def fallback(ctx: Context, text: str) -> Go | None:
    """Free text outside a flow: joins the member's open question, or is a new one; a greeting
    or a thank-you says nothing (the engine shows the menu)."""
    if small_talk(ctx, text):
        return None
    return await question(ctx, text, new=False)


def small_talk(ctx: Context, text: str) -> bool:
    """Whether text is no question: no letters at all (an emoji), or a greeting, a thank-you,
    a yes or a no in any language (locale words.greetings, thanks, yes, no)."""
    folded = fold(text)
    if not folded:
        return True
    return any(
        folded in choices.folded_words(ctx.content, name)
        for name in ("greetings", "thanks", "yes", "no")
    )


async def question(ctx: Context, text: str, *, new: bool) -> Go | None:
    """Answers from the FAQ, offers what it may mean, or sends the question to the team; with
    an open thread (and unless ``new``), the text joins it."""
    cleaned = clean(text)
    if len(cleaned) > QUESTION_LIMIT:
        ctx.say(ctx.t("questions.too_long", limit=QUESTION_LIMIT))
        return None
    member = ctx.member
    thread = await ctx.store.questions.current(member.id) if member is not None else None
    if thread is not None and not new and _joins(thread, ctx.now()):
        await _follow_up(ctx, thread, cleaned)
        return None
    verdict = await index_for(ctx.content, ctx.settings.data_dir).ask(cleaned)
    if verdict.answer is not None:
        _say_answer(ctx, verdict.answer)
        return Go(FLOW.name, ASK_HELPED, {_TEXT: cleaned, _FAQ: verdict.answer})
    if verdict.candidates:
        return Go(FLOW.name, ASK_WHICH, {_TEXT: cleaned, _CANDIDATES: list(verdict.candidates)})
    return await to_team(ctx, cleaned)


def _joins(thread: Thread, now: datetime) -> bool:
    """Whether what the member writes belongs to this thread: it waits for the team, or the
    team answered lately (a reply to the answer)."""
    if thread.status == OPEN:
        return True
    recent = datetime.fromisoformat(thread.updated_at) >= now - REPLY_WINDOW
    return thread.status == ANSWERED and recent


async def _follow_up(ctx: Context, thread: Thread, text: str) -> None:
    """Adds the text to the thread, unless the member already wrote too much unanswered."""
    messages = await ctx.store.questions.messages(thread.id)
    unanswered = 0
    for message in reversed(messages):
        if message.kind != MEMBER:
            break
        unanswered += 1
    if thread.status == OPEN and unanswered >= MOST_FOLLOW_UPS:
        ctx.say(ctx.t("questions.enough_messages", id=thread.id))
        return
    await ctx.store.questions.add(thread.id, MEMBER, text, ctx.now())
    ctx.say(ctx.t("questions.joined", id=thread.id))


def _say_answer(ctx: Context, slug: str) -> None:
    entry = ctx.content.faq.get(slug)
    if entry is not None:
        ctx.say(entry.answer_in(ctx.language, ctx.content.default_language))


async def to_team(ctx: Context, text: str, faq: str | None = None) -> Go | None:
    """Sends the question to the team as a new thread (someone with no profile consents and
    gives name and country first); too many waiting: it joins the latest."""
    member = ctx.member
    if member is None or not registration.has_minimum(member):
        ctx.say(ctx.t("questions.profile_first"))
        return registration.minimal(ctx, Go(FLOW.name, ASK_SEND, {_TEXT: text, _FAQ: faq}))
    store, now = ctx.store, ctx.now()
    waiting = await store.questions.waiting(member.id)
    if waiting >= MOST_WAITING:
        latest = await store.questions.current(member.id)
        assert latest is not None
        await store.questions.add(latest.id, MEMBER, text, now)
        ctx.say(ctx.t("questions.too_many", count=waiting, id=latest.id))
        return None
    thread, _ = await store.questions.open_thread(member.id, ctx.language, text, now, faq=faq)
    ctx.say(ctx.t("questions.sent", id=thread.id, days=ANSWER_DAYS))
    return None


async def ask_question(ctx: Context) -> Question:
    """Asks what the member wants to know."""
    return Question(ctx.t("questions.ask"), back=False)


async def got_question(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Answers the question from the FAQ, or hands it to the team."""
    if not fold(answer.text):
        return Retry(ctx.t("questions.ask_text"))
    return await question(ctx, answer.text, new=True) or END


async def ask_helped(ctx: Context) -> Question:
    """Asks whether the FAQ's answer helped."""
    return Question(
        ctx.t("questions.helped"),
        options=[
            Option(YES, ctx.t("questions.helped_yes")),
            Option(NO, ctx.t("questions.helped_no")),
        ],
        aliases={
            YES: (*choices.words(ctx.content, "yes"), *choices.words(ctx.content, "thanks")),
            NO: choices.words(ctx.content, "no"),
        },
        back=False,
        cancel=False,
    )


async def got_helped(ctx: Context, answer: Answer) -> str | Go:
    """Yes: done. No: the question goes to the team. Anything else is a new question."""
    if answer.choice == YES:
        ctx.say(ctx.t("questions.glad"))
        return END
    if answer.choice == NO:
        return await to_team(ctx, ctx.answers[_TEXT], ctx.answers.get(_FAQ)) or END
    return await question(ctx, answer.text, new=True) or END


async def ask_which(ctx: Context) -> Question:
    """Offers the FAQ entries the question may mean, and the team."""
    language, default = ctx.language, ctx.content.default_language
    options = []
    for slug in ctx.answers[_CANDIDATES]:
        entry = ctx.content.faq.get(slug)
        if entry is not None:
            options.append(Option(ENTRY + slug, _label(entry.title(language, default))))
    options.append(Option(TEAM, ctx.t("questions.none_of_these")))
    return Question(ctx.t("questions.which"), options=options, back=False)


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


async def got_which(ctx: Context, answer: Answer) -> str | Go:
    """An entry: its answer, and did it help? The team: the question goes to them. Anything
    else is a new question."""
    choice = answer.choice or ""
    slug = choice.removeprefix(ENTRY)
    if choice.startswith(ENTRY) and slug in ctx.content.faq:
        _say_answer(ctx, slug)
        ctx.answers[_FAQ] = slug
        return ASK_HELPED
    if choice == TEAM:
        return await to_team(ctx, ctx.answers[_TEXT]) or END
    return await question(ctx, answer.text, new=True) or END


async def ask_send(ctx: Context) -> Question:
    """Shows the question kept during registration, to send it or not."""
    return Question(
        ctx.t("questions.send_confirm", text=ctx.answers.get(_TEXT, "")),
        options=[Option(SEND, ctx.t("questions.send"))],
        back=False,
    )


async def got_send(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Sends the question to the team."""
    if answer.choice != SEND:
        return Retry(ctx.t("questions.send_or_cancel"))
    return await to_team(ctx, ctx.answers[_TEXT], ctx.answers.get(_FAQ)) or END


async def arrival(ctx: Context) -> None:
    """Every message of a member on WhatsApp: the answers the closed 24-hour window held back
    go out now, through the outbox, each once and in order."""
    member = ctx.member
    if member is None or ctx.channel != "whatsapp":
        return
    held = await ctx.store.questions.held(member.id)
    if not held:
        return
    now = ctx.now()
    await ctx.store.outbox.enqueue(
        [
            Outgoing(
                f"{answer_job(message.thread_id, message.id)}:{tries}",
                "answer",
                member.id,
                answer_text(ctx.content, member.language, message.thread_id, message.text),
                now,
            )
            for message, tries in held
        ],
        now,
    )


FLOW = Flow(
    name="questions",
    start=ASK_QUESTION,
    states={
        ASK_QUESTION: State(ask_question, got_question),
        ASK_HELPED: State(ask_helped, got_helped),
        ASK_WHICH: State(ask_which, got_which),
        ASK_SEND: State(ask_send, got_send),
    },
)
