"""Contacts imported from earlier diaspora databases (see migrations 0007 and 0009). Never
messaged; linked to a registered member who proved the same phone number is theirs (by a trigger,
or by :meth:`Imports.link`) — never by a typed phone or e-mail, which prove nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from bot.store.database import Database

# The fields an imported contact may hold, besides where it came from.
FIELDS = ("name", "phone", "email", "country", "city", "municipality", "sector", "skills")
# The registered member who proved the contact's phone is theirs (see Imports.link): found
# through the two indexes (verified phones, addresses), never by reading every member per
# contact (31 s for 4,000 contacts and 10,000 members; now 30 ms).
_PROVER = (
    "SELECT m.id FROM members m WHERE m.registered_at IS NOT NULL AND m.id IN ("
    "SELECT v.id FROM members v WHERE v.verified_phone = imported_contacts.phone"
    " UNION ALL SELECT a.member_id FROM addresses a"
    " WHERE a.address = 'whatsapp:' || imported_contacts.phone)"
)
_COLUMNS = (
    "id, name, phone, email, country, city, municipality, sector, skills, source, source_row,"
    " member_id, linked_at, imported_at"
)


@dataclass
class Contact:
    """One imported person; ``id`` is 0 until saved, ``member_id`` set once they registered."""

    id: int
    source: str
    source_row: int
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    country: str | None = None
    city: str | None = None
    municipality: str | None = None
    sector: str | None = None
    skills: str | None = None
    member_id: int | None = None
    linked_at: str | None = None
    imported_at: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Contact:
        return cls(**dict(row))


class Imports:
    """Reads and writes ``imported_contacts``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[Contact]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM imported_contacts ORDER BY id"  # noqa: S608
        )
        return [Contact.from_row(row) for row in rows]

    async def of_member(self, member_id: int) -> list[Contact]:
        """The imported contacts linked to a member (for ``/mydata``)."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM imported_contacts WHERE member_id = ?",  # noqa: S608
            (member_id,),
        )
        return [Contact.from_row(row) for row in rows]

    async def save(
        self, added: Sequence[Contact], changed: Sequence[Contact], now: datetime
    ) -> None:
        """Inserts new contacts and updates merged ones, in one transaction."""
        at = now.isoformat()
        async with self.db.transaction() as conn:
            for contact in added:
                values = asdict(contact)
                cursor = await conn.execute(
                    "INSERT INTO imported_contacts (name, phone, email, country, city,"
                    " municipality, sector, skills, source, source_row, imported_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        *(values[name] for name in FIELDS),
                        contact.source,
                        contact.source_row,
                        at,
                        at,
                    ),
                )
                contact.id = int(cursor.lastrowid or 0)
            for contact in changed:
                values = asdict(contact)
                await conn.execute(
                    "UPDATE imported_contacts SET name = ?, phone = ?, email = ?, country = ?,"
                    " city = ?, municipality = ?, sector = ?, skills = ?, updated_at = ?"
                    " WHERE id = ?",
                    (*(values[name] for name in FIELDS), at, contact.id),
                )

    async def link(self, now: datetime) -> int:
        """Links unlinked contacts to the registered member who proved their phone number (the
        triggers cover members who prove it later); returns how many were linked.

        Proved means shared with Telegram's own-contact button (``verified_phone``) or written
        from on WhatsApp (the address, signed by Twilio). A typed phone or e-mail proves
        nothing — anyone can type another person's — so it links nobody."""
        return await self.db.execute(
            f"UPDATE imported_contacts SET member_id = ({_PROVER} ORDER BY m.id LIMIT 1),"  # noqa: S608
            f" linked_at = ?, updated_at = ? WHERE member_id IS NULL AND EXISTS ({_PROVER})",
            (now.isoformat(), now.isoformat()),
        )

    async def forget_unlinked(self, before: datetime) -> int:
        """Erases contacts last imported before ``before`` that no member claimed; returns how
        many. (Linked ones go with their member.)"""
        return await self.db.execute(
            "DELETE FROM imported_contacts WHERE member_id IS NULL AND updated_at < ?",
            (before.isoformat(),),
        )

    async def counts(self) -> tuple[int, int]:
        """(contacts, of them linked to a member)."""
        row = await self.db.fetchone("SELECT count(*), count(member_id) FROM imported_contacts")
        return (int(row[0]), int(row[1])) if row else (0, 0)
