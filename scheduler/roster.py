"""The planner's in-memory view of the registered members, indexed by every audience filter.

Loading 100,000 members takes most of a second, so the roster loads them once and afterwards
reads only the members updated since its last look (plus a cheap checksum that notices
deletions). Audiences are then set algebra over the indexes.
"""

from __future__ import annotations

import bisect
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from bot.store import Recipients
from scheduler.audience import Audience
from scheduler.zones import member_zone

_INDEXED = ("language", "country", "municipality", "sector", "zone")


class Person(NamedTuple):
    """What planning needs to know about one registered member (a tuple: 100,000 of them are
    held, and tuples are the cheapest to build and keep)."""

    id: int
    name: str | None
    language: str
    country: str | None
    municipality: str | None
    sector: str | None
    interests: tuple[str, ...]
    zone: str
    registered_at: datetime
    stopped: bool
    preferred_channel: str | None


class PersonReader:
    """Turns rows of PLANNING_COLUMNS into Persons; repeated values are shared, not copied."""

    def __init__(self, fallback_zone: str) -> None:
        self.fallback_zone = fallback_zone
        self._shared: dict[str, str] = {}
        self._zones: dict[tuple[object, object], str] = {}
        self._interests: dict[object, tuple[str, ...]] = {}

    def _share(self, value: object) -> str | None:
        if value is None:
            return None
        text = str(value)
        return self._shared.setdefault(text, text)

    def person(self, row: Sequence[object]) -> Person:
        (member_id, name, language, country, municipality, sector, interests, timezone,
         registered_at, stopped_at, preferred) = row[:11]  # fmt: skip
        key = (timezone, country)
        zone_name = self._zones.get(key)
        if zone_name is None:
            zone_name = self._zones[key] = sys.intern(
                member_zone(_text(timezone), _text(country), self.fallback_zone)
            )
        chosen = self._interests.get(interests)
        if chosen is None:
            chosen = self._interests[interests] = tuple(json.loads(str(interests or "[]")))
        return Person(
            id=int(str(member_id)),
            name=_text(name),
            language=self._share(language) or "",
            country=self._share(country),
            municipality=self._share(municipality),
            sector=self._share(sector),
            interests=chosen,
            zone=zone_name,
            registered_at=datetime.fromisoformat(str(registered_at)),
            stopped=stopped_at is not None,
            preferred_channel=self._share(preferred),
        )


class Roster:
    """Registered members and indexes over them; :meth:`refresh` catches up with the database."""

    def __init__(self, recipients: Recipients, fallback_zone: str) -> None:
        self.recipients = recipients
        self.fallback_zone = fallback_zone
        self.people: dict[int, Person] = {}
        self.channels: dict[int, tuple[str, ...]] = {}
        self.version = 0
        self._active: set[int] = set()
        self._index: dict[str, defaultdict[str, set[int]]] = {
            key: defaultdict(set) for key in (*_INDEXED, "interest", "channel")
        }
        self._rsvps: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        self._rsvp_checksum: tuple[int, str] | None = None
        self._by_registration: list[tuple[datetime, int]] | None = None
        self._members_since: str | None = None
        self._channels_since: str | None = None
        self._count = 0
        self._id_sum = 0
        self._selections: dict[tuple[Audience, tuple[str, ...]], frozenset[int]] = {}
        self.reader = PersonReader(fallback_zone)
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    async def refresh(self) -> bool:
        """Reads what changed since the last refresh; True when anything did."""
        changed = False
        since = self._members_since
        async for rows in self.recipients.members_changed(since):
            for row in rows:
                changed |= self._apply(self.reader.person(row))
            latest = max(str(row[-1]) for row in rows)
            if self._members_since is None or latest > self._members_since:
                self._members_since = latest
        if self._members_since is None:
            self._members_since = ""
        if await self.recipients.members_checksum() != (self._count, self._id_sum):
            present = await self.recipients.registered_ids()
            for member_id in [m for m in self.people if m not in present]:
                self._remove(member_id)
                changed = True
        for added in await self.recipients.channels_added(self._channels_since):
            member_id, channel, created_at = int(added[0]), str(added[1]), str(added[2])
            known = self.channels.get(member_id, ())
            if channel not in known:
                # Most members have the same one or two channels: share those tuples.
                extended = (*known, sys.intern(channel))
                self.channels[member_id] = self._tuples.setdefault(extended, extended)
                self._index["channel"][channel].add(member_id)
                changed = True
            if self._channels_since is None or created_at > self._channels_since:
                self._channels_since = created_at
        checksum = await self.recipients.rsvps_checksum()
        if checksum != self._rsvp_checksum:
            self._rsvp_checksum = checksum
            self._rsvps.clear()
            for event, member_id, status, _updated in await self.recipients.rsvps():
                self._rsvps[(str(event), str(status))].add(int(member_id))
            changed = True
        if changed:
            self.version += 1
            self._selections.clear()
        return changed

    def _apply(self, person: Person) -> bool:
        member_id = person.id
        old = self.people.get(member_id)
        if old == person:
            return False
        if old is not None:
            self._remove(member_id)
        self.people[member_id] = person
        self._count += 1
        self._id_sum += member_id
        if not person.stopped:
            self._active.add(member_id)
        index = self._index
        index["language"][person.language].add(member_id)
        index["zone"][person.zone].add(member_id)
        if person.country is not None:
            index["country"][person.country].add(member_id)
        if person.municipality is not None:
            index["municipality"][person.municipality].add(member_id)
        if person.sector is not None:
            index["sector"][person.sector].add(member_id)
        for interest in person.interests:
            index["interest"][interest].add(member_id)
        if old is None or old.registered_at != person.registered_at:
            self._by_registration = None
        return True

    def _remove(self, member_id: int) -> None:
        person = self.people.pop(member_id)
        self._count -= 1
        self._id_sum -= member_id
        self._active.discard(member_id)
        for key in _INDEXED:
            value = getattr(person, key)
            if value is not None:
                self._index[key][value].discard(member_id)
        for interest in person.interests:
            self._index["interest"][interest].discard(member_id)
        self._by_registration = None

    def _any(self, key: str, values: tuple[str, ...]) -> set[int]:
        index = self._index[key]
        found: set[int] = set()
        for value in values:
            found |= index.get(value, set())
        return found

    def select(self, audience: Audience, channels: tuple[str, ...] = ()) -> frozenset[int]:
        """The ids of active (not stopped) members in ``audience``, reachable on ``channels``."""
        cached = self._selections.get((audience, channels))
        if cached is not None:
            return cached
        chosen = set(self._active)
        for key, values in (
            ("language", audience.languages),
            ("country", audience.countries),
            ("municipality", audience.municipalities),
            ("sector", audience.sectors),
            ("interest", audience.interests),
            ("channel", channels),
        ):
            if values:
                chosen &= self._any(key, values)
        if audience.event:
            going: set[int] = set()
            for status in audience.rsvp:
                going |= self._rsvps.get((audience.event, status), set())
            chosen &= going
        if audience.registered_after or audience.registered_before:
            chosen &= {
                p.id
                for p in self.registered_between(
                    audience.registered_after, audience.registered_before
                )
            }
        result = frozenset(chosen)
        self._selections[(audience, channels)] = result
        return result

    def registered_between(self, start: datetime | None, end: datetime | None) -> list[Person]:
        """Members registered in ``[start, end]`` (either end open when None), oldest first."""
        if self._by_registration is None:
            self._by_registration = sorted(
                (person.registered_at, person.id) for person in self.people.values()
            )
        order = self._by_registration
        low = 0 if start is None else bisect.bisect_left(order, (start, -1))
        high = len(order) if end is None else bisect.bisect_right(order, (end, 1 << 62))
        return [self.people[member_id] for _at, member_id in order[low:high]]

    def in_zones(self, ids: frozenset[int] | set[int]) -> dict[str, set[int]]:
        """``ids`` grouped by time zone."""
        groups: dict[str, set[int]] = {}
        for zone_name, members in self._index["zone"].items():
            inside = members & ids
            if inside:
                groups[zone_name] = inside
        return groups

    def channel_for(self, person: Person, allowed: tuple[str, ...] = ()) -> str | None:
        """The channel a message to ``person`` will most likely go out on."""
        return likely_channel(person, self.channels.get(person.id, ()), allowed)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def likely_channel(
    person: Person, channels: Sequence[str], allowed: tuple[str, ...] = ()
) -> str | None:
    """The preferred channel if the member has it (and it is allowed), else their first."""
    usable = [channel for channel in channels if not allowed or channel in allowed]
    if person.preferred_channel in usable:
        return person.preferred_channel
    return usable[0] if usable else None
