"""Member search on a real SQLite file: filters, accent-free search, sorting and pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import MemberQuery, Store
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        await add_member(
            opened, "telegram:1", NOW - timedelta(days=10), name="Marko Nikolić", country="DE",
            city="München", municipality="Kotor", sector="it", skills="Python, cloud",
            interests=["events", "mentoring"], languages=["cnr", "de"], email="marko@example.org",
        )  # fmt: skip
        await add_member(
            opened, "whatsapp:+4915100000002", NOW - timedelta(days=5), name="Ana Đurović",
            country="DE", city="Berlin", municipality="Bar", sector="health",
            skills="nursing", interests=["fellowship"], language="cnr",
        )  # fmt: skip
        await add_member(
            opened, "telegram:3", NOW, name="John Smith", country="US", city="Chicago",
            sector="it", skills="data engineering", interests=["investment"],
        )  # fmt: skip
        await add_member(opened, "telegram:4", NOW, name="Half Way", country="AT", registered=False)
        yield opened


async def names(store: Store, query: MemberQuery, **kwargs: object) -> list[str | None]:
    page = await store.directory.search(query, **kwargs)  # type: ignore[arg-type]
    return [row.member.name for row in page.rows]


async def test_every_filter_narrows_the_list(store: Store) -> None:
    """Each filter alone keeps only the members it names."""
    assert ["Ana Đurović", "Marko Nikolić"] == await names(store, MemberQuery(country="DE"))
    assert ["Marko Nikolić"] == await names(store, MemberQuery(municipality="Kotor"))
    assert ["John Smith", "Marko Nikolić"] == await names(store, MemberQuery(sector="it"))
    assert ["Ana Đurović"] == await names(store, MemberQuery(interest="fellowship"))
    assert ["Ana Đurović"] == await names(store, MemberQuery(language="cnr"))
    assert ["Marko Nikolić"] == await names(store, MemberQuery(spoken_language="de"))
    assert ["Ana Đurović"] == await names(store, MemberQuery(channel="whatsapp"))
    between = MemberQuery(registered_from=date(2026, 11, 17), registered_to=date(2026, 11, 22))
    assert ["Ana Đurović", "Marko Nikolić"] == await names(store, between)


async def test_search_ignores_case_and_accents_and_needs_every_word(store: Store) -> None:
    """``nikolic`` finds Nikolić, ``munchen`` München; all words must match."""
    assert ["Marko Nikolić"] == await names(store, MemberQuery(search="nikolic"))
    assert ["Marko Nikolić"] == await names(store, MemberQuery(search="MUNCHEN python"))
    assert ["Ana Đurović"] == await names(store, MemberQuery(search="djurovic"))
    assert ["Marko Nikolić"] == await names(store, MemberQuery(search="marko@example"))
    assert [] == await names(store, MemberQuery(search="nikolic nursing"))
    assert [] == await names(store, MemberQuery(search="_%"))
    assert [] == await names(store, MemberQuery(search="z%"))


async def test_unfinished_registrations_are_listed_only_when_asked(store: Store) -> None:
    """A member with only name and country shows up with include_unregistered."""
    assert 3 == await store.directory.count()
    assert 4 == await store.directory.count(MemberQuery(include_unregistered=True))


async def test_sorting_and_pages(store: Store) -> None:
    """Sorted by a whitelisted column, a page at a time, with the total of all matches."""
    page = await store.directory.search(sort="name", descending=False, page=2, page_size=2)

    assert (["Marko Nikolić"], 3, 2, 2) == (
        [row.member.name for row in page.rows],
        page.total,
        page.pages,
        page.page,
    )
    assert (page.has_previous, page.has_next) == (True, False)
    beyond = await store.directory.search(page=9, page_size=2)
    assert 2 == beyond.page
    with pytest.raises(ValueError, match="cannot sort"):
        await store.directory.search(sort="name; DROP TABLE members")


async def test_rows_carry_channels_and_latest_come_first(store: Store) -> None:
    """Each row lists its channels; latest() is newest first."""
    latest = await store.directory.latest(2)

    assert [("John Smith", ("telegram",)), ("Ana Đurović", ("whatsapp",))] == [
        (row.member.name, row.channels) for row in latest
    ]


async def test_filter_values_list_what_members_have(store: Store) -> None:
    """The drop-down values are the distinct values of registered members."""
    assert ["DE", "US"] == await store.directory.values("country")
    assert ["events", "fellowship", "investment", "mentoring"] == await store.directory.values(
        "interest"
    )
    assert ["telegram", "whatsapp"] == await store.directory.values("channel")


def test_a_query_describes_its_filters() -> None:
    """describe() lists only the filters that are set."""
    query = MemberQuery(country="DE", registered_from=date(2026, 1, 1))

    assert {"country": "DE", "registered_from": "2026-01-01"} == query.describe()
    assert MemberQuery().is_empty()
    assert not query.is_empty()
