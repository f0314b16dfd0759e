"""Dashboard sessions kept on the server: opened by signing in, ended by signing out, by a new
password or by time. The cookie carries a random id; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from bot.store.database import Database


def digest(token: str) -> str:
    """The SHA-256 of a cookie's random token, as stored (the token itself never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


def moment(at: datetime) -> str:
    """``at`` as stored here: UTC ISO 8601 to the microsecond, so text order is time order."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class Sessions:
    """The dashboard's sessions; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, token: str, proof: str, now: datetime, expires: datetime) -> None:
        """Records a new session (and forgets those long over)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM dashboard_sessions WHERE expires_at <= ?", (moment(now),)
            )
            await conn.execute(
                "INSERT INTO dashboard_sessions"
                " (digest, proof, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?)",
                (digest(token), proof, moment(now), moment(now), moment(expires)),
            )

    async def active(self, token: str, proof: str, now: datetime) -> bool:
        """Whether ``token`` names a session opened with the password ``proof`` stands for,
        neither ended nor expired; if so, it was seen ``now``."""
        changed = await self.db.execute(
            "UPDATE dashboard_sessions SET last_seen = ? WHERE digest = ? AND proof = ?"
            " AND revoked_at IS NULL AND expires_at > ?",
            (moment(now), digest(token), proof, moment(now)),
        )
        return changed == 1

    async def revoke(self, token: str, now: datetime) -> bool:
        """Ends one session; whether it was open."""
        changed = await self.db.execute(
            "UPDATE dashboard_sessions SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
            (moment(now), digest(token)),
        )
        return changed == 1

    async def revoke_all_but(self, proof: str, now: datetime) -> int:
        """Ends every open session opened with another password than ``proof`` stands for;
        how many."""
        return await self.db.execute(
            "UPDATE dashboard_sessions SET revoked_at = ? WHERE proof != ? AND revoked_at IS NULL",
            (moment(now), proof),
        )
