"""Campaign runs: each campaign job the planner has dealt with, planned or missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database


@dataclass(frozen=True)
class Run:
    job: str
    campaign: str
    state: str
    due_at: str | None
    members: int
    checked_at: str
    created_at: str


class Runs:
    """Reads and writes ``campaign_runs``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, campaign: str) -> dict[str, Run]:
        """A campaign's runs by job."""
        rows = await self.db.fetchall(
            "SELECT * FROM campaign_runs WHERE campaign = ? ORDER BY job", (campaign,)
        )
        return {str(row["job"]): Run(**dict(row)) for row in rows}

    async def all(self) -> dict[str, Run]:
        rows = await self.db.fetchall("SELECT * FROM campaign_runs ORDER BY job")
        return {str(row["job"]): Run(**dict(row)) for row in rows}

    async def save(
        self,
        job: str,
        campaign: str,
        state: str,
        due_at: datetime | None,
        now: datetime,
        *,
        members: int | None = None,
    ) -> None:
        """Records (or updates) a run; ``members`` adds to the count already there."""
        at = now.isoformat()
        await self.db.execute(
            "INSERT INTO campaign_runs (job, campaign, state, due_at, members, checked_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job) DO UPDATE SET"
            " state = excluded.state, due_at = excluded.due_at,"
            " members = campaign_runs.members + excluded.members, checked_at = excluded.checked_at",
            (job, campaign, state, due_at.isoformat() if due_at else None, members or 0, at, at),
        )

    async def missed(self, limit: int = 20) -> list[Run]:
        """The latest occurrences recorded as missed."""
        rows = await self.db.fetchall(
            "SELECT * FROM campaign_runs WHERE state = 'missed' ORDER BY due_at DESC LIMIT ?",
            (limit,),
        )
        return [Run(**dict(row)) for row in rows]
