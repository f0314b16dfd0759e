"""Who a campaign or broadcast is for: filters over the members' profiles and RSVPs.

Every filter narrows; an omitted one lets everyone through, so an empty audience is every
registered member who has not stopped messages. Inside one filter any listed value matches::

    audience:
      languages: [cnr]              # the language the member reads the bot in
      countries: [DE, AT, CH]       # ISO 3166 codes (or names: Germany) of the country of residence
      municipalities: [Nikšić, Bar] # any case, with or without accents
      sectors: [it, health]         # codes or labels (IT and software), any case
      interests: [investment]       # any of them
      event: diaspora-days-2027     # members who answered this event's RSVP ...
      rsvp: [going, maybe]          # ... with one of these (default: going)
      registered_after: 2026-01-01
      registered_before: 2026-12-31T23:59:00+01:00
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import pycountry

from bot.text import fold

RSVP_STATUSES = ("going", "maybe", "not_going", "waitlisted")
KEYS = (
    "languages",
    "countries",
    "municipalities",
    "sectors",
    "interests",
    "event",
    "rsvp",
    "registered_after",
    "registered_before",
)


class AudienceError(ValueError):
    """An invalid audience; ``where`` names the key, for the line number."""

    def __init__(self, message: str, *where: str | int) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Audience:
    """Filters; empty tuples and None let everyone through."""

    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    event: str | None = None
    rsvp: tuple[str, ...] = ("going",)
    registered_after: datetime | None = None
    registered_before: datetime | None = None

    @property
    def everyone(self) -> bool:
        return not any(
            (
                self.languages,
                self.countries,
                self.municipalities,
                self.sectors,
                self.interests,
                self.event,
                self.registered_after,
                self.registered_before,
            )
        )

    def matches(self, person: Any, rsvps: Collection[int] = ()) -> bool:
        """Whether one member (a :class:`scheduler.roster.Person`) is in the audience.

        ``rsvps`` holds the ids of members who answered ``event`` with one of ``rsvp``. The
        roster answers the same question for everyone at once with set algebra; this is for
        going through members one at a time (a broadcast streams them).
        """
        if person.stopped:
            return False
        if self.languages and person.language not in self.languages:
            return False
        if self.countries and person.country not in self.countries:
            return False
        if self.municipalities and person.municipality not in self.municipalities:
            return False
        if self.sectors and person.sector not in self.sectors:
            return False
        if self.interests and not set(self.interests) & set(person.interests):
            return False
        if self.event and person.id not in rsvps:
            return False
        if self.registered_after and person.registered_at < self.registered_after:
            return False
        return not (self.registered_before and person.registered_at > self.registered_before)

    def describe(self) -> str:
        """One line for people: ``languages=cnr; countries=DE,AT``."""
        parts = [
            f"{name}={','.join(values)}"
            for name, values in (
                ("languages", self.languages),
                ("countries", self.countries),
                ("municipalities", self.municipalities),
                ("sectors", self.sectors),
                ("interests", self.interests),
            )
            if values
        ]
        if self.event:
            parts.append(f"event={self.event} rsvp={','.join(self.rsvp)}")
        if self.registered_after:
            parts.append(f"registered_after={self.registered_after.isoformat()}")
        if self.registered_before:
            parts.append(f"registered_before={self.registered_before.isoformat()}")
        return "; ".join(parts) or "every registered member"


@dataclass(frozen=True)
class Vocabulary:
    """What audience values may be: the programme's lists, the events and the languages."""

    languages: Collection[str]
    municipalities: Collection[str]
    sectors: Collection[str]
    interests: Collection[str]
    events: Collection[str]
    # Per filter (languages, sectors, interests): a folded label in any shipped language → its
    # code, so "IT and software" or "Crnogorski" work as well as "it" or "cnr".
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The kinds of messages members choose from (content/programme.yaml's topics).
    topics: Collection[str] = ()


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str | int):
        return [value]
    if not isinstance(value, list) or not value:
        raise AudienceError(f"audience.{key}: expected a value or a list of values", key)
    return value


def _moment(value: Any, key: str, *, end_of_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.max if end_of_day else time.min)
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise AudienceError(
                f"audience.{key}: not a date (e.g. 2026-01-31 or 2026-01-31T10:00:00+01:00)", key
            ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def country_code(text: str) -> str | None:
    """An ISO 3166 alpha-2 code for a code (``de``, ``DEU``) or an English name (``Germany``,
    any case); None for anything else."""
    text = text.strip()
    if len(text) == 2:
        found = pycountry.countries.get(alpha_2=text.upper())
        return str(found.alpha_2) if found is not None else None
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


def parse_audience(data: Any, vocabulary: Vocabulary) -> Audience:
    """Validates an ``audience:`` mapping; raises AudienceError naming the key."""
    if data is None:
        return Audience()
    if not isinstance(data, dict):
        raise AudienceError("audience: expected a mapping of filters")
    for key in data:
        if key not in KEYS:
            raise AudienceError(
                f"audience: unknown key {key!r} (expected one of {list(KEYS)})", key
            )

    def checked(
        key: str, allowed: Collection[str], normalise: Callable[[str], str]
    ) -> tuple[str, ...]:
        values = []
        named = vocabulary.labels.get(key, {})
        for index, raw in enumerate(_list(data, key)):
            value = normalise(str(raw))
            if value not in allowed:
                value = named.get(fold(str(raw)), value)
            if value not in allowed:
                raise AudienceError(f"audience.{key}: unknown value {raw!r}", key, index)
            values.append(value)
        return tuple(values)

    by_fold = {fold(name): name for name in vocabulary.municipalities}
    countries = []
    for index, raw in enumerate(_list(data, "countries")):
        code = country_code(str(raw))
        if code is None:
            raise AudienceError(
                f"audience.countries: unknown country code {raw!r}", "countries", index
            )
        countries.append(code)
    event = data.get("event")
    if event is not None and str(event) not in vocabulary.events:
        raise AudienceError(f"audience.event: unknown event {event!r}", "event")
    rsvp = checked("rsvp", RSVP_STATUSES, str.lower) if "rsvp" in data else ("going",)
    if "rsvp" in data and event is None:
        raise AudienceError("audience.rsvp needs audience.event", "rsvp")
    after = (
        _moment(data["registered_after"], "registered_after")
        if "registered_after" in data
        else None
    )
    before = (
        _moment(data["registered_before"], "registered_before", end_of_day=True)
        if "registered_before" in data
        else None
    )
    if after and before and before <= after:
        raise AudienceError(
            "audience.registered_before must be after registered_after", "registered_before"
        )
    return Audience(
        languages=checked("languages", vocabulary.languages, str.lower),
        countries=tuple(countries),
        municipalities=checked(
            "municipalities", vocabulary.municipalities, lambda name: by_fold.get(fold(name), name)
        ),
        sectors=checked("sectors", vocabulary.sectors, str.lower),
        interests=checked("interests", vocabulary.interests, str.lower),
        event=str(event) if event is not None else None,
        rsvp=rsvp,
        registered_after=after,
        registered_before=before,
    )
