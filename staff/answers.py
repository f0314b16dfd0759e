"""The team's side of a member's question, whichever way staff answer — the staff group,
``/questions``, the dashboard or the command line: answer, keep an internal note, close, reopen.
Every one is written to the audit log (ids and counts only: never the words).

An answer reaches the member through the outbox, on their channel, once. On WhatsApp outside
the 24-hour window the outbox cannot send it (``needs_template``): when content/programme.yaml
names an approved template for ``answers`` (``whatsapp_templates``), that template tells the
member an answer is waiting, and the answer follows their next message
(:func:`handlers.questions.arrival`); without one, the answer simply waits for that message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bot.content import Content
from bot.countries import country_name
from bot.errors import DiasporaError
from bot.messages import Template
from bot.store import Member, Outgoing, Store
from bot.store.questions import ANSWER, CLOSED, NOTE, OPEN, Message, Thread, answer_job
from bot.text import clean
from handlers.questions import answer_text
from scheduler.sender import WHATSAPP_WINDOW
from staff import stats
from staff.texts import N_, Text

# An answer fits one WhatsApp message with the words around it.
ANSWER_LIMIT = 1400
NOTE_LIMIT = 2000
# The notice of content/programme.yaml's whatsapp_templates that says an answer is waiting.
NOTICE = "answers"
_PLACEHOLDER = "HX" + "x" * 32


class QuestionRefused(DiasporaError):
    """The team cannot do that to the question: it does not exist, is closed, or the text is
    empty or too long (said as a :class:`staff.texts.Text`)."""


@dataclass(frozen=True)
class Answered:
    """An answer on its way: the thread, the message, and whether the member must write again
    before it can go (WhatsApp's window closed), with or without a template saying so."""

    thread: Thread
    message: Message
    member: Member
    waits_for_member: bool = False
    notice: bool = False


async def thread_of(store: Store, thread_id: int) -> Thread:
    """The thread, or QuestionRefused."""
    thread = await store.questions.get(thread_id)
    if thread is None:
        raise QuestionRefused(Text(N_("there is no question #%(question)s"), question=thread_id))
    return thread


# What the team writes, and what is said when it is empty or too long.
EMPTY = {"answer": N_("the answer is empty"), "note": N_("the note is empty")}
TOO_LONG = {
    "answer": N_("the answer is longer than %(limit)s characters"),
    "note": N_("the note is longer than %(limit)s characters"),
}


def _text(text: str, limit: int, what: str) -> str:
    cleaned = clean(text)
    if not cleaned:
        raise QuestionRefused(Text(EMPTY[what]))
    if len(cleaned) > limit:
        raise QuestionRefused(Text(TOO_LONG[what], limit=limit))
    return cleaned


async def answer(
    store: Store, content: Content, thread_id: int, text: str, now: datetime, *, actor: str
) -> Answered:
    """Sends the team's answer to the member (queued in the outbox) and records it."""
    thread = await thread_of(store, thread_id)
    if thread.status == CLOSED:
        closed = N_("question #%(question)s is closed; reopen it to answer")
        raise QuestionRefused(Text(closed, question=thread_id))
    words = _text(text, ANSWER_LIMIT, "answer")
    member = await store.members.get(thread.member_id)
    if member is None:
        erased = N_("question #%(question)s: the member's data has been erased")
        raise QuestionRefused(Text(erased, question=thread_id))
    message = await store.questions.add(thread.id, ANSWER, words, now, author=actor)
    body = answer_text(content, member.language, thread.id, words)
    outgoing = [Outgoing(answer_job(thread.id, message.id), "answer", member.id, body, now)]
    waits = await _waits_for_member(store, member.id, now)
    template = _template(content, member) if waits else None
    if template is not None:
        notice = content.text(member.language, "questions.waiting")
        job = f"question:{thread.id}:waiting:{message.id}"
        outgoing.insert(0, Outgoing(job, "answer", member.id, notice, now, template=template))
    await store.outbox.enqueue(outgoing, now)
    await store.audit.record(
        actor,
        "question.answer",
        now,
        subject=f"question:{thread.id}",
        member=member.id,
        characters=len(words),
    )
    updated = await store.questions.get(thread.id) or thread
    return Answered(updated, message, member, waits, template is not None)


async def _waits_for_member(store: Store, member_id: int, now: datetime) -> bool:
    """Whether every address the member can be reached at is WhatsApp with the 24-hour
    window closed (so nothing but a template can go before they write)."""
    reach = (await store.recipients.reach([member_id])).get(member_id)
    routes = [route for route in reach.routes if route.unreachable_at is None] if reach else []
    if not routes:
        return False
    return all(
        route.channel == "whatsapp"
        and (
            route.last_inbound_at is None
            or datetime.fromisoformat(route.last_inbound_at) < now - WHATSAPP_WINDOW
        )
        for route in routes
    )


def _template(content: Content, member: Member) -> Template | None:
    """The programme's approved template saying an answer is waiting ({{1}}: first name), in
    the member's language; None when there is none, or only the sample's placeholder."""
    programme = content.programme
    sids = programme.whatsapp_templates.get(NOTICE, {}) if programme is not None else {}
    sid = (
        sids.get(member.language)
        or sids.get("*")
        or sids.get(content.default_language)
        or next(iter(sids.values()), None)
    )
    if sid is None or sid.upper() == _PLACEHOLDER.upper():
        return None
    return Template(sid, {"1": member.first_name})


async def note(store: Store, thread_id: int, text: str, now: datetime, *, actor: str) -> Message:
    """Keeps an internal note with the thread (never sent to the member)."""
    thread = await thread_of(store, thread_id)
    message = await store.questions.add(
        thread.id, NOTE, _text(text, NOTE_LIMIT, "note"), now, author=actor
    )
    await store.audit.record(actor, "question.note", now, subject=f"question:{thread.id}")
    return message


async def set_status(
    store: Store, thread_id: int, status: str, now: datetime, *, actor: str
) -> Thread:
    """Closes (``closed``) or reopens (``open``) a thread."""
    thread = await thread_of(store, thread_id)
    if status == CLOSED and thread.status == CLOSED:
        message = N_("question #%(question)s is already closed")
        raise QuestionRefused(Text(message, question=thread_id))
    if status == OPEN and thread.status != CLOSED:
        message = N_("question #%(question)s is not closed")
        raise QuestionRefused(Text(message, question=thread_id))
    changed = await store.questions.set_status(thread.id, status, now)
    assert changed is not None
    action = "question.close" if status == CLOSED else "question.reopen"
    await store.audit.record(actor, action, now, subject=f"question:{thread.id}")
    return changed


def profile_line(content: Content, language: str, member: Member) -> str:
    """The one line about the member staff see beside a question: name, where they live,
    sector, and whether they registered."""
    place = ", ".join(
        part
        for part in (
            country_name(member.country, language) if member.country else None,
            member.city,
        )
        if part
    )
    sector = stats.label(content, language, "sector", member.sector) if member.sector else ""
    registered = (
        "" if member.registered_at else content.text(language, "staff_questions.not_registered")
    )
    return " · ".join(
        part for part in (member.name or f"#{member.id}", place, sector, registered) if part
    )


# How long questions have waited, in days: under 1, 1–3, 3–7, over 7.
AGES = (1, 3, 7)


@dataclass(frozen=True)
class Figures:
    """How the team keeps up: time to a first answer (seconds, median and 90th percentile, of
    the questions answered), and the questions waiting by age (keys: ``under_1``, ``1_3``,
    ``3_7``, ``over_7`` days)."""

    answered: int
    median: float | None
    p90: float | None
    waiting: dict[str, int]


def _nearest_rank(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * share) - 1))]


async def figures(store: Store, now: datetime) -> Figures:
    """Time to first answer and the questions waiting by age, from the store."""
    seconds = await store.questions.first_answer_seconds()
    waiting = {"under_1": 0, "1_3": 0, "3_7": 0, "over_7": 0}
    keys = ("under_1", "1_3", "3_7")
    for since in await store.questions.waiting_since():
        days = (now - datetime.fromisoformat(since)).total_seconds() / 86400
        key = next((k for k, limit in zip(keys, AGES, strict=True) if days < limit), "over_7")
        waiting[key] += 1
    if not seconds:
        return Figures(0, None, None, waiting)
    return Figures(len(seconds), _nearest_rank(seconds, 0.5), _nearest_rank(seconds, 0.9), waiting)


def duration(seconds: float | None) -> str:
    """``45 min``, ``5 h`` or ``3 d`` (a dash for none)."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} d"
