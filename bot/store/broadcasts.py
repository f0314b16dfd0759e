"""Staff broadcasts: what was sent to whom (as filters) and by whom. Each is outbox job
``broadcast:<id>``. A broadcast started in the chat also names the chat that follows its
progress (``report_to``) until the final report."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.store.database import Database

_COLUMNS = "id, actor, text, audience, created_at, texts, report_to, report_language, reported_at"


@dataclass(frozen=True)
class Broadcast:
    id: int
    actor: str
    text: str
    audience: str
    created_at: str
    texts: Mapping[str, str] = field(default_factory=dict)
    report_to: str | None = None
    report_language: str | None = None
    reported_at: str | None = None

    @property
    def job(self) -> str:
        return f"broadcast:{self.id}"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Broadcast:
        data = dict(row)
        data["texts"] = json.loads(data["texts"]) if data["texts"] else {}
        return cls(**data)


class Broadcasts:
    """Reads and writes ``broadcasts``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        actor: str,
        text: str,
        audience: str,
        now: datetime,
        *,
        texts: Mapping[str, str] | None = None,
        report_to: str | None = None,
        report_language: str | None = None,
    ) -> Broadcast:
        """Records a broadcast (``texts`` by language, when not one text for everyone)."""
        encoded = json.dumps(dict(texts), ensure_ascii=False) if texts else None
        broadcast_id = await self.db.insert(
            "INSERT INTO broadcasts (actor, text, audience, created_at, texts, report_to,"
            " report_language) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (actor, text, audience, now.isoformat(), encoded, report_to, report_language),
        )
        found = await self.get(broadcast_id)
        assert found is not None
        return found

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?",  # noqa: S608
            (broadcast_id,),
        )
        return Broadcast.from_row(row) if row else None

    async def reporting(self) -> list[Broadcast]:
        """Broadcasts whose chat still waits for the final report, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM broadcasts"  # noqa: S608
            " WHERE report_to IS NOT NULL AND reported_at IS NULL ORDER BY id"
        )
        return [Broadcast.from_row(row) for row in rows]

    async def reported(self, broadcast_id: int, now: datetime) -> None:
        """The final report went out."""
        await self.db.execute(
            "UPDATE broadcasts SET reported_at = ? WHERE id = ?", (now.isoformat(), broadcast_id)
        )

    async def outcomes(self, job: str) -> dict[str, dict[str, int]]:
        """A broadcast's rows by the channel they went to (``none`` before one was chosen)
        and their state: what its final report says per channel."""
        rows = await self.db.fetchall(
            "SELECT coalesce(substr(address, 1, instr(address, ':') - 1), 'none'), state,"
            " count(*) FROM outbox WHERE job = ? GROUP BY 1, 2",
            (job,),
        )
        found: dict[str, dict[str, int]] = {}
        for channel, state, count in rows:
            found.setdefault(str(channel), {})[str(state)] = int(count)
        return found
