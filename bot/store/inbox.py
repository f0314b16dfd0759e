"""Webhook messages kept until they are answered, so no crash or provider outage loses one.

States::

    received ──────────────> (deleted: handled, every reply sent)
       │
       └──> replying ──> (deleted: the rest sent, or given up)
              │  ^
              └──┘ (a reply failed for now: tried again at not_before)

A member's WhatsApp message is stored before Twilio gets its 200. When a reply cannot go at
once, the row becomes ``replying``: the member's words are dropped and the replies still to
send are kept instead, each dropped once the provider took it; the row goes when none is left.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.database import Database


@dataclass(frozen=True)
class InboxRow:
    """One stored webhook message and what is left to do about it."""

    id: int
    provider_id: str
    address: str
    fields: dict[str, str]
    state: str
    parts: list[dict[str, str]]
    attempts: int
    not_before: str
    received_at: str
    error: str | None

    @classmethod
    def from_row(cls, row: Any) -> InboxRow:
        return cls(
            id=int(row["id"]),
            provider_id=row["provider_id"],
            address=row["address"],
            fields=json.loads(row["fields"]),
            state=row["state"],
            parts=json.loads(row["parts"]),
            attempts=int(row["attempts"]),
            not_before=row["not_before"],
            received_at=row["received_at"],
            error=row["error"],
        )


class Inbox:
    """Stores, walks and settles webhook messages; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, provider_id: str, address: str, fields: Mapping[str, str], now: datetime
    ) -> bool:
        """Stores a message; False when one with this provider id is already waiting."""
        at = now.isoformat()
        changed = await self.db.execute(
            "INSERT INTO inbox (provider_id, address, fields, not_before, received_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id) DO NOTHING",
            (provider_id, address, json.dumps(dict(fields), ensure_ascii=False), at, at, at),
        )
        return changed == 1

    async def next_for(self, address: str) -> InboxRow | None:
        """The oldest message of an address still to be handled or answered."""
        row = await self.db.fetchone(
            "SELECT * FROM inbox WHERE address = ? ORDER BY id LIMIT 1", (address,)
        )
        return InboxRow.from_row(row) if row else None

    async def due_addresses(self, now: datetime) -> list[str]:
        """Addresses whose oldest waiting message may be worked on now."""
        rows = await self.db.fetchall(
            "SELECT address FROM inbox i WHERE id = (SELECT min(id) FROM inbox"
            " WHERE address = i.address) AND not_before <= ? ORDER BY id",
            (now.isoformat(),),
        )
        return [str(row[0]) for row in rows]

    async def handled(self, row_id: int, parts: Sequence[Mapping[str, str]], now: datetime) -> None:
        """The engine has answered: the member's words go, the replies to send are kept."""
        await self.db.execute(
            "UPDATE inbox SET state = 'replying', fields = '{}', parts = ?, updated_at = ?"
            " WHERE id = ?",
            (
                json.dumps([dict(part) for part in parts], ensure_ascii=False),
                now.isoformat(),
                row_id,
            ),
        )

    async def progress(
        self, row_id: int, parts: Sequence[Mapping[str, str]], now: datetime
    ) -> None:
        """Keeps only the replies not sent yet."""
        await self.db.execute(
            "UPDATE inbox SET parts = ?, updated_at = ? WHERE id = ?",
            (
                json.dumps([dict(part) for part in parts], ensure_ascii=False),
                now.isoformat(),
                row_id,
            ),
        )

    async def retry(self, row_id: int, error: str, not_before: datetime, now: datetime) -> None:
        """Leaves the message for later after a failure that may pass."""
        await self.db.execute(
            "UPDATE inbox SET attempts = attempts + 1, error = ?, not_before = ?, updated_at = ?"
            " WHERE id = ?",
            (error, not_before.isoformat(), now.isoformat(), row_id),
        )

    async def done(self, row_id: int) -> None:
        """Forgets a message that is answered (or can never be)."""
        await self.db.execute("DELETE FROM inbox WHERE id = ?", (row_id,))

    async def waiting(self) -> int:
        """How many messages are not answered yet (the health check shows it)."""
        row = await self.db.fetchone("SELECT count(*) FROM inbox")
        return int(row[0]) if row else 0
