"""A calendar file (.ics) for an event, in the member's language, for any calendar app."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.content.events import Event
from bot.messages import Attachment

PRODUCT = "-//Diaspora Connect//Events//EN"


def event_file(event: Event, language: str, default_language: str, now: datetime) -> Attachment:
    """One VEVENT: title and description in ``language``, times in UTC, venue and link."""
    import icalendar  # 3 MB: loaded when a member first asks for a calendar file

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    # The same UID every time: importing the file again updates the entry instead of adding one.
    entry.add("uid", f"{event.slug}@diaspora-connect")
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.text("title", language, default_language))
    entry.add("description", event.text("description", language, default_language))
    entry.add("location", event.place(language, default_language) or event.online_url or "")
    if event.online_url:
        entry.add("url", event.online_url)
    calendar.add_component(entry)
    return Attachment(f"{event.slug}.ics", calendar.to_ical(), "text/calendar")
