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


async def test_an_erased_applicants_number_is_never_given_to_the_next(tmp_path: Path) -> None:
    """Application, note, RSVP, broadcast, audit and import ids outlive an erasure: the next
    record gets a new number, so `fellowship status 2 …` cannot reach a newcomer."""
    async with Store(tmp_path / "db.sqlite3") as store:
        first = await store.members.create(
            "telegram:1", language="en", consent_version="v", now=NOW
        )
        second = await store.members.create(
            "telegram:2", language="en", consent_version="v", now=NOW
        )
        await store.applications.submit("p", first.id, NOW, {})
        erased = await store.applications.submit("p", second.id, NOW, {})
        assert erased is not None
        await store.members.delete(second.id)
        newcomer = await store.members.create(
            "telegram:3", language="en", consent_version="v", now=NOW
        )
        application = await store.applications.submit("p", newcomer.id, NOW, {})

        assert application is not None
        assert application.id > erased.id
        sequences = await store.db.fetchall("SELECT name FROM sqlite_sequence ORDER BY name")
        assert {
            "application_notes",
            "audit_log",
            "broadcasts",
            "fellowship_applications",
            "imported_contacts",
            "members",
            "rsvps",
        } <= {row[0] for row in sequences}


async def test_upgrade_keeps_ids_notes_and_undoes_unproved_import_links(tmp_path: Path) -> None:
    """Migration 9 rebuilds the tables with every row, id and note (no cascade on the way),
    and unlinks imported contacts that only a typed phone or e-mail had linked."""
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    await store.open(up_to=8)
    at = NOW.isoformat()
    proved = await store.members.create("telegram:1", language="en", consent_version="v", now=NOW)
    typed = await store.members.create("telegram:2", language="en", consent_version="v", now=NOW)
    await store.members.update(proved.id, NOW, verified_phone="+38267000001", registered_at=at)
    await store.members.update(typed.id, NOW, phone="+38267000002", registered_at=at)
    for number, (phone, member) in enumerate(
        [("+38267000001", proved.id), ("+38267000002", typed.id)], start=5
    ):
        await store.db.execute(
            "INSERT INTO imported_contacts (id, name, phone, source, source_row, member_id,"
            " linked_at, imported_at, updated_at) VALUES (?, 'x', ?, 'f.csv', 2, ?, ?, ?, ?)",
            (number, phone, member, at, at, at),
        )
    application = await store.applications.submit("p", typed.id, NOW, {})
    assert application is not None
    await store.applications.add_note(application.id, "strong candidate", NOW, author="c")
    await store.close()

    async with Store(path) as upgraded:
        links = await upgraded.db.fetchall(
            "SELECT id, member_id FROM imported_contacts ORDER BY id"
        )
        notes = await upgraded.applications.notes(application.id)
        kept = await upgraded.applications.get(application.id)
        keys = await upgraded.db.fetchone("PRAGMA foreign_keys")

    assert [(5, proved.id), (6, None)] == [tuple(row) for row in links]
    assert (application.id, ["strong candidate"]) == (
        kept.id if kept else None,
        [note.note for note in notes if note.note],
    )
    assert keys is not None and 1 == keys[0]
