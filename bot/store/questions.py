"""Questions members put to the team: threads, their messages (the member's, the team's answers,
internal notes), where the staff group shows them, and how the answers fared in the outbox.

A thread is ``open`` while it waits for the team, ``answered`` once the team spoke last (a
member's follow-up opens it again) and ``closed`` when staff close it. An answer goes out as the
outbox job ``question:<thread>:answer:<message>``; one that met WhatsApp's closed window
(``needs_template``) is queued again after the member's next message, as the same job with
``:<n>`` added (:meth:`Questions.held`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bot.store.database import Database

OPEN = "open"
ANSWERED = "answered"
CLOSED = "closed"
STATUSES = (OPEN, ANSWERED, CLOSED)
MEMBER = "member"
ANSWER = "answer"
NOTE = "note"


def answer_job(thread_id: int, message_id: int) -> str:
    """The outbox job that carries one answer to the member."""
    return f"question:{thread_id}:answer:{message_id}"


@dataclass(frozen=True)
class Thread:
    """One question and where it stands."""

    id: int
    member_id: int
    status: str
    language: str
    faq: str | None
    created_at: str
    updated_at: str
    first_answered_at: str | None
    closed_at: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Thread:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Message:
    """Something said in a thread: by the member, an answer, or an internal note."""

    id: int
    thread_id: int
    kind: str
    text: str
    author: str | None
    at: str
    posted_chat: str | None = None
    posted_id: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Message:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


class Questions:
    """Reads and writes threads and their messages; all SQL about them lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def open_thread(
        self, member_id: int, language: str, text: str, now: datetime, *, faq: str | None = None
    ) -> tuple[Thread, Message]:
        """A new thread with the member's first message."""
        at = now.isoformat()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO question_threads (member_id, language, faq, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (member_id, language, faq, at, at),
            )
            thread_id = int(cursor.lastrowid or 0)
            cursor = await conn.execute(
                "INSERT INTO question_messages (thread_id, kind, text, at) VALUES (?, ?, ?, ?)",
                (thread_id, MEMBER, text, at),
            )
            message_id = int(cursor.lastrowid or 0)
        thread = await self.get(thread_id)
        assert thread is not None
        return thread, Message(message_id, thread_id, MEMBER, text, None, at)

    async def add(
        self, thread_id: int, kind: str, text: str, now: datetime, *, author: str | None = None
    ) -> Message:
        """Adds a message: the member's reopens an answered thread, an answer marks it
        answered (and the time of the first one), a note changes nothing but the time."""
        if kind not in (MEMBER, ANSWER, NOTE):
            raise ValueError(f"not a kind of message: {kind}")
        at = now.isoformat()
        status = {MEMBER: OPEN, ANSWER: ANSWERED}.get(kind)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO question_messages (thread_id, kind, text, author, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (thread_id, kind, text, author, at),
            )
            message_id = int(cursor.lastrowid or 0)
            await conn.execute(
                "UPDATE question_threads SET updated_at = ?1,"
                " status = CASE WHEN ?2 IS NULL OR status = 'closed' THEN status ELSE ?2 END,"
                " first_answered_at = CASE WHEN ?3 THEN coalesce(first_answered_at, ?1)"
                " ELSE first_answered_at END WHERE id = ?4",
                (at, status, kind == ANSWER, thread_id),
            )
        return Message(message_id, thread_id, kind, text, author, at)

    async def get(self, thread_id: int) -> Thread | None:
        row = await self.db.fetchone("SELECT * FROM question_threads WHERE id = ?", (thread_id,))
        return Thread.from_row(row) if row else None

    async def messages(self, thread_id: int) -> list[Message]:
        """A thread's messages, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM question_messages WHERE thread_id = ? ORDER BY id", (thread_id,)
        )
        return [Message.from_row(row) for row in rows]

    async def of_member(self, member_id: int) -> list[Thread]:
        """A member's threads, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM question_threads WHERE member_id = ? ORDER BY id", (member_id,)
        )
        return [Thread.from_row(row) for row in rows]

    async def current(self, member_id: int) -> Thread | None:
        """The member's latest thread that is not closed, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM question_threads WHERE member_id = ? AND status <> 'closed'"
            " ORDER BY id DESC LIMIT 1",
            (member_id,),
        )
        return Thread.from_row(row) if row else None

    async def waiting(self, member_id: int) -> int:
        """How many of the member's threads wait for the team."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM question_threads WHERE member_id = ? AND status = 'open'",
            (member_id,),
        )
        return int(row[0]) if row else 0

    async def member_messages_since(self, thread_id: int, since: str) -> int:
        """How many messages the member added to a thread after ``since`` (ISO time)."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM question_messages WHERE thread_id = ? AND kind = 'member'"
            " AND at > ?",
            (thread_id, since),
        )
        return int(row[0]) if row else 0

    async def listing(self, status: str | None = None, limit: int = 200) -> list[Thread]:
        """Threads (of one status, or all), oldest first."""
        where, params = ("WHERE status = ?", (status, limit)) if status else ("", (limit,))
        rows = await self.db.fetchall(
            f"SELECT * FROM question_threads {where} ORDER BY created_at, id LIMIT ?",  # noqa: S608
            params,
        )
        return [Thread.from_row(row) for row in rows]

    async def counts(self) -> dict[str, int]:
        """Threads by status."""
        rows = await self.db.fetchall(
            "SELECT status, count(*) FROM question_threads GROUP BY status"
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def set_status(self, thread_id: int, status: str, now: datetime) -> Thread | None:
        """Closes or reopens a thread (reopened: open again, or answered if the team spoke
        last); None when there is no such thread."""
        if status not in (OPEN, CLOSED):
            raise ValueError(f"a thread is closed or reopened, not {status}")
        at = now.isoformat()
        if status == CLOSED:
            await self.db.execute(
                "UPDATE question_threads SET status = 'closed', closed_at = ?1, updated_at = ?1"
                " WHERE id = ?2",
                (at, thread_id),
            )
        else:
            await self.db.execute(
                "UPDATE question_threads SET closed_at = NULL, updated_at = ?1, status ="
                " coalesce((SELECT CASE kind WHEN 'answer' THEN 'answered' ELSE 'open' END"
                " FROM question_messages WHERE thread_id = ?2 AND kind <> 'note'"
                " ORDER BY id DESC LIMIT 1), 'open') WHERE id = ?2 AND status = 'closed'",
                (at, thread_id),
            )
        return await self.get(thread_id)

    async def unposted(self, since: datetime, limit: int = 20) -> list[Message]:
        """The member's messages since ``since`` the staff group has not been shown, oldest
        first."""
        rows = await self.db.fetchall(
            "SELECT * FROM question_messages WHERE posted_id IS NULL AND kind = 'member'"
            " AND at >= ? ORDER BY id LIMIT ?",
            (since.isoformat(), limit),
        )
        return [Message.from_row(row) for row in rows]

    async def mark_posted(self, message_id: int, chat: str, posted_id: str) -> None:
        """Records the staff group's message that shows a member's message."""
        await self.db.execute(
            "UPDATE question_messages SET posted_chat = ?, posted_id = ? WHERE id = ?",
            (chat, posted_id, message_id),
        )

    async def by_post(self, chat: str, posted_id: str) -> Thread | None:
        """The thread whose message the staff group shows as ``posted_id``."""
        row = await self.db.fetchone(
            "SELECT t.* FROM question_threads t JOIN question_messages q ON q.thread_id = t.id"
            " WHERE q.posted_chat = ? AND q.posted_id = ?",
            (chat, posted_id),
        )
        return Thread.from_row(row) if row else None

    async def deliveries(self, thread_id: int) -> dict[int, tuple[str, str | None]]:
        """Each answer's latest outbox row: (state, delivery), by message id."""
        rows = await self.db.fetchall(
            "SELECT job, state, delivery FROM outbox WHERE job >= ? AND job < ? ORDER BY id",
            (f"question:{thread_id}:answer:", f"question:{thread_id}:answer;"),
        )
        found: dict[int, tuple[str, str | None]] = {}
        for job, state, delivery in rows:
            found[int(str(job).split(":")[3])] = (str(state), delivery)
        return found

    async def held(self, member_id: int) -> list[tuple[Message, int]]:
        """The member's answers that WhatsApp's closed window held back (their every outbox
        row ``needs_template``), oldest first, each with how many rows it has had."""
        rows = await self.db.fetchall(
            "SELECT q.*, (SELECT count(*) FROM outbox o WHERE o.member_id = t.member_id"
            " AND (o.job = 'question:' || t.id || ':answer:' || q.id"
            " OR o.job LIKE 'question:' || t.id || ':answer:' || q.id || ':%')) AS tries,"
            " (SELECT count(*) FROM outbox o WHERE o.member_id = t.member_id"
            " AND (o.job = 'question:' || t.id || ':answer:' || q.id"
            " OR o.job LIKE 'question:' || t.id || ':answer:' || q.id || ':%')"
            " AND o.state <> 'needs_template') AS others"
            " FROM question_messages q JOIN question_threads t ON t.id = q.thread_id"
            " WHERE t.member_id = ? AND q.kind = 'answer' ORDER BY q.id",
            (member_id,),
        )
        return [
            (Message.from_row(row), int(row["tries"]))
            for row in rows
            if int(row["tries"]) > 0 and int(row["others"]) == 0
        ]

    async def first_answer_seconds(self) -> list[float]:
        """Seconds from question to first answer, for every thread answered so far."""
        rows = await self.db.fetchall(
            "SELECT created_at, first_answered_at FROM question_threads"
            " WHERE first_answered_at IS NOT NULL"
        )
        return [
            (datetime.fromisoformat(row[1]) - datetime.fromisoformat(row[0])).total_seconds()
            for row in rows
        ]

    async def waiting_since(self) -> list[str]:
        """When each thread that waits for the team was asked (ISO times)."""
        rows = await self.db.fetchall(
            "SELECT created_at FROM question_threads WHERE status = 'open' ORDER BY created_at"
        )
        return [str(row[0]) for row in rows]

    async def personal(self, member_id: int) -> list[dict[str, Any]]:
        """A member's threads with every message, for ``/mydata`` (who on the team wrote an
        answer or a note is the team's business, not the member's data)."""
        threads = []
        for thread in await self.of_member(member_id):
            messages = [
                {"kind": message.kind, "text": message.text, "at": message.at}
                for message in await self.messages(thread.id)
            ]
            threads.append({**asdict(thread), "messages": messages})
        return threads
