"""Outcomes of introductions (migration 0013): the follow-ups two weeks and two months after
an introduction — asked of each side, answered in the chat — and the counts of how far requests
got (the funnel; requests and introductions by municipality and sector, for the report).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database
from bot.store.matches import COLUMNS, SIDES, Match, Matches

ROUNDS = ("2w", "2m")
# The follow-up answers, and what each may be.
FOLLOW_UP_ANSWERS: Mapping[str, tuple[str, ...]] = {
    "met": ("yes", "no", "not_yet"),
    "plan": ("none", "drafted", "completed"),
    "investment": ("yes", "no"),
    "continues": ("yes", "no"),
}


@dataclass(frozen=True)
class FollowUp:
    """One side's follow-up of one round, asked and perhaps answered."""

    id: int
    match_id: int
    side: str
    round: str
    asked_at: str
    answered_at: str | None
    met: str | None
    plan: str | None
    investment: str | None
    continues: str | None


class Outcomes:
    """Reads and writes follow-ups and counts outcomes; all SQL about them lives here."""

    def __init__(self, db: Database, matches: Matches) -> None:
        self.db = db
        self.matches = matches

    async def due(self, round_: str, introduced_before: datetime) -> list[Match]:
        """Introduced matches older than ``introduced_before`` not yet asked this round."""
        if round_ not in ROUNDS:
            raise ValueError(f"not a follow-up round: {round_}")
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM matches m WHERE status = 'introduced'"  # noqa: S608
            " AND introduced_at <= ? AND NOT EXISTS (SELECT 1 FROM match_follow_ups f"
            " WHERE f.match_id = m.id AND f.round = ?) ORDER BY id",
            (introduced_before.isoformat(), round_),
        )
        return [Match.from_row(row) for row in rows]

    async def ask(self, match_id: int, side: str, round_: str, now: datetime) -> bool:
        """Records that one side is asked this round's follow-up; False if it already was."""
        if side not in SIDES:
            raise ValueError(f"not a side: {side}")
        changed = await self.db.execute(
            "INSERT INTO match_follow_ups (match_id, side, round, asked_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (match_id, side, round) DO NOTHING",
            (match_id, side, round_, now.isoformat()),
        )
        return changed > 0

    async def of_match(self, match_id: int) -> list[FollowUp]:
        rows = await self.db.fetchall(
            "SELECT * FROM match_follow_ups WHERE match_id = ? ORDER BY id", (match_id,)
        )
        return [FollowUp(**dict(row)) for row in rows]

    async def open_for(self, member_id: int) -> list[tuple[FollowUp, Match]]:
        """Follow-ups asked of this person (either side) and not answered yet, oldest first."""
        found = []
        for match, side in await self.matches.involving(member_id):
            for follow_up in await self.of_match(match.id):
                if follow_up.side == side and follow_up.answered_at is None:
                    found.append((follow_up, match))
        return found

    async def record(
        self, follow_up_id: int, answers: Mapping[str, str], now: datetime
    ) -> Match | None:
        """Keeps one side's follow-up answers and what they add to the match (met, a plan
        drafted or completed, an investment; "do not continue" ends it); None if it was
        answered already."""
        for name, value in answers.items():
            if value not in FOLLOW_UP_ANSWERS.get(name, ()):
                raise ValueError(f"not a follow-up answer: {name}={value}")
        at = now.isoformat()
        async with self.db.transaction() as conn:
            async with conn.execute(
                "UPDATE match_follow_ups SET answered_at = ?, met = ?, plan = ?,"
                " investment = ?, continues = ? WHERE id = ? AND answered_at IS NULL"
                " RETURNING match_id, side, round",
                (
                    at,
                    answers.get("met"),
                    answers.get("plan"),
                    answers.get("investment"),
                    answers.get("continues"),
                    follow_up_id,
                ),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            match_id, side, round_ = int(row[0]), str(row[1]), str(row[2])
            # The best any side reported: a plan completed stays completed.
            await conn.execute(
                "UPDATE matches SET met = CASE WHEN ?1 = 'yes' THEN 1"
                " WHEN met IS NULL AND ?1 IS NOT NULL THEN 0 ELSE met END,"
                " plan = CASE WHEN ?2 = 'completed' OR plan = 'completed' THEN 'completed'"
                " WHEN ?2 = 'drafted' OR plan = 'drafted' THEN 'drafted' ELSE plan END,"
                " investment = CASE WHEN ?3 = 'yes' THEN 1"
                " WHEN investment IS NULL AND ?3 IS NOT NULL THEN 0 ELSE investment END,"
                " updated_at = ?4 WHERE id = ?5",
                (answers.get("met"), answers.get("plan"), answers.get("investment"), at, match_id),
            )
            note = ", ".join(f"{name}={value}" for name, value in answers.items())
            await conn.execute(
                "INSERT INTO match_events (match_id, at, actor, status, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (match_id, at, side, f"follow-up {round_}", note),
            )
            if answers.get("continues") == "no":
                reason = f"the {side} chose not to continue ({round_} follow-up)"
                cursor = await conn.execute(
                    "UPDATE matches SET status = 'ended', closed_at = ?, reason = ?"
                    " WHERE id = ? AND status = 'introduced'",
                    (at, reason, match_id),
                )
                if cursor.rowcount:
                    await conn.execute(
                        "INSERT INTO match_events (match_id, at, actor, status, note)"
                        " VALUES (?, ?, ?, 'ended', ?)",
                        (match_id, at, side, reason),
                    )
        return await self.matches.get(match_id)

    async def funnel(self) -> dict[str, int]:
        """Requests at each step of the way, counted once each: proposed (any match),
        introduced, met, plan completed, investment."""
        requests = await self.db.fetchone("SELECT count(*) FROM businesses")
        row = await self.db.fetchone(
            "SELECT count(DISTINCT b.id),"
            " count(DISTINCT CASE WHEN m.introduced_at IS NOT NULL THEN b.id END),"
            " count(DISTINCT CASE WHEN m.met = 1 THEN b.id END),"
            " count(DISTINCT CASE WHEN m.plan = 'completed' THEN b.id END),"
            " count(DISTINCT CASE WHEN m.investment = 1 THEN b.id END)"
            " FROM businesses b JOIN matches m ON m.business_id = b.id"
        )
        values = [int(value or 0) for value in row] if row else [0] * 5
        return {
            "requests": int(requests[0]) if requests else 0,
            "proposed": values[0],
            "introduced": values[1],
            "met": values[2],
            "plan_completed": values[3],
            "investment": values[4],
        }

    async def by_business_field(self, column: str) -> dict[str, dict[str | None, int]]:
        """Requests and introduced requests by the business's ``municipality`` or ``sector``:
        {"requests": {value: n}, "introduced": {value: n}} (None: not given)."""
        if column not in ("municipality", "sector"):
            raise ValueError(f"not a business field to count by: {column}")
        result: dict[str, dict[str | None, int]] = {"requests": {}, "introduced": {}}
        rows = await self.db.fetchall(
            f"SELECT nullif(b.{column}, ''), count(*),"  # noqa: S608
            " sum(EXISTS (SELECT 1 FROM matches m WHERE m.business_id = b.id"
            " AND m.introduced_at IS NOT NULL)) FROM businesses b GROUP BY 1"
        )
        for value, requests, introduced in rows:
            key = None if value is None else str(value)
            result["requests"][key] = int(requests)
            if introduced:
                result["introduced"][key] = int(introduced)
        return result
