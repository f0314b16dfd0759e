"""The planner's in-memory view of the registered members, indexed by every audience filter.

Loading 100,000 members takes about a second, so the roster loads them once — a page at a
time, over as many calls as the caller's budget asks, so no call holds the event loop for
long — and afterwards reads only the members updated since the load began (plus a cheap
checksum that notices deletions). Audiences are then set algebra over the indexes, and so are
the members who turned a message's topic off (read again only when their checksum moves).
"""

from __future__ import annotations

import asyncio
import bisect
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from bot.content.audience import Audience
from bot.store import Recipients, Topics
from bot.zones import member_zone

# Members read in one trip to the database during the first load. A page's rows are garbage
# once read, but the memory they took stays with the process: pages of 5,000 left 4 MB more
# behind than pages of 2,000 (10,000 members), and loaded no faster.
PAGE = 2_000
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
    """Turns rows of PLANNING_COLUMNS into Persons; repeated values (languages, countries,
    zones, interests…) are shared, not copied."""

    def __init__(self, fallback_zone: str) -> None:
        self.fallback_zone = fallback_zone
        self._zones: dict[tuple[object, object], str] = {}
        self._interests: dict[object, tuple[str, ...]] = {}

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
            int(str(member_id)),
            _text(name),
            _shared(language) or "",
            _shared(country),
            _shared(municipality),
            _shared(sector),
            chosen,
            zone_name,
            datetime.fromisoformat(str(registered_at)),
            stopped_at is not None,
            _shared(preferred),
        )


class Roster:
    """Registered members and indexes over them; :meth:`refresh` catches up with the database."""

    def __init__(
        self, recipients: Recipients, fallback_zone: str, topics: Topics | None = None
    ) -> None:
        self.recipients = recipients
        self.topics = topics
        self._topics_off: defaultdict[str, set[int]] = defaultdict(set)
        self._topics_checksum: tuple[int, str, int] | None = None
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
        # The first load: the last id read, and the latest update when it began (from then
        # on, members updated at or after it are read again).
        self._loaded_to: int | None = None
        self._load_since = ""
        self._members_since: str | None = None
        self._channels_since: str | None = None
        self._count = 0
        self._id_sum = 0
        self._selections: dict[tuple[Audience, tuple[str, ...]], frozenset[int]] = {}
        self.reader = PersonReader(fallback_zone)
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    @property
    def complete(self) -> bool:
        """Whether the first load is done (until then the roster holds only some members)."""
        return self._members_since is not None and self._loaded_to is None

    @property
    def loading(self) -> bool:
        """Whether the first load has begun and is not done."""
        return self._loaded_to is not None

    async def refresh(self, budget: int | None = None) -> bool:
        """Catches up with the database; True when anything changed. During the first load, at
        most ``budget`` members are read (all of them when None): call again until
        :attr:`complete`."""
        changed = False
        if not self.complete:
            changed = await self._load(budget)
            if not self.complete:
                self.version += 1
                self._selections.clear()
                return changed
        # Members updated since the last look (or since the first load began).
        since = self._members_since or ""
        for row in await self.recipients.members_updated(since):
            changed |= self._apply(self.reader.person(row))
            since = max(since, str(row[-1]))
        self._members_since = since
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
        if self.topics is not None:
            turned = await self.topics.checksum()
            if turned != self._topics_checksum:
                self._topics_checksum = turned
                self._topics_off.clear()
                for member_id, topic in await self.topics.everyone_off():
                    self._topics_off[topic].add(member_id)
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

    async def _load(self, budget: int | None) -> bool:
        """Reads up to ``budget`` more members of the first load, a page at a time, by id; each
        page is fetched while the one before it is indexed."""
        if self._loaded_to is None:
            self._load_since = await self.recipients.last_update()
            self._loaded_to = 0
        left = budget if budget is not None else sys.maxsize
        after = self._loaded_to

        def ask() -> tuple[int, asyncio.Future[list[tuple[object, ...]]]]:
            size = min(PAGE, left)
            return size, asyncio.ensure_future(self.recipients.members_page(after, size))

        changed = False
        size, fetching = ask()
        while True:
            rows = await fetching
            exhausted = len(rows) < size
            left -= len(rows)
            if rows:
                after = int(str(rows[-1][0]))
            if not exhausted and left > 0:
                size, fetching = ask()
            for row in rows:
                changed |= self._apply(self.reader.person(row))
            if exhausted or left <= 0:
                break
        if exhausted:
            self._loaded_to, self._members_since = None, self._load_since
        else:
            self._loaded_to = after
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

    def topic_off(self, topic: str) -> frozenset[int] | set[int]:
        """The members who turned ``topic`` off (as of the last :meth:`refresh`)."""
        return self._topics_off.get(topic, frozenset())

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


def _shared(value: object) -> str | None:
    """One copy of each of the few values a column repeats a hundred thousand times."""
    return None if value is None else sys.intern(str(value))


def likely_channel(
    person: Person, channels: Sequence[str], allowed: tuple[str, ...] = ()
) -> str | None:
    """The preferred channel if the member has it (and it is allowed), else their first."""
    usable = [channel for channel in channels if not allowed or channel in allowed]
    if person.preferred_channel in usable:
        return person.preferred_channel
    return usable[0] if usable else None
