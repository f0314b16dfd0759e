"""``diaspora-bot demo``: a new database full of plausible sample data, refused over an existing
file unless ``--force``, the same from the same seed."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.content import Content
from bot.countries import city_name
from bot.store import Store
from bot.store.fellowship import STATUSES
from staff import demo
from tests.conftest import CONTENT
from tests.sample import add_member

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def _read(path: Path) -> dict[str, Any]:
    """Everything the dashboard would show, as plain data."""
    async with Store(path) as store:
        members = await store.members.all(registered_only=False)
        return {
            "members": [member.as_dict() for member in members],
            "channels": await store.members.channels(),
            "rsvps": [asdict(rsvp) for rsvp in await store.rsvps.listing()],
            "applications": [asdict(each) for each in await store.applications.all()],
            "notes": [
                [asdict(note) for note in await store.applications.notes(each.id)]
                for each in await store.applications.all()
            ],
            "contacts": [asdict(contact) for contact in await store.imports.all()],
            "audit": [asdict(entry) for entry in await store.audit.entries(limit=100_000)],
        }


def test_demo_fills_a_new_database_with_plausible_data(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """300 members in both languages across the diaspora's countries and the municipalities,
    GeoNames cities, RSVPs to every event with a waitlist, applications in every status with
    notes, imported contacts some of them linked, and audit entries."""
    assert 0 == main(["demo"])
    data = asyncio.run(_read(database))

    members = data["members"]
    registered = [member for member in members if member["registered_at"]]
    programme = Content.load(CONTENT, "en").programme
    assert programme is not None
    # Besides them, local businesses' contact persons (no country: no diaspora member).
    assert 300 == len([member for member in members if member["country"]])
    assert 270 <= len(registered) < 300
    assert {"en", "cnr"} == {member["language"] for member in members}
    assert 12 <= len({member["country"] for member in members} - {None})
    assert {"DE", "US", "AT", "CH", "LU"} <= {member["country"] for member in members}
    assert 15 <= len({member["municipality"] for member in registered} - {None})
    assert {member["municipality"] for member in registered} - {None} <= set(
        programme.municipalities
    )
    matched = [m for m in registered if city_name(m["country"], m["city"]) is not None]
    assert len(matched) >= 0.95 * len(registered)
    assert {"telegram", "whatsapp"} == {
        channel for channels in data["channels"].values() for channel in channels
    }
    statuses = Counter((rsvp["event"], rsvp["status"]) for rsvp in data["rsvps"])
    assert {slug for slug, _ in statuses} == set(Content.load(CONTENT, "en").events)
    assert 0 < statuses[("business-forum-budva-2027", "waitlisted")]
    assert set(STATUSES) == {application["status"] for application in data["applications"]}
    assert any(note["note"] for notes in data["notes"] for note in notes)
    linked = [contact for contact in data["contacts"] if contact["member_id"]]
    assert 0 < len(linked) < len(data["contacts"])
    assert {"fellowship.status", "members.import", "dashboard.signin"} <= {
        entry["action"] for entry in data["audit"]
    }
    assert "300 members" in capsys.readouterr().out


def test_demo_refuses_an_existing_database(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that exists is left as it was, with one error line and exit code 2."""
    database.write_bytes(b"not to be lost")

    assert 2 == main(["demo", "--members", "5"])

    assert b"not to be lost" == database.read_bytes()
    error = capsys.readouterr().err
    assert 1 == len(error.splitlines())
    assert error.startswith("diaspora-bot demo: error:") and "--force" in error


def test_demo_with_force_replaces_the_database(database: Path) -> None:
    """--force starts over: the members that were there are gone, the new ones are in."""

    async def existing() -> None:
        async with Store(database) as store:
            await add_member(store, "telegram:1", NOW, name="Kept Nowhere", country="ME")

    asyncio.run(existing())

    assert 0 == main(["demo", "--members", "20", "--force"])

    members = asyncio.run(_read(database))["members"]
    names = [member["name"] for member in members if member["country"]]
    assert 20 == len(names) and "Kept Nowhere" not in names


@pytest.mark.parametrize("members", ["0", "-3", "many", "1000001"])
def test_demo_refuses_a_number_of_members_out_of_range(
    database: Path, members: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--members takes 1 to a million: anything else is one error line, exit 2, no file."""
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--members", members])

    assert 2 == exited.value.code
    assert 1 == len(capsys.readouterr().err.splitlines())
    assert not database.exists()


def test_demo_data_is_the_same_from_the_same_seed(tmp_path: Path) -> None:
    """Two databases filled from one seed at one moment hold the same rows; another seed
    gives other people."""
    content = Content.load(CONTENT, "en")

    async def filled(name: str, seed: int) -> dict[str, Any]:
        async with Store(tmp_path / name) as store:
            await demo.fill(store, content, NOW, members=40, seed=seed)
        return await _read(tmp_path / name)

    first = asyncio.run(filled("a.sqlite3", 7))
    again = asyncio.run(filled("b.sqlite3", 7))
    other = asyncio.run(filled("c.sqlite3", 8))

    assert first == again
    assert first["members"] != other["members"]


async def _questions(path: Path) -> tuple[list[Any], dict[int, list[Any]], set[str]]:
    async with Store(path) as store:
        threads = await store.questions.listing()
        messages = {thread.id: await store.questions.messages(thread.id) for thread in threads}
        members = {member.id: member for member in await store.members.all()}
        languages = {
            f"{thread.language}/{members[thread.member_id].language}" for thread in threads
        }
        outbox = await store.db.fetchall("SELECT count(*) FROM outbox")
        assert 0 == outbox[0][0]  # a demo database never messages its fictional people
        return threads, messages, languages


def test_demo_has_questions_to_the_team_in_both_languages_in_every_state(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Questions page has something to show: questions by registered members in their own
    language, open (one waiting over two days), answered with a follow-up, closed, one after
    an FAQ answer that did not help, one with an internal note — and no outbox row."""
    assert 0 == main(["demo", "--members", "60"])
    threads, messages, languages = asyncio.run(_questions(database))

    assert {"en/en", "cnr/cnr"} == languages
    assert {"open", "answered", "closed"} == {thread.status for thread in threads}
    assert any(thread.faq for thread in threads)
    kinds = [[message.kind for message in said] for said in messages.values()]
    assert ["member", "answer", "member", "answer"] in kinds
    assert any("note" in each for each in kinds)
    newest = max(datetime.fromisoformat(thread.created_at) for thread in threads)
    waiting = [t.created_at for t in threads if t.status == "open"]
    assert any(newest - datetime.fromisoformat(at) > timedelta(days=2) for at in waiting)
    assert f"{len(threads)} questions to the team" in capsys.readouterr().out
