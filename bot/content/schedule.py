"""When a campaign is due: its schedule, offsets like ``-2d``, local times and sending hours.

Four schedules, one per campaign::

    send_at: 2027-01-15T10:00:00+01:00        one moment
    after: registration, offset: +3d, at: "10:00"   per member, in the member's local time
    after: event_start, event: <slug>, offset: -2d, at: "10:00"
    after: event_end, event: <slug>, offset: +1d, at: "10:00"   (after it: feedback)
    cron: "0 10 1 * *"                        recurring, in the programme's time zone

Quiet hours: a message arrives only between ``start`` and ``end`` of the member's day
(09:00–20:00 unless the campaign says otherwise); one due outside them waits for the next start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from apscheduler.triggers.cron import CronTrigger

from bot.zones import zone

_OFFSET = re.compile(r"^([+-])?((?:\d+[wdhm])+)$")
_PART = re.compile(r"(\d+)([wdhm])")
_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
# Ten years either way: longer is a typo, and no date it moves can leave the calendar.
LONGEST_OFFSET = timedelta(days=3650)
_LONGEST_MINUTES = LONGEST_OFFSET // timedelta(minutes=1)
# Room for any offset staff would write, so a pasted essay is refused before it is read.
_OFFSET_LENGTH = 40
# Dates in content files; with the offsets above, every date computed stays in the calendar.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2199
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_offset(text: str) -> timedelta:
    """``+3d``, ``-2d``, ``-3h``, ``+1d12h``, ``0d`` → a timedelta, at most
    :data:`LONGEST_OFFSET` either way; ValueError otherwise."""
    match = _OFFSET.match(text.strip().replace(" ", ""))
    if match is None or len(text) > _OFFSET_LENGTH:
        raise ValueError(f"not an offset: {text!r} (e.g. +3d, -2d, -3h, +1d12h)")
    # Whole minutes as a plain int first: timedelta itself overflows past 999999999 days.
    minutes = sum(int(amount) * _MINUTES[unit] for amount, unit in _PART.findall(match.group(2)))
    if minutes > _LONGEST_MINUTES:
        raise ValueError(
            f"at most {LONGEST_OFFSET.days} days (10 years) either way, not {text.strip()!r}"
        )
    total = timedelta(minutes=minutes)
    return -total if match.group(1) == "-" else total


def check_year(moment: datetime) -> datetime:
    """``moment`` when its year is one we plan in; ValueError otherwise (a date near year 1 or
    9999 cannot be moved by an offset, nor even turned into UTC)."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"expected a year from {EARLIEST_YEAR} to {LATEST_YEAR}")
    return moment


def parse_clock(text: str) -> time:
    """``"10:00"`` → time(10, 0); ValueError otherwise."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"not a time of day: {text!r} (e.g. 10:00)")
    return time(int(match.group(1)), int(match.group(2)))


def at_local(day: date, clock: time, zone_name: str) -> datetime:
    """The UTC moment of ``clock`` on ``day`` in a zone.

    A time that daylight saving skips comes out as the same time after the jump (02:30 on the
    spring-forward night is 03:30); a time that happens twice is the first of the two.
    """
    return datetime.combine(day, clock, tzinfo=zone(zone_name)).astimezone(UTC)


@dataclass(frozen=True)
class QuietHours:
    """The part of the member's day in which messages may arrive (``start`` to ``end``)."""

    start: time = time(9, 0)
    end: time = time(20, 0)

    def __post_init__(self) -> None:
        # Equal ends would mean "never" or "always"; neither is a range of hours. (So whether
        # allows() tests ``start < end`` or ``start <= end`` makes no difference.)
        if self.start == self.end:
            raise ValueError("quiet hours must not start and end at the same time")

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """``"09:00-20:00"`` (an en dash works too)."""
        parts = re.split(r"\s*[-–]\s*", text.strip())
        if len(parts) != 2:
            raise ValueError(f"not a range of hours: {text!r} (e.g. 09:00-20:00)")
        return cls(parse_clock(parts[0]), parse_clock(parts[1]))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def allows(self, clock: time) -> bool:
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def next_allowed(self, moment: datetime, zone_name: str) -> datetime:
        """``moment`` if it falls inside the hours in the zone, else the next start."""
        local = moment.astimezone(zone(zone_name))
        if self.allows(local.time().replace(tzinfo=None)):
            return moment
        day = local.date()
        if self.start < self.end and local.time().replace(tzinfo=None) >= self.end:
            day += timedelta(days=1)
        return at_local(day, self.start, zone_name)


Anchor = Literal["registration", "event_start", "event_end"]
# The anchors that count from an event (its start or its end).
EVENT_ANCHORS = ("event_start", "event_end")
# A cron line that fires every minute still lists at most this many moments in one look.
MOST_FIRES = 1000


@dataclass(frozen=True)
class SendAt:
    """One moment for everyone."""

    moment: datetime


@dataclass(frozen=True)
class After:
    """Relative to each member's registration, or to an event's start or end."""

    anchor: Anchor
    offset: timedelta
    at: time | None = None
    event: str | None = None

    def due(self, base: datetime, zone_name: str) -> datetime:
        """The moment for one member: ``base + offset``, moved to ``at`` on that local day."""
        moment = base + self.offset
        if self.at is None:
            return moment
        return at_local(moment.astimezone(zone(zone_name)).date(), self.at, zone_name)


@dataclass(frozen=True)
class Cron:
    """Recurring: a five-field crontab line in the programme's time zone."""

    expression: str

    def trigger(self, zone_name: str) -> CronTrigger:
        return CronTrigger.from_crontab(self.expression, timezone=zone(zone_name))

    def between(self, start: datetime, end: datetime, zone_name: str) -> list[datetime]:
        """The fire times in ``[start, end]``, oldest first."""
        trigger = self.trigger(zone_name)
        found: list[datetime] = []
        moment = trigger.get_next_fire_time(None, start)
        while moment is not None and moment <= end and len(found) < MOST_FIRES:
            found.append(moment.astimezone(UTC))
            # Cron fires on whole minutes: a second later finds the next one (so does any
            # step under a minute, and the previous fire time is not used by a cron trigger).
            moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
        return found


Schedule = SendAt | After | Cron


def check_cron(expression: str) -> None:
    """Raises ValueError when ``expression`` is not a five-field crontab line."""
    if len(expression.split()) != 5:
        raise ValueError("a cron line has five fields: minute hour day month weekday")
    Cron(expression).trigger("UTC")
