"""Dates as members read them, in their language: ``23 July 2027, 18:00–23:00``.

Every function takes the content and a language rather than a flow's context, so notices queued
for other members (in their own language) read the same as replies.
"""

from __future__ import annotations

from datetime import datetime

from babel import UnknownLocaleError
from babel.dates import get_timezone_location

from bot.content import Content
from bot.zones import zone


def month_year(content: Content, language: str, year: int, month: int) -> str:
    """A month on its own, such as ``March 2027``."""
    return content.text(
        language,
        "dates.month_year",
        month=content.text(language, f"dates.month_{month}"),
        year=year,
    )


def date_text(content: Content, language: str, moment: datetime) -> str:
    """The day, month and year of ``moment`` (in its own zone)."""
    return content.text(
        language,
        "calendar.date",
        day=moment.day,
        month=content.text(language, f"calendar.month_{moment.month}"),
        year=moment.year,
    )


def moment_text(content: Content, language: str, moment: datetime, zone_name: str) -> str:
    """A date and time in the zone ``zone_name``."""
    local = moment.astimezone(zone(zone_name))
    return content.text(
        language,
        "dates.moment",
        date=date_text(content, language, local),
        time=f"{local:%H:%M}",
    )


def span_text(
    content: Content, language: str, starts_at: datetime, ends_at: datetime, zone_name: str
) -> str:
    """From when to when, in the zone ``zone_name``; the date once if both are on one day."""
    start, end = starts_at.astimezone(zone(zone_name)), ends_at.astimezone(zone(zone_name))
    values = {
        "date": date_text(content, language, start),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
    }
    if start.date() == end.date():
        return content.text(language, "dates.span_day", **values)
    return content.text(
        language, "dates.span_days", end_date=date_text(content, language, end), **values
    )


def same_clock(first: str, second: str, moment: datetime) -> bool:
    """Whether two zones show the same time at ``moment``."""
    return moment.astimezone(zone(first)).utcoffset() == moment.astimezone(zone(second)).utcoffset()


def zone_label(zone_name: str, language: str) -> str:
    """A zone as people name it in ``language`` (its city, from the Unicode CLDR through
    Babel): ``America/New_York`` is "New York", in Montenegrin "Njujork"; a zone or language
    CLDR does not know reads as its own city part ("New York")."""
    try:
        return str(get_timezone_location(zone_name, locale=language, return_city=True))
    except (LookupError, UnknownLocaleError, ValueError):
        return zone_name.rsplit("/", 1)[-1].replace("_", " ")
