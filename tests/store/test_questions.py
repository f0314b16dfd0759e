"""Question threads on a real SQLite file: statuses as the member and the team speak, the staff
group's posts, answers held by WhatsApp's window, times to first answer, and erasure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Outgoing, Store
from bot.store.questions import answer_job
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


async def test_a_thread_waits_is_answered_reopened_by_the_member_and_closed(store: Store) -> None:
    """open → answered (first answer's time kept) → open (member's follow-up) → closed."""
    member = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    thread, first = await store.questions.open_thread(member.id, "cnr", "Pitanje?", NOW)
    assert ("open", "member", "Pitanje?") == (thread.status, first.kind, first.text)
    await store.questions.add(thread.id, "note", "internal", at(1), author="dashboard")
    assert "open" == (await store.questions.get(thread.id) or thread).status
    await store.questions.add(thread.id, "answer", "Odgovor.", at(5), author="telegram:42")
    await store.questions.add(thread.id, "answer", "Još nešto.", at(9), author="telegram:42")
    answered = await store.questions.get(thread.id)
    assert answered is not None
    assert ("answered", at(5).isoformat()) == (answered.status, answered.first_answered_at)
    await store.questions.add(thread.id, "member", "Hvala, a…", at(10))
    assert "open" == (await store.questions.get(thread.id) or thread).status
    closed = await store.questions.set_status(thread.id, "closed", at(11))
    assert closed is not None
    assert ("closed", at(11).isoformat()) == (closed.status, closed.closed_at)
    await store.questions.add(thread.id, "member", "still there?", at(12))
    assert "closed" == (await store.questions.get(thread.id) or thread).status
    assert ["member", "note", "answer", "answer", "member", "member"] == [
        message.kind for message in await store.questions.messages(thread.id)
    ]


async def test_reopening_goes_back_to_who_spoke_last(store: Store) -> None:
    """Reopened after an answer: answered; after the member: open; notes do not count."""
    member = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    thread, _ = await store.questions.open_thread(member.id, "en", "Q?", NOW)
    await store.questions.add(thread.id, "answer", "A.", at(1), author="cli:x")
    await store.questions.add(thread.id, "note", "n", at(2), author="cli:x")
    await store.questions.set_status(thread.id, "closed", at(3))
    reopened = await store.questions.set_status(thread.id, "open", at(4))
    assert reopened is not None
    assert ("answered", None) == (reopened.status, reopened.closed_at)
    other, _ = await store.questions.open_thread(member.id, "en", "Q2?", NOW)
    await store.questions.set_status(other.id, "closed", at(3))
    assert "open" == (await store.questions.set_status(other.id, "open", at(4)) or other).status
    with pytest.raises(ValueError, match="closed or reopened"):
        await store.questions.set_status(other.id, "answered", at(5))
    with pytest.raises(ValueError, match="not a kind"):
        await store.questions.add(other.id, "shout", "x", at(5))
    assert await store.questions.set_status(999, "closed", at(5)) is None


async def test_the_current_thread_and_the_waiting_count(store: Store) -> None:
    """current: the latest thread not closed; waiting: threads open for the team."""
    member = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    assert await store.questions.current(member.id) is None
    first, _ = await store.questions.open_thread(member.id, "en", "1", NOW)
    second, _ = await store.questions.open_thread(member.id, "en", "2", at(1))
    await store.questions.add(first.id, "answer", "a", at(2))
    assert (second.id, 1) == (
        (await store.questions.current(member.id) or first).id,
        await store.questions.waiting(member.id),
    )
    await store.questions.set_status(second.id, "closed", at(3))
    assert first.id == (await store.questions.current(member.id) or second).id
    assert 0 == await store.questions.member_messages_since(first.id, NOW.isoformat())
    await store.questions.add(first.id, "member", "b", at(4))
    assert 1 == await store.questions.member_messages_since(first.id, at(2).isoformat())


async def test_listing_is_oldest_first_by_status(store: Store) -> None:
    """The team's queue: oldest first, of one status or all; counts by status."""
    ana = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    late, _ = await store.questions.open_thread(ana.id, "en", "late", at(5))
    early, _ = await store.questions.open_thread(ana.id, "en", "early", at(1))
    done, _ = await store.questions.open_thread(ana.id, "en", "done", at(2))
    await store.questions.set_status(done.id, "closed", at(3))
    assert [early.id, late.id] == [t.id for t in await store.questions.listing("open")]
    assert [early.id, done.id, late.id] == [t.id for t in await store.questions.listing()]
    assert {"open": 2, "closed": 1} == await store.questions.counts()
    assert [at(1).isoformat(), at(5).isoformat()] == await store.questions.waiting_since()


async def test_the_staff_groups_posts_lead_back_to_their_thread(store: Store) -> None:
    """Unposted member messages, oldest first and recent only; a post's id finds its thread."""
    member = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    old, _ = await store.questions.open_thread(member.id, "en", "old", at(-60 * 24 * 8))
    thread, first = await store.questions.open_thread(member.id, "en", "Q", NOW)
    follow = await store.questions.add(thread.id, "member", "more", at(1))
    await store.questions.add(thread.id, "answer", "A", at(2))
    since = at(-60 * 24 * 7)
    assert [first.id, follow.id] == [m.id for m in await store.questions.unposted(since)]
    await store.questions.mark_posted(first.id, "telegram:-100", "77")
    assert [follow.id] == [m.id for m in await store.questions.unposted(since)]
    assert thread.id == (await store.questions.by_post("telegram:-100", "77") or old).id
    assert await store.questions.by_post("telegram:-100", "78") is None
    assert await store.questions.by_post("telegram:-5", "77") is None


async def test_answers_held_by_whatsapps_window_until_sent_again(store: Store) -> None:
    """An answer whose every row needs a template is held (with its count of rows); queued
    again, it is not; answers that went out never are."""
    member = await add_member(store, "whatsapp:+38267000001", NOW, name="Ana", country="DE")
    thread, _ = await store.questions.open_thread(member.id, "en", "Q", NOW)
    sent = await store.questions.add(thread.id, "answer", "A1", at(1))
    held = await store.questions.add(thread.id, "answer", "A2", at(2))
    jobs = {
        answer_job(thread.id, sent.id): "sent",
        answer_job(thread.id, held.id): "needs_template",
    }
    for job, state in jobs.items():
        await store.outbox.enqueue([Outgoing(job, "answer", member.id, "x", NOW)], NOW, state=state)
    assert [(held.id, 1)] == [(m.id, tries) for m, tries in await store.questions.held(member.id)]
    again = f"{answer_job(thread.id, held.id)}:1"
    await store.outbox.enqueue([Outgoing(again, "answer", member.id, "x", NOW)], NOW)
    assert [] == await store.questions.held(member.id)
    deliveries = await store.questions.deliveries(thread.id)
    assert {sent.id: ("sent", None), held.id: ("queued", None)} == deliveries


async def test_times_to_first_answer(store: Store) -> None:
    """Seconds from question to the first answer, answered threads only."""
    member = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    quick, _ = await store.questions.open_thread(member.id, "en", "1", NOW)
    await store.questions.open_thread(member.id, "en", "2", NOW)
    await store.questions.add(quick.id, "answer", "a", at(90))
    await store.questions.add(quick.id, "answer", "b", at(200))
    assert [5400.0] == await store.questions.first_answer_seconds()


async def test_threads_are_in_the_members_data_and_go_with_the_member(store: Store) -> None:
    """/mydata lists threads with their messages (not who on the team wrote); /delete erases
    them, and their outbox rows."""
    member = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    thread, _ = await store.questions.open_thread(member.id, "en", "Q?", NOW)
    await store.questions.add(thread.id, "answer", "A.", at(1), author="telegram:42")
    data = await store.personal_data(member.id)
    [held] = data["questions"]
    assert ("answered", ["Q?", "A."]) == (
        held["status"],
        [message["text"] for message in held["messages"]],
    )
    assert "telegram:42" not in str(data)

    await store.members.delete(member.id)

    assert [] == await store.questions.of_member(member.id)
    assert await store.questions.get(thread.id) is None
    assert [] == await store.questions.messages(thread.id)
