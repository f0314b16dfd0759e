"""Dates and times as staff write them in content files: local wall-clock time in a named zone.

::

    starts_at: 2027-05-14 09:30            09:30 in the event's zone (summer or winter alike)
    rsvp_deadline: 2027-05-07              a date: the end of that day (23:59:59)
    starts_at: 2027-05-14T09:30:00+02:00   an ISO 8601 offset still works, if it is the zone's

Staff should not need to know that Montenegro is +01:00 in February and +02:00 in May, so a
time without an offset is read in the zone. Every mistake is a ValueError that says how to fix
it: a time the clocks skip or pass twice, an offset that is not the zone's on that day (the
classic slip: +01:00 in May), a date where a time is needed, a year outside the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.content.schedule import check_year
from bot.zones import zone

END_OF_DAY = time(23, 59, 59)
EXAMPLE = "e.g. 2027-05-14 09:30"


def _offset(moment: datetime) -> str:
    """``+02:00`` (or ``-04:00``) for an aware moment."""
    offset = moment.utcoffset() or timedelta()
    sign = "-" if offset < timedelta() else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _read(value: Any) -> date | datetime:
    """A date or a date and time from YAML (already built) or from text."""
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"not a date and time: {str(value)!r} (write the local time, {EXAMPLE})"
        ) from None


def local(wall: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time in ``zone_name`` as an aware moment in that zone; ValueError
    when the clocks skip it (spring forward) or pass it twice (fall back)."""
    tz = zone(zone_name)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    when = f"{wall:%Y-%m-%d %H:%M}"
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise ValueError(
            f"{when} does not exist in {zone_name}: the clocks skip that hour that night;"
            " choose another time"
        )
    if first.utcoffset() != second.utcoffset():
        raise ValueError(
            f"{when} happens twice in {zone_name} (the clocks go back that night); add the"
            f" offset: {wall:%Y-%m-%dT%H:%M}{_offset(first)} for the first,"
            f" {wall:%Y-%m-%dT%H:%M}{_offset(second)} for the second"
        )
    return first


def moment(value: Any, zone_name: str, *, date_means_end: bool = False) -> datetime:
    """What staff wrote, as an aware moment in ``zone_name``.

    A time without an offset is local to the zone; a date alone is the end of that day when
    ``date_means_end`` (a deadline), else a mistake; a time with an offset must carry the zone's
    offset on that day. ValueError says what is wrong and how to write it.
    """
    read = _read(value)
    if not isinstance(read, datetime):
        if not date_means_end:
            raise ValueError(f"needs a time of day too ({read.isoformat()} 09:30, say)")
        read = datetime.combine(read, END_OF_DAY)
    check_year(read)
    if read.tzinfo is None:
        return local(read, zone_name)
    inside = read.astimezone(zone(zone_name))
    if inside.utcoffset() != read.utcoffset():
        raise ValueError(
            f"{read.isoformat()} is {inside:%H:%M} in {zone_name}, whose offset that day is"
            f" {_offset(inside)}, not {_offset(read)}; write the local time without an offset"
            f" ({read:%Y-%m-%d %H:%M}), or name the zone it is in with timezone:"
        )
    return inside


def instant(value: Any, zone_name: str) -> datetime:
    """A moment for a campaign's ``send_at``: a local time in ``zone_name``, or any ISO 8601
    time with an offset (an exact instant needs no zone). ValueError otherwise."""
    read = _read(value)
    if not isinstance(read, datetime):
        raise ValueError(f"needs a time of day too ({read.isoformat()} 10:00, say)")
    check_year(read)
    if read.tzinfo is None:
        return local(read, zone_name)
    return read
