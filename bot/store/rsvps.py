"""RSVPs to events, with capacity and a waitlist that never gives one seat twice.

A "going" RSVP takes a seat for the member and one for each guest. When the seats left are too
few, "going" joins the waitlist instead. Whenever seats free up (someone cancels, changes to
maybe or brings fewer guests), the waitlist is served in order — each waiting party that fits
takes its seats — in the same transaction as the change that freed them, so two members can
never take the last seat together, not even from two processes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime

import aiosqlite

from bot.store.database import Database

GOING = "going"
MAYBE = "maybe"
NOT_GOING = "not_going"
WAITLISTED = "waitlisted"
ANSWERS = (GOING, MAYBE, NOT_GOING)
STATUSES = (GOING, WAITLISTED, MAYBE, NOT_GOING)

_COLUMNS = (
    "id, event, member_id, status, guests, waitlisted_at, created_at, updated_at, checked_in_at"
)
# The waitlist's order: first come, first served.
_QUEUE = "ORDER BY waitlisted_at, id"


@dataclass(frozen=True)
class Rsvp:
    """One member's answer to one event; ``position`` is their place on the waitlist (from 1)."""

    id: int
    event: str
    member_id: int
    status: str
    guests: int
    waitlisted_at: str | None
    created_at: str
    updated_at: str
    checked_in_at: str | None = None
    position: int | None = None

    @property
    def seats(self) -> int:
        return 1 + self.guests

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Rsvp:
        return cls(**dict(row))


@dataclass(frozen=True)
class Outcome:
    """What an answer changed.

    ``rsvp`` is the member's RSVP afterwards (None once cancelled); ``promoted`` are the
    waitlisted RSVPs that got seats because of it. ``refused`` means a member already going asked
    for more seats than are free, and nothing changed; ``free`` is the seats left (None: no limit).
    """

    rsvp: Rsvp | None
    promoted: tuple[Rsvp, ...] = ()
    refused: bool = False
    free: int | None = None


class Rsvps:
    """Reads and writes RSVPs; every change that can move seats runs in one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, event: str, member_id: int) -> Rsvp | None:
        """The member's RSVP to the event, with their waitlist position."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rsvps WHERE event = ? AND member_id = ?",  # noqa: S608
            (event, member_id),
        )
        return await self._placed(Rsvp.from_row(row)) if row else None

    async def of_member(self, member_id: int) -> list[Rsvp]:
        """Every RSVP of a member, with waitlist positions."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rsvps WHERE member_id = ? ORDER BY id",  # noqa: S608
            (member_id,),
        )
        return [await self._placed(Rsvp.from_row(row)) for row in rows]

    async def taken(self, event: str) -> int:
        """Seats taken by members going and their guests."""
        row = await self.db.fetchone(
            "SELECT coalesce(sum(1 + guests), 0) FROM rsvps WHERE event = ? AND status = ?",
            (event, GOING),
        )
        return int(row[0]) if row else 0

    async def listing(self, event: str | None = None) -> list[Rsvp]:
        """Every RSVP (of one event, or of all), by event, status and waitlist order."""
        where, params = ("WHERE event = ?", (event,)) if event else ("", ())
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rsvps {where}"  # noqa: S608
            " ORDER BY event, CASE status WHEN 'going' THEN 0 WHEN 'waitlisted' THEN 1"
            " WHEN 'maybe' THEN 2 ELSE 3 END, waitlisted_at, id",
            params,
        )
        positions: dict[str, int] = {}
        placed = []
        for rsvp in map(Rsvp.from_row, rows):
            if rsvp.status == WAITLISTED:
                positions[rsvp.event] = positions.get(rsvp.event, 0) + 1
                rsvp = replace(rsvp, position=positions[rsvp.event])
            placed.append(rsvp)
        return placed

    async def answer(
        self,
        event: str,
        member_id: int,
        status: str,
        now: datetime,
        *,
        guests: int = 0,
        capacity: int | None = None,
    ) -> Outcome:
        """Records going (with guests), maybe or not going, and serves the waitlist."""
        if status not in ANSWERS:
            raise ValueError(f"not an RSVP answer: {status}")
        if guests < 0 or (status != GOING and guests):
            raise ValueError("only a member who is going brings guests")
        at = now.isoformat()
        async with self.db.transaction() as conn:
            existing = await _one(conn, event, member_id)
            waitlisted_at = None
            if status == GOING and capacity is not None:
                if existing is not None and existing.status == GOING:
                    free = capacity - await _taken(conn, event) + existing.seats
                    if 1 + guests > free:
                        return Outcome(existing, refused=True, free=free)
                else:
                    # Join the queue; serving it below seats this member at once if they fit
                    # and nobody before them does. A waitlisted member keeps their place.
                    status = WAITLISTED
                    waitlisted_at = (
                        existing.waitlisted_at
                        if existing is not None and existing.waitlisted_at
                        else at
                    )
            await conn.execute(
                "INSERT INTO rsvps (event, member_id, status, guests, waitlisted_at, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event, member_id)"
                " DO UPDATE SET status = excluded.status, guests = excluded.guests,"
                " waitlisted_at = excluded.waitlisted_at, updated_at = excluded.updated_at",
                (event, member_id, status, guests, waitlisted_at, at, at),
            )
            promoted = await _serve(conn, event, capacity, at)
            mine = await _one(conn, event, member_id)
            left = None if capacity is None else capacity - await _taken(conn, event)
        assert mine is not None
        others = tuple(rsvp for rsvp in promoted if rsvp.member_id != member_id)
        return Outcome(await self._placed(mine), others, free=left)

    async def cancel(
        self, event: str, member_id: int, now: datetime, *, capacity: int | None = None
    ) -> Outcome:
        """Removes the member's RSVP and gives the freed seats to the waitlist."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM rsvps WHERE event = ? AND member_id = ?", (event, member_id)
            )
            promoted = await _serve(conn, event, capacity, now.isoformat())
            free = None if capacity is None else capacity - await _taken(conn, event)
        return Outcome(None, tuple(promoted), free=free)

    async def check_in(self, event: str, member_id: int, at: datetime | None) -> Rsvp | None:
        """Records that a member who is going arrived at the event (``at`` None takes it back);
        None when the member has no "going" RSVP to it."""
        rows = await self.db.returning(
            f"UPDATE rsvps SET checked_in_at = ? WHERE event = ? AND member_id = ?"  # noqa: S608
            f" AND status = ? RETURNING {_COLUMNS}",
            (at.isoformat() if at else None, event, member_id, GOING),
        )
        return Rsvp.from_row(rows[0]) if rows else None

    async def _placed(self, rsvp: Rsvp) -> Rsvp:
        """The RSVP with its waitlist position filled in."""
        if rsvp.status != WAITLISTED:
            return rsvp
        row = await self.db.fetchone(
            "SELECT count(*) FROM rsvps WHERE event = ? AND status = ?"
            " AND (waitlisted_at < ? OR (waitlisted_at = ? AND id <= ?))",
            (rsvp.event, WAITLISTED, rsvp.waitlisted_at, rsvp.waitlisted_at, rsvp.id),
        )
        return replace(rsvp, position=int(row[0]) if row else None)


async def _one(conn: aiosqlite.Connection, event: str, member_id: int) -> Rsvp | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM rsvps WHERE event = ? AND member_id = ?",  # noqa: S608
        (event, member_id),
    ) as cursor:
        row = await cursor.fetchone()
    return Rsvp.from_row(row) if row else None


async def _taken(conn: aiosqlite.Connection, event: str) -> int:
    async with conn.execute(
        "SELECT coalesce(sum(1 + guests), 0) FROM rsvps WHERE event = ? AND status = ?",
        (event, GOING),
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _serve(
    conn: aiosqlite.Connection, event: str, capacity: int | None, at: str
) -> list[Rsvp]:
    """Seats waiting parties in order while seats are free; a party too large for what is left
    waits without holding up smaller ones behind it. Returns the RSVPs that got seats."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM rsvps WHERE event = ? AND status = ? {_QUEUE}",  # noqa: S608
        (event, WAITLISTED),
    ) as cursor:
        waiting = [Rsvp.from_row(row) for row in await cursor.fetchall()]
    if not waiting:
        return []
    free = None if capacity is None else capacity - await _taken(conn, event)
    promoted = []
    for rsvp in waiting:
        if free is not None and rsvp.seats > free:
            continue
        await conn.execute(
            "UPDATE rsvps SET status = ?, waitlisted_at = NULL, updated_at = ? WHERE id = ?",
            (GOING, at, rsvp.id),
        )
        promoted.append(replace(rsvp, status=GOING, waitlisted_at=None, updated_at=at))
        if free is not None:
            free -= rsvp.seats
    return promoted
