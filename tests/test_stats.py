"""Statistics and the mapping report from a real store: exact counts for staff, suppressed
aggregates for the government."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

from bot import stats
from bot.stats import NOT_GIVEN, Statistics, mapping_report
from bot.store import Store
from bot.suppression import SECONDARY, SMALL
from scheduler.content import Content
from tests.conftest import CONTENT
from tests.sample import add_member

NOW = datetime(2027, 2, 10, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


async def _members(store: Store, count: int, at: datetime, **fields: object) -> None:
    for _ in range(count):
        n = next(_numbers)
        await add_member(store, f"telegram:{n}", at, name=f"M{n}", **fields)  # type: ignore[arg-type]


async def test_collect_counts_every_dimension(tmp_path: Path) -> None:
    """Members by country, city, municipality, sector, years abroad, languages, interests and
    channel; registrations by week and month with empty periods as 0."""
    async with Store(tmp_path / "db.sqlite3") as store:
        await _members(
            store, 2, datetime(2027, 1, 4, tzinfo=UTC), country="DE", city="München",
            municipality="Kotor", sector="it", emigration_year=2020, languages=["de", "cnr"],
            interests=["events"], skills="Python and cloud computing",
        )  # fmt: skip
        await _members(
            store, 1, datetime(2027, 2, 9, tzinfo=UTC), country="DE", city="Munchen",
            sector="health", emigration_year=1990, skills="python teaching",
        )  # fmt: skip
        await _members(store, 1, NOW, country="US", registered=False)
        await store.rsvps.answer("diaspora-days-2027", 1, "going", NOW, guests=2)
        await store.rsvps.answer("diaspora-days-2027", 2, "maybe", NOW)
        await store.applications.submit("health-clinical-2027", 3, NOW, {"field": "x"})

        found = await stats.collect(store, NOW)

    assert 3 == found.members
    assert {"DE": 3} == found.by_country
    assert {"DE": {"München": 3}} == found.cities
    assert {"Kotor": 2, NOT_GIVEN: 1} == found.by_municipality
    assert {"it": 2, "health": 1} == found.by_sector
    assert {"5-9": 2, "30+": 1} == found.by_years_abroad
    assert {"cnr": 2, "de": 2, NOT_GIVEN: 1} == found.by_spoken_language
    assert {"events": 2, NOT_GIVEN: 1} == found.by_interest
    assert {"telegram": 3} == found.by_channel
    assert {"en": 3} == found.by_language
    assert (("2027-01", 2), ("2027-02", 1)) == found.by_month
    assert ("2027-W01", 2) == found.by_week[0]
    assert ("2027-W06", 1) == found.by_week[-1]
    assert 6 == len(found.by_week)
    assert ("python", 3) == found.skills[0]
    assert [("diaspora-days-2027", {"going": 1, "maybe": 1}, 2)] == [
        (event.event, event.statuses, event.guests) for event in found.rsvps
    ]
    assert {"health-clinical-2027": {"submitted": 1}} == found.applications
    assert {"submitted": 1} == found.applications_by_status


def test_skill_terms_count_members_not_mentions() -> None:
    """A word a member repeats counts once; stop words and short words are left out."""
    terms = stats.skill_terms(["Nurse, nurse and NURSE", "nurse", "Računovođa", "racunovodja"])

    assert [("nurse", 2), ("računovođa", 2)] == terms


def _statistics(**dimensions: dict[str, int]) -> Statistics:
    members = sum(dimensions.get("country", {}).values())
    return Statistics(at=NOW, members=members, dimensions=dimensions)


def test_mapping_report_hides_small_counts_and_protects_totals() -> None:
    """Countries: the lone small one gets a secondary companion; interests (several a member)
    only hide the small ones; the member count is published."""
    report = mapping_report(
        _statistics(
            country={"DE": 40, "US": 12, "AT": 6, "JP": 2},
            interest={"events": 30, "culture": 3},
        )
    )

    countries = report.table("country")
    assert "60" == report.members == countries.total
    assert [("DE", "40"), ("US", "12"), ("AT", SECONDARY), ("JP", SMALL)] == [
        (cell.key, cell.shown) for cell in countries.cells
    ]
    assert [("events", "30"), ("culture", SMALL)] == [
        (cell.key, cell.shown) for cell in report.table("interest").cells
    ]
    assert report.table("interest").total is None
    shown = sum(cell.count or 0 for cell in countries.cells)
    # The hidden remainder (8) could be 2 + 6, 3 + 5, ...: no single value for JP.
    assert 8 == 60 - shown


def test_small_report_totals_and_cities() -> None:
    """Under 5 members in all reads "<5"; a hidden country's cities are not published; a
    shown country's cities add up to its count with their own protection."""
    tiny = mapping_report(_statistics(country={"DE": 3}))
    assert "<5" == tiny.members
    assert tiny.table("country").withheld

    report = mapping_report(
        Statistics(
            at=NOW,
            members=26,
            dimensions={"country": {"DE": 20, "JP": 3, "FR": 3}},
            cities={"DE": {"Berlin": 12, "Bonn": 6, "Ulm": 2}, "JP": {"Tokyo": 3}},
            skills=(("python", 9), ("rare", 2)),
        )
    )
    assert ["DE"] == [table.group for table in report.cities]
    assert [("Berlin", "12"), ("Bonn", SECONDARY), ("Ulm", SMALL)] == [
        (cell.key, cell.shown) for cell in report.cities[0].cells
    ]
    assert "20" == report.cities[0].total
    assert (("python", 9),) == report.skills


def test_labels_name_keys_in_each_language() -> None:
    """Countries, sectors, languages and buckets read in the reader's language."""
    content = Content.load(CONTENT, "en")

    assert "Germany" == stats.label(content, "en", "country", "DE")
    assert "Njemačka" == stats.label(content, "cnr", "country", "DE")
    assert "Not given" == stats.label(content, "en", "sector", NOT_GIVEN)
    assert "10-19 godina" == stats.label(content, "cnr", "years_abroad", "10-19")
    assert "Country of residence" == stats.title(content, "en", "country")
    assert "Kotor" == stats.label(content, "en", "municipality", "Kotor")


async def test_weekly_counts_run_across_new_year() -> None:
    """ISO weeks keep their ISO year at the turn of the year."""
    weeks = stats.weekly([("2026-12-28", 1), ("2027-01-11", 2)])

    assert [("2026-W53", 1), ("2027-W01", 0), ("2027-W02", 2)] == weeks
    assert [] == stats.monthly([])
    assert [("2027-01", 1)] == stats.monthly([("2027-01-31", 1), ("garbage", 5)])
