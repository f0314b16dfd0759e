"""Filling a campaign's ``{placeholders}`` for one member, escaped for the channel it goes out on.

Telegram and the terminal show plain text, so values only lose control characters. WhatsApp
reads ``*bold*``, ``_italic_``, ``~strike~`` and backticks as formatting, so a member's name or
an event title must not switch it on: those characters in values become look-alikes. The
campaign's own text is left as staff wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from bot.content.events import Event
from bot.text import clean

_WHATSAPP = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})


def escape(value: str, channel: str) -> str:
    """A value made safe to place inside text sent on ``channel``."""
    value = clean(value)
    if channel == "whatsapp":
        return value.translate(_WHATSAPP)
    return value


@dataclass(frozen=True)
class Links:
    """What deep links need: the Telegram bot's username and the WhatsApp number."""

    telegram_username: str | None = None
    whatsapp_number: str | None = None

    def event(self, slug: str, channel: str) -> str:
        """A link that opens the event's RSVP on ``channel``."""
        payload = f"ev_{slug}"
        if channel == "telegram" and self.telegram_username:
            return f"https://t.me/{self.telegram_username}?start={payload}"
        if channel == "whatsapp" and self.whatsapp_number:
            digits = "".join(char for char in self.whatsapp_number if char.isdigit())
            return f"https://wa.me/{digits}?text={quote(f'START {payload}')}"
        if channel == "whatsapp":
            return f"START {payload}"
        return f"/start {payload}"


@dataclass(frozen=True)
class Calendar:
    """Month names and the date pattern of one language (locale keys ``calendar.*``)."""

    months: tuple[str, ...]
    pattern: str = "{day} {month} {year}"

    def date(self, event: Event) -> str:
        starts = event.starts_at
        return self.pattern.format(
            day=starts.day, month=self.months[starts.month - 1], year=starts.year
        )


def event_values(
    event: Event, language: str, default_language: str, calendar: Calendar
) -> dict[str, str]:
    """The event placeholders that are the same on every channel (unescaped)."""
    return {
        "event_title": event.text("title", language, default_language),
        "event_date": calendar.date(event),
        "event_time": f"{event.starts_at:%H:%M}",
        "event_venue": event.text("venue", language, default_language),
        "event_city": event.text("city", language, default_language),
        "event_url": event.online_url or "",
    }


def fill(
    text: str,
    channel: str,
    *,
    member: Mapping[str, str],
    event: Mapping[str, str] | None = None,
    event_slug: str | None = None,
    links: Links | None = None,
) -> str:
    """``text`` with every placeholder filled and escaped for ``channel``."""
    values = {name: escape(value, channel) for name, value in member.items()}
    if event is not None:
        values.update({name: escape(value, channel) for name, value in event.items()})
    if event_slug is not None:
        values["event_link"] = (links or Links()).event(event_slug, channel)
    return text.format_map(values)


def member_values(name: str | None) -> dict[str, str]:
    """The member placeholders."""
    full = (name or "").strip()
    return {"name": full, "first_name": full.split(" ")[0] if full else ""}
