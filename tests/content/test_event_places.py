"""Where an event is, as staff write it: a venue and city per language (or one text for every
language), and an online event with a link and neither (issue 13, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import Content

EVENT = """\
title: "Meetup"
description: "Drinks."
starts_at: 2027-05-14 18:00
ends_at: 2027-05-14 21:00
{place}
"""


def _load(folder: Path, place: str) -> Content:
    (folder / "events" / "meetup.yaml").write_text(EVENT.format(place=place), encoding="utf-8")
    return Content.load(folder, "en", timezone="Europe/Podgorica")


def _problems(content: Content) -> list[str]:
    return [str(error) for path, error in content.errors.items() if "meetup" in path]


def test_a_venue_per_language_reads_in_each(folder: Path) -> None:
    """``venue: {en: …, cnr: …}`` gives each language its own words; a plain city serves all."""
    content = _load(
        folder,
        'venue:\n  en: "Hotel Avala, congress hall"\n  cnr: "Hotel Avala, kongresna sala"\n'
        'city: "Budva"',
    )
    event = content.events["meetup"]
    assert [] == _problems(content)
    assert (
        "Hotel Avala, congress hall, Budva",
        "Hotel Avala, kongresna sala, Budva",
        "Hotel Avala, congress hall, Budva",
    ) == (event.place("en", "en"), event.place("cnr", "en"), event.place("de", "en"))
    assert not event.online


def test_a_plain_venue_still_serves_every_language(folder: Path) -> None:
    """A venue written once, as before, reads the same in every language."""
    event = _load(folder, 'venue: "Palace Bizanti"\ncity: "Kotor"').events["meetup"]
    assert ("Palace Bizanti, Kotor", "Palace Bizanti, Kotor") == (
        event.place("en", "en"),
        event.place("cnr", "en"),
    )


def test_an_online_event_has_a_link_and_no_venue(folder: Path) -> None:
    """With ``online_url`` and no venue or city, the event is online: no place to name."""
    content = _load(folder, 'online_url: "https://example.org/meetup"')
    event = content.events["meetup"]
    assert [] == _problems(content)
    assert (True, "", "") == (
        event.online,
        event.place("cnr", "en"),
        event.text("city", "en", "en"),
    )


def test_a_link_beside_a_venue_is_no_online_event(folder: Path) -> None:
    """A stream of an event held at a venue: still at the venue (guests are asked)."""
    content = _load(
        folder, 'venue: "Hotel"\ncity: "Podgorica"\nonline_url: "https://example.org/stream"'
    )
    assert not content.events["meetup"].online


@pytest.mark.parametrize(
    ("place", "problem"),
    [
        ('city: "Budva"', "missing key 'venue'"),
        ('venue: "Hotel"', "missing key 'city'"),
        ('venue:\n  fr: "Hôtel"\ncity: "Budva"', "venue: unknown language 'fr'"),
        ('venue: ""\ncity: "Budva"', "venue: expected a text per language"),
    ],
)
def test_a_place_that_cannot_be_read_is_reported(folder: Path, place: str, problem: str) -> None:
    """An event without a venue or city and without a link, or with a venue in a language the
    bot does not speak, is reported with its file."""
    problems = _problems(_load(folder, place))
    assert 1 == len(problems)
    assert problem in problems[0]
