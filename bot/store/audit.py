"""The audit log: who exported, broadcast, imported, changed or deleted what, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.database import Database

# Details that hold words someone typed to find a member (``export members --search``, the
# dashboard's search box): they could name her and would outlive her erasure, so an entry keeps
# only that there was a search.
FREE_TEXT = frozenset({"search"})


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    subject: str | None
    detail: dict[str, Any]


class Audit:
    """Appends to and reads the audit log. Entries never hold a member's personal data: ids,
    codes and counts only, and of a search (:data:`FREE_TEXT`) only that it was made."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        actor: str,
        action: str,
        now: datetime,
        *,
        subject: str | None = None,
        **detail: Any,
    ) -> None:
        await self.db.insert(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (
                now.isoformat(),
                actor,
                action,
                subject,
                json.dumps(without_free_text(detail), ensure_ascii=False),
            ),
        )

    async def entries(self, limit: int = 100) -> list[AuditEntry]:
        rows = await self.db.fetchall("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return self._entries(rows)

    async def search(
        self, *, since: datetime | None = None, action: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        """Entries at or after ``since`` whose action is ``action`` or starts with
        ``action.`` (``export`` finds ``export.members``), newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM audit_log WHERE at >= ? AND (? IS NULL OR action = ?"
            " OR substr(action, 1, length(?) + 1) = ? || '.') ORDER BY id DESC LIMIT ?",
            (since.isoformat() if since else "", action, action, action, action, limit),
        )
        return self._entries(rows)

    @staticmethod
    def _entries(rows: list[Any]) -> list[AuditEntry]:
        return [
            AuditEntry(
                id=row["id"],
                at=row["at"],
                actor=row["actor"],
                action=row["action"],
                subject=row["subject"],
                detail=json.loads(row["detail"] or "{}"),
            )
            for row in rows
        ]


def without_free_text(detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` with every :data:`FREE_TEXT` value that was given (at any depth) replaced by
    ``True``."""
    return {
        key: (
            True
            if key in FREE_TEXT and value not in (None, "", False)
            else without_free_text(value)
            if isinstance(value, dict)
            else value
        )
        for key, value in detail.items()
    }
