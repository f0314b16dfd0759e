"""Staff broadcasts: what was sent to whom (as filters) and by whom. Each is outbox job
``broadcast:<id>``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database


@dataclass(frozen=True)
class Broadcast:
    id: int
    actor: str
    text: str
    audience: str
    created_at: str

    @property
    def job(self) -> str:
        return f"broadcast:{self.id}"


class Broadcasts:
    """Reads and writes ``broadcasts``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, actor: str, text: str, audience: str, now: datetime) -> Broadcast:
        broadcast_id = await self.db.insert(
            "INSERT INTO broadcasts (actor, text, audience, created_at) VALUES (?, ?, ?, ?)",
            (actor, text, audience, now.isoformat()),
        )
        return Broadcast(broadcast_id, actor, text, audience, now.isoformat())

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return Broadcast(**dict(row)) if row else None
