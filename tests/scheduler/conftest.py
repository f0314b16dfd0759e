from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.content import Content
from bot.store import Store
from scheduler.planner import Planner
from scheduler.ratelimit import RateLimiter
from scheduler.sender import Sender
from tests.conftest import CONTENT
from tests.fakes.channel import FakeChannel

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


class FakeTime:
    """Monotonic time and a sleep that only moves the clock forward: no real waiting."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.clock.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fake_time(clock: FixedClock) -> FakeTime:
    return FakeTime(clock)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A content folder with the shipped locales, programme and events, and no campaigns."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT / "locales", root / "locales")
    shutil.copytree(CONTENT / "events", root / "events")
    shutil.copy(CONTENT / "programme.yaml", root / "programme.yaml")
    (root / "campaigns").mkdir()
    return root


def write_campaign(folder: Path, name: str, text: str) -> Path:
    """Writes ``content/campaigns/<name>.md`` (dedented)."""
    path = folder / "campaigns" / f"{name}.md"
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


@pytest.fixture
def content(folder: Path) -> Content:
    loaded = Content.load(folder, "en")
    loaded.min_interval = 0
    return loaded


@pytest.fixture
def telegram() -> FakeChannel:
    return FakeChannel("telegram")


@pytest.fixture
def whatsapp() -> FakeChannel:
    return FakeChannel("whatsapp")


def make_planner(store: Store, content: Content, clock: FixedClock, **options: Any) -> Planner:
    options.setdefault("timezone", "Europe/Podgorica")
    options.setdefault("grace", timedelta(hours=6))
    return Planner(store, content, clock, **options)


def make_sender(store: Store, clock: FixedClock, *channels: FakeChannel, **options: Any) -> Sender:
    return Sender(store, {channel.name: channel for channel in channels}, clock, **options)


def limiter(fake_time: FakeTime, rate: float, per_chat: float = 0.0) -> RateLimiter:
    return RateLimiter(
        rate, per_chat=per_chat, monotonic=fake_time.monotonic, sleep=fake_time.sleep
    )


async def add_member(
    store: Store,
    address: str = "telegram:1001",
    *,
    name: str = "Ana Marković",
    language: str = "en",
    registered_at: datetime = NOW - timedelta(days=30),
    also: tuple[str, ...] = (),
    last_inbound_at: datetime | None = None,
    **fields: Any,
) -> int:
    """A registered member reachable at ``address`` (and at the ``also`` addresses)."""
    member = await store.members.create(
        address, language=language, consent_version="v1", now=registered_at
    )
    fields.setdefault("country", "DE")
    await store.members.update(
        member.id, registered_at, name=name, registered_at=registered_at.isoformat(), **fields
    )
    for other in also:
        await store.db.execute(
            "INSERT INTO addresses (address, member_id, channel, created_at) VALUES (?, ?, ?, ?)",
            (other, member.id, other.split(":")[0], registered_at.isoformat()),
        )
    if last_inbound_at is not None:
        for each in (address, *also):
            await store.members.touch_address(each, last_inbound_at)
    return member.id


async def rsvp(store: Store, event: str, member_id: int, status: str, at: datetime = NOW) -> None:
    """Records an RSVP the way the events flow does (its table, from migration 0005)."""
    await store.db.execute(
        "INSERT INTO rsvps (event, member_id, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event, member_id) DO UPDATE SET"
        " status = excluded.status, updated_at = excluded.updated_at",
        (event, member_id, status, at.isoformat(), at.isoformat()),
    )


async def states(store: Store, job: str | None = None) -> dict[str, int]:
    return await store.outbox.counts(job)
