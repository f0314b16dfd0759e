"""When campaigns send: quiet hours (start inclusive, end exclusive, overnight ranges), send_at
in local time, After from an anchor, cron lines and their checks.

Mutants of bot/content/schedule.py no test can kill, by design (``make mutate``): in
``Cron.between``, asking APScheduler for the next fire time with ``None`` instead of the previous
one, or one second later than ``moment + 1 s`` (a cron line fires on whole minutes, so both give
the same moment); ``start < end`` made ``start <= end`` in ``QuietHours`` (equal ends are refused
when quiet hours are made, see ``__post_init__``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.content.schedule import (
    MOST_FIRES,
    After,
    Cron,
    QuietHours,
    at_local,
    check_cron,
    check_year,
    parse_clock,
    parse_offset,
)
from bot.zones import MOST_POPULOUS, city_zone, country_zone, member_zone, valid


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


def test_spaces_inside_an_offset_are_forgiven() -> None:
    """``+1d 12h`` and ``- 2 d`` read as staff meant them."""
    assert (timedelta(hours=36), timedelta(days=-2)) == (
        parse_offset("+1d 12h"),
        parse_offset("- 2 d"),
    )


def test_an_offset_may_be_forty_characters_but_no_longer() -> None:
    """The length is bounded before the digits are read: 40 characters are read, 41 not."""
    forty = "+" + "0" * 37 + "1d"
    assert timedelta(days=1) == parse_offset(forty)
    with pytest.raises(ValueError, match="not an offset"):
        parse_offset("+0" + forty[1:])


@pytest.mark.parametrize(
    ("year", "accepted"), [(1969, False), (1970, True), (2199, True), (2200, False)]
)
def test_dates_are_planned_from_1970_to_2199(year: int, accepted: bool) -> None:
    """Both ends of the calendar we plan in count; a year outside them is refused."""
    moment = datetime(year, 6, 1, tzinfo=UTC)
    if accepted:
        assert moment == check_year(moment)
    else:
        with pytest.raises(ValueError, match="expected a year from 1970 to 2199"):
            check_year(moment)


def test_a_time_of_day_keeps_its_minutes() -> None:
    """``10:30`` is half past ten; a wrong one names the expected form."""
    assert time(10, 30) == parse_clock(" 10:30 ")
    with pytest.raises(ValueError, match=r"not a time of day: '25:00' \(e\.g\. 10:00\)"):
        parse_clock("25:00")


def test_a_local_time_comes_back_in_utc() -> None:
    """The moment is in UTC whatever the machine's own zone (``make mutate`` runs the tests
    with TZ set elsewhere, so a local time could not pass for UTC)."""
    moment = at_local(date(2027, 1, 15), time(10, 0), "Europe/Podgorica")
    assert (datetime(2027, 1, 15, 9, 0, tzinfo=UTC), timedelta(0)) == (moment, moment.utcoffset())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("09:00", r"not a range of hours: '09:00' \(e\.g\. 09:00-20:00\)"),
        ("10:00-10:00", "^quiet hours must not start and end at the same time$"),
    ],
)
def test_quiet_hours_that_are_no_range_are_refused_with_the_reason(text: str, message: str) -> None:
    """One time, or the same time twice, is no range of hours."""
    with pytest.raises(ValueError, match=message):
        QuietHours.parse(text)
    with pytest.raises(ValueError, match="same time"):
        QuietHours(time(9, 0), time(9, 0))


@pytest.mark.parametrize(
    ("hours", "clock", "allowed"),
    [
        ("09:00-20:00", time(8, 59), False),
        ("09:00-20:00", time(9, 0), True),
        ("09:00-20:00", time(19, 59), True),
        ("09:00-20:00", time(20, 0), False),
        ("22:00-06:00", time(21, 59), False),
        ("22:00-06:00", time(22, 0), True),
        ("22:00-06:00", time(5, 59), True),
        ("22:00-06:00", time(6, 0), False),
    ],
)
def test_quiet_hours_start_inclusive_and_end_exclusive(
    hours: str, clock: time, allowed: bool
) -> None:
    """The start minute is inside the hours and the end minute outside, overnight too."""
    assert allowed == QuietHours.parse(hours).allows(clock)


def test_a_message_due_at_exactly_the_end_waits_for_the_next_morning() -> None:
    """20:00 is past the hours: the message goes at 09:00 the next day, not this morning."""
    due = datetime(2027, 1, 15, 19, 0, tzinfo=UTC)  # 20:00 in Podgorica
    assert datetime(2027, 1, 16, 8, 0, tzinfo=UTC) == QuietHours().next_allowed(
        due, "Europe/Podgorica"
    )


def test_after_without_a_local_time_is_the_base_plus_the_offset() -> None:
    """No ``at``: the moment is exactly the offset after the base, to the second."""
    base = datetime(2027, 1, 15, 13, 47, 12, tzinfo=UTC)
    due = After("registration", timedelta(days=3)).due(base, "Europe/Podgorica")
    assert datetime(2027, 1, 18, 13, 47, 12, tzinfo=UTC) == due


def test_cron_between_includes_both_ends_in_utc() -> None:
    """A fire time exactly at the start or the end of the range is in it; times are UTC."""
    start = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)  # 10:00 in Podgorica
    end = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
    fires = Cron("0 10 * * *").between(start, end, "Europe/Podgorica")
    assert [start, start + timedelta(days=1), end] == fires
    assert {timedelta(0)} == {fire.utcoffset() for fire in fires}


def test_cron_lists_at_most_a_thousand_moments_in_one_look() -> None:
    """Every minute for two days would be 2,880 moments: one look lists the first 1,000."""
    start = datetime(2027, 1, 1, tzinfo=UTC)
    fires = Cron("* * * * *").between(start, start + timedelta(days=2), "UTC")
    assert (MOST_FIRES, start + timedelta(minutes=MOST_FIRES - 1)) == (len(fires), fires[-1])


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0 10 * *", "^a cron line has five fields: minute hour day month weekday$"),
        ("0 10 * * * *", "^a cron line has five fields"),
        ("61 10 * * *", r"higher than the maximum value \(59\)"),
        ("0 10 32 * *", r"higher than the maximum value \(31\)"),
        ("0 10 * * funday", "Invalid weekday name"),
    ],
)
def test_an_invalid_cron_line_is_refused(line: str, message: str) -> None:
    """A wrong number of fields says so; a field out of range is refused by APScheduler."""
    with pytest.raises(ValueError, match=message):
        check_cron(line)


def test_a_valid_cron_line_passes_the_check() -> None:
    """The first day of every month at ten is fine."""
    check_cron("0 10 1 * *")
