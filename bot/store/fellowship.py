"""Fellowship applications, their status, and the trail of status changes and notes.

An application moves through submitted → screening → shortlisted → accepted or declined; the
member may withdraw it until it is declined. Each change is kept in ``application_notes`` with
who made it, so coordinators see the history. A member applies once per programme; after
withdrawing, applying again reopens the same application.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database

SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"
DECLINED = "declined"
STATUSES = (SUBMITTED, "screening", "shortlisted", "accepted", DECLINED, WITHDRAWN)
# The answers a member gives, in the order they are asked.
ANSWERS = (
    "field",
    "host_kind",
    "duration",
    "available_from",
    "work_mode",
    "motivation",
    "link",
)
# A withdrawn application is reopened with the new answers; an open one is left alone.
_SUBMIT = (
    "INSERT INTO fellowship_applications (programme, member_id, field, host_kind, duration,"
    " available_from, work_mode, motivation, link, status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (programme, member_id) DO UPDATE SET"
    " field = excluded.field, host_kind = excluded.host_kind, duration = excluded.duration,"
    " available_from = excluded.available_from, work_mode = excluded.work_mode,"
    " motivation = excluded.motivation, link = excluded.link, status = excluded.status,"
    " updated_at = excluded.updated_at"
    " WHERE fellowship_applications.status = 'withdrawn' RETURNING id"
)
_COLUMNS = (
    "id, programme, member_id, field, host_kind, duration, available_from, work_mode,"
    " motivation, link, status, created_at, updated_at"
)


@dataclass(frozen=True)
class Application:
    """One member's application to one programme."""

    id: int
    programme: str
    member_id: int
    field: str | None
    host_kind: str | None
    duration: str | None
    available_from: str | None
    work_mode: str | None
    motivation: str | None
    link: str | None
    status: str
    created_at: str
    updated_at: str

    @property
    def withdrawable(self) -> bool:
        """Whether the member may still withdraw it."""
        return self.status not in (DECLINED, WITHDRAWN)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Application:
        return cls(**dict(row))


@dataclass(frozen=True)
class Note:
    """A status change or a coordinator's note on an application."""

    id: int
    application_id: int
    author: str
    status: str | None
    note: str | None
    at: str


class Applications:
    """Reads and writes applications; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def submit(
        self, programme: str, member_id: int, now: datetime, answers: dict[str, str | None]
    ) -> Application | None:
        """Files an application (or reopens a withdrawn one); None if one is already open."""
        unknown = set(answers) - set(ANSWERS)
        if unknown:
            raise ValueError(f"not application fields: {sorted(unknown)}")
        values = [answers.get(name) for name in ANSWERS]
        at = now.isoformat()
        async with self.db.transaction() as conn:
            async with conn.execute(
                _SUBMIT, (programme, member_id, *values, SUBMITTED, at, at)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await conn.execute(
                "INSERT INTO application_notes (application_id, author, status, at)"
                " VALUES (?, ?, ?, ?)",
                (row[0], f"member:{member_id}", SUBMITTED, at),
            )
        return await self.get(int(row[0]))

    async def get(self, application_id: int) -> Application | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM fellowship_applications WHERE id = ?",  # noqa: S608
            (application_id,),
        )
        return Application.from_row(row) if row else None

    async def of_member(self, member_id: int) -> list[Application]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM fellowship_applications"  # noqa: S608
            " WHERE member_id = ? ORDER BY id",
            (member_id,),
        )
        return [Application.from_row(row) for row in rows]

    async def all(self) -> list[Application]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM fellowship_applications ORDER BY programme, id"  # noqa: S608
        )
        return [Application.from_row(row) for row in rows]

    async def change(
        self,
        application_id: int,
        status: str,
        now: datetime,
        *,
        author: str,
        note: str | None = None,
    ) -> Application | None:
        """Sets the status and records who did it (and why); None if there is no such one."""
        if status not in STATUSES:
            raise ValueError(f"not an application status: {status}")
        at = now.isoformat()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE fellowship_applications SET status = ?, updated_at = ? WHERE id = ?",
                (status, at, application_id),
            )
            if cursor.rowcount == 0:
                return None
            await conn.execute(
                "INSERT INTO application_notes (application_id, author, status, note, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (application_id, author, status, note, at),
            )
        return await self.get(application_id)

    async def add_note(
        self, application_id: int, note: str, now: datetime, *, author: str
    ) -> Note | None:
        """Keeps a coordinator's internal note (never sent); None if there is no such
        application."""
        rows = await self.db.returning(
            "INSERT INTO application_notes (application_id, author, note, at)"
            " SELECT id, ?, ?, ? FROM fellowship_applications WHERE id = ?"
            " RETURNING id, application_id, author, status, note, at",
            (author, note, now.isoformat(), application_id),
        )
        return Note(**dict(rows[0])) if rows else None

    async def notes(self, application_id: int) -> list[Note]:
        """The application's history, oldest first."""
        rows = await self.db.fetchall(
            "SELECT id, application_id, author, status, note, at FROM application_notes"
            " WHERE application_id = ? ORDER BY id",
            (application_id,),
        )
        return [Note(**dict(row)) for row in rows]
