"""Members' offers of help to local businesses (migration 0013): one per member, active,
paused or withdrawn by them; erased with the member."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.store.database import Database

ACTIVE = "active"
PAUSED = "paused"
WITHDRAWN = "withdrawn"
STATUSES = (ACTIVE, PAUSED, WITHDRAWN)
MODES = ("on_site", "remote", "hybrid")
INVESTMENT_RANGES = ("under_10k", "10k_50k", "50k_250k", "over_250k")
# What an offer says, in the order the flow asks it.
FIELDS = ("gives", "sectors", "languages", "mode", "hours", "investment", "contact")
_LISTS = frozenset({"gives", "sectors", "languages"})
_COLUMNS = (
    "id, member_id, gives, sectors, languages, mode, hours, investment, contact, status,"
    " created_at, updated_at"
)


@dataclass(frozen=True)
class Profile:
    """What the ranking reads of an offering member's profile."""

    sector: str | None
    municipality: str | None
    skills: str | None


@dataclass
class Offer:
    """What one member offers."""

    id: int
    member_id: int
    mode: str
    hours: int
    gives: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    investment: str | None = None
    contact: str | None = None
    status: str = ACTIVE
    created_at: str = ""
    updated_at: str = ""

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def answers(self) -> dict[str, Any]:
        """What the offer says, field by field (the flow's answers)."""
        return {name: getattr(self, name) for name in FIELDS}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Offer:
        data = dict(row)
        for name in _LISTS:
            data[name] = json.loads(data[name] or "[]")
        return cls(**data)


def _encoded(name: str, value: Any) -> Any:
    return json.dumps(list(value or []), ensure_ascii=False) if name in _LISTS else value


class Offers:
    """Reads and writes ``offers``; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_member(self, member_id: int) -> Offer | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM offers WHERE member_id = ?",  # noqa: S608
            (member_id,),
        )
        return Offer.from_row(row) if row else None

    async def all(self, *, status: str | None = None) -> list[Offer]:
        """Every offer (of one status), newest first."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM offers {where} ORDER BY id DESC",  # noqa: S608
            params,
        )
        return [Offer.from_row(row) for row in rows]

    async def save(self, member_id: int, answers: dict[str, Any], now: datetime) -> Offer:
        """Saves the member's offer (new, or changed: active again) and returns it."""
        unknown = set(answers) - set(FIELDS)
        if unknown:
            raise ValueError(f"not offer fields: {sorted(unknown)}")
        values = [_encoded(name, answers.get(name)) for name in FIELDS]
        at = now.isoformat()
        await self.db.execute(
            "INSERT INTO offers (member_id, gives, sectors, languages, mode, hours, investment,"
            " contact, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (member_id) DO UPDATE SET gives = excluded.gives,"
            " sectors = excluded.sectors, languages = excluded.languages, mode = excluded.mode,"
            " hours = excluded.hours, investment = excluded.investment,"
            " contact = excluded.contact, status = excluded.status,"
            " updated_at = excluded.updated_at",
            (member_id, *values, ACTIVE, at, at),
        )
        offer = await self.of_member(member_id)
        assert offer is not None
        return offer

    async def set_status(self, member_id: int, status: str, now: datetime) -> Offer | None:
        """Pauses, resumes or withdraws the member's offer; None if they have none."""
        if status not in STATUSES:
            raise ValueError(f"not an offer status: {status}")
        changed = await self.db.execute(
            "UPDATE offers SET status = ?, updated_at = ? WHERE member_id = ?",
            (status, now.isoformat(), member_id),
        )
        return await self.of_member(member_id) if changed else None

    async def active_with_profiles(self) -> list[tuple[Offer, Profile]]:
        """Every active offer with its member's sector, municipality of origin and skills, in
        the order of the members' ids."""
        rows = await self.db.fetchall(
            "SELECT o.id, o.member_id, o.gives, o.sectors, o.languages, o.mode, o.hours,"
            " o.investment, o.contact, o.status, o.created_at, o.updated_at,"
            " m.sector AS member_sector, m.municipality AS member_municipality,"
            " m.skills AS member_skills FROM offers o JOIN members m ON m.id = o.member_id"
            " WHERE o.status = 'active' ORDER BY o.member_id"
        )
        found = []
        for row in rows:
            data = dict(row)
            profile = Profile(
                data.pop("member_sector"),
                data.pop("member_municipality"),
                data.pop("member_skills"),
            )
            for name in _LISTS:
                data[name] = json.loads(data[name] or "[]")
            found.append((Offer(**data), profile))
        return found
