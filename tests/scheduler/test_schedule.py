from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduler.schedule import After, Cron, QuietHours, at_local, parse_offset
from scheduler.zones import MOST_POPULOUS, city_zone, country_zone, member_zone, valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", timedelta(days=3)),
        ("-2d", timedelta(days=-2)),
        ("-3h", timedelta(hours=-3)),
        ("+1d12h", timedelta(days=1, hours=12)),
        ("30m", timedelta(minutes=30)),
        ("+1w", timedelta(weeks=1)),
        ("0d", timedelta()),
    ],
)
def test_offsets_read_like_staff_write_them(text: str, expected: timedelta) -> None:
    """Days, hours, minutes and weeks, signed or not, combined."""
    assert expected == parse_offset(text)


@pytest.mark.parametrize("text", ["3 days", "+3x", "", "d3", "+-3d"])
def test_a_bad_offset_is_refused(text: str) -> None:
    """Anything else is a ValueError naming the example forms."""
    with pytest.raises(ValueError, match=r"e\.g\. \+3d"):
        parse_offset(text)


@pytest.mark.parametrize("text", ["+99999999999d", "+3000000d", "-3651d", "+522w", "+87601h"])
def test_an_offset_beyond_ten_years_is_refused(text: str) -> None:
    """An offset is at most 3650 days either way, so no date it moves can leave the calendar."""
    with pytest.raises(ValueError, match=r"at most 3650 days"):
        parse_offset(text)


def test_an_offset_with_thousands_of_digits_is_refused() -> None:
    """A number too long to read is a ValueError like any bad offset, not a crash."""
    with pytest.raises(ValueError):
        parse_offset("+" + "9" * 5000 + "d")


def test_an_offset_of_exactly_ten_years_is_read() -> None:
    """3650 days is the longest offset, accepted in either direction."""
    assert [timedelta(days=3650), timedelta(days=-3650)] == [
        parse_offset("+3650d"),
        parse_offset("-520w10d"),
    ]


def test_quiet_hours_hold_a_message_until_morning_in_the_members_zone() -> None:
    """The same moment is fine in Berlin, too early in New York and too late in Sydney."""
    hours = QuietHours()
    moment = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # 13:00 Berlin, 07:00 New York, 23:00 Sydney
    assert [
        moment,
        datetime(2027, 3, 10, 14, 0, tzinfo=UTC),  # 09:00 EST
        datetime(2027, 3, 10, 22, 0, tzinfo=UTC),  # 09:00 AEDT next day
    ] == [
        hours.next_allowed(moment, "Europe/Berlin"),
        hours.next_allowed(moment, "America/New_York"),
        hours.next_allowed(moment, "Australia/Sydney"),
    ]


def test_quiet_hours_follow_a_daylight_saving_change() -> None:
    """Across the spring-forward night, 09:00 local is an hour earlier in UTC."""
    hours = QuietHours()
    before = hours.next_allowed(datetime(2027, 3, 27, 21, 0, tzinfo=UTC), "Europe/Berlin")
    after = hours.next_allowed(datetime(2027, 3, 28, 21, 0, tzinfo=UTC), "Europe/Berlin")
    assert (datetime(2027, 3, 28, 7, 0, tzinfo=UTC), datetime(2027, 3, 29, 7, 0, tzinfo=UTC)) == (
        before,
        after,
    )


def test_a_local_time_skipped_by_daylight_saving_comes_an_hour_later() -> None:
    """02:30 does not exist on 28 March 2027 in Berlin; it becomes 03:30 CEST."""
    moment = at_local(date(2027, 3, 28), time(2, 30), "Europe/Berlin")
    assert datetime(2027, 3, 28, 1, 30, tzinfo=UTC) == moment


def test_quiet_hours_that_wrap_midnight() -> None:
    """20:00-02:00 lets late evening through and holds the afternoon until 20:00."""
    hours = QuietHours.parse("20:00–02:00")
    assert [True, True, False] == [
        hours.allows(time(23)),
        hours.allows(time(1)),
        hours.allows(time(15)),
    ]
    assert datetime(2027, 3, 10, 19, 0, tzinfo=UTC) == hours.next_allowed(
        datetime(2027, 3, 10, 14, 0, tzinfo=UTC), "Europe/Berlin"
    )


def test_after_with_a_local_time_lands_on_that_time_of_the_members_day() -> None:
    """Two days before an evening event at 10:00 local: Sydney's day is already the next."""
    start = datetime(2027, 7, 23, 18, 0, tzinfo=UTC).astimezone()  # 20:00 in Podgorica
    reminder = After("event_start", timedelta(days=-2), time(10, 0), "x")
    assert [
        datetime(2027, 7, 21, 8, 0, tzinfo=UTC),  # 10:00 CEST on the 21st
        datetime(2027, 7, 22, 0, 0, tzinfo=UTC),  # 10:00 AEST on the 22nd
    ] == [reminder.due(start, "Europe/Podgorica"), reminder.due(start, "Australia/Sydney")]


def test_cron_fires_in_the_programme_zone() -> None:
    """``0 10 1 * *`` is 10:00 in Podgorica on the 1st: 09:00 UTC in winter, 08:00 in summer."""
    fired = Cron("0 10 1 * *").between(
        datetime(2027, 1, 15, tzinfo=UTC), datetime(2027, 4, 15, tzinfo=UTC), "Europe/Podgorica"
    )
    assert [
        datetime(2027, 2, 1, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
        datetime(2027, 4, 1, 8, 0, tzinfo=UTC),
    ] == fired


def test_a_members_zone_comes_from_their_own_setting_then_their_country() -> None:
    """Own zone first; else the country's most populous zone; else the programme's."""
    assert ["Asia/Tokyo", "America/New_York", "Europe/Berlin", "Europe/Podgorica"] == [
        member_zone("Asia/Tokyo", "US", "Europe/Podgorica"),
        member_zone(None, "US", "Europe/Podgorica"),
        member_zone("Not/AZone", "de", "Europe/Podgorica"),
        member_zone(None, None, "Europe/Podgorica"),
    ]


def test_every_country_zone_is_a_real_zone() -> None:
    """The table of most populous zones names zones tzdata knows, and Montenegro has one."""
    assert [] == [zone for zone in MOST_POPULOUS.values() if not valid(zone)]
    assert "Europe/Podgorica" == country_zone("ME")


@pytest.mark.parametrize(
    ("country", "city", "expected"),
    [
        ("US", "Chicago", "America/Chicago"),
        ("US", "los angeles", "America/Los_Angeles"),
        ("CA", "Vancouver", "America/Vancouver"),
        ("AU", "Perth", "Australia/Perth"),
        ("DE", "Munchen", "Europe/Berlin"),
        ("US", "Smallville", None),
        (None, "Chicago", None),
    ],
)
def test_a_members_city_gives_their_own_time_zone(
    country: str | None, city: str, expected: str | None
) -> None:
    """Cities across a country's zones get their own; an unknown city gets none (country's)."""
    assert expected == city_zone(country, city)
