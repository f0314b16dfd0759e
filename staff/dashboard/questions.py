"""Members' questions on the dashboard: the list (open, answered or closed; oldest first) and
one question with its messages, the member's profile line beside it, a reply box, internal
notes, close and reopen. Answers go through the outbox (:mod:`staff.answers`); each action is
audited as the dashboard's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.store.questions import ANSWER, CLOSED, OPEN, STATUSES, Message, Thread
from staff import answers
from staff.dashboard.auth import parse_form
from staff.dashboard.i18n import N_
from staff.dashboard.pages import ACTOR, Deps, record_id, redirect

# How an answer's outbox row (and WhatsApp's word on it) reads for coordinators.
DELIVERY = {
    "queued": N_("waiting to be sent"),
    "sending": N_("being sent"),
    "sent": N_("sent"),
    "delivered": N_("delivered"),
    "read": N_("read"),
    "needs_template": N_("not sent yet: the member must write first (WhatsApp's 24-hour window)"),
    "skipped": N_("not sent: the member stopped messages or cannot be reached"),
    "failed": N_("not sent: failed"),
    "unknown": N_("of unknown fate (the bot stopped while sending it)"),
}


@dataclass(frozen=True)
class Row:
    """A question in the list: the thread, its first words, who asked, how long it waits."""

    thread: Thread
    first: str
    profile: str
    messages: int
    waiting: str


def waited(since: str, now: datetime) -> str:
    """``3 h`` or ``2 d``: how long since an ISO time."""
    hours = max(0, int((now - datetime.fromisoformat(since)).total_seconds() // 3600))
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


class Questions:
    """The questions pages and forms."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """The questions of one status, oldest first (open unless asked)."""
        status = request.query_params.get("status", OPEN)
        if status not in STATUSES:
            status = OPEN
        store, content, now = self.deps.store, self.deps.content, self.deps.now()
        language = self.deps.language(request)
        await content.poll()
        rows = []
        for thread in await store.questions.listing(status):
            messages = await store.questions.messages(thread.id)
            member = await store.members.get(thread.member_id)
            profile = answers.profile_line(content, language, member) if member else ""
            rows.append(
                Row(
                    thread, messages[0].text, profile, len(messages), waited(thread.created_at, now)
                )
            )
        return self.deps.pages.render(
            request,
            "questions.html",
            section="questions",
            rows=rows,
            status=status,
            statuses=STATUSES,
            counts=await store.questions.counts(),
        )

    async def question(self, request: Request) -> Response:
        """One question: its messages (answers with how they fared), the profile line, forms."""
        thread_id = record_id(request, "thread_id")
        store, content = self.deps.store, self.deps.content
        thread = await store.questions.get(thread_id) if thread_id is not None else None
        member = await store.members.get(thread.member_id) if thread is not None else None
        if thread is None or member is None:
            return self._missing(request)
        await content.poll()
        messages = await store.questions.messages(thread.id)
        deliveries = await store.questions.deliveries(thread.id)
        held = {message.id for message, _held in await store.questions.held(member.id)}
        _ = self.deps.gettext(request)
        return self.deps.pages.render(
            request,
            "question.html",
            section="questions",
            thread=thread,
            member=member,
            profile=answers.profile_line(content, self.deps.language(request), member),
            messages=messages,
            delivery={
                message.id: _(self._delivery(message, deliveries, held))
                for message in messages
                if message.kind == ANSWER
            },
            waiting=waited(thread.created_at, self.deps.now()),
            answer_limit=answers.ANSWER_LIMIT,
            note_limit=answers.NOTE_LIMIT,
        )

    @staticmethod
    def _delivery(
        message: Message, deliveries: dict[int, tuple[str, str | None]], held: set[int]
    ) -> str:
        state, delivered = deliveries.get(message.id, ("queued", None))
        if message.id in held:
            return DELIVERY["needs_template"]
        if state == "sent" and delivered in ("delivered", "read"):
            return DELIVERY[delivered]
        return DELIVERY.get(state, state)

    async def answer(self, request: Request) -> Response:
        """Sends the answer to the member (through the outbox)."""
        thread_id = record_id(request, "thread_id")
        if thread_id is None:
            return self._missing(request)
        text = parse_form(await request.body()).get("answer", "")
        back = f"/questions/{thread_id}"
        _ = self.deps.gettext(request)
        try:
            done = await answers.answer(
                self.deps.store, self.deps.content, thread_id, text, self.deps.now(), actor=ACTOR
            )
        except answers.QuestionRefused as refused:
            return redirect(request, back, _("Not sent: %s.") % self.deps.said(request, refused))
        if done.waits_for_member:
            said = (
                _("an approved template tells them an answer is waiting")
                if done.notice
                else _(
                    "no approved template is set (content/programme.yaml, whatsapp_templates:"
                    " answers), so they cannot be told until they write"
                )
            )
            return redirect(
                request,
                back,
                _(
                    "Answer kept. The member is outside WhatsApp's 24-hour window: it goes as soon"
                    " as they write again; %(said)s."
                )
                % {"said": said},
            )
        return redirect(request, back, _("Answer sent to the member (through the outbox)."))

    async def note(self, request: Request) -> Response:
        """Keeps an internal note."""
        thread_id = record_id(request, "thread_id")
        if thread_id is None:
            return self._missing(request)
        text = parse_form(await request.body()).get("note", "")
        back = f"/questions/{thread_id}"
        _ = self.deps.gettext(request)
        try:
            await answers.note(self.deps.store, thread_id, text, self.deps.now(), actor=ACTOR)
        except answers.QuestionRefused as refused:
            return redirect(request, back, _("Not kept: %s.") % self.deps.said(request, refused))
        return redirect(request, back, _("Note kept (coordinators only; never sent)."))

    async def close(self, request: Request) -> Response:
        """Closes the question."""
        return await self._status(request, CLOSED, N_("Question closed."))

    async def reopen(self, request: Request) -> Response:
        """Reopens the question."""
        return await self._status(request, OPEN, N_("Question reopened."))

    async def _status(self, request: Request, status: str, done: str) -> Response:
        thread_id = record_id(request, "thread_id")
        if thread_id is None:
            return self._missing(request)
        await request.body()
        back = f"/questions/{thread_id}"
        _ = self.deps.gettext(request)
        try:
            await answers.set_status(
                self.deps.store, thread_id, status, self.deps.now(), actor=ACTOR
            )
        except answers.QuestionRefused as refused:
            return redirect(request, back, _("Not changed: %s.") % self.deps.said(request, refused))
        return redirect(request, back, _(done))

    def _missing(self, request: Request) -> Response:
        """404: no question has this number (or its member's data was erased)."""
        _ = self.deps.gettext(request)
        return self.deps.pages.render(
            request,
            "missing.html",
            status_code=404,
            what=_("question #%s") % request.path_params["thread_id"],
        )
