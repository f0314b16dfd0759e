"""/broadcast names its topic: news unless staff choose another (🏷 Topic), or the campaign's
when the text came from one; the preview says how many turned it off, and they are skipped."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from tests.fakes.channel import FakeChannel
from tests.staff.test_broadcast import NO_LIMITS, _write
from tests.staffing import STAFF, chat_as, members, staff_app


async def test_staff_choose_the_topic_and_who_turned_it_off_is_skipped(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Three members, one turned the fellowship off: news reaches all three; with the topic
    changed to the fellowship the preview says one is skipped, and the row says why."""
    async with staff_app(tmp_path, clock, FakeChannel(), **NO_LIMITS) as app:
        ids = await members(app.store, clock.now(), 3)
        await app.store.topics.turn(ids[0], "fellowship", on=False, now=clock.now())
        chat = chat_as(app, clock, STAFF)
        await _write(chat, "Applications are open", None)
        await chat.press("👀 Preview (3)")
        assert chat.question.startswith("🏷 Topic: 🗞 News from home\n\nSend it to 3 members?")
        await chat.press("🏷 Topic")
        assert [
            "📅 Events at home",
            "🗞 News from home",
            "🎓 The fellowship",
            "💼 Business and investment",
        ] == chat.options()[:4]
        await chat.press("🎓 The fellowship")
        assert chat.question.startswith(
            "🏷 Topic: 🎓 The fellowship · 1 turned it off and are skipped\n\nSend it to 2 members?"
        )
        await chat.press("📨 Send to 2 members")
        rows = await app.store.db.fetchall(
            "SELECT member_id, state, error FROM outbox WHERE job = 'broadcast:1'"
            " ORDER BY member_id"
        )
    assert [
        (ids[0], "skipped", "topic: fellowship"),
        (ids[1], "queued", None),
        (ids[2], "queued", None),
    ] == [(row[0], row[1], row[2]) for row in rows]


async def test_a_campaigns_text_brings_its_topic(tmp_path: Path, clock: FixedClock) -> None:
    """Taking the welcome series' fellowship text, the broadcast is of topic fellowship."""
    async with staff_app(tmp_path, clock, FakeChannel(), **NO_LIMITS) as app:
        await members(app.store, clock.now(), 2, interests=["fellowship"])
        chat = chat_as(app, clock, STAFF)
        await chat.send("/broadcast")
        await chat.press("📄 Welcome series, 3 of 3 — the knowledge-transfer fellowship")
        await chat.press(next(o for o in chat.options() if o.startswith("👀 Preview")))
        assert "🏷 Topic: 🎓 The fellowship" in chat.question
