"""``polls list|results|share``: exact counts as the JSON DESIGN.md gives (by country, language
and municipality too), results sent to those who answered from five answers (audited), and a
bad poll id one error line, exit 2."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
POLL = "forum-niksic"


async def _answers(path: Path, answers: Sequence[tuple[str, str, str | None, str]]) -> None:
    """Members (country, language, municipality) who answered the shipped forum poll."""
    async with Store(path) as store:
        for number, (country, language, municipality, option) in enumerate(answers, start=1):
            member = await add_member(
                store,
                f"telegram:{number}",
                NOW,
                name=f"Member {number}",
                country=country,
                language=language,
                municipality=municipality,
            )
            await store.polls.answer(POLL, member.id, NOW, choices=[option], channel="telegram")


def test_results_print_exact_counts_as_json(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``{"poll": ID, "answered": N, "options": {OPTION_ID: COUNT, …}, …}`` with every option
    (0 for none) and the same by country, language and municipality — exact, even a 1."""
    asyncio.run(
        _answers(
            database,
            [
                ("DE", "cnr", "Nikšić", "yes"),
                ("DE", "en", "Nikšić", "online"),
                ("US", "en", None, "yes"),
            ],
        )
    )
    assert 0 == main(["polls", "results", POLL, "--json"])
    found = json.loads(capsys.readouterr().out)
    assert (POLL, 3, {"yes": 2, "online": 1, "maybe": 0, "no": 0}) == (
        found["poll"],
        found["answered"],
        found["options"],
    )
    assert {
        "answered": 2,
        "options": {"yes": 1, "online": 1, "maybe": 0, "no": 0},
        "own_words": 0,
    } == (found["by_country"]["DE"])
    assert {"cnr": 1, "en": 2} == {
        language: counts["answered"] for language, counts in found["by_language"].items()
    }
    assert {"": 1, "Nikšić": 2} == {
        place: counts["answered"] for place, counts in found["by_municipality"].items()
    }
    assert (True, "business") == (found["open"], found["topic"])


def test_an_unknown_poll_is_one_error_line(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, one line naming the polls there are."""
    assert 2 == main(["polls", "results", "no-such-poll"])
    error = capsys.readouterr().err.strip().splitlines()
    assert 1 == len(error)
    assert error[0].startswith(
        "diaspora-bot polls: error: no poll 'no-such-poll' in content/polls/ (known:"
    )


def test_results_are_shared_only_from_five_answers_and_audited(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four answers: refused (exit 2). Five: each member who answered gets the shares in their
    language, once; the audit log says how many."""
    four = [("DE", "en", None, "yes")] * 3 + [("AT", "cnr", None, "no")]
    asyncio.run(_answers(database, four))
    assert 2 == main(["polls", "share", POLL, "--yes"])
    assert "has 4 answers; results go out from 5" in capsys.readouterr().err

    async def fifth() -> None:
        async with Store(database) as store:
            member = await add_member(store, "telegram:9", NOW, name="Nina", country="CH")
            await store.polls.answer(POLL, member.id, NOW, choices=["maybe"])

    asyncio.run(fifth())
    assert 0 == main(["polls", "share", POLL, "--yes"])
    assert "Queued 5 messages as poll:forum-niksic:results" in capsys.readouterr().out
    assert 0 == main(["polls", "share", POLL, "--yes"])
    assert "Queued 0 messages" in capsys.readouterr().out

    async def sent() -> tuple[list[str], list[str]]:
        async with Store(database) as store:
            rows = await store.db.fetchall(
                "SELECT body FROM outbox WHERE job = 'poll:forum-niksic:results' ORDER BY member_id"
            )
            actions = [entry.action for entry in await store.audit.entries()]
            return [str(row[0]) for row in rows], actions

    bodies, actions = asyncio.run(sent())
    assert (
        "📊 The results of our poll “Would you attend a business forum in Nikšić?” (answers: 5)."
        " Thank you for taking part!\nYes, I would come: 60%\nOnly online: 0%\n"
        "Maybe, depending on the date: 20%\nNo: 20%"
    ) == bodies[0]
    assert bodies[3].startswith("📊 Rezultati naše ankete")
    assert 2 == actions.count("poll.results_shared")


def test_list_names_every_poll_with_its_answers(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped polls, their topic and whether they are asked only as a next step."""
    asyncio.run(_answers(database, [("DE", "en", None, "no")]))
    assert 0 == main(["polls", "list", "--json"])
    rows = {row["poll"]: row for row in json.loads(capsys.readouterr().out)}
    assert (1, "business", True) == (
        rows[POLL]["answered"],
        rows[POLL]["topic"],
        rows[POLL]["scheduled"],
    )
    assert False is rows["diaspora-days-2027-improve"]["scheduled"]
