"""A member's arrival (Members.arriving): the member who writes from an address, the time of
their message recorded for WhatsApp's window and retention — again only after a minute, unless
the address had been given up as unreachable, which a message always undoes at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Conversation, Store
from tests.sample import add_member

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
ADDRESS = "whatsapp:+38267123456"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


async def _seen(store: Store) -> tuple[str | None, str | None]:
    [address] = [a for a in await store.members.addresses(1) if a.address == ADDRESS]
    return address.last_inbound_at, address.unreachable_at


async def test_an_arrival_is_the_member_and_records_the_time_once_a_minute(store: Store) -> None:
    """The first message records its time; another within the minute leaves it (no write);
    one a minute later records the new time; an unknown address is nobody and writes nothing."""
    member = await add_member(store, ADDRESS, NOW - timedelta(days=3), name="Ana", country="DE")
    await store.db.execute("UPDATE addresses SET last_inbound_at = NULL")

    arrived, conversation = await store.members.arriving(ADDRESS, NOW)
    assert arrived is not None and (member.id, "Ana") == (arrived.id, arrived.name)
    assert (ADDRESS, None, {}) == (conversation.address, conversation.flow, conversation.answers)
    assert (NOW.isoformat(), None) == await _seen(store)

    await store.members.arriving(ADDRESS, NOW + timedelta(seconds=59))
    assert (NOW.isoformat(), None) == await _seen(store)
    later = NOW + timedelta(minutes=1)
    await store.members.arriving(ADDRESS, later)
    assert (later.isoformat(), None) == await _seen(store)

    assert (None, []) == (
        (await store.members.arriving("telegram:999", NOW))[0],
        [a.address for a in await store.members.addresses(member.id) if a.address != ADDRESS],
    )


async def test_an_arrival_brings_the_conversation_of_the_address_known_or_not(
    store: Store,
) -> None:
    """Someone registering (no member yet) and a member mid-flow: each arrival brings the
    stored conversation as saved — flow, step, answers, history, offered options, time."""
    stranger = Conversation(
        "telegram:5", "registration", "ask_country", {"name": "Ivo"}, ["ask_name"], 2,
        [["me", "Montenegro"]],
    )  # fmt: skip
    await store.conversations.save(stranger, NOW)
    nobody, kept = await store.members.arriving("telegram:5", NOW)
    assert nobody is None
    assert replace(stranger, updated_at=NOW.isoformat()) == kept

    await add_member(store, ADDRESS, NOW, name="Ana", country="DE")
    midway = Conversation(ADDRESS, "rsvp", "ask_guests", {"event": "forum"}, [], 1, [])
    await store.conversations.save(midway, NOW)
    ana, hers = await store.members.arriving(ADDRESS, NOW)
    assert ana is not None and ("Ana", "rsvp", {"event": "forum"}) == (
        ana.name,
        hers.flow,
        hers.answers,
    )


async def test_a_message_makes_an_unreachable_address_reachable_at_once(store: Store) -> None:
    """The address was marked unreachable (a blocked bot) seconds after the member's last
    message: their next message, within the minute, makes it reachable again."""
    await add_member(store, ADDRESS, NOW, name="Ana", country="DE")
    await store.members.arriving(ADDRESS, NOW)
    await store.db.execute(
        "UPDATE addresses SET unreachable_at = ?", ((NOW + timedelta(seconds=5)).isoformat(),)
    )
    await store.members.arriving(ADDRESS, NOW + timedelta(seconds=10))
    assert ((NOW + timedelta(seconds=10)).isoformat(), None) == await _seen(store)
