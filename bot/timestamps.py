"""Times as staff read them: programme time with the zone's name, never a bare UTC time.

:func:`shown` is for people (``2027-05-14 10:00 CEST``): the preview, statistics, exports'
human columns, the dashboard. :func:`machine` is for machine columns (``2027-05-14T10:00:00+02:00``,
ISO 8601 with the offset, to the second): sortable and exact, and still programme time.
Both take a datetime or the ISO text the store keeps; anything else is returned as it is.
"""

from __future__ import annotations

from datetime import datetime

from bot.zones import zone


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def abbreviation(moment: datetime) -> str:
    """The zone's name at ``moment``: ``CEST``, ``EDT``, or ``UTC+04`` where tzdata has only an
    offset for it."""
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        return f"UTC{name}" if name else "UTC"
    return name


def shown(value: object, zone_name: str, *, with_date: bool = True) -> str:
    """``2027-05-14 10:00 CEST``: the moment in ``zone_name``, with the zone's name ("" for
    nothing; a naive time is taken as UTC, as the store writes none)."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone("UTC"))
    local = moment.astimezone(zone(zone_name))
    pattern = "%Y-%m-%d %H:%M" if with_date else "%H:%M"
    return f"{local:{pattern}} {abbreviation(local)}"


def machine(value: object, zone_name: str) -> str:
    """``2027-05-14T10:00:00+02:00``: ISO 8601 in ``zone_name`` to the second ("" for nothing)."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone("UTC"))
    return moment.astimezone(zone(zone_name)).replace(microsecond=0).isoformat()
