"""Members' answers to polls (content/polls/<id>.md), one per member and poll, and the counts
coordinators read: per option, and by country, language or municipality.

An answer holds the options chosen (several for a poll with ``multiple: true``) and/or the
member's own words (``free_text: true``); a new answer replaces the last one while the poll is
open. Which poll a member was last asked is read from the outbox (job ``poll:<id>``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.store.database import Database

JOB_PREFIX = "poll:"
KIND = "poll"
# What answers can be counted by: a members column each.
DIMENSIONS = ("country", "language", "municipality")


def poll_job(poll: str) -> str:
    """The outbox job that asks a poll."""
    return f"{JOB_PREFIX}{poll}"


def results_job(poll: str) -> str:
    """The outbox job that tells those who answered a poll its results."""
    return f"{JOB_PREFIX}{poll}:results"


@dataclass(frozen=True)
class PollAnswer:
    """One member's answer to one poll."""

    poll: str
    member_id: int
    choices: tuple[str, ...]
    text: str | None
    channel: str | None
    answered_at: str
    changed_at: str
    changes: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> PollAnswer:
        return cls(
            poll=str(row["poll"]),
            member_id=int(row["member_id"]),
            choices=tuple(json.loads(row["choices"] or "[]")),
            text=row["text"],
            channel=row["channel"],
            answered_at=str(row["answered_at"]),
            changed_at=str(row["changed_at"]),
            changes=int(row["changes"]),
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "choices": list(self.choices)}


@dataclass
class Tally:
    """A poll's counts: members who answered, members per option (a member of a multiple-choice
    poll counts in each option chosen), and answers in the member's own words."""

    answered: int = 0
    options: dict[str, int] = field(default_factory=dict)
    free_text: int = 0


@dataclass(frozen=True)
class Sent:
    """The poll a member was last asked through the outbox, and when it went."""

    poll: str
    sent_at: str


class Polls:
    """Reads and writes poll answers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def answer(
        self,
        poll: str,
        member_id: int,
        now: datetime,
        *,
        choices: Sequence[str] = (),
        text: str | None = None,
        channel: str | None = None,
    ) -> PollAnswer:
        """Records (or replaces) a member's answer; returns it as stored."""
        at = now.isoformat()
        rows = await self.db.returning(
            "INSERT INTO poll_answers (poll, member_id, choices, text, channel, answered_at,"
            " changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (poll, member_id) DO"
            " UPDATE SET choices = excluded.choices, text = excluded.text,"
            " channel = excluded.channel, changed_at = excluded.changed_at,"
            " changes = changes + 1 RETURNING *",
            (poll, member_id, json.dumps(list(choices)), text, channel, at),
        )
        return PollAnswer.from_row(rows[0])

    async def get(self, poll: str, member_id: int) -> PollAnswer | None:
        row = await self.db.fetchone(
            "SELECT * FROM poll_answers WHERE poll = ? AND member_id = ?", (poll, member_id)
        )
        return PollAnswer.from_row(row) if row else None

    async def of_member(self, member_id: int) -> list[PollAnswer]:
        """A member's answers, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM poll_answers WHERE member_id = ? ORDER BY answered_at, poll",
            (member_id,),
        )
        return [PollAnswer.from_row(row) for row in rows]

    async def personal(self, member_id: int) -> list[dict[str, Any]]:
        """A member's answers for ``/mydata``."""
        return [answer.as_dict() for answer in await self.of_member(member_id)]

    async def tally(self, poll: str) -> Tally:
        """A poll's counts (exact: for coordinators)."""
        found = await self.breakdown(poll, None)
        return found.get("", Tally())

    async def breakdown(self, poll: str, dimension: str | None) -> dict[str, Tally]:
        """A poll's counts by a members column (country, language, municipality; "" for members
        who gave none), or all together under "" when ``dimension`` is None."""
        if dimension is not None and dimension not in DIMENSIONS:
            raise ValueError(f"cannot count answers by {dimension!r}")
        key = f"coalesce(m.{dimension}, '')" if dimension else "''"
        join = "JOIN members m ON m.id = a.member_id" if dimension else ""
        found: dict[str, Tally] = {}
        rows = await self.db.fetchall(
            f"SELECT {key}, count(*), sum(a.text IS NOT NULL) FROM poll_answers a {join}"  # noqa: S608
            f" WHERE a.poll = ? GROUP BY 1",
            (poll,),
        )
        for value, answered, free in rows:
            found[str(value)] = Tally(int(answered), {}, int(free or 0))
        rows = await self.db.fetchall(
            f"SELECT {key}, c.value, count(*) FROM poll_answers a {join}, json_each(a.choices) c"  # noqa: S608
            f" WHERE a.poll = ? GROUP BY 1, 2",
            (poll,),
        )
        for value, option, count in rows:
            found.setdefault(str(value), Tally()).options[str(option)] = int(count)
        return found

    async def counts(self, poll: str) -> dict[str, dict[str, Tally]]:
        """A poll's counts, overall (under "" and key "") and by every one of
        :data:`DIMENSIONS` at once: two trips to the database, whatever the number of answers
        (the answers are counted per combination of the dimensions, then added up here)."""
        found: dict[str, dict[str, Tally]] = {"": {"": Tally()}}
        found.update({dimension: {} for dimension in DIMENSIONS})
        columns = ", ".join(f"coalesce(m.{dimension}, '')" for dimension in DIMENSIONS)
        width = len(DIMENSIONS)

        def tallies(values: tuple[object, ...]) -> list[Tally]:
            """The overall tally and each dimension's, for one combination of values."""
            return [found[""][""]] + [
                found[dimension].setdefault(str(value), Tally())
                for dimension, value in zip(DIMENSIONS, values, strict=True)
            ]

        rows = await self.db.fetchall(
            f"SELECT {columns}, count(*), sum(a.text IS NOT NULL) FROM poll_answers a"  # noqa: S608
            f" JOIN members m ON m.id = a.member_id WHERE a.poll = ? GROUP BY {columns}",
            (poll,),
        )
        for row in rows:
            for tally in tallies(tuple(row[:width])):
                tally.answered += int(row[width])
                tally.free_text += int(row[width + 1] or 0)
        rows = await self.db.fetchall(
            f"SELECT {columns}, c.value, count(*) FROM poll_answers a"  # noqa: S608
            " JOIN members m ON m.id = a.member_id, json_each(a.choices) c"
            f" WHERE a.poll = ? GROUP BY {columns}, c.value",
            (poll,),
        )
        for row in rows:
            option, count = str(row[width]), int(row[width + 1])
            for tally in tallies(tuple(row[:width])):
                tally.options[option] = tally.options.get(option, 0) + count
        return found

    async def texts(self, poll: str, limit: int = 200) -> list[tuple[str, str]]:
        """The latest answers in members' own words: (when, text), newest first."""
        rows = await self.db.fetchall(
            "SELECT changed_at, text FROM poll_answers WHERE poll = ? AND text IS NOT NULL"
            " ORDER BY changed_at DESC LIMIT ?",
            (poll, limit),
        )
        return [(str(row[0]), str(row[1])) for row in rows]

    async def answered_counts(self) -> dict[str, int]:
        """Members who answered, by poll."""
        rows = await self.db.fetchall("SELECT poll, count(*) FROM poll_answers GROUP BY poll")
        return {str(row[0]): int(row[1]) for row in rows}

    async def answered_by(self, poll: str) -> list[int]:
        """The members who answered a poll, by id."""
        rows = await self.db.fetchall(
            "SELECT member_id FROM poll_answers WHERE poll = ? ORDER BY member_id", (poll,)
        )
        return [int(row[0]) for row in rows]

    async def last_asked(self, member_id: int) -> Sent | None:
        """The poll last sent to the member through the outbox (not its results)."""
        row = await self.db.fetchone(
            "SELECT job, sent_at FROM outbox WHERE member_id = ? AND kind = ? AND state = 'sent'"
            " ORDER BY sent_at DESC, id DESC LIMIT 1",
            (member_id, KIND),
        )
        if row is None:
            return None
        return Sent(str(row[0]).removeprefix(JOB_PREFIX), str(row[1]))

    async def attendees(self, event: str) -> set[int]:
        """Who attended an event: the members checked in, or — when nobody was checked in —
        those going."""
        rows = await self.db.fetchall(
            "SELECT member_id FROM rsvps WHERE event = ? AND checked_in_at IS NOT NULL", (event,)
        )
        if not rows:
            rows = await self.db.fetchall(
                "SELECT member_id FROM rsvps WHERE event = ? AND status = 'going'", (event,)
            )
        return {int(row[0]) for row in rows}
