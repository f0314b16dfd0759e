"""What planning and sending need to know about members: who is reachable where, and what
changed since the planner last looked. Read-mostly; the only write marks an address unreachable.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field
from datetime import datetime

from bot.store.database import Database

# Columns of a member the planner keeps in memory, in this order.
PLANNING_COLUMNS = (
    "id",
    "name",
    "language",
    "country",
    "municipality",
    "sector",
    "interests",
    "timezone",
    "registered_at",
    "stopped_at",
    "preferred_channel",
    "updated_at",
)


# Who campaigns and broadcasts may reach: members who registered, and members who gave the
# minimum (consent, name and country) through an event's or the fellowship's deep link — they
# RSVP'd, so event reminders must reach them. For the latter, consent stands in for registration.
IN_TOUCH = "(m.registered_at IS NOT NULL OR (m.name IS NOT NULL AND m.country IS NOT NULL))"
_ANCHOR = "coalesce(m.registered_at, m.consent_at)"


def _planning_columns() -> str:
    return ", ".join(
        _ANCHOR if column == "registered_at" else f"m.{column}" for column in PLANNING_COLUMNS
    )


@dataclass(frozen=True)
class Route:
    """One address of a member, as the sender weighs it."""

    address: str
    channel: str
    unreachable_at: str | None
    last_inbound_at: str | None


@dataclass(frozen=True)
class Reach:
    """Whether and where a member can be sent a message."""

    member_id: int
    stopped: bool
    preferred_channel: str | None
    routes: list[Route] = field(default_factory=list)
    # The topics the member turned off with /topics: announcements of these are not sent.
    topics_off: set[str] = field(default_factory=set)


class Recipients:
    """Queries about members for the planner and the sender."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def reach(self, member_ids: Collection[int]) -> dict[int, Reach]:
        """Each existing member's stop flag, preferred channel, addresses (oldest first) and
        the topics they turned off: two queries for the lot, however many members."""
        if not member_ids:
            return {}
        ids = json.dumps(list(member_ids))
        rows = await self.db.fetchall(
            "SELECT m.id, m.stopped_at, m.preferred_channel, a.address, a.channel,"
            " a.unreachable_at, a.last_inbound_at FROM members m"
            " LEFT JOIN addresses a ON a.member_id = m.id"
            " WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id, a.created_at",
            (ids,),
        )
        turned_off = await self.db.fetchall(
            "SELECT member_id, topic FROM topics_off"
            " WHERE member_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
        found: dict[int, Reach] = {}
        for row in rows:
            member_id = int(row[0])
            reach = found.get(member_id)
            if reach is None:
                reach = found[member_id] = Reach(member_id, row[1] is not None, row[2])
            if row[3] is not None:
                reach.routes.append(Route(row[3], row[4], row[5], row[6]))
        for member_id, topic in turned_off:
            # A member erased between the two queries has no Reach: their topics go with them.
            if (reach := found.get(int(member_id))) is not None:
                reach.topics_off.add(str(topic))
        return found

    async def mark_unreachable(self, address: str, now: datetime) -> None:
        """The address answered that it can never be reached (bot blocked, invalid number)."""
        await self.db.execute(
            "UPDATE addresses SET unreachable_at = ? WHERE address = ? AND unreachable_at IS NULL",
            (now.isoformat(), address),
        )

    async def members_page(self, after_id: int, limit: int) -> list[tuple[object, ...]]:
        """Up to ``limit`` registered members with ids above ``after_id``, by id, as tuples of
        :data:`PLANNING_COLUMNS`: a page of the planner's first load."""
        rows = await self.db.fetchall(
            f"SELECT {_planning_columns()} FROM members m WHERE {IN_TOUCH} AND m.id > ?"  # noqa: S608
            " ORDER BY m.id LIMIT ?",
            (after_id, limit),
        )
        return [tuple(row) for row in rows]

    async def members_updated(self, since: str) -> list[tuple[object, ...]]:
        """Registered members updated at or after ``since``, as tuples of
        :data:`PLANNING_COLUMNS`."""
        rows = await self.db.fetchall(
            f"SELECT {_planning_columns()} FROM members m"  # noqa: S608
            f" WHERE {IN_TOUCH} AND m.updated_at >= ?",
            (since,),
        )
        return [tuple(row) for row in rows]

    async def last_update(self) -> str:
        """The latest ``updated_at`` of any member ("" when there are none)."""
        row = await self.db.fetchone("SELECT coalesce(max(updated_at), '') FROM members")
        return str(row[0]) if row else ""

    async def stream(self, chunk: int = 2000) -> AsyncIterator[list[tuple[object, ...]]]:
        """Every registered member, a chunk at a time, as PLANNING_COLUMNS plus their reachable
        channels (comma-separated, oldest address first): for going through all of them
        without holding them all."""
        async with self.db.conn.execute(
            f"SELECT {_planning_columns()}, (SELECT group_concat(channel) FROM"  # noqa: S608
            " (SELECT a.channel FROM addresses a WHERE a.member_id = m.id"
            f" AND a.unreachable_at IS NULL ORDER BY a.created_at)) FROM members m WHERE {IN_TOUCH}"
            " ORDER BY m.id"
        ) as cursor:
            while rows := await cursor.fetchmany(chunk):
                yield [tuple(row) for row in rows]

    async def rsvp_members(self, event: str, statuses: Collection[str]) -> set[int]:
        """Members who answered ``event`` with one of ``statuses``."""
        rows = await self.db.fetchall(
            "SELECT member_id FROM rsvps WHERE event = ?"
            " AND status IN (SELECT value FROM json_each(?))",
            (event, json.dumps(list(statuses))),
        )
        return {int(row[0]) for row in rows}

    async def applicant_members(self, programme: str | None = None) -> set[int]:
        """Members with a fellowship application (to ``programme``, or to any) that they have
        not withdrawn."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT member_id FROM fellowship_applications WHERE status != 'withdrawn'"
            " AND (? IS NULL OR programme = ?)",
            (programme, programme),
        )
        return {int(row[0]) for row in rows}

    async def members_checksum(self) -> tuple[int, int]:
        """(count, sum of ids) of registered members: changes when one is deleted."""
        row = await self.db.fetchone(
            f"SELECT count(*), coalesce(sum(m.id), 0) FROM members m WHERE {IN_TOUCH}"  # noqa: S608
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def registered_ids(self) -> set[int]:
        rows = await self.db.fetchall(f"SELECT m.id FROM members m WHERE {IN_TOUCH}")  # noqa: S608
        return {int(row[0]) for row in rows}

    async def channels_added(self, since: str | None) -> list[sqlite3.Row]:
        """(member id, channel, created_at) of reachable addresses added at or after ``since``."""
        return await self.db.fetchall(
            "SELECT member_id, channel, created_at FROM addresses"
            " WHERE unreachable_at IS NULL AND created_at >= ?",
            (since or "",),
        )

    async def rsvps(self) -> list[sqlite3.Row]:
        """(event, member id, status, updated_at) of every RSVP."""
        return await self.db.fetchall("SELECT event, member_id, status, updated_at FROM rsvps")

    async def rsvps_checksum(self) -> tuple[int, str]:
        """(count, latest update) of the RSVPs: changes when any is added, changed or removed."""
        row = await self.db.fetchone("SELECT count(*), coalesce(max(updated_at), '') FROM rsvps")
        return (int(row[0]), str(row[1])) if row else (0, "")

    async def in_use(self) -> tuple[dict[str, int], dict[str, int]]:
        """Registered members by language, and reachable addresses of them by channel."""
        languages = await self.db.fetchall(
            f"SELECT m.language, count(*) FROM members m WHERE {IN_TOUCH}"  # noqa: S608
            " GROUP BY m.language"
        )
        channels = await self.db.fetchall(
            "SELECT a.channel, count(*) FROM addresses a JOIN members m ON m.id = a.member_id"  # noqa: S608
            f" WHERE {IN_TOUCH} AND a.unreachable_at IS NULL GROUP BY a.channel"
        )
        return (
            {str(row[0]): int(row[1]) for row in languages},
            {str(row[0]): int(row[1]) for row in channels},
        )
