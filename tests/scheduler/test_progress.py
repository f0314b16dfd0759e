"""Broadcast progress reports: one Telegram message edited in place while the outbox sends
(a new message at most once a minute where a channel cannot edit), then a final report as a
new message."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram import TelegramChannel
from bot.clock import FixedClock
from bot.content import Content
from bot.store import Outgoing, Store
from scheduler.progress import BroadcastReporter, report_text
from tests.conftest import CONTENT
from tests.fakes.bot_request import BotApiRequest, telegram_channel
from tests.fakes.channel import FakeChannel
from tests.scheduler.conftest import NOW, add_member

STAFF = "telegram:7"


async def _broadcast_to_three(store: Store, staff: str) -> list[int]:
    """Broadcast #1 to three members, followed in ``staff``'s chat; its outbox rows' ids."""
    ids = [await add_member(store, f"telegram:{n}") for n in (101, 102, 103)]
    broadcast = await store.broadcasts.create(
        staff, "Hi", "everyone", NOW, report_to=staff, report_language="en"
    )
    await store.outbox.enqueue(
        [Outgoing(broadcast.job, "broadcast", member, "Hi", NOW) for member in ids], NOW
    )
    return [int(row[0]) for row in await store.db.fetchall("SELECT id FROM outbox ORDER BY id")]


@pytest.fixture
async def telegram(clock: FixedClock) -> AsyncIterator[tuple[BotApiRequest, TelegramChannel]]:
    async with telegram_channel(clock) as sending:
        yield sending


async def test_progress_is_edited_in_place_then_reported(
    store: Store, clock: FixedClock, telegram: tuple[BotApiRequest, TelegramChannel]
) -> None:
    """The first report is sent, later ones edit it (only when the numbers moved), and the
    final report is a new message, after which the broadcast is no longer followed."""
    request, channel = telegram
    content = Content.load(CONTENT, "en")
    rows = await _broadcast_to_three(store, STAFF)
    reporter = BroadcastReporter(store, {"telegram": channel}, content, clock)

    await reporter.tick()
    await store.outbox.record_sent([(rows[0], "p1")], NOW)
    await reporter.tick()
    await reporter.tick()  # nothing moved: nothing sent
    await store.outbox.mark(rows[1], "failed", NOW, "boom")
    await store.outbox.record_sent([(rows[2], "p3")], NOW)
    await reporter.tick()
    await reporter.tick()

    progress = (
        "📨 Broadcast #1: sent {} of 3 · {} failed · 0 "
        "on WhatsApp got nothing (outside the 24-hour window, no template)"
    )
    assert [
        ("sendMessage", None, progress.format(0, 0)),
        ("editMessageText", 1, progress.format(1, 0)),
        (
            "sendMessage",
            None,
            "✅ Broadcast #1 finished: sent 2 of 3 · 1 failed · 0 "
            "on WhatsApp got nothing (outside the 24-hour window, no template)"
            " · 0 skipped (stopped or unreachable)",
        ),
    ] == request.calls
    assert [] == await store.broadcasts.reporting()


async def test_a_channel_that_cannot_edit_gets_progress_once_a_minute_and_the_report_at_once(
    store: Store, clock: FixedClock
) -> None:
    """On WhatsApp every update is a new message: a long broadcast must not send one every few
    seconds. The final report is not held back."""
    whatsapp = FakeChannel("whatsapp")
    staff = "whatsapp:+38267000001"
    content = Content.load(CONTENT, "en")
    rows = await _broadcast_to_three(store, staff)
    reporter = BroadcastReporter(store, {"whatsapp": whatsapp}, content, clock)

    await reporter.tick()
    await store.outbox.record_sent([(rows[0], "p1")], NOW)
    clock.advance(seconds=30)
    await reporter.tick()  # moved, but only 30 s after the last: held back
    await store.outbox.record_sent([(rows[1], "p2")], NOW)
    clock.advance(seconds=20)
    await reporter.tick()  # moved again, 50 s: held back
    clock.advance(seconds=11)
    await reporter.tick()
    await store.outbox.record_sent([(rows[2], "p3")], NOW)
    clock.advance(seconds=3)
    await reporter.tick()  # finished: at once

    progress = (
        "📨 Broadcast #1: sent {} of 3 · 0 failed · 0 "
        "on WhatsApp got nothing (outside the 24-hour window, no template)"
    )
    assert [
        progress.format(0),
        progress.format(2),
        "✅ Broadcast #1 finished: sent 3 of 3 · 0 failed · 0 "
        "on WhatsApp got nothing (outside the 24-hour window, no template)"
        " · 0 skipped (stopped or unreachable)",
    ] == whatsapp.texts(staff)


def test_numbers_use_the_language_s_thousands_separator() -> None:
    """5,000 in English, 5.000 in Montenegrin."""
    content = Content.load(CONTENT, "en")
    counts = {"sent": 1234, "queued": 3766}

    assert report_text(content, "en", 3, counts).startswith("📨 Broadcast #3: sent 1,234 of 5,000")
    assert report_text(content, "cnr", 3, counts).startswith("📨 Poruka #3: poslato 1.234 od 5.000")
