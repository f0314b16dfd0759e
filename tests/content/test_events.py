"""Event files as staff write them: local wall-clock times in the event's zone, dates for
deadlines, offsets still accepted, and every mistake explained with its line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content import Content
from bot.content.check import check
from bot.store import Store
from tests.conftest import CONTENT

EVENT = """\
title:
  en: "Meetup"
  cnr: "Susret"
description:
  en: "Drinks."
  cnr: "Piće."
{times}
venue: "Hotel"
city: "Podgorica"
"""


def _write(folder: Path, times: str, slug: str = "meetup") -> Path:
    path = folder / "events" / f"{slug}.yaml"
    path.write_text(EVENT.format(times=times.strip()), encoding="utf-8")
    return path


def _problems(content: Content) -> list[str]:
    return [str(error) for error in content.errors.values()]


def test_local_times_take_the_programmes_offset_in_winter_and_in_summer(folder: Path) -> None:
    """``09:30`` is 09:30 in Podgorica whether that is +01:00 (February) or +02:00 (May)."""
    _write(folder, "starts_at: 2027-02-10 09:30\nends_at: 2027-02-10 11:00", "winter")
    _write(folder, "starts_at: 2027-05-14 09:30\nends_at: 2027-05-14 11:00", "summer")
    content = Content.load(folder, "en", timezone="Europe/Podgorica")
    assert [] == _problems(content)
    winter, summer = content.events["winter"], content.events["summer"]
    assert datetime(2027, 2, 10, 8, 30, tzinfo=UTC) == winter.starts_at
    assert datetime(2027, 5, 14, 7, 30, tzinfo=UTC) == summer.starts_at
    assert ("09:30", "09:30") == (f"{winter.starts_at:%H:%M}", f"{summer.starts_at:%H:%M}")
    assert "Europe/Podgorica" == summer.timezone


def test_an_event_abroad_names_its_own_zone(folder: Path) -> None:
    """``timezone: America/New_York``: 18:00 is New York's 18:00, shown as such."""
    _write(
        folder,
        "timezone: America/New_York\nstarts_at: 2027-06-05 18:00\nends_at: 2027-06-05 21:00",
    )
    content = Content.load(folder, "en", timezone="Europe/Podgorica")
    event = content.events["meetup"]
    assert datetime(2027, 6, 5, 22, 0, tzinfo=UTC) == event.starts_at
    assert ("America/New_York", "18:00") == (event.timezone, f"{event.starts_at:%H:%M}")


def test_a_date_only_deadline_is_the_end_of_that_day(folder: Path) -> None:
    """``rsvp_deadline: 2027-05-07`` closes RSVPs at 23:59:59 that day, local time."""
    _write(
        folder,
        "starts_at: 2027-05-14 09:30\nends_at: 2027-05-14 17:00\nrsvp_deadline: 2027-05-07",
    )
    content = Content.load(folder, "en", timezone="Europe/Podgorica")
    assert datetime(2027, 5, 7, 21, 59, 59, tzinfo=UTC) == content.events["meetup"].closes_at()


def test_an_offset_that_is_the_zones_still_works(folder: Path) -> None:
    """The files written before (ISO 8601 with the right offset) load as they did."""
    _write(folder, 'starts_at: "2027-05-14T09:30:00+02:00"\nends_at: "2027-05-14T17:00:00+02:00"')
    content = Content.load(folder, "en", timezone="Europe/Podgorica")
    assert datetime(2027, 5, 14, 7, 30, tzinfo=UTC) == content.events["meetup"].starts_at


@pytest.mark.parametrize(
    ("times", "line", "message"),
    [
        (
            'starts_at: "2027-05-14T09:30:00+01:00"\nends_at: 2027-05-14 17:00',
            7,
            "starts_at: 2027-05-14T09:30:00+01:00 is 10:30 in Europe/Podgorica, whose offset"
            " that day is +02:00, not +01:00; write the local time without an offset"
            " (2027-05-14 09:30), or name the zone it is in with timezone:",
        ),
        (
            "starts_at: 2027-05-14\nends_at: 2027-05-14 17:00",
            7,
            "starts_at: needs a time of day too (2027-05-14 09:30, say)",
        ),
        (
            "starts_at: 2027-03-28 02:30\nends_at: 2027-03-28 17:00",
            7,
            "starts_at: 2027-03-28 02:30 does not exist in Europe/Podgorica: the clocks skip"
            " that hour that night; choose another time",
        ),
        (
            "starts_at: 2027-10-31 02:30\nends_at: 2027-10-31 17:00",
            7,
            "starts_at: 2027-10-31 02:30 happens twice in Europe/Podgorica (the clocks go back"
            " that night); add the offset: 2027-10-31T02:30+02:00 for the first,"
            " 2027-10-31T02:30+01:00 for the second",
        ),
        (
            "starts_at: next friday\nends_at: 2027-05-14 17:00",
            7,
            "starts_at: not a date and time: 'next friday' (write the local time, e.g."
            " 2027-05-14 09:30)",
        ),
        (
            "timezone: Europe/Podgorca\nstarts_at: 2027-05-14 09:30\nends_at: 2027-05-14 17:00",
            7,
            "timezone: unknown time zone 'Europe/Podgorca' (an IANA name such as"
            " Europe/Podgorica or America/New_York)",
        ),
    ],
    ids=["wrong offset", "date for a start", "skipped hour", "repeated hour", "words", "zone"],
)
def test_each_mistake_in_a_time_is_explained_with_its_line(
    folder: Path, times: str, line: int, message: str
) -> None:
    """A time staff got wrong is reported as file:line: with what to write instead."""
    path = _write(folder, times)
    content = Content.load(folder, "en", timezone="Europe/Podgorica")
    assert [f"{path}:{line}: {message}"] == _problems(content)


async def test_check_reports_every_problem_of_an_event_file_not_only_the_first(
    folder: Path, store: Store
) -> None:
    """Three mistakes in one event file are three lines of ``campaigns check``, in line order."""
    path = _write(
        folder,
        "starts_at: 2027-05-14\nends_at: 2027-05-14 17:00\ncapacity: -3\ncolour: red",
    )
    content = Content(root=folder, default_language="en", timezone="Europe/Podgorica")
    found = [str(error) for error in await check(content, store, whatsapp_enabled=False)]
    assert [
        f"{path}:7: starts_at: needs a time of day too (2027-05-14 09:30, say)",
        f"{path}:9: capacity: expected a whole number of seats, 1 or more",
        f"{path}:10: unknown key 'colour' (expected one of ['capacity', 'city', 'description',"
        " 'ends_at', 'online_url', 'rsvp_deadline', 'starts_at', 'timezone', 'title', 'venue'])",
    ] == found


def test_the_shipped_events_are_written_as_local_times() -> None:
    """The sample events use wall-clock times (no offsets to get wrong) and a date deadline."""
    for path in sorted((CONTENT / "events").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert "+01:00" not in text and "+02:00" not in text, path
    content = Content.load(CONTENT, "en", timezone="Europe/Podgorica")
    forum = content.events["business-forum-budva-2027"]
    assert "2027-05-14T09:30:00+02:00" == forum.starts_at.isoformat()
