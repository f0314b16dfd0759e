from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from bot.store.database import migrations

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def test_new_database_gets_every_migration_wal_and_foreign_keys(tmp_path: Path) -> None:
    """A new file is migrated to the latest version, in WAL mode with foreign keys on."""
    async with Store(tmp_path / "db.sqlite3") as store:
        assert migrations()[-1][0] == await store.db.version()
        journal = await store.db.fetchone("PRAGMA journal_mode")
        foreign_keys = await store.db.fetchone("PRAGMA foreign_keys")
        assert journal is not None and foreign_keys is not None
        assert ("wal", 1) == (journal[0], foreign_keys[0])


async def test_upgrade_from_the_first_migration_keeps_the_data(tmp_path: Path) -> None:
    """A database made by migration 1 is upgraded in place and keeps its members."""
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    await store.open(up_to=1)
    member = await store.members.create("telegram:7", language="cnr", consent_version="v1", now=NOW)
    await store.members.update(member.id, NOW, name="Jelena", country="DE", interests=["events"])
    assert 1 == await store.db.version()
    await store.close()

    async with Store(path) as upgraded:
        assert migrations()[-1][0] == await upgraded.db.version()
        kept = await upgraded.members.by_address("telegram:7")
        assert kept is not None
        assert ("Jelena", "DE", ["events"], None) == (
            kept.name,
            kept.country,
            kept.interests,
            kept.timezone,
        )


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    """Opening an up-to-date database applies no migration."""
    path = tmp_path / "db.sqlite3"
    async with Store(path):
        pass
    async with Store(path) as store:
        assert [] == await store.db.migrate()


async def test_deleting_a_member_erases_everything_linked(tmp_path: Path) -> None:
    """Erasure removes the member, their addresses and their conversation state."""
    async with Store(tmp_path / "db.sqlite3") as store:
        member = await store.members.create(
            "telegram:8", language="en", consent_version="v1", now=NOW
        )
        conversation = await store.conversations.load("telegram:8")
        conversation.flow, conversation.step = "registration", "ask_name"
        await store.conversations.save(conversation, NOW)

        assert ["telegram:8"] == await store.members.delete(member.id)

        for table in ("members", "addresses", "conversations", "inbound_seen"):
            row = await store.db.fetchone(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert row is not None
            assert (table, 0) == (table, row[0])


async def test_an_erased_members_number_is_never_reused(tmp_path: Path) -> None:
    """After the newest member is erased, the next one gets a new number."""
    async with Store(tmp_path / "db.sqlite3") as store:
        first = await store.members.create(
            "telegram:1", language="en", consent_version="v1", now=NOW
        )
        await store.members.delete(first.id)
        second = await store.members.create(
            "telegram:2", language="en", consent_version="v1", now=NOW
        )
        assert second.id > first.id


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    """An error inside a transaction rolls every statement of it back."""
    async with Store(tmp_path / "db.sqlite3") as store:
        try:
            async with store.db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO audit_log (at, actor, action) VALUES ('x', 'y', 'z')"
                )
                await conn.execute("INSERT INTO no_such_table VALUES (1)")
        except sqlite3.OperationalError:
            pass
        assert [] == await store.audit.entries()


async def test_backup_copies_the_live_database(tmp_path: Path) -> None:
    """The online backup holds the same members as the live file."""
    async with Store(tmp_path / "db.sqlite3") as store:
        await store.members.create("telegram:9", language="en", consent_version="v1", now=NOW)
        await store.db.backup(tmp_path / "backup" / "copy.sqlite3")
    async with Store(tmp_path / "backup" / "copy.sqlite3") as copy:
        assert await copy.members.by_address("telegram:9") is not None


async def test_a_redelivered_message_id_is_seen_once(tmp_path: Path) -> None:
    """The first sighting of a provider message id is new; the second is a redelivery."""
    async with Store(tmp_path / "db.sqlite3") as store:
        first = await store.conversations.first_seen("SM1", NOW)
        second = await store.conversations.first_seen("SM1", NOW)
        assert (True, False) == (first, second)
