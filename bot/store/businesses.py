"""Local businesses' requests for help (migration 0013): asked in the chat, or imported from a
municipality's list and claimed later by their contact person.

An imported request has no contact person in the bot (``member_id`` is None) and nobody is
messaged about it. It is claimed (:meth:`Businesses.claim`) only by someone who consented in
the business flow and proved the imported phone number is theirs — WhatsApp's own number, or a
number shared with Telegram's own-contact button — never by a typed phone or e-mail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.store.database import Database

OPEN = "open"
PAUSED = "paused"
CLOSED = "closed"
STATUSES = (OPEN, PAUSED, CLOSED)
NEEDS = ("business_plan", "mentoring", "expertise", "market_access", "investment")
STAGES = ("idea", "starting", "established")
CHAT = "chat"
# What a request says, in the order the flow asks it (and a row of an import may give).
FIELDS = (
    "name",
    "municipality",
    "sector",
    "stage",
    "needs",
    "description",
    "languages",
    "contact_name",
    "phone",
    "email",
)
_LISTS = frozenset({"needs", "languages"})
_COLUMNS = (
    "id, member_id, name, municipality, sector, stage, needs, description, languages,"
    " contact_name, phone, proved_phone, email, status, source, source_row, consent_version,"
    " consent_at, linked_at, created_at, updated_at"
)


@dataclass
class Business:
    """One request; ``id`` is 0 until saved, ``member_id`` None while imported and unclaimed."""

    id: int
    name: str
    source: str
    member_id: int | None = None
    municipality: str | None = None
    sector: str | None = None
    stage: str | None = None
    needs: list[str] = field(default_factory=list)
    description: str | None = None
    languages: list[str] = field(default_factory=list)
    contact_name: str | None = None
    phone: str | None = None
    proved_phone: bool = False
    email: str | None = None
    status: str = OPEN
    source_row: int | None = None
    consent_version: str | None = None
    consent_at: str | None = None
    linked_at: str | None = None
    created_at: str = ""
    updated_at: str = ""

    @property
    def imported(self) -> bool:
        return self.source != CHAT

    @property
    def reachable(self) -> bool:
        """Whether its contact person is in the bot, so it may be messaged."""
        return self.member_id is not None

    def answers(self) -> dict[str, Any]:
        """What the request says, field by field (the flow's answers)."""
        return {name: getattr(self, name) for name in FIELDS}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Business:
        data = dict(row)
        for name in _LISTS:
            data[name] = json.loads(data[name] or "[]")
        data["proved_phone"] = bool(data["proved_phone"])
        return cls(**data)


def _values(business: Business) -> list[Any]:
    return [
        json.dumps(list(getattr(business, name) or []), ensure_ascii=False)
        if name in _LISTS
        else getattr(business, name)
        for name in FIELDS
    ]


class Businesses:
    """Reads and writes ``businesses``; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, business_id: int) -> Business | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM businesses WHERE id = ?",  # noqa: S608
            (business_id,),
        )
        return Business.from_row(row) if row else None

    async def all(self, *, status: str | None = None) -> list[Business]:
        """Every request (of one status), newest first."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM businesses {where} ORDER BY id DESC",  # noqa: S608
            params,
        )
        return [Business.from_row(row) for row in rows]

    async def of_member(self, member_id: int) -> list[Business]:
        """The requests a contact person made or claimed, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM businesses WHERE member_id = ? ORDER BY id",  # noqa: S608
            (member_id,),
        )
        return [Business.from_row(row) for row in rows]

    async def create(
        self, business: Business, now: datetime, *, consent_version: str | None = None
    ) -> Business:
        """Saves a request asked in the chat (with its consent) and returns it."""
        at = now.isoformat()
        business.id = await self.db.insert(
            "INSERT INTO businesses (name, municipality, sector, stage, needs, description,"
            " languages, contact_name, phone, email, member_id, proved_phone, status, source,"
            " source_row, consent_version, consent_at, linked_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *_values(business),
                business.member_id,
                int(business.proved_phone),
                business.status,
                business.source,
                business.source_row,
                consent_version,
                at if consent_version else None,
                at if business.member_id is not None else None,
                at,
                at,
            ),
        )
        saved = await self.get(business.id)
        assert saved is not None
        return saved

    async def update(self, business_id: int, now: datetime, **values: Any) -> None:
        """Writes the given fields of one request (the fields of :data:`FIELDS`, status)."""
        allowed = {*FIELDS, "status", "proved_phone"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not business fields: {sorted(unknown)}")
        if not values:
            return
        if "status" in values and values["status"] not in STATUSES:
            raise ValueError(f"not a business status: {values['status']}")
        # Column names come from the fixed set above, never from input.
        assignments = ", ".join(f"{name} = ?" for name in values)
        encoded = [
            json.dumps(list(value or []), ensure_ascii=False) if name in _LISTS else value
            for name, value in values.items()
        ]
        await self.db.execute(
            f"UPDATE businesses SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
            (*encoded, now.isoformat(), business_id),
        )

    async def unclaimed_with_phone(self, phone: str) -> list[Business]:
        """Imported requests nobody claimed yet whose phone is ``phone`` (E.164), oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM businesses"  # noqa: S608
            " WHERE member_id IS NULL AND phone = ? AND status != 'closed' ORDER BY id",
            (phone,),
        )
        return [Business.from_row(row) for row in rows]

    async def claim(
        self,
        business_id: int,
        member_id: int,
        proved_phone: str,
        now: datetime,
        *,
        consent_version: str,
        answers: dict[str, Any] | None = None,
    ) -> Business | None:
        """Gives an imported request to its contact person, who consented and proved the
        request's phone is theirs (``proved_phone`` must be the request's phone), with their
        answers over the imported ones; None when it is no longer unclaimed with that phone."""
        values = {name: value for name, value in (answers or {}).items() if name in FIELDS}
        values.pop("phone", None)
        at = now.isoformat()
        assignments = "".join(f", {name} = ?" for name in values)
        encoded = [
            json.dumps(list(value or []), ensure_ascii=False) if name in _LISTS else value
            for name, value in values.items()
        ]
        changed = await self.db.execute(
            "UPDATE businesses SET member_id = ?, proved_phone = 1, consent_version = ?,"  # noqa: S608
            f" consent_at = ?, linked_at = ?, updated_at = ?{assignments}"
            " WHERE id = ? AND member_id IS NULL AND phone = ?",
            (member_id, consent_version, at, at, at, *encoded, business_id, proved_phone),
        )
        return await self.get(business_id) if changed else None

    async def save_imported(
        self, added: Sequence[Business], changed: Sequence[Business], now: datetime
    ) -> None:
        """Inserts imported requests and updates merged ones, in one transaction."""
        at = now.isoformat()
        async with self.db.transaction() as conn:
            for business in added:
                cursor = await conn.execute(
                    "INSERT INTO businesses (name, municipality, sector, stage, needs,"
                    " description, languages, contact_name, phone, email, status, source,"
                    " source_row, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        *_values(business),
                        business.status,
                        business.source,
                        business.source_row,
                        at,
                        at,
                    ),
                )
                business.id = int(cursor.lastrowid or 0)
            for business in changed:
                await conn.execute(
                    "UPDATE businesses SET name = ?, municipality = ?, sector = ?, stage = ?,"
                    " needs = ?, description = ?, languages = ?, contact_name = ?, phone = ?,"
                    " email = ?, updated_at = ? WHERE id = ? AND member_id IS NULL",
                    (*_values(business), at, business.id),
                )

    async def imported(self) -> list[Business]:
        """Imported requests nobody claimed yet (an import merges into these), oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM businesses"  # noqa: S608
            " WHERE member_id IS NULL AND source != 'chat' ORDER BY id"
        )
        return [Business.from_row(row) for row in rows]
