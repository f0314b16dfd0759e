"""Conversation state per address: which flow, which question, the answers so far.

A conversation is kept :data:`UNFINISHED_FOR` after its last message and then expires (the
daily housekeeping, :meth:`Conversations.expire`). For someone who never consented it is all
that is held about them — their address, the language they chose, the name their app shows —
and the consent text states the period.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.store.database import Database

UNFINISHED_FOR = timedelta(days=30)
"""How long a conversation is kept after its last message (the consent text says 30 days)."""


@dataclass
class Conversation:
    """Where one address stands; survives restarts because it is written after every step."""

    address: str
    flow: str | None = None
    step: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    seq: int = 0
    offered: list[list[str]] = field(default_factory=list)
    updated_at: str | None = None

    @property
    def active(self) -> bool:
        return self.flow is not None and self.step is not None


# The columns of a stored conversation, as a query names them to read one with other tables.
COLUMNS = ("flow", "step", "answers", "history", "seq", "offered", "updated_at")


def from_columns(address: str, row: Mapping[str, Any], prefix: str = "") -> Conversation:
    """A stored conversation from a row holding :data:`COLUMNS` (each after ``prefix``)."""
    return Conversation(
        address=address,
        flow=row[prefix + "flow"],
        step=row[prefix + "step"],
        answers=json.loads(row[prefix + "answers"]),
        history=json.loads(row[prefix + "history"]),
        seq=int(row[prefix + "seq"]),
        offered=json.loads(row[prefix + "offered"]),
        updated_at=row[prefix + "updated_at"],
    )


class Conversations:
    """Loads and saves conversation state."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self, address: str) -> Conversation:
        """The address's conversation; a new, empty one when none is stored."""
        return await self.stored(address) or Conversation(address=address)

    async def stored(self, address: str) -> Conversation | None:
        """The conversation stored for an address, or None when there is none."""
        row = await self.db.fetchone("SELECT * FROM conversations WHERE address = ?", (address,))
        return None if row is None else from_columns(address, dict(row))

    async def save(self, conversation: Conversation, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO conversations (address, flow, step, answers, history, seq, offered,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET"
            " flow = excluded.flow, step = excluded.step, answers = excluded.answers,"
            " history = excluded.history, seq = excluded.seq, offered = excluded.offered,"
            " updated_at = excluded.updated_at",
            (
                conversation.address,
                conversation.flow,
                conversation.step,
                json.dumps(conversation.answers, ensure_ascii=False),
                json.dumps(conversation.history),
                conversation.seq,
                json.dumps(conversation.offered, ensure_ascii=False),
                now.isoformat(),
            ),
        )

    async def delete(self, address: str) -> None:
        await self.db.execute("DELETE FROM conversations WHERE address = ?", (address,))

    async def expire(self, before: datetime) -> int:
        """Drops every conversation last written before ``before``; how many went."""
        return await self.db.execute(
            "DELETE FROM conversations WHERE updated_at < ?", (before.isoformat(),)
        )

    async def first_seen(self, provider_id: str, now: datetime) -> bool:
        """Records a provider message id; False when it was handled before (a redelivery)."""
        changed = await self.db.execute(
            "INSERT INTO inbound_seen (provider_id, at) VALUES (?, ?)"
            " ON CONFLICT (provider_id) DO NOTHING",
            (provider_id, now.isoformat()),
        )
        return changed == 1

    async def forget_seen(self, before: datetime) -> int:
        """Drops message ids older than ``before``; providers stop redelivering long before."""
        return await self.db.execute("DELETE FROM inbound_seen WHERE at < ?", (before.isoformat(),))
