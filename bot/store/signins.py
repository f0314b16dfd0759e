"""Failed dashboard sign-ins and the browsers that signed in before: what the sign-in limit
counts, kept in the database so a restart forgets none of it."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database
from bot.store.sessions import digest, moment


def browser_key(token: str) -> str:
    """How the failures of a browser that signed in before are counted (never its token)."""
    return f"browser:{digest(token)}"


def address_key(address: str) -> str:
    """How the failures of an unknown browser are counted: by its address."""
    return f"address:{address}"


class SignIns:
    """Failed sign-ins per client and known browsers; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def failed(
        self, client: str, now: datetime, *, known: bool, forget_before: datetime
    ) -> None:
        """Records a failure of ``client`` (``known``: a browser that signed in before), and
        forgets every failure older than ``forget_before``, so the table stays small."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM dashboard_failures WHERE at < ?", (moment(forget_before),)
            )
            await conn.execute(
                "INSERT INTO dashboard_failures (at, client, known) VALUES (?, ?, ?)",
                (moment(now), client, int(known)),
            )

    async def failures(self, client: str, since: datetime) -> list[datetime]:
        """When ``client`` failed after ``since``, oldest first."""
        rows = await self.db.fetchall(
            "SELECT at FROM dashboard_failures WHERE client = ? AND at > ? ORDER BY at",
            (client, moment(since)),
        )
        return [datetime.fromisoformat(row[0]) for row in rows]

    async def unknown_failures(self, since: datetime) -> tuple[int, datetime | None]:
        """How many failures of unknown browsers there were after ``since``, and the
        latest."""
        row = await self.db.fetchone(
            "SELECT count(*), max(at) FROM dashboard_failures WHERE known = 0 AND at > ?",
            (moment(since),),
        )
        if row is None or not row[0]:
            return 0, None
        return int(row[0]), datetime.fromisoformat(row[1])

    async def forget(self, client: str, *, forget_before: datetime) -> None:
        """Forgets ``client``'s failures (it has just signed in), and everyone's older than
        ``forget_before``."""
        await self.db.execute(
            "DELETE FROM dashboard_failures WHERE client = ? OR at < ?",
            (client, moment(forget_before)),
        )

    async def known_browser(self, token: str, *, since: datetime) -> bool:
        """Whether ``token`` names a browser that signed in at or after ``since``."""
        row = await self.db.fetchone(
            "SELECT 1 FROM dashboard_browsers WHERE digest = ? AND last_seen >= ?",
            (digest(token), moment(since)),
        )
        return row is not None

    async def signed_in(self, token: str, now: datetime, *, forget_before: datetime) -> None:
        """Remembers that the browser ``token`` names signed in ``now``, and forgets browsers
        last seen before ``forget_before``."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM dashboard_browsers WHERE last_seen < ?", (moment(forget_before),)
            )
            await conn.execute(
                "INSERT INTO dashboard_browsers (digest, created_at, last_seen) VALUES (?, ?, ?)"
                " ON CONFLICT (digest) DO UPDATE SET last_seen = excluded.last_seen",
                (digest(token), moment(now), moment(now)),
            )
