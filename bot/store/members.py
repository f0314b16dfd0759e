"""Members and the addresses that reach them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.messages import channel_of
from bot.store.conversations import COLUMNS as CONVERSATION_COLUMNS
from bot.store.conversations import Conversation
from bot.store.conversations import from_columns as conversation_from
from bot.store.database import Database

# The profile fields a member can fill in and edit, in the order they are asked.
PROFILE_FIELDS = (
    "name",
    "country",
    "city",
    "municipality",
    "emigration_year",
    "sector",
    "skills",
    "languages",
    "interests",
    "preferred_channel",
    "email",
    "phone",
)
_LIST_FIELDS = {"languages", "interests"}


@dataclass
class Member:
    """A person who consented; ``registered_at`` is set once the profile is confirmed."""

    id: int
    language: str
    consent_version: str
    consent_at: str
    created_at: str
    updated_at: str
    name: str | None = None
    country: str | None = None
    city: str | None = None
    municipality: str | None = None
    emigration_year: int | None = None
    sector: str | None = None
    skills: str | None = None
    languages: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    preferred_channel: str | None = None
    email: str | None = None
    phone: str | None = None
    timezone: str | None = None
    registered_at: str | None = None
    stopped_at: str | None = None
    verified_phone: str | None = None

    @property
    def registered(self) -> bool:
        return self.registered_at is not None

    @property
    def first_name(self) -> str:
        return (self.name or "").split(" ")[0]

    def profile(self) -> dict[str, Any]:
        """The profile fields as a dict, in the order they are asked."""
        return {name: getattr(self, name) for name in PROFILE_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: sqlite3.Row | Mapping[str, Any]) -> Member:
        data = dict(row)
        for name in _LIST_FIELDS:
            data[name] = json.loads(data[name] or "[]")
        return cls(**data)


@dataclass(frozen=True)
class Address:
    """One way of reaching a member."""

    address: str
    member_id: int
    channel: str
    created_at: str
    unreachable_at: str | None
    last_inbound_at: str | None


# A member's last message is recorded again after this long (WhatsApp's window is 24 hours and
# retention counts months: a minute changes neither, and saves a write per message).
TOUCH_AGAIN = timedelta(minutes=1)


def _encode(name: str, value: Any) -> Any:
    return json.dumps(list(value or []), ensure_ascii=False) if name in _LIST_FIELDS else value


class Members:
    """Reads and writes members and their addresses; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, member_id: int) -> Member | None:
        row = await self.db.fetchone("SELECT * FROM members WHERE id = ?", (member_id,))
        return Member.from_row(row) if row else None

    async def by_address(self, address: str) -> Member | None:
        row = await self.db.fetchone(
            "SELECT m.* FROM members m JOIN addresses a ON a.member_id = m.id WHERE a.address = ?",
            (address,),
        )
        return Member.from_row(row) if row else None

    async def arriving(self, address: str, now: datetime) -> tuple[Member | None, Conversation]:
        """Who writes from ``address`` (None: nobody yet) and where their conversation stands,
        in one trip to the database; their arrival recorded (:meth:`touch_address`) unless it
        was less than :data:`TOUCH_AGAIN` ago and the address is reachable."""
        kept = ", ".join(f"c.{name} AS c_{name}" for name in CONVERSATION_COLUMNS)
        row = await self.db.fetchone(
            f"SELECT m.*, a.last_inbound_at AS seen_at, a.unreachable_at AS lost_at,"  # noqa: S608 (names only)
            f" c.address AS c_address, {kept} FROM (SELECT ? AS address) x"
            " LEFT JOIN addresses a ON a.address = x.address"
            " LEFT JOIN members m ON m.id = a.member_id"
            " LEFT JOIN conversations c ON c.address = x.address",
            (address,),
        )
        assert row is not None  # one row, whatever joins
        data = dict(row)
        conversation = (
            conversation_from(address, data, "c_")
            if data["c_address"] is not None
            else Conversation(address=address)
        )
        if data["id"] is None:
            return None, conversation
        seen_at, lost_at = data["seen_at"], data["lost_at"]
        if (
            lost_at is not None
            or seen_at is None
            or datetime.fromisoformat(seen_at) <= now - TOUCH_AGAIN
        ):
            await self.touch_address(address, now)
        member = Member.from_row({name: data[name] for name in Member.__dataclass_fields__})
        return member, conversation

    async def create(
        self, address: str, *, language: str, consent_version: str, now: datetime
    ) -> Member:
        """Creates a member at the moment of consent, reachable at ``address``."""
        at = now.isoformat()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO members (language, consent_version, consent_at, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?)",
                (language, consent_version, at, at, at),
            )
            member_id = int(cursor.lastrowid or 0)
            await conn.execute(
                "INSERT INTO addresses (address, member_id, channel, last_inbound_at, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET"
                " member_id = excluded.member_id, unreachable_at = NULL",
                (address, member_id, channel_of(address), at, at),
            )
        member = await self.get(member_id)
        assert member is not None
        return member

    async def update(self, member_id: int, now: datetime, **fields: Any) -> None:
        """Writes the given fields of one member."""
        allowed = {
            *PROFILE_FIELDS,
            "language",
            "timezone",
            "registered_at",
            "stopped_at",
            "verified_phone",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not member fields: {sorted(unknown)}")
        if not fields:
            return
        # Column names come from the fixed set above, never from input.
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values = [_encode(name, value) for name, value in fields.items()]
        await self.db.execute(
            f"UPDATE members SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
            (*values, now.isoformat(), member_id),
        )

    async def delete(self, member_id: int) -> list[str]:
        """Erases a member and everything linked to them; returns the addresses they had."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT address FROM addresses WHERE member_id = ?", (member_id,)
            ) as cursor:
                addresses = [row[0] for row in await cursor.fetchall()]
            for address in addresses:
                await conn.execute("DELETE FROM conversations WHERE address = ?", (address,))
            await conn.execute("DELETE FROM members WHERE id = ?", (member_id,))
        return addresses

    async def silent_since(self, before: datetime) -> list[int]:
        """Members whose last contact was before ``before``: their last message on any address
        (an address they never wrote from counts from when it was added), else when they
        first wrote."""
        rows = await self.db.fetchall(
            "SELECT m.id FROM members m WHERE coalesce((SELECT max(coalesce(a.last_inbound_at,"
            " a.created_at)) FROM addresses a WHERE a.member_id = m.id), m.created_at) < ?"
            " ORDER BY m.id",
            (before.isoformat(),),
        )
        return [int(row[0]) for row in rows]

    async def addresses(self, member_id: int) -> list[Address]:
        rows = await self.db.fetchall(
            "SELECT address, member_id, channel, created_at, unreachable_at, last_inbound_at"
            " FROM addresses WHERE member_id = ? ORDER BY created_at",
            (member_id,),
        )
        return [Address(**dict(row)) for row in rows]

    async def touch_address(self, address: str, now: datetime) -> None:
        """Records the time of the member's last inbound message on this address (WhatsApp's
        24-hour window counts from it); a member who writes from an address is reachable there
        again."""
        await self.db.execute(
            "UPDATE addresses SET last_inbound_at = ?, unreachable_at = NULL WHERE address = ?",
            (now.isoformat(), address),
        )

    async def link_by_phone(self, address: str, phone: str, now: datetime) -> Member | None:
        """Adds ``address`` to the one registered member who proved ``phone`` is theirs.

        None (and nothing linked) when no member, or more than one, has that verified number.
        """
        found = await self.db.fetchall(
            "SELECT id FROM members WHERE verified_phone = ? AND registered_at IS NOT NULL LIMIT 2",
            (phone,),
        )
        if len(found) != 1:
            return None
        at = now.isoformat()
        await self.db.execute(
            "INSERT INTO addresses (address, member_id, channel, last_inbound_at, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING",
            (address, int(found[0][0]), channel_of(address), at, at),
        )
        return await self.by_address(address)

    async def holder_of(self, phone: str) -> Member | None:
        """The registered member reached at an address that is this phone number (a WhatsApp
        chat, whose address is ``whatsapp:<E.164>``)."""
        row = await self.db.fetchone(
            "SELECT m.* FROM members m JOIN addresses a ON a.member_id = m.id"
            " WHERE a.address = a.channel || ':' || ? AND m.registered_at IS NOT NULL"
            " ORDER BY m.id LIMIT 1",
            (phone,),
        )
        return Member.from_row(row) if row else None

    async def move_address(self, address: str, member_id: int, now: datetime) -> None:
        """Gives an address to another member (the same person, recognised by their phone)."""
        await self.db.execute(
            "UPDATE addresses SET member_id = ?, last_inbound_at = ?, unreachable_at = NULL"
            " WHERE address = ?",
            (member_id, now.isoformat(), address),
        )

    async def count(self, *, registered_only: bool = True) -> int:
        where = "WHERE registered_at IS NOT NULL" if registered_only else ""
        row = await self.db.fetchone(f"SELECT count(*) FROM members {where}")  # noqa: S608
        return int(row[0]) if row else 0

    async def all(self, *, registered_only: bool = True) -> list[Member]:
        where = "WHERE registered_at IS NOT NULL" if registered_only else ""
        rows = await self.db.fetchall(f"SELECT * FROM members {where} ORDER BY id")  # noqa: S608
        return [Member.from_row(row) for row in rows]

    async def channels(self) -> dict[int, list[str]]:
        """Maps each member id to the channels they can be reached on."""
        rows = await self.db.fetchall(
            "SELECT member_id, channel FROM addresses WHERE unreachable_at IS NULL"
            " ORDER BY member_id, created_at"
        )
        result: dict[int, list[str]] = {}
        for row in rows:
            result.setdefault(int(row[0]), []).append(str(row[1]))
        return result
