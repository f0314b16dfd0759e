"""Introductions between local businesses and members who offered help (migration 0013).

States::

    proposed ──(both sides accepted)──> introduced ──(follow-up: "do not continue")──> ended
       ├──(either side declined)──> declined
       ├──(14 days without both answers)──> expired
       └──(a coordinator, or the offer or request taken back)──> withdrawn

Each change is kept in ``match_events`` with who made it and why. A member is proposed to a
business once, ever. Names and contacts are exchanged only in the ``introduced`` state; that
rule lives in the code that writes the messages, and :meth:`Matches.answer` makes the move to
``introduced`` happen exactly once (in one transaction), so exactly one caller tells both sides.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.store.database import Database

PROPOSED = "proposed"
INTRODUCED = "introduced"
DECLINED = "declined"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"
ENDED = "ended"
STATUSES = (PROPOSED, INTRODUCED, DECLINED, EXPIRED, WITHDRAWN, ENDED)
# A match that takes some of the member's time: proposed or introduced.
ACTIVE = (PROPOSED, INTRODUCED)
# The state each closing state may be reached from.
_CLOSES_FROM = {EXPIRED: PROPOSED, WITHDRAWN: PROPOSED, ENDED: INTRODUCED}
ACCEPTED = "accepted"
BUSINESS = "business"
MEMBER = "member"
SIDES = (BUSINESS, MEMBER)
COLUMNS = (
    "id, business_id, member_id, status, business_answer, business_answered_at, member_answer,"
    " member_answered_at, score, reasons, proposed_by, proposed_at, expires_at, introduced_at,"
    " closed_at, reason, met, plan, investment, updated_at"
)
_PREFIXED = ", ".join(f"m.{name.strip()}" for name in COLUMNS.split(","))


@dataclass
class Match:
    """One proposed introduction and where it stands."""

    id: int
    business_id: int
    member_id: int
    status: str
    proposed_by: str
    proposed_at: str
    expires_at: str
    updated_at: str
    business_answer: str | None = None
    business_answered_at: str | None = None
    member_answer: str | None = None
    member_answered_at: str | None = None
    score: int | None = None
    reasons: list[str] = field(default_factory=list)
    introduced_at: str | None = None
    closed_at: str | None = None
    reason: str | None = None
    met: bool | None = None
    plan: str | None = None
    investment: bool | None = None

    def answer_of(self, side: str) -> str | None:
        return self.business_answer if side == BUSINESS else self.member_answer

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: sqlite3.Row | Mapping[str, Any]) -> Match:
        data = dict(row)
        data["reasons"] = json.loads(data["reasons"] or "[]")
        for name in ("met", "investment"):
            data[name] = None if data[name] is None else bool(data[name])
        return cls(**data)


@dataclass(frozen=True)
class Event:
    """One state a match went through."""

    id: int
    match_id: int
    at: str
    actor: str
    status: str
    note: str | None


@dataclass(frozen=True)
class Answered:
    """What an answer did: the match after it, and the state it moved to (None: unchanged)."""

    match: Match
    moved_to: str | None


def _side_column(side: str) -> str:
    if side not in SIDES:
        raise ValueError(f"not a side: {side}")
    return side


class Matches:
    """Reads and writes matches, their history and follow-ups; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def propose(
        self,
        business_id: int,
        member_id: int,
        now: datetime,
        *,
        actor: str,
        expires_at: datetime,
        score: int | None = None,
        reasons: tuple[str, ...] | list[str] = (),
    ) -> Match | None:
        """Records a proposal; None when this member was proposed to this business before."""
        at = now.isoformat()
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO matches (business_id, member_id, score, reasons, proposed_by,"
                " proposed_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (business_id, member_id) DO NOTHING RETURNING id",
                (
                    business_id,
                    member_id,
                    score,
                    json.dumps(list(reasons), ensure_ascii=False),
                    actor,
                    at,
                    expires_at.isoformat(),
                    at,
                ),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await conn.execute(
                "INSERT INTO match_events (match_id, at, actor, status) VALUES (?, ?, ?, ?)",
                (row[0], at, actor, PROPOSED),
            )
        return await self.get(int(row[0]))

    async def get(self, match_id: int) -> Match | None:
        row = await self.db.fetchone(
            f"SELECT {COLUMNS} FROM matches WHERE id = ?",  # noqa: S608
            (match_id,),
        )
        return Match.from_row(row) if row else None

    async def all(self, *, status: str | None = None) -> list[Match]:
        """Every match (of one status), newest first."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM matches {where} ORDER BY id DESC",  # noqa: S608
            params,
        )
        return [Match.from_row(row) for row in rows]

    async def of_business(self, business_id: int) -> list[Match]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM matches WHERE business_id = ? ORDER BY id",  # noqa: S608
            (business_id,),
        )
        return [Match.from_row(row) for row in rows]

    async def involving(self, member_id: int) -> list[tuple[Match, str]]:
        """Every match a person is a side of — as the member who offered help, or as a
        business's contact person — with that side, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_PREFIXED}, CASE WHEN m.member_id = ?1 THEN 'member' ELSE 'business' END"  # noqa: S608
            " AS side FROM matches m JOIN businesses b ON b.id = m.business_id"
            " WHERE m.member_id = ?1 OR b.member_id = ?1 ORDER BY m.id",
            (member_id,),
        )
        return [(Match.from_row(_without_side(row)), str(row["side"])) for row in rows]

    async def awaiting(self, member_id: int) -> list[tuple[Match, str]]:
        """Proposals waiting for this person's answer, on either side, oldest first."""
        return [
            (match, side)
            for match, side in await self.involving(member_id)
            if match.status == PROPOSED and match.answer_of(side) is None
        ]

    async def proposed_members(self, business_id: int) -> set[int]:
        """Members ever proposed to this business (never to be proposed again)."""
        rows = await self.db.fetchall(
            "SELECT member_id FROM matches WHERE business_id = ?", (business_id,)
        )
        return {int(row[0]) for row in rows}

    async def active_counts(self) -> dict[int, int]:
        """Member → matches that take their time (proposed or introduced)."""
        rows = await self.db.fetchall(
            "SELECT member_id, count(*) FROM matches WHERE status IN ('proposed', 'introduced')"
            " GROUP BY member_id"
        )
        return {int(row[0]): int(row[1]) for row in rows}

    async def answer(
        self, match_id: int, side: str, accepted: bool, now: datetime, *, note: str | None = None
    ) -> Answered | None:
        """Records one side's answer to a proposal still open; a decline closes the match, the
        second acceptance introduces it (exactly once). None when the proposal is not open or
        that side already answered."""
        column = _side_column(side)
        at = now.isoformat()
        answer = ACCEPTED if accepted else DECLINED
        async with self.db.transaction() as conn:
            # column is one of the two literals of SIDES.
            cursor = await conn.execute(
                f"UPDATE matches SET {column}_answer = ?, {column}_answered_at = ?,"  # noqa: S608
                f" updated_at = ? WHERE id = ? AND status = 'proposed' AND {column}_answer IS NULL",
                (answer, at, at, match_id),
            )
            if cursor.rowcount == 0:
                return None
            moved_to: str | None = None
            if not accepted:
                moved_to = DECLINED
                await conn.execute(
                    "UPDATE matches SET status = 'declined', closed_at = ?, reason = ?"
                    " WHERE id = ?",
                    (at, f"declined by the {side}" + (f": {note}" if note else ""), match_id),
                )
            else:
                cursor = await conn.execute(
                    "UPDATE matches SET status = 'introduced', introduced_at = ? WHERE id = ?"
                    " AND business_answer = 'accepted' AND member_answer = 'accepted'",
                    (at, match_id),
                )
                moved_to = INTRODUCED if cursor.rowcount else None
            await conn.execute(
                "INSERT INTO match_events (match_id, at, actor, status, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (match_id, at, side, moved_to or f"{side} {answer}", note),
            )
        match = await self.get(match_id)
        assert match is not None
        return Answered(match, moved_to)

    async def close(
        self,
        match_id: int,
        status: str,
        now: datetime,
        *,
        actor: str,
        reason: str,
    ) -> Match | None:
        """Moves a proposal to expired or withdrawn, or an introduction to ended, with the
        reason; None when the match is not in the state that allows it."""
        before = _CLOSES_FROM.get(status)
        if before is None:
            raise ValueError(f"a match cannot be closed as {status}")
        at = now.isoformat()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE matches SET status = ?, closed_at = ?, reason = ?, updated_at = ?"
                " WHERE id = ? AND status = ?",
                (status, at, reason, at, match_id, before),
            )
            if cursor.rowcount == 0:
                return None
            await conn.execute(
                "INSERT INTO match_events (match_id, at, actor, status, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (match_id, at, actor, status, reason),
            )
        return await self.get(match_id)

    async def due_to_expire(self, now: datetime) -> list[Match]:
        """Proposals whose time to answer is over."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM matches"  # noqa: S608
            " WHERE status = 'proposed' AND expires_at <= ? ORDER BY id",
            (now.isoformat(),),
        )
        return [Match.from_row(row) for row in rows]

    async def of_members_proposed(self, member_id: int) -> list[Match]:
        """Open proposals of one member who offered help."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM matches"  # noqa: S608
            " WHERE member_id = ? AND status = 'proposed' ORDER BY id",
            (member_id,),
        )
        return [Match.from_row(row) for row in rows]

    async def events(self, match_id: int) -> list[Event]:
        """The match's history, oldest first."""
        rows = await self.db.fetchall(
            "SELECT id, match_id, at, actor, status, note FROM match_events"
            " WHERE match_id = ? ORDER BY id",
            (match_id,),
        )
        return [Event(**dict(row)) for row in rows]


def _without_side(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    data.pop("side", None)
    return data
