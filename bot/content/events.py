"""Events from ``content/events/<slug>.yaml``: what members RSVP to and campaigns remind of."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from bot.content import moments
from bot.content.schedule import check_year
from bot.content.yamlfile import Located
from bot.errors import ContentError
from bot.zones import valid as valid_zone

_T = TypeVar("_T")

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
KEYS = {
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "city",
    "capacity",
    "rsvp_deadline",
    "online_url",
    "timezone",
}
# An event with an online_url may leave venue and city out: it is held online only.
REQUIRED = ("title", "description", "starts_at", "ends_at")


@dataclass(frozen=True)
class Event:
    """One event; texts (title, description, venue, city) are per language, ``"*"`` for one
    text in every language; an online-only event has no venue and no city."""

    slug: str
    title: dict[str, str]
    description: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    venue: dict[str, str]
    city: dict[str, str]
    capacity: int | None = None
    rsvp_deadline: datetime | None = None
    online_url: str | None = None
    path: str = ""
    # The zone its times are written and shown in (TIMEZONE unless the file names its own).
    timezone: str = "UTC"

    def text(self, field: str, language: str, default_language: str) -> str:
        """The title, description, venue or city in ``language``, else the default, else any
        ("" for a venue or city an online event has not)."""
        texts: dict[str, str] = getattr(self, field)
        return texts.get(language) or texts.get(default_language) or next(iter(texts.values()), "")

    def place(self, language: str, default_language: str) -> str:
        """Venue and city in ``language`` ("Hotel Avala, kongresna sala, Budva"); "" online."""
        parts = (self.text(key, language, default_language) for key in ("venue", "city"))
        return ", ".join(part for part in parts if part)

    @property
    def online(self) -> bool:
        """Held online only: a link and no venue (no seats for guests to take)."""
        return self.online_url is not None and not self.venue

    def closes_at(self) -> datetime:
        """When RSVPs close: the deadline if set, else the start."""
        return self.rsvp_deadline or self.starts_at


def read_moment(located: Located, data: dict[str, Any], key: str) -> datetime:
    """Reads a date and time with a UTC offset."""
    value = data.get(key)
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise located.error(
                f"{key}: not an ISO 8601 date and time (e.g. 2027-07-24T18:00:00+02:00)", key
            ) from None
    if moment.tzinfo is None:
        raise located.error(f"{key}: needs a UTC offset, e.g. +02:00", key)
    try:
        return check_year(moment)
    except ValueError as error:
        raise located.error(f"{key}: {error}", key) from None


def read_texts(
    located: Located,
    data: dict[str, Any],
    key: str,
    languages: set[str],
    at: tuple[str | int, ...] = (),
) -> dict[str, str]:
    """Reads a text per language (or one text for all); ``at`` locates ``data`` in the file."""
    value = data.get(key)
    where = (*at, key)
    name = ".".join(str(part) for part in where)
    if isinstance(value, str) and value.strip():
        return {"*": value.strip()}
    if not isinstance(value, dict) or not value:
        raise located.error(f"{name}: expected a text per language, e.g. en: …", *where)
    texts: dict[str, str] = {}
    for language, text in value.items():
        if languages and str(language) not in languages:
            raise located.error(f"{name}: unknown language {language!r}", *where, language)
        if not isinstance(text, str) or not text.strip():
            raise located.error(f"{name}.{language}: expected text", *where, language)
        texts[str(language)] = text.strip()
    return texts


def read_mapping(
    located: Located, what: str, keys: Collection[str], required: Iterable[str]
) -> tuple[str, dict[str, Any]]:
    """The slug (the file's name) and the mapping of a ``<slug>.yaml`` content file, with the
    file name, the unknown keys and the missing ones checked (the first problem raised)."""
    slug, data, found = mapping_problems(located, what, keys, required)
    if found:
        raise found[0]
    return slug, data


def mapping_problems(
    located: Located, what: str, keys: Collection[str], required: Iterable[str]
) -> tuple[str, dict[str, Any], list[ContentError]]:
    """Like :func:`read_mapping`, with every unknown and missing key listed; a bad file name
    or a file that is no mapping is raised at once (nothing else can be read then)."""
    data = located.data
    slug = Path(located.path).stem
    if not SLUG.match(slug):
        raise ContentError(
            str(located.path), 1, "file name must be a slug: lower-case letters, digits, dashes"
        )
    if not isinstance(data, dict):
        raise located.error(f"{what} file must be a mapping")
    found = [
        located.error(f"unknown key {key!r} (expected one of {sorted(keys)})", key)
        for key in data
        if key not in keys
    ]
    found += [located.error(f"missing key {key!r}") for key in required if key not in data]
    return slug, data, found


def read_local(
    located: Located, data: dict[str, Any], key: str, zone_name: str, *, date_means_end: bool
) -> datetime:
    """Reads a local date and time in ``zone_name`` (see :mod:`bot.content.moments`)."""
    try:
        return moments.moment(data.get(key), zone_name, date_means_end=date_means_end)
    except ValueError as error:
        raise located.error(f"{key}: {error}", key) from None


def event_problems(
    located: Located, languages: set[str], timezone: str
) -> tuple[Event | None, list[ContentError]]:
    """Validates one event file: the event (None when unusable) and every problem found, each
    a ContentError with its line. Times are local to the file's ``timezone``, else
    ``timezone`` (the programme's)."""
    slug, data, found = mapping_problems(located, "an event", KEYS, REQUIRED)

    def attempt(read: Callable[[], _T], key: str) -> _T | None:
        """What ``read`` reads of ``key`` (None when missing, reported above, or wrong)."""
        if key not in data:
            return None
        try:
            return read()
        except ContentError as error:
            found.append(error)
            return None

    zone_name = timezone
    if "timezone" in data:
        named = data["timezone"]
        if isinstance(named, str) and valid_zone(named.strip()):
            zone_name = named.strip()
        else:
            found.append(
                located.error(
                    f"timezone: unknown time zone {named!r} (an IANA name such as"
                    " Europe/Podgorica or America/New_York)",
                    "timezone",
                )
            )
    starts_at = attempt(
        lambda: read_local(located, data, "starts_at", zone_name, date_means_end=False),
        "starts_at",
    )
    ends_at = attempt(
        lambda: read_local(located, data, "ends_at", zone_name, date_means_end=False), "ends_at"
    )
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        found.append(located.error("ends_at must be after starts_at", "ends_at"))
    deadline = attempt(
        lambda: read_local(located, data, "rsvp_deadline", zone_name, date_means_end=True),
        "rsvp_deadline",
    )
    if deadline is not None and starts_at is not None and deadline > starts_at:
        found.append(located.error("rsvp_deadline must not be after starts_at", "rsvp_deadline"))
    capacity = data.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        found.append(
            located.error("capacity: expected a whole number of seats, 1 or more", "capacity")
        )
    online_url = data.get("online_url")
    if online_url is not None:
        parsed = urlparse(str(online_url))
        if parsed.scheme != "https" or not parsed.netloc:
            found.append(located.error("online_url: expected an https:// link", "online_url"))
    if online_url is None:
        found += [
            located.error(f"missing key {key!r} (an online event gives online_url instead)")
            for key in ("venue", "city")
            if key not in data
        ]
    venue = attempt(lambda: read_texts(located, data, "venue", languages), "venue") or {}
    city = attempt(lambda: read_texts(located, data, "city", languages), "city") or {}
    title = attempt(lambda: read_texts(located, data, "title", languages), "title")
    description = attempt(
        lambda: read_texts(located, data, "description", languages), "description"
    )
    if found:
        return None, sorted(found, key=lambda error: error.line)
    assert starts_at is not None and ends_at is not None
    assert title is not None and description is not None
    return Event(
        slug=slug,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        city=city,
        capacity=capacity,
        rsvp_deadline=deadline,
        online_url=str(online_url) if online_url else None,
        path=str(located.path),
        timezone=zone_name,
    ), []


def parse_event(located: Located, languages: set[str], timezone: str = "UTC") -> Event:
    """Validates one event file; raises its first problem as a ContentError (with its line)."""
    event, found = event_problems(located, languages, timezone)
    if found:
        raise found[0]
    assert event is not None
    return event
