"""The daily housekeeping: profiles erased after the retention the consent text states,
unfinished conversations after 30 days, old message ids forgotten."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.content import Content
from bot.store import Contact, Conversation, Outgoing, Store
from bot.store.conversations import UNFINISHED_FOR
from scheduler.housekeeping import Housekeeper
from tests.scheduler.conftest import NOW, add_member, states

DAY = timedelta(days=1)


async def test_profiles_silent_for_longer_than_the_retention_are_erased_and_audited(
    store: Store, clock: FixedClock, content: Content
) -> None:
    """The shipped 1,095 days count from the last message on any of a member's addresses (from
    when the address was added, for one never written from)."""
    assert content.programme is not None and 1095 == content.programme.retention_days
    gone = await add_member(store, "telegram:1", last_inbound_at=NOW - 1096 * DAY)
    kept = await add_member(store, "telegram:2", last_inbound_at=NOW - 1094 * DAY)
    elsewhere = await add_member(
        store,
        "telegram:3",
        also=("whatsapp:+38267000003",),
        registered_at=NOW - 2000 * DAY,
    )
    await store.members.touch_address("whatsapp:+38267000003", NOW - DAY)
    never_wrote = await add_member(store, "telegram:4", registered_at=NOW - 1100 * DAY)
    await store.outbox.enqueue(
        [Outgoing("broadcast:1", "broadcast", m, "Hi", NOW) for m in (gone, kept)], NOW
    )

    swept = await Housekeeper(store, content, clock).sweep()

    assert (gone, never_wrote) == swept.erased
    assert [kept, elsewhere] == sorted(m.id for m in await store.members.all())
    assert {"queued": 1} == await states(store)  # the erased member's message went with them
    [entry] = [e for e in await store.audit.entries() if e.actor == "housekeeping"]
    assert (
        "member.erased.retention",
        {"members": [gone, never_wrote], "retention_days": 1095},
    ) == (
        entry.action,
        entry.detail,
    )
    assert () == (await Housekeeper(store, content, clock).sweep()).erased


async def test_message_ids_kept_against_redelivery_are_forgotten_after_a_week(
    store: Store, clock: FixedClock, content: Content
) -> None:
    conversations = store.conversations
    assert await conversations.first_seen("tg-1", NOW - 8 * DAY)
    assert await conversations.first_seen("tg-2", NOW - 6 * DAY)

    swept = await Housekeeper(store, content, clock).sweep()

    assert 1 == swept.seen
    assert not await conversations.first_seen("tg-2", NOW)  # still recognised


async def test_imported_contacts_nobody_claimed_within_the_retention_are_erased(
    store: Store, clock: FixedClock, content: Content
) -> None:
    """They never consented: kept only as long as a member's profile would be. A contact a
    member claimed (by writing from its number on WhatsApp) stays, and goes with the member."""
    old = NOW - 1096 * DAY
    await store.imports.save(
        [
            Contact(0, "old.csv", 2, name="Nobody", phone="+38267111111"),
            Contact(0, "old.csv", 3, name="Ana", phone="+38267333333"),
        ],
        [],
        old,
    )
    await store.imports.save(
        [Contact(0, "new.csv", 2, name="Recent", phone="+38267222222")], [], NOW
    )
    ana = await add_member(store, "whatsapp:+38267333333")
    await store.imports.link(NOW)

    swept = await Housekeeper(store, content, clock).sweep()

    assert 1 == swept.contacts
    assert ["Ana", "Recent"] == sorted(c.name or "" for c in await store.imports.all())
    assert ["Ana"] == [c.name for c in await store.imports.of_member(ana)]


async def _conversation(
    store: Store, address: str, at: datetime, flow: str | None = "registration", **answers: Any
) -> None:
    """A conversation last written at ``at``, standing at the consent question."""
    await store.conversations.save(
        Conversation(address, flow, "ask_consent" if flow else None, dict(answers)), at
    )


async def test_unfinished_conversations_expire_after_thirty_days_and_are_audited(
    store: Store, clock: FixedClock, content: Content
) -> None:
    """A stranger who stopped at the consent question (address, language, the name their app
    shows) and any other conversation silent for over 30 days go; recent ones and the members
    behind old ones stay; the audit entry holds a count only."""
    assert timedelta(days=30) == UNFINISHED_FOR
    stale = NOW - 31 * DAY
    await _conversation(store, "whatsapp:+38267111222", stale, _suggested_name="Ana", _lang="en")
    await _conversation(store, "telegram:7", NOW - 29 * DAY, _suggested_name="Marko")
    member = await add_member(store, "telegram:8", last_inbound_at=stale)
    await _conversation(store, "telegram:8", stale, flow="profile", name="Jelena")

    swept = await Housekeeper(store, content, clock).sweep()

    assert 2 == swept.conversations
    assert {"telegram:7"} == {
        address
        for address in ("whatsapp:+38267111222", "telegram:7", "telegram:8")
        if await store.conversations.stored(address) is not None
    }
    assert [member] == [m.id for m in await store.members.all()]
    [entry] = [e for e in await store.audit.entries() if e.actor == "housekeeping"]
    assert ("conversations.expired", {"conversations": 2, "days": 30}) == (
        entry.action,
        entry.detail,
    )
    for personal in ("382", "Ana", "telegram"):
        assert personal not in repr(entry)
    assert 0 == (await Housekeeper(store, content, clock).sweep()).conversations


@pytest.mark.parametrize(("language", "words"), [("en", "30 days"), ("cnr", "30 dana")])
def test_the_consent_text_states_how_long_unfinished_conversations_are_kept(
    content: Content, language: str, words: str
) -> None:
    """The period housekeeping keeps to is the one the consent text promises, in each
    language."""
    assert str(UNFINISHED_FOR.days) in words
    assert words in content.text(language, "consent.text", version="v1")
