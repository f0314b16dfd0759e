"""The audit log keeps no words someone typed to find a member: not when an entry is written,
and not in entries written before."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def test_a_search_is_recorded_as_made_not_as_its_words(tmp_path: Path) -> None:
    """Filters keep their codes; the search keeps only that there was one."""
    async with Store(tmp_path / "db.sqlite3") as store:
        await store.audit.record(
            "cli:ana",
            "export.members",
            NOW,
            rows=1,
            filters={"country": "DE", "search": "Milena Petrović"},
        )

        [entry] = await store.audit.entries()

    assert {"rows": 1, "filters": {"country": "DE", "search": True}} == entry.detail


async def test_upgrading_scrubs_the_search_words_of_older_entries(tmp_path: Path) -> None:
    """Entries written before migration 0010 lose their search words and keep the rest."""
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    await store.open(up_to=9)
    for detail in (
        {"rows": 1, "filters": {"country": "DE", "search": "milena"}},
        {"search": "milena"},
        {"rows": 4},
    ):
        await store.db.insert(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (NOW.isoformat(), "dashboard", "export.members", json.dumps(detail)),
        )
    await store.close()

    async with Store(path) as upgraded:
        details = [entry.detail for entry in reversed(await upgraded.audit.entries())]

    assert [
        {"rows": 1, "filters": {"country": "DE", "search": True}},
        {"search": True},
        {"rows": 4},
    ] == details
