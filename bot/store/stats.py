"""Counts for statistics and the mapping report: aggregates over registered members, RSVPs and
fellowship applications. The one non-aggregate is :meth:`Stats.skills` (the skills texts,
without who wrote them), which :mod:`staff.stats` turns into term counts at once.

Only registered members (``registered_at`` set) are counted; a value a member did not give is
counted under ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.store.database import Database

# Single-valued member columns that may be counted (column names never come from input).
FIELDS = frozenset(
    {"country", "municipality", "sector", "language", "preferred_channel", "emigration_year"}
)
# Member columns holding a JSON list of codes.
LIST_FIELDS = frozenset({"languages", "interests"})


@dataclass(frozen=True)
class EventCounts:
    """One event's RSVPs: members by status, and the guests of members going."""

    event: str
    statuses: dict[str, int] = field(default_factory=dict)
    guests: int = 0

    @property
    def answers(self) -> int:
        return sum(self.statuses.values())


class Stats:
    """Aggregate queries; nothing returned names or reaches a member."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def members(self) -> int:
        """Registered members."""
        row = await self.db.fetchone("SELECT count(*) FROM members WHERE registered_at IS NOT NULL")
        return int(row[0]) if row else 0

    async def registrations_by_day(self) -> list[tuple[str, int]]:
        """(``YYYY-MM-DD`` in UTC, members who registered that day), oldest first."""
        rows = await self.db.fetchall(
            "SELECT substr(registered_at, 1, 10) AS day, count(*) FROM members"
            " WHERE registered_at IS NOT NULL GROUP BY day ORDER BY day"
        )
        return [(str(row[0]), int(row[1])) for row in rows]

    async def by_field(self, name: str) -> dict[str | None, int]:
        """Members by the value of one column of :data:`FIELDS` (``None``: not given)."""
        if name not in FIELDS:
            raise ValueError(f"not a countable member field: {name}")
        rows = await self.db.fetchall(
            f"SELECT nullif({name}, '') AS value, count(*) FROM members"  # noqa: S608
            " WHERE registered_at IS NOT NULL GROUP BY value"
        )
        return {None if row[0] is None else str(row[0]): int(row[1]) for row in rows}

    async def by_list(self, name: str) -> dict[str | None, int]:
        """Members by each code in a list column of :data:`LIST_FIELDS`; a member counts once
        under every code they chose, and under ``None`` when they chose none."""
        if name not in LIST_FIELDS:
            raise ValueError(f"not a list member field: {name}")
        rows = await self.db.fetchall(
            f"SELECT j.value, count(DISTINCT m.id) FROM members m, json_each(m.{name}) j"  # noqa: S608
            " WHERE m.registered_at IS NOT NULL GROUP BY j.value"
        )
        counts: dict[str | None, int] = {str(row[0]): int(row[1]) for row in rows}
        empty = await self.db.fetchone(
            "SELECT count(*) FROM members WHERE registered_at IS NOT NULL"  # noqa: S608
            f" AND json_array_length(coalesce({name}, '[]')) = 0"
        )
        if empty and empty[0]:
            counts[None] = int(empty[0])
        return counts

    async def by_channel(self) -> dict[str, int]:
        """Members by the channels they wrote to the bot on (one member may count on several)."""
        rows = await self.db.fetchall(
            "SELECT a.channel, count(DISTINCT a.member_id) FROM addresses a"
            " JOIN members m ON m.id = a.member_id"
            " WHERE m.registered_at IS NOT NULL GROUP BY a.channel"
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def by_country_and_city(self) -> list[tuple[str | None, str | None, int]]:
        """(country, city as typed, members); spellings are merged by the caller."""
        rows = await self.db.fetchall(
            "SELECT nullif(country, ''), nullif(trim(city), '') AS town, count(*) FROM members"
            " WHERE registered_at IS NOT NULL GROUP BY country, town"
        )
        return [(row[0], row[1], int(row[2])) for row in rows]

    async def skills(self) -> list[str]:
        """The skills texts members wrote, in no particular order and without their authors."""
        rows = await self.db.fetchall(
            "SELECT skills FROM members WHERE registered_at IS NOT NULL"
            " AND skills IS NOT NULL AND skills != ''"
        )
        return [str(row[0]) for row in rows]

    async def rsvps(self) -> list[EventCounts]:
        """Every event with RSVPs: members by status and guests of those going, by event."""
        rows = await self.db.fetchall(
            "SELECT event, status, count(*), coalesce(sum(CASE WHEN status = 'going'"
            " THEN guests ELSE 0 END), 0) FROM rsvps GROUP BY event, status ORDER BY event"
        )
        found: dict[str, EventCounts] = {}
        for event, status, count, guests in rows:
            counts = found.setdefault(str(event), EventCounts(str(event)))
            counts.statuses[str(status)] = int(count)
            found[str(event)] = EventCounts(
                counts.event, counts.statuses, counts.guests + int(guests)
            )
        return list(found.values())

    async def applications(self) -> dict[str, dict[str, int]]:
        """Fellowship applications: programme → status → count."""
        rows = await self.db.fetchall(
            "SELECT programme, status, count(*) FROM fellowship_applications"
            " GROUP BY programme, status ORDER BY programme"
        )
        found: dict[str, dict[str, int]] = {}
        for programme, status, count in rows:
            found.setdefault(str(programme), {})[str(status)] = int(count)
        return found
