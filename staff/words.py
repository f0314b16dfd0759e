"""Codes and times as staff read them: labels in the staff's language, programme time with the
zone's name. Machine columns keep the codes and ISO 8601 times with the offset.

One :class:`Words` serves the exports' human columns, the statistics and the dashboard, so a
code reads the same everywhere (``6_to_12`` → "6–12 months", ``any`` → "No preference").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import Content
from bot.timestamps import machine, shown
from staff import stats

# Locale groups that label a stored code, by what staff call the code's kind.
GROUPS = {
    "host_kind": "host_kinds",
    "duration": "fellowship.durations",
    "work_mode": "work_modes",
    "application_status": "fellowship.statuses",
    "rsvp_status": "staff.rsvp",
}
# Codes with a label of their own outside their group.
SPECIAL = {("host_kind", "any"): "fellowship.any_host"}


@dataclass(frozen=True)
class Words:
    """Labels in ``language`` and times in ``timezone`` (the programme's)."""

    content: Content
    language: str
    timezone: str

    def label(self, kind: str, code: object) -> str:
        """``label("sector", "it")`` → "IT and software"; a list becomes a comma-separated
        list; "" for nothing. ``kind`` is a dimension of :data:`staff.stats.DIMENSIONS`, a key
        of :data:`GROUPS`, or a locale group (``host_kinds``); an unknown code reads as it is."""
        if code in (None, "", [], ()):
            return ""
        if isinstance(code, list | tuple):
            return ", ".join(self.label(kind, item) for item in code)
        text, content = str(code), self.content
        if kind in stats.DIMENSIONS:
            return stats.label(content, self.language, kind, text)
        if kind == "duration" and text.isdigit():
            # Members choose a number of months within the programme's range ("4 months").
            return content.text(self.language, "fellowship.month_count", count=int(text))
        key = SPECIAL.get((kind, text)) or f"{GROUPS.get(kind, kind)}.{text}"
        return content.text(self.language, key) if content.has(self.language, key) else text

    def time(self, value: object) -> str:
        """``2026-11-29 15:41 CET``: programme time with the zone's name ("" for nothing)."""
        return shown(value, self.timezone)

    def machine(self, value: object) -> str | None:
        """``2026-11-29T15:41:26+01:00``: ISO 8601 in programme time, to the second (None for
        nothing: an empty cell)."""
        return machine(value, self.timezone) or None

    def text(self, key: str, **values: object) -> str:
        """A locale text in the staff's language."""
        return self.content.text(self.language, key, **values)
