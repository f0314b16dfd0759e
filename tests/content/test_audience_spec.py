"""An ``audience:`` as staff write it: read and checked (parse_audience), described in one line,
and applied to one member at a time (Audience.matches).

Mutants of bot/content/audience.py no test can kill, by design (``make mutate``): an alpha-2
code looked up in lower case (pycountry's ``get`` ignores case); and the fall-backs of a value
that is neither a code nor a label, nor a municipality (kept as typed, ``None``, or looked up
as itself among the labels): each is then refused as an unknown value all the same, naming
what staff wrote."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bot.content.audience import (
    Audience,
    AudienceError,
    Vocabulary,
    country_code,
    parse_audience,
)
from scheduler.roster import Person

VOCABULARY = Vocabulary(
    languages=("en", "cnr"),
    municipalities=("Nikšić", "Bar", "Herceg Novi"),
    sectors=("it", "health"),
    interests=("investment", "events", "mentoring"),
    events=("diaspora-days-2027",),
)
REGISTERED = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ANA = Person(
    id=7,
    name="Ana",
    language="cnr",
    country="DE",
    municipality="Nikšić",
    sector="it",
    interests=("investment", "events"),
    zone="Europe/Berlin",
    registered_at=REGISTERED,
    stopped=False,
    preferred_channel="telegram",
)


def test_no_audience_is_every_registered_member() -> None:
    """An omitted audience lets everyone through and says so."""
    audience = parse_audience(None, VOCABULARY)
    assert (Audience(), True, "every registered member", ("going",)) == (
        audience,
        audience.everyone,
        audience.describe(),
        audience.rsvp,
    )


def test_an_empty_audience_or_an_event_alone_keeps_the_defaults() -> None:
    """No filters is everyone; an event without ``rsvp`` means those going to it."""
    assert (Audience(), Audience(event="diaspora-days-2027", rsvp=("going",))) == (
        parse_audience({}, VOCABULARY),
        parse_audience({"event": "diaspora-days-2027"}, VOCABULARY),
    )


def test_every_filter_is_read_and_normalised() -> None:
    """Codes in any case, municipalities without accents, single values or lists, dates as the
    start (after) and the end (before) of their day."""
    audience = parse_audience(
        {
            "languages": "CNR",
            "countries": ["de", "At"],
            "municipalities": ["niksic", "HERCEG NOVI"],
            "sectors": "IT",
            "interests": ["Investment"],
            "event": "diaspora-days-2027",
            "rsvp": ["GOING", "maybe"],
            "registered_after": date(2026, 1, 1),
            "registered_before": date(2026, 12, 31),
        },
        VOCABULARY,
    )
    assert (
        Audience(
            languages=("cnr",),
            countries=("DE", "AT"),
            municipalities=("Nikšić", "Herceg Novi"),
            sectors=("it",),
            interests=("investment",),
            event="diaspora-days-2027",
            rsvp=("going", "maybe"),
            registered_after=datetime(2026, 1, 1, tzinfo=UTC),
            registered_before=datetime.combine(date(2026, 12, 31), time.max, tzinfo=UTC),
        )
        == audience
    )


def test_times_keep_their_offset_and_a_bare_time_is_utc() -> None:
    """An ISO time with an offset is kept; one without is UTC; a number is no date."""
    audience = parse_audience(
        {
            "registered_after": "2026-01-01T10:00:00",
            "registered_before": datetime.fromisoformat("2026-02-01T10:00:00+01:00"),
        },
        VOCABULARY,
    )
    assert (
        datetime(2026, 1, 1, 10, 0, tzinfo=UTC),
        datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
        "+01:00",
    ) == (
        audience.registered_after,
        audience.registered_before,
        audience.registered_before.isoformat()[-6:] if audience.registered_before else None,
    )


@pytest.mark.parametrize(
    ("data", "message", "where"),
    [
        (["cnr"], "audience: expected a mapping of filters", ()),
        ({"language": "cnr"}, "audience: unknown key 'language' (expected one of", ("language",)),
        ({"languages": []}, "audience.languages: expected a value or a list", ("languages",)),
        ({"languages": {"a": 1}}, "audience.languages: expected a value or a list", ("languages",)),
        ({"languages": ["en", "de"]}, "audience.languages: unknown value 'de'", ("languages", 1)),
        (
            {"countries": ["DE", "XX"]},
            "audience.countries: unknown country code 'XX'",
            ("countries", 1),
        ),
        (
            {"municipalities": "Berlin"},
            "audience.municipalities: unknown value",
            ("municipalities", 0),
        ),
        ({"sectors": ["it", "law"]}, "audience.sectors: unknown value 'law'", ("sectors", 1)),
        ({"interests": "golf"}, "audience.interests: unknown value 'golf'", ("interests", 0)),
        ({"event": "no-such-event"}, "audience.event: unknown event 'no-such-event'", ("event",)),
        ({"rsvp": "going"}, "audience.rsvp needs audience.event", ("rsvp",)),
        (
            {"event": "diaspora-days-2027", "rsvp": ["going", "yes"]},
            "audience.rsvp: unknown value 'yes'",
            ("rsvp", 1),
        ),
        (
            {"registered_after": "soon"},
            "audience.registered_after: not a date (e.g.",
            ("registered_after",),
        ),
        (
            {"registered_before": 2026},
            "audience.registered_before: not a date (e.g.",
            ("registered_before",),
        ),
        (
            {"registered_after": "2026-05-01", "registered_before": "2026-05-01T00:00:00"},
            "audience.registered_before must be after registered_after",
            ("registered_before",),
        ),
    ],
)
def test_a_wrong_audience_names_its_key_and_item(
    data: Any, message: str, where: tuple[str | int, ...]
) -> None:
    """Each mistake is an AudienceError with the key (and the list item) for the line number."""
    with pytest.raises(AudienceError) as raised:
        parse_audience(data, VOCABULARY)
    assert (message, where) == (str(raised.value)[: len(message)], raised.value.where)


def test_a_number_is_read_as_a_value() -> None:
    """A YAML number where a code is expected is its text (an unknown one says so)."""
    with pytest.raises(AudienceError, match=r"^audience\.sectors: unknown value 5$"):
        parse_audience({"sectors": 5}, VOCABULARY)


def test_the_description_names_every_filter_in_order() -> None:
    """One line for people, filters in a fixed order, values comma-separated."""
    audience = Audience(
        languages=("cnr", "en"),
        countries=("DE", "AT"),
        municipalities=("Bar",),
        sectors=("it",),
        interests=("investment", "events"),
        event="diaspora-days-2027",
        rsvp=("going", "maybe"),
        registered_after=datetime(2026, 1, 1, tzinfo=UTC),
        registered_before=datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert (
        "languages=cnr,en; countries=DE,AT; municipalities=Bar; sectors=it;"
        " interests=investment,events; event=diaspora-days-2027 rsvp=going,maybe;"
        " registered_after=2026-01-01T00:00:00+00:00;"
        " registered_before=2026-12-31T00:00:00+00:00"
    ) == audience.describe()


@pytest.mark.parametrize(
    "audience",
    [
        Audience(languages=("en",)),
        Audience(countries=("AT",)),
        Audience(municipalities=("Bar",)),
        Audience(sectors=("health",)),
        Audience(interests=("mentoring",)),
        Audience(event="diaspora-days-2027"),
        Audience(registered_after=REGISTERED.replace(minute=1)),
        Audience(registered_before=REGISTERED.replace(minute=0, hour=11)),
    ],
    ids=lambda audience: audience.describe(),
)
def test_each_filter_alone_narrows_and_leaves_ana_out(audience: Audience) -> None:
    """Any one filter makes the audience less than everyone, and Ana (cnr, DE, Nikšić, it,
    investment and events, registered at noon, no RSVP) does not pass it."""
    assert (False, False) == (audience.everyone, audience.matches(ANA, rsvps=()))


@pytest.mark.parametrize(
    "audience",
    [
        Audience(),
        Audience(languages=("en", "cnr")),
        Audience(countries=("AT", "DE")),
        Audience(municipalities=("Nikšić",)),
        Audience(sectors=("it",)),
        Audience(interests=("mentoring", "events")),
        Audience(event="diaspora-days-2027"),
        Audience(registered_after=REGISTERED, registered_before=REGISTERED),
    ],
    ids=lambda audience: audience.describe(),
)
def test_ana_passes_the_filters_she_meets(audience: Audience) -> None:
    """Any listed value matches; one shared interest is enough; the registration bounds count
    the moment itself; an event's filter needs her among those who answered."""
    assert audience.matches(ANA, rsvps={ANA.id})


def test_a_member_who_stopped_messages_is_in_no_audience() -> None:
    """Not even the audience of everyone."""
    assert not Audience().matches(replace_person(stopped=True))


def replace_person(**fields: Any) -> Person:
    """Ana with some fields changed."""
    return ANA._replace(**fields)


def test_a_frozen_audience_cannot_be_changed() -> None:
    """An audience is a value: replace() makes a new one, the old stays as it was."""
    audience = Audience(languages=("en",))
    changed = replace(audience, languages=("cnr",))
    assert (("en",), ("cnr",)) == (audience.languages, changed.languages)


LABELLED = replace(
    VOCABULARY,
    labels={
        "sectors": {"it and software": "it", "it i softver": "it", "zdravstvo": "health"},
        "languages": {"crnogorski": "cnr", "english": "en"},
    },
)


def test_a_value_may_be_named_by_its_label_in_any_language_and_case() -> None:
    """ "IT i softver", "ZDRAVSTVO" and "Crnogorski" read as the codes they label; a code is
    read as a code even where a label would fold to another; an unknown label is refused
    naming its place in the list."""
    audience = parse_audience(
        {"sectors": ["IT i softver", "ZDRAVSTVO", "health"], "languages": "Crnogorski"}, LABELLED
    )
    assert (("it", "health", "health"), ("cnr",)) == (audience.sectors, audience.languages)
    # Labels are the filter's own: a sector's label is no language.
    with pytest.raises(AudienceError) as refused:
        parse_audience({"languages": ["en", "IT i softver"]}, LABELLED)
    assert ("languages", 1) == refused.value.where
    assert "unknown value 'IT i softver'" in str(refused.value)


def test_a_municipality_is_named_as_the_programme_writes_it() -> None:
    """ "niksic" and "HERCEG NOVI" read as the programme's "Nikšić" and "Herceg Novi"; a place
    that is no municipality is refused, never kept as typed."""
    audience = parse_audience({"municipalities": ["niksic", "HERCEG NOVI"]}, VOCABULARY)
    assert ("Nikšić", "Herceg Novi") == audience.municipalities
    with pytest.raises(AudienceError, match="unknown value 'Berlin'"):
        parse_audience({"municipalities": ["Bar", "Berlin"]}, VOCABULARY)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("de", "DE"),
        (" DE ", "DE"),
        ("deu", "DE"),
        ("Germany", "DE"),
        ("germany", "DE"),
        ("me", "ME"),
        ("xx", None),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_a_country_is_read_from_its_codes_or_english_name(text: str, code: str | None) -> None:
    """Two letters are an alpha-2 code in any case; three an alpha-3; else an English name."""
    assert code == country_code(text)
