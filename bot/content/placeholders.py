"""The ``{placeholders}`` a campaign's text may use: the member's, and an event's when the
campaign names one. Files are checked against them here; scheduler.render fills them."""

from __future__ import annotations

MEMBER_PLACEHOLDERS = frozenset({"first_name", "name"})
EVENT_PLACEHOLDERS = frozenset(
    {
        "event_title",
        "event_date",
        "event_time",
        "event_venue",
        "event_city",
        "event_link",
        "event_url",
    }
)
PLACEHOLDERS = MEMBER_PLACEHOLDERS | EVENT_PLACEHOLDERS
