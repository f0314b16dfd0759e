"""Test helpers for staff features: the app with a staff member (Telegram id 1), a
coordinator (id 2) and a fake Telegram channel that keeps what the outbox and the progress
reports send; members put straight into the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from bot.app import App
from bot.clock import FixedClock
from bot.store import Store
from tests.chat import Chat
from tests.conftest import make_settings
from tests.fakes.channel import FakeChannel
from tests.sample import add_member

STAFF = "telegram:1"
COORDINATOR = "telegram:2"
MEMBER = "telegram:3"


@asynccontextmanager
async def staff_app(
    tmp_path: Path, clock: FixedClock, channel: FakeChannel, **settings: object
) -> AsyncIterator[App]:
    """The app with roles set and ``channel`` as its Telegram."""
    values: dict[str, object] = {
        "staff_telegram_ids": "1",
        "coordinator_telegram_ids": "2",
        **settings,
    }
    async with App(
        make_settings(tmp_path, **values), clock=clock, channels={"telegram": channel}
    ) as app:
        yield app


def chat_as(app: App, clock: FixedClock, address: str) -> Chat:
    return Chat(app.engine, clock, address, display_name="Staff Person")


async def members(
    store: Store, now: datetime, count: int, *, first: int = 100, **fields: object
) -> list[int]:
    """``count`` registered members at telegram:<first>…, with the given profile fields."""
    found = []
    for number in range(first, first + count):
        fields.setdefault("country", "DE")
        member = await add_member(
            store,
            f"telegram:{number}",
            now,
            name=f"Member{number} Test",
            **fields,  # type: ignore[arg-type]
        )
        found.append(member.id)
    return found
