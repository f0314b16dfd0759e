"""Statistics and the mapping report from a real store: exact counts for staff, suppressed
aggregates for the government."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.content import Content
from bot.store import Store
from staff import report, stats
from staff.stats import NOT_GIVEN, OTHER_CITIES, Statistics, mapping_report
from staff.suppression import SECONDARY, SMALL
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
    assert {"DE": {"Munich": 3}} == found.places
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
    shown country's cities add up to its count with their own protection, a city of fewer
    than 5 members counted among the other cities."""
    tiny = mapping_report(_statistics(country={"DE": 3}))
    assert "<5" == tiny.members
    assert tiny.table("country").withheld

    report = mapping_report(
        Statistics(
            at=NOW,
            members=26,
            dimensions={"country": {"DE": 20, "JP": 3, "FR": 3}},
            cities={"DE": {"Berlin": 12, "Bonn": 6, "Ulm": 2}, "JP": {"Tokyo": 3}},
            places={"DE": {"Berlin": 12, "Bonn": 6, "Ulm": 1, OTHER_CITIES: 1}},
            skills=(("python", 9), ("rare", 2)),
        )
    )
    assert ["DE"] == [table.group for table in report.cities]
    assert [("Berlin", "12"), ("Bonn", SECONDARY), (OTHER_CITIES, SMALL)] == [
        (cell.key, cell.shown) for cell in report.cities[0].cells
    ]
    assert "20" == report.cities[0].total
    assert (("python", 9),) == report.skills


def test_the_report_names_no_city_as_typed_only_as_matched_to_geonames() -> None:
    """Typed cities (the exact counts staff see) never reach the report: only GeoNames names
    of 5 or more members do, and every other member counts among the other cities."""
    report = mapping_report(
        Statistics(
            at=NOW,
            members=12,
            dimensions={"country": {"DE": 12}},
            cities={"DE": {"Ana Secretname +38267111222": 1, "München": 11}},
            places={"DE": {OTHER_CITIES: 1, "Munich": 11}},
        )
    )

    assert [("Munich", SECONDARY), (OTHER_CITIES, SMALL)] == [
        (cell.key, cell.shown) for cell in report.cities[0].cells
    ]


async def _typed_cities(store: Store) -> None:
    """Germany: 5 in Munich typed two ways, 3 in Berlin, one who typed a name and a phone
    number as the city, one who gave none; Montenegro: 5 in Podgorica."""
    await _members(store, 3, NOW, country="DE", city="München")
    await _members(store, 2, NOW, country="DE", city=" munchen ")
    await _members(store, 3, NOW, country="DE", city="Berlin")
    await _members(store, 1, NOW, country="DE", city="Ana Secretname +38267111222")
    await _members(store, 1, NOW, country="DE", city=None)
    await _members(store, 5, NOW, country="ME", city="PODGORICA")


async def test_places_match_typed_cities_to_geonames_in_any_spelling(tmp_path: Path) -> None:
    """Case, accents and known alternate names (Minhen, Мюнхен) find the GeoNames city of the
    member's country; anything else is another city, an empty answer is not given."""
    async with Store(tmp_path / "db.sqlite3") as store:
        await _typed_cities(store)
        await _members(store, 1, NOW, country="DE", city="Minhen")
        await _members(store, 1, NOW, country="AT", city="Beč")
        await _members(store, 1, NOW, country="AT", city="Podgorica")

        found = await stats.collect(store, NOW)

    assert {
        "DE": {"Munich": 6, "Berlin": 3, OTHER_CITIES: 1, NOT_GIVEN: 1},
        "ME": {"Podgorica": 5},
        "AT": {OTHER_CITIES: 1, "Vienna": 1},
    } == {country: dict(by_city) for country, by_city in found.places.items()}
    assert "Ana Secretname +38267111222" in found.cities["DE"]  # staff still see what was typed


async def test_the_mapping_report_files_hold_no_typed_city_and_no_small_city(
    tmp_path: Path,
) -> None:
    """HTML and XLSX: "Ana Secretname +38267111222" and Berlin (3 members) appear nowhere,
    Munich (5 typed as München and Munchen) and Podgorica do, the rest as other cities."""
    content = Content.load(CONTENT, "en")
    async with Store(tmp_path / "db.sqlite3") as store:
        await _typed_cities(store)
        mapped = mapping_report(await stats.collect(store, NOW))

    page = report.html(mapped, content, "en")
    workbook = load_workbook(io.BytesIO(report.xlsx(mapped, content, "en")))
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    for text in (page, cells):
        for private in ("Secretname", "38267111222", "Berlin", "München", "munchen"):
            assert private not in text, private
        for shown in ("Munich", "Podgorica", "Other cities"):
            assert shown in text, shown
    assert '<tr><td>Munich</td><td class="n">5</td></tr>' in page
    assert '<tr><td>Other cities</td><td class="n">&lt;5</td></tr>' in page


def test_labels_name_keys_in_each_language() -> None:
    """Countries, sectors, languages and buckets read in the reader's language."""
    content = Content.load(CONTENT, "en")

    assert "Germany" == stats.label(content, "en", "country", "DE")
    assert "Njemačka" == stats.label(content, "cnr", "country", "DE")
    assert "Not given" == stats.label(content, "en", "sector", NOT_GIVEN)
    assert "10–19 godina" == stats.label(content, "cnr", "years_abroad", "10-19")
    # The noun agrees with the last number: "0–4 godine", "30+ godina"; Švajcarska, as
    # Montenegrins write it (not the Croatian Švicarska).
    assert ("0–4 godine", "30+ godina", "0–4 years") == (
        stats.label(content, "cnr", "years_abroad", "0-4"),
        stats.label(content, "cnr", "years_abroad", "30+"),
        stats.label(content, "en", "years_abroad", "0-4"),
    )
    assert "Švajcarska" == stats.label(content, "cnr", "country", "CH")
    assert "Country of residence" == stats.title(content, "en", "country")
    assert "Kotor" == stats.label(content, "en", "municipality", "Kotor")
    assert ("Other cities", "Ostali gradovi") == (
        stats.label(content, "en", "city", OTHER_CITIES),
        stats.label(content, "cnr", "city", OTHER_CITIES),
    )


async def test_weekly_counts_run_across_new_year() -> None:
    """ISO weeks keep their ISO year at the turn of the year."""
    weeks = stats.weekly([("2026-12-28", 1), ("2027-01-11", 2)])

    assert [("2026-W53", 1), ("2027-W01", 0), ("2027-W02", 2)] == weeks
    assert [] == stats.monthly([])
    assert [("2027-01", 1)] == stats.monthly([("2027-01-31", 1), ("garbage", 5)])


def test_the_report_reads_years_abroad_by_range_and_not_given_last() -> None:
    """Years abroad in the order of their ranges whatever their counts, "Not given" at the end
    of every table even when it is the largest count; the rule is fixed, so it reveals
    nothing about hidden cells."""
    mapped = mapping_report(
        _statistics(
            country={"DE": 30, NOT_GIVEN: 50, "AT": 20},
            years_abroad={"30+": 40, "0-4": 10, "10-19": 25, NOT_GIVEN: 15, "5-9": 10},
        )
    )
    assert ["0-4", "5-9", "10-19", "30+", NOT_GIVEN] == [
        cell.key for cell in mapped.table("years_abroad").cells
    ]
    assert ["DE", "AT", NOT_GIVEN] == [cell.key for cell in mapped.table("country").cells]


def test_a_report_of_no_members_says_0_not_under_5() -> None:
    """Nobody registered is 0, which identifies nobody: never "<5"."""
    assert "0" == mapping_report(_statistics()).members


def test_the_report_file_draws_every_row_with_its_whole_label() -> None:
    """The HTML file's charts are the dashboard's: "Bosnia and Herzegovina" is not clipped,
    and all 20 countries the table lists are drawn (none dropped past 15)."""
    content = Content.load(CONTENT, "en")
    countries = {code: 100 - index for index, code in enumerate(
        ["BA", "DE", "AT", "CH", "US", "CA", "AU", "FR", "IT", "NL", "BE", "SE", "NO", "DK", "GB",
         "IE", "LU", "RS", "HR", "SI"]
    )}  # fmt: skip
    page = report.html(mapping_report(_statistics(country=countries)), content, "en")
    section = page[page.index("<h2>Country of residence</h2>") : page.index("</section>")]
    assert "Bosnia and Herzegovina</text>" in section
    assert 20 == section.count('<rect class="bar"') == section.count("<tr><td>")
