"""Members' questions where staff are in Telegram: the staff group and ``/questions``.

- The staff group (``STAFF_TELEGRAM_CHAT_ID``): :meth:`StaffGroup.post` (the ``post-questions``
  job) shows every new question there — the member's language and profile line, then the
  question — and every follow-up. A reply to one of those posts by staff or a coordinator
  (Telegram's own sender id proves who: :class:`bot.messages.GroupReply`) is the answer; the
  member never learns who wrote it. A reply by anyone else is ignored and logged.
- ``/questions [N]`` in a private chat (coordinators and staff): the questions waiting, oldest
  first; one of them with its messages; then typing answers it, or Close.

The answering itself is :mod:`staff.answers`, shared with the dashboard and the command line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.channels.base import Channel
from bot.clock import Clock
from bot.content import Content
from bot.errors import DeliveryError
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import GroupReply, Option, Reply
from bot.roles import COORDINATOR, Roles
from bot.store import Store
from bot.store.questions import ANSWER, CLOSED, MEMBER, NOTE, OPEN, Message
from staff import answers

log = logging.getLogger(__name__)

ASK_THREAD = "ask_thread"
ASK_ANSWER = "ask_answer"
CLOSE = "close"
LIST = "list"
THREAD = "q:"
# Threads listed at once in /questions; a member's message shown there is cut at PREVIEW.
LISTED = 8
PREVIEW = 50
# Posts of questions older than this are not made any more (the group was set up later).
POST_WITHIN = timedelta(days=7)
_ID = "thread"


def _age(ctx: Context, since: str) -> str:
    hours = max(0, int((ctx.now() - datetime.fromisoformat(since)).total_seconds() // 3600))
    if hours < 48:
        return ctx.t("staff_questions.hours", count=hours)
    return ctx.t("staff_questions.days", count=hours // 24)


class StaffGroup:
    """Posts questions to the staff group and takes the replies there as answers."""

    def __init__(
        self,
        store: Store,
        content: Content,
        clock: Clock,
        channels: Mapping[str, Channel],
        chat_id: int | None,
        roles: Roles,
    ) -> None:
        self.store = store
        self.content = content
        self.clock = clock
        # The app's channels, Telegram among them once it is configured.
        self.channels = channels
        self.chat_id = chat_id
        self.roles = roles

    @property
    def chat(self) -> str:
        return f"telegram:{self.chat_id}"

    async def post(self) -> int:
        """Shows the staff group the members' messages it has not seen; how many it posted."""
        channel = self.channels.get("telegram")
        if self.chat_id is None or channel is None:
            return 0
        now = self.clock.now()
        posted = 0
        for message in await self.store.questions.unposted(now - POST_WITHIN):
            text = await self._text(message)
            if text is None:
                continue
            try:
                message_id = await channel.send(self.chat, Reply(text))
            except DeliveryError as error:
                log.warning(
                    "could not post question #%d to the staff group: %s", message.thread_id, error
                )
                break
            await self.store.questions.mark_posted(message.id, self.chat, message_id)
            posted += 1
        return posted

    async def _text(self, message: Message) -> str | None:
        """A member's message as the staff group reads it (None if the member is gone)."""
        thread = await self.store.questions.get(message.thread_id)
        member = await self.store.members.get(thread.member_id) if thread else None
        if thread is None or member is None:
            return None
        language = self.content.default_language
        first = (await self.store.questions.messages(thread.id))[0]
        if first.id != message.id:
            return self.content.text(
                language, "staff_questions.post_follow_up", id=thread.id, text=message.text
            )
        return self.content.text(
            language,
            "staff_questions.post",
            id=thread.id,
            language=self.content.text(thread.language, "language_name"),
            profile=answers.profile_line(self.content, language, member),
            text=message.text,
        )

    async def on_reply(self, reply: GroupReply) -> list[Reply]:
        """A reply in the staff group: from staff or a coordinator to a posted question, it is
        the answer; anything else is ignored."""
        if reply.chat != self.chat:
            return []
        if not self.roles.allows(reply.sender, COORDINATOR):
            log.warning("ignored a reply in the staff group from someone who is not staff")
            return []
        thread = await self.store.questions.by_post(reply.chat, reply.replied_to)
        if thread is None:
            return []
        language = self.content.default_language
        try:
            await answers.answer(
                self.store,
                self.content,
                thread.id,
                reply.text,
                self.clock.now(),
                actor=reply.sender,
            )
        except answers.QuestionRefused as refused:
            key = (
                "staff_questions.is_closed" if thread.status == CLOSED else "staff_questions.empty"
            )
            log.info("staff group reply not sent: %s", refused)
            return [Reply(self.content.text(language, key, id=thread.id))]
        return [Reply(self.content.text(language, "staff_questions.sent", id=thread.id))]


async def questions(ctx: Context, payload: str) -> Go | None:
    """``/questions [N]``: the questions waiting for the team, or question N."""
    number = payload.strip()
    if number.isdigit():
        if await ctx.store.questions.get(int(number)) is None:
            ctx.say(ctx.t("staff_questions.unknown", id=number))
            return None
        return Go(FLOW.name, ASK_ANSWER, {_ID: int(number)})
    if not await ctx.store.questions.listing(OPEN, 1):
        ctx.say(ctx.t("staff_questions.none_waiting"))
        return None
    return Go(FLOW.name, ASK_THREAD)


async def ask_thread(ctx: Context) -> Question:
    """Lists the questions waiting, oldest first, to choose one."""
    waiting = await ctx.store.questions.listing(OPEN, LISTED)
    options = []
    for thread in waiting:
        first = (await ctx.store.questions.messages(thread.id))[0].text
        preview = first if len(first) <= PREVIEW else first[: PREVIEW - 1] + "…"
        label = ctx.t(
            "staff_questions.line", id=thread.id, age=_age(ctx, thread.created_at), preview=preview
        )
        options.append(Option(f"{THREAD}{thread.id}", label))
    counts = await ctx.store.questions.counts()
    return Question(
        ctx.t("staff_questions.list", count=counts.get(OPEN, 0)), options=options, back=False
    )


async def got_thread(ctx: Context, answer: Answer) -> str | Retry:
    """Opens the question chosen."""
    choice = answer.choice or ""
    if not choice.startswith(THREAD):
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers[_ID] = int(choice.removeprefix(THREAD))
    return ASK_ANSWER


async def ask_answer(ctx: Context) -> Question:
    """Shows the question with its messages; typing answers it."""
    thread = await ctx.store.questions.get(ctx.answers[_ID])
    member = await ctx.store.members.get(thread.member_id) if thread else None
    if thread is None or member is None:
        return Question(
            ctx.t("staff_questions.gone", id=ctx.answers[_ID]),
            options=[Option(LIST, ctx.t("staff_questions.list_again"))],
            back=False,
        )
    return Question(
        ctx.t(
            "staff_questions.show",
            id=thread.id,
            status=thread.status,
            language=ctx.content.text(thread.language, "language_name"),
            profile=answers.profile_line(ctx.content, ctx.language, member),
            messages=_messages(ctx, await ctx.store.questions.messages(thread.id)),
        ),
        options=[
            Option(CLOSE, ctx.t("staff_questions.close")),
            Option(LIST, ctx.t("staff_questions.list_again")),
        ],
        back=False,
        free_text=True,
    )


def _messages(ctx: Context, messages: list[Message]) -> str:
    keys = {MEMBER: "from_member", ANSWER: "from_team", NOTE: "note"}
    return "\n".join(
        ctx.t(
            f"staff_questions.{keys[message.kind]}",
            at=message.at[:16].replace("T", " "),
            text=message.text,
        )
        for message in messages
    )


async def got_answer(ctx: Context, answer: Answer) -> str | Retry:
    """Typed text is the answer; Close closes; the list goes back to the waiting ones."""
    thread_id = int(ctx.answers[_ID])
    if answer.choice == LIST:
        return await _next(ctx)
    try:
        if answer.choice == CLOSE:
            await answers.set_status(ctx.store, thread_id, CLOSED, ctx.now(), actor=ctx.address)
            ctx.say(ctx.t("staff_questions.closed", id=thread_id))
            return await _next(ctx)
        await answers.answer(
            ctx.store, ctx.content, thread_id, answer.text, ctx.now(), actor=ctx.address
        )
    except answers.QuestionRefused:
        thread = await ctx.store.questions.get(thread_id)
        if thread is None:
            ctx.say(ctx.t("staff_questions.gone", id=thread_id))
            return await _next(ctx)
        key = "staff_questions.is_closed" if thread.status == CLOSED else "staff_questions.empty"
        return Retry(ctx.t(key, id=thread_id))
    ctx.say(ctx.t("staff_questions.sent", id=thread_id))
    return await _next(ctx)


async def _next(ctx: Context) -> str:
    """Back to the list while questions wait; else done."""
    if await ctx.store.questions.listing(OPEN, 1):
        return ASK_THREAD
    ctx.say(ctx.t("staff_questions.none_waiting"))
    return END


FLOW = Flow(
    name="staff_questions",
    start=ASK_THREAD,
    role=COORDINATOR,
    states={
        ASK_THREAD: State(ask_thread, got_thread),
        ASK_ANSWER: State(ask_answer, got_answer),
    },
)
