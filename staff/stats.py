"""Statistics for staff and coordinators, and the mapping report for the government.

:func:`collect` gathers exact counts (:class:`Statistics`, for staff and coordinators only);
:func:`mapping_report` turns them into the one output meant to leave the programme — aggregates
with small counts suppressed as :mod:`staff.suppression` describes. :func:`title` names a
dimension and :func:`label` one of its keys in a language. The SQL is in
:mod:`bot.store.stats`; here is only arithmetic.

Nothing a member typed freely leaves the programme. Staff see cities as members typed them
(``Statistics.cities``); the report only names a city matched to GeoNames for the member's
country (``Statistics.places``) with at least the suppression threshold of members, and counts
everyone else among :data:`OTHER_CITIES`. Skills reach it only as single words that at least
as many members used.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.content import Content
from bot.countries import city_name, country_name
from bot.store import EventCounts, Store
from bot.text import fold
from staff.suppression import THRESHOLD, Cell, suppress

NOT_GIVEN = ""
"""The key under which members who did not answer are counted."""
OTHER_CITIES = "*"
"""The key of a country's members whose city is not named in the report: a typed city that
matches no GeoNames city of the country, or a city of fewer members than the threshold."""

# The dimensions members are counted by, in report order. In a "partition" every member falls
# in exactly one cell (not answering is a cell too), so its cells add up to the member count.
PARTITIONS = ("country", "municipality", "sector", "years_abroad", "language")
MULTIPLE = ("spoken_language", "interest", "channel")
DIMENSIONS = PARTITIONS + MULTIPLE
# Years abroad (this year minus the year of emigration), as (key, first year, last year).
YEARS_ABROAD = (
    ("0-4", 0, 4),
    ("5-9", 5, 9),
    ("10-19", 10, 19),
    ("20-29", 20, 29),
    ("30+", 30, None),
)
SKILL_TERMS = 30
# Local businesses' requests for help, and those introduced to a member who offered help, by
# the business's municipality and sector: (what is counted, by what), in report order.
BUSINESS_TABLES = (
    ("requests", "municipality"),
    ("requests", "sector"),
    ("introduced", "municipality"),
    ("introduced", "sector"),
)
_WORD = re.compile(r"[^\W\d_]{3,}")
# Words too common in skills texts (English and Montenegrin) to say anything about a skill.
_STOP_WORDS = frozenset(
    fold(word)
    for word in (  # noqa: SIM905
        "and also are but for from has have into not our the this was with work working "
        "years year experience other etc who all ali ako bez biti bio ili kao koji koja koje "
        "kod sam smo sve što uz iza još oko godina godine iskustvo rad radim radio radila "
        "oblast oblasti"
    ).split()
)


@dataclass(frozen=True)
class PollCounts:
    """One poll's exact counts: members who answered, and members per option (in the poll's
    order; one member in several options when ``multiple``)."""

    poll: str
    answered: int
    options: Mapping[str, int]
    multiple: bool = False


@dataclass(frozen=True)
class Statistics:
    """Exact counts at one moment (for staff and coordinators: never published as they are).

    ``dimensions`` maps each name of :data:`DIMENSIONS` to {key: members}, largest first, with
    :data:`NOT_GIVEN` for members who did not answer; ``cities`` maps a country code to
    {city: members} as members typed them (spellings merged, the most common shown: for staff
    only); ``places`` the same with each city matched to its GeoNames name, and every city that
    matches none counted under :data:`OTHER_CITIES` (what the report may name). ``by_week``
    (``2027-W03``) and ``by_month`` (``2027-01``) count registrations from the first to the
    latest, with empty periods as 0. ``skills`` are the most frequent words of the skills
    texts with the number of members who used each. ``applications`` maps programme → status
    → count.
    """

    at: datetime
    members: int
    by_week: tuple[tuple[str, int], ...] = ()
    by_month: tuple[tuple[str, int], ...] = ()
    dimensions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    cities: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    places: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    skills: tuple[tuple[str, int], ...] = ()
    rsvps: tuple[EventCounts, ...] = ()
    applications: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Contacts imported from earlier databases (never messaged), and how many of them are
    # linked to a registered member who proved the same phone number.
    imported: int = 0
    imported_linked: int = 0
    # "requests.municipality" … (see BUSINESS_TABLES) → {value: businesses}, NOT_GIVEN for none.
    businesses: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # The polls with options, each with members per option (content/polls/; exact).
    polls: tuple[PollCounts, ...] = ()

    def dimension(self, name: str) -> Mapping[str, int]:
        return self.dimensions.get(name, {})

    @property
    def by_country(self) -> Mapping[str, int]:
        return self.dimension("country")

    @property
    def by_municipality(self) -> Mapping[str, int]:
        return self.dimension("municipality")

    @property
    def by_sector(self) -> Mapping[str, int]:
        return self.dimension("sector")

    @property
    def by_interest(self) -> Mapping[str, int]:
        return self.dimension("interest")

    @property
    def by_language(self) -> Mapping[str, int]:
        """By the language the bot speaks with them."""
        return self.dimension("language")

    @property
    def by_spoken_language(self) -> Mapping[str, int]:
        return self.dimension("spoken_language")

    @property
    def by_channel(self) -> Mapping[str, int]:
        return self.dimension("channel")

    @property
    def by_years_abroad(self) -> Mapping[str, int]:
        return self.dimension("years_abroad")

    @property
    def applications_by_status(self) -> dict[str, int]:
        """Applications to every programme, by status."""
        totals: Counter[str] = Counter()
        for statuses in self.applications.values():
            totals.update(statuses)
        return dict(totals.most_common())


async def collect(
    store: Store,
    now: datetime,
    *,
    skill_terms_limit: int = SKILL_TERMS,
    content: Content | None = None,
) -> Statistics:
    """Counts everything :class:`Statistics` holds, as of ``now`` (the polls of ``content``
    when it is given)."""
    stats = store.stats
    days = await stats.registrations_by_day()
    dimensions: dict[str, dict[str, int]] = {}
    for name, column in (
        ("country", "country"),
        ("municipality", "municipality"),
        ("sector", "sector"),
        ("language", "language"),
    ):
        dimensions[name] = _ranked(await stats.by_field(column))
    dimensions["years_abroad"] = years_abroad(await stats.by_field("emigration_year"), now.year)
    dimensions["spoken_language"] = _ranked(await stats.by_list("languages"))
    dimensions["interest"] = _ranked(await stats.by_list("interests"))
    dimensions["channel"] = _ranked(dict(await stats.by_channel()))
    typed = await stats.by_country_and_city()
    imported, imported_linked = await store.imports.counts()
    return Statistics(
        at=now,
        members=await stats.members(),
        by_week=tuple(weekly(days)),
        by_month=tuple(monthly(days)),
        dimensions=dimensions,
        cities=cities(typed),
        # The GeoNames table takes a few seconds to build the first time: off the event loop.
        places=await asyncio.to_thread(places, typed),
        skills=tuple(skill_terms(await stats.skills(), limit=skill_terms_limit)),
        rsvps=tuple(await stats.rsvps()),
        applications=await stats.applications(),
        businesses=await _businesses(store),
        imported=imported,
        imported_linked=imported_linked,
        polls=await _polls(store, content) if content is not None else (),
    )


async def _polls(store: Store, content: Content) -> tuple[PollCounts, ...]:
    """Every poll with options: members who answered it and members per option."""
    found = []
    for poll in sorted(content.polls.values(), key=lambda poll: poll.id):
        if not poll.options:
            continue
        tally = await store.polls.tally(poll.id)
        options = {option.id: tally.options.get(option.id, 0) for option in poll.options}
        found.append(PollCounts(poll.id, tally.answered, options, poll.multiple))
    return tuple(found)


async def _businesses(store: Store) -> dict[str, dict[str, int]]:
    """Requests and introduced requests by the business's municipality and by its sector."""
    found: dict[str, dict[str, int]] = {}
    for by in ("municipality", "sector"):
        for kind, counts in (await store.outcomes.by_business_field(by)).items():
            found[f"{kind}.{by}"] = _ranked(counts)
    return found


def _ranked(counts: Mapping[str | None, int] | Mapping[str, int]) -> dict[str, int]:
    """Counts keyed by text (None → :data:`NOT_GIVEN`), largest first, not-given last."""
    keyed: dict[str, int] = {}
    for key, count in counts.items():
        name = NOT_GIVEN if key is None else str(key)
        keyed[name] = keyed.get(name, 0) + count
    return dict(sorted(keyed.items(), key=lambda item: (item[0] == NOT_GIVEN, -item[1], item[0])))


def years_abroad(by_year: Mapping[str | None, int], this_year: int) -> dict[str, int]:
    """Members by bucket of :data:`YEARS_ABROAD`, in bucket order, then not given."""
    counts = dict.fromkeys((key for key, _, _ in YEARS_ABROAD), 0)
    missing = 0
    for year, count in by_year.items():
        if year is None or not str(year).isdigit():
            missing += count
            continue
        years = max(0, this_year - int(year))
        for key, first, last in YEARS_ABROAD:
            if years >= first and (last is None or years <= last):
                counts[key] += count
                break
    found = {key: count for key, count in counts.items() if count}
    if missing:
        found[NOT_GIVEN] = missing
    return found


def weekly(days: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Registrations by ISO week (``2027-W03``), every week from the first to the last."""
    return _periods(days, _week_of)


def monthly(days: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Registrations by month (``2027-01``), every month from the first to the last."""
    return _periods(days, lambda day: day.strftime("%Y-%m"))


def _week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _periods(
    days: Iterable[tuple[str, int]], period: Callable[[date], str]
) -> list[tuple[str, int]]:
    counts: Counter[date] = Counter()
    for text, count in days:
        try:
            counts[date.fromisoformat(text)] += count
        except ValueError:
            continue
    if not counts:
        return []
    result: dict[str, int] = {}
    day, last = min(counts), max(counts)
    while day <= last:
        key = period(day)
        result[key] = result.get(key, 0) + counts[day]
        day += timedelta(days=1)
    return list(result.items())


def cities(rows: Iterable[tuple[str | None, str | None, int]]) -> dict[str, dict[str, int]]:
    """Country → city → members, with spellings of a city merged (``Munchen``, ``München``) and
    named by the most common one; countries and cities largest first, not given last."""
    spellings: dict[tuple[str, str], Counter[str]] = {}
    for country, city, count in rows:
        key = (country or NOT_GIVEN, fold(city or ""))
        spellings.setdefault(key, Counter())[(city or "").strip()] += count
    result: dict[str, dict[str, int]] = {}
    for (country, _), names in spellings.items():
        name = sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]
        result.setdefault(country, {})[name] = sum(names.values())
    return {
        country: _ranked(by_city)
        for country, by_city in sorted(
            result.items(), key=lambda item: (item[0] == NOT_GIVEN, -sum(item[1].values()))
        )
    }


def places(rows: Iterable[tuple[str | None, str | None, int]]) -> dict[str, dict[str, int]]:
    """Country → GeoNames city → members, for (country, typed city, members) rows: a typed city
    that matches no city of its country counts under :data:`OTHER_CITIES`, an empty one under
    :data:`NOT_GIVEN`; countries and cities largest first."""
    result: dict[str, Counter[str]] = {}
    for country, typed, count in rows:
        if typed is None or not typed.strip():
            key = NOT_GIVEN
        else:
            key = city_name(country, typed) or OTHER_CITIES
        result.setdefault(country or NOT_GIVEN, Counter())[key] += count
    return {
        country: _ranked(by_city)
        for country, by_city in sorted(
            result.items(), key=lambda item: (item[0] == NOT_GIVEN, -item[1].total())
        )
    }


def skill_terms(texts: Iterable[str], *, limit: int = SKILL_TERMS) -> list[tuple[str, int]]:
    """The most frequent words of the skills texts, each with how many members used it (a
    member counts once per word), most frequent first. Spellings that differ only in case or
    accents count as one word, shown in its most common spelling."""
    members: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        seen: set[str] = set()
        for word in _WORD.findall(text.casefold()):
            key = fold(word)
            if key in _STOP_WORDS or len(key) < 3:
                continue
            spellings.setdefault(key, Counter())[word] += 1
            seen.add(key)
        members.update(seen)
    ranked = sorted(members.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(spellings[key].most_common(1)[0][0], count) for key, count in ranked]


# ---------------------------------------------------------------------------------------------
# The mapping report


@dataclass(frozen=True)
class Table:
    """One published table: cells after suppression and the total it adds up to.

    ``total`` is the published member count the cells add up to (partitions and the cities of
    a country) or None (a member may count in several cells). ``withheld`` means the table
    could not be protected and is not shown at all. ``group`` is the country of a city table.
    """

    name: str
    cells: tuple[Cell, ...]
    total: str | None
    withheld: bool = False
    group: str | None = None


@dataclass(frozen=True)
class MappingReport:
    """The diaspora map: aggregates only, small counts suppressed (see :mod:`staff.suppression`).

    ``members`` is the published member count (``<5`` under the threshold); ``tables`` follow
    :data:`DIMENSIONS`; ``cities`` has a table per country shown in the country table, naming
    only GeoNames cities of at least ``threshold`` members (the rest: :data:`OTHER_CITIES`);
    ``skills`` only words used by at least ``threshold`` members. Nothing in it names or
    reaches a person.
    """

    at: datetime
    members: str
    tables: tuple[Table, ...]
    cities: tuple[Table, ...]
    skills: tuple[tuple[str, int], ...]
    threshold: int = THRESHOLD
    # (what is counted, its table by municipality or sector): see BUSINESS_TABLES.
    businesses: tuple[tuple[str, Table], ...] = ()
    # Each poll with options: (its id, the members who answered as published, its table of
    # options, named by the poll's id).
    polls: tuple[tuple[str, str, Table], ...] = ()

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)


def mapping_report(statistics: Statistics, *, threshold: int = THRESHOLD) -> MappingReport:
    """The mapping report of ``statistics``: every dimension's counts with counts under
    ``threshold`` shown as ``<5`` and, in tables that add up to a published total, further
    cells hidden (``x``) so no small count can be worked out by subtraction. Cities come from
    ``statistics.places`` only (never as typed), each named only with ``threshold`` members
    or more (:func:`named_cities`)."""
    members = statistics.members
    # Nobody is no one to protect: 0 is published as 0, never as "<5".
    published = str(members) if members >= threshold or members == 0 else "<" + str(threshold)
    tables = [
        _table(
            name,
            statistics.dimension(name),
            published,
            partition=name in PARTITIONS,
            threshold=threshold,
        )
        for name in DIMENSIONS
    ]
    countries = tables[0]
    city_tables = []
    for cell in countries.cells:
        if cell.hidden or cell.key == NOT_GIVEN:
            # A hidden country's cities would add up to its count and undo the hiding.
            continue
        city_tables.append(
            _table(
                "city",
                named_cities(statistics.places.get(cell.key, {}), threshold),
                cell.shown,
                partition=True,
                threshold=threshold,
                group=cell.key,
            )
        )
    skills = tuple((term, count) for term, count in statistics.skills if count >= threshold)
    businesses = []
    for kind, by in BUSINESS_TABLES:
        # A business counts in one cell of each table, so its total is known: both steps apply.
        counts = statistics.businesses.get(f"{kind}.{by}", {})
        total = sum(counts.values())
        shown = str(total) if total >= threshold or total == 0 else "<" + str(threshold)
        businesses.append((kind, _table(by, counts, shown, partition=True, threshold=threshold)))
    polls = []
    # A poll nobody answered yet says nothing: left out.
    for poll in (poll for poll in statistics.polls if poll.answered):
        answered = _published(poll.answered, threshold)
        # A member answers one option of a single-choice poll, so its options add up to the
        # published answers and both steps apply; several choices: no known total.
        table = _table(
            poll.poll, poll.options, answered, partition=not poll.multiple, threshold=threshold
        )
        polls.append((poll.poll, answered, table))
    return MappingReport(
        statistics.at,
        published,
        tuple(tables),
        tuple(city_tables),
        skills,
        threshold,
        tuple(businesses),
        tuple(polls),
    )


def _published(count: int, threshold: int) -> str:
    """A total as published: exact from ``threshold`` (or 0), else ``<threshold``."""
    return str(count) if count >= threshold or count == 0 else "<" + str(threshold)


def named_cities(by_city: Mapping[str, int], threshold: int = THRESHOLD) -> dict[str, int]:
    """A country's cities as the report may name them: a city of fewer than ``threshold``
    members is counted among :data:`OTHER_CITIES` (a hidden ``<5`` would still name it)."""
    named: dict[str, int] = {}
    for key, count in by_city.items():
        small = key not in (NOT_GIVEN, OTHER_CITIES) and count < threshold
        target = OTHER_CITIES if small else key
        named[target] = named.get(target, 0) + count
    return named


def _table(
    name: str,
    counts: Mapping[str, int],
    total: str,
    *,
    partition: bool,
    threshold: int,
    group: str | None = None,
) -> Table:
    cells = _in_reading_order(name, suppress(counts, total_known=partition, threshold=threshold))
    withheld = not cells and any(count > 0 for count in counts.values())
    return Table(name, tuple(cells), total if partition else None, withheld, group)


def _in_reading_order(name: str, cells: list[Cell]) -> list[Cell]:
    """Cells as people read a table: years abroad by range; "Other cities" and "Not given"
    last. Both are fixed rules, independent of the counts, so an order still says nothing
    about a hidden cell's size."""
    if name == "years_abroad":
        ranges = [key for key, _, _ in YEARS_ABROAD]
        return sorted(cells, key=lambda cell: ranges.index(cell.key) if cell.key in ranges else 99)
    last = (OTHER_CITIES, NOT_GIVEN)
    return sorted(cells, key=lambda cell: last.index(cell.key) + 1 if cell.key in last else 0)


def title(content: Content, language: str, dimension: str) -> str:
    """The heading of a dimension's table (``country`` → "Country of residence")."""
    return content.text(language, f"stats.dimensions.{dimension}")


def label(content: Content, language: str, dimension: str, key: str) -> str:
    """How ``key`` of ``dimension`` reads in ``language`` (a country's name, a sector's label).

    ``dimension`` is one of :data:`DIMENSIONS` or ``city``; keys without a label (cities,
    municipalities) read as they are, but :data:`OTHER_CITIES`.
    """
    if key == NOT_GIVEN:
        return content.text(language, "stats.not_given")
    if dimension == "city" and key == OTHER_CITIES:
        return content.text(language, "stats.other_cities")
    groups = {
        "sector": "sectors",
        "interest": "interests",
        "spoken_language": "spoken_languages",
        "channel": "channels",
    }
    if dimension == "country":
        return country_name(key, language)
    if dimension == "language":
        return content.text(key, "language_name") if key in content.locales else key
    if dimension == "years_abroad":
        # "0–4 godine", "5–9 godina": the noun agrees with the bucket's last number.
        last = int(key.rstrip("+").rpartition("-")[2])
        return content.text(
            language, "stats.years_abroad_bucket", years=key.replace("-", "–"), count=last
        )
    group = groups.get(dimension)
    if group is not None and content.has(language, f"{group}.{key}"):
        return content.text(language, f"{group}.{key}")
    return key
