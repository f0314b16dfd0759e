"""The outbox through the real Telegram channel: python-telegram-bot against a fake HTTP seam."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram import TelegramChannel
from bot.clock import FixedClock
from bot.store import Outgoing, Store
from tests.fakes.bot_request import BotApiRequest, telegram_channel
from tests.scheduler.conftest import NOW, FakeTime, add_member, limiter, make_sender


@pytest.fixture
async def api(clock: FixedClock) -> AsyncIterator[tuple[BotApiRequest, TelegramChannel]]:
    async with telegram_channel(clock) as sending:
        yield sending


async def test_telegram_errors_become_retries_unreachable_addresses_and_failures(
    store: Store,
    clock: FixedClock,
    fake_time: FakeTime,
    api: tuple[BotApiRequest, TelegramChannel],
) -> None:
    """429 waits retry_after; 403 marks the chat unreachable; 5xx is retried, then sent."""
    request, channel = api
    flooded = await add_member(store, "telegram:101")
    blocked = await add_member(store, "telegram:102")
    flaky = await add_member(store, "telegram:103")
    request.script = {
        101: [
            (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 2",
                    "parameters": {"retry_after": 2},
                },
            )
        ],
        102: [
            (
                403,
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                },
            )
        ],
        103: [(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})],
    }
    await store.outbox.enqueue(
        [
            Outgoing("broadcast:1", "broadcast", m, f"Hi {m}", NOW)
            for m in (flooded, blocked, flaky)
        ],
        NOW,
    )
    sender = make_sender(store, clock, limits={"telegram": limiter(fake_time, 25)}, window=1)
    sender.channels = {"telegram": channel}  # the real channel, not a fake one
    await sender.drain()
    clock.advance(seconds=5)  # past the 5 s backoff after the 502
    await sender.drain()
    rows = await store.db.fetchall(
        "SELECT member_id, state, attempts, error FROM outbox ORDER BY member_id"
    )
    assert [
        (flooded, "sent", 1, None),
        (blocked, "skipped", 0, "no reachable address"),
        (flaky, "sent", 2, None),
    ] == [(row[0], row[1], row[2], row[3]) for row in rows]
    assert [(101, f"Hi {flooded}"), (103, f"Hi {flaky}")] == sorted(request.sent)
    assert (await store.members.addresses(blocked))[0].unreachable_at is not None
    assert 2.0 in fake_time.slept  # Telegram's retry_after paused the channel
