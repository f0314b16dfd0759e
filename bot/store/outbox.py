"""The outbox: every message that is not a direct reply, each sent exactly once.

States::

    queued ──> sending ──> sent
       │  ^        │
       │  └────────┤ (temporary failure: back to queued with a later not_before)
       │           ├──> failed            (permanent, or out of attempts)
       │           └──> unknown           (the process died between sending and sent)
       │                   └──> queued    (staff resend it: ``outbox resend --unknown``)
       ├──> needs_template  (WhatsApp member outside the 24-hour window, no template)
       ├──> skipped         (member stopped, turned the topic off, or no reachable address)
       ├──> missed          (planned too late to be sent)
       └──> cancelled       (a broadcast was cancelled)

A row is marked ``sending`` once its rate-limit turn has come, just before the provider is
called, and ``sent`` as soon as the provider answers, so a crash in between leaves it
``sending``; at start-up such rows become ``unknown`` and are reported, never resent — unless
staff choose a possible duplicate over a miss (:meth:`Outbox.resend_unknown`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from bot.messages import Option, Reply, Template
from bot.store.database import Database

FINAL_STATES = ("sent", "failed", "unknown", "needs_template", "skipped", "missed", "cancelled")
STATES = ("queued", "sending", *FINAL_STATES)
# Rows written per transaction when queueing many, so members' replies are not held up.
CHUNK = 2000
# Provider delivery statuses in the order they happen; a status never moves a row backwards.
DELIVERY_ORDER = {
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "read": 4,
    "failed": 5,
    "undelivered": 5,
}


@dataclass(frozen=True)
class Outgoing:
    """A message to queue for one member."""

    job: str
    kind: str
    member_id: int
    body: str
    not_before: datetime
    template: Template | None = None
    channels: tuple[str, ...] = ()
    # Buttons the message offers (a poll's options); a channel without buttons numbers them.
    choices: Choices | None = None
    # The kind of announcement (content/programme.yaml's topics): a member who turns it off
    # before it is sent is skipped. None for what is no announcement (an answer, a notice).
    topic: str | None = None


@dataclass(frozen=True)
class Choices:
    """The options a message offers, with the language and kind of question they belong to
    (so WhatsApp's "reply with the number" line is in the member's language)."""

    options: tuple[Option, ...]
    language: str | None = None
    multi: bool = False

    def as_json(self) -> str:
        return self._json

    @cached_property
    def _json(self) -> str:
        # Written once per Choices: the planner shares one among a language's members.
        return json.dumps(
            {
                "options": [[option.id, option.label] for option in self.options],
                "language": self.language,
                "multi": self.multi,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | None) -> Choices | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(
            tuple(Option(str(key), str(label)) for key, label in data.get("options", [])),
            data.get("language"),
            bool(data.get("multi")),
        )


@dataclass(frozen=True)
class OutboxRow:
    id: int
    job: str
    kind: str
    member_id: int
    body: str
    template: Template | None
    state: str
    not_before: str
    attempts: int
    address: str | None
    provider_id: str | None
    delivery: str | None
    error: str | None
    channels: tuple[str, ...] = ()
    choices: Choices | None = None
    topic: str | None = None

    def reply(self) -> Reply:
        """The message as the channels send it: the body, with its options if it has any."""
        if self.choices is None:
            return Reply(self.body)
        return Reply(
            self.body,
            options=self.choices.options,
            language=self.choices.language,
            multi=self.choices.multi,
        )

    @classmethod
    def from_row(cls, row: Any) -> OutboxRow:
        template = json.loads(row["template"]) if row["template"] else None
        return cls(
            id=row["id"],
            job=row["job"],
            kind=row["kind"],
            member_id=row["member_id"],
            body=row["body"],
            template=Template(template["content_sid"], template.get("variables", {}))
            if template
            else None,
            state=row["state"],
            not_before=row["not_before"],
            attempts=row["attempts"],
            address=row["address"],
            provider_id=row["provider_id"],
            delivery=row["delivery"],
            error=row["error"],
            channels=tuple(row["channels"].split(",")) if row["channels"] else (),
            choices=Choices.from_json(row["options"]),
            topic=row["topic"],
        )


@dataclass
class JobCounts:
    """One job's rows by state, when its first row was queued and its last one changed."""

    job: str
    kind: str
    created_at: str
    updated_at: str
    states: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return self.states.get(state, 0)

    @property
    def total(self) -> int:
        return sum(self.states.values())


def _template_json(template: Template | None) -> str | None:
    if template is None:
        return None
    return json.dumps(
        {"content_sid": template.content_sid, "variables": template.variables}, ensure_ascii=False
    )


class Outbox:
    """Queues, claims and records outgoing messages."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(
        self,
        messages: Iterable[Outgoing],
        now: datetime,
        *,
        state: str = "queued",
        reason: str | None = None,
    ) -> int:
        """Queues messages; a (job, member) already queued is left alone. Returns rows added.

        ``state`` may be ``missed`` to record messages that will never be sent, or ``skipped``
        with a ``reason`` (a member who turned the message's topic off). Rows are written a
        chunk per transaction, so a large broadcast never holds the database long.
        """
        if state not in STATES:
            raise ValueError(f"not an outbox state: {state}")
        at = now.isoformat()
        added = 0
        source = iter(messages)
        while chunk := list(itertools.islice(source, CHUNK)):
            rows = [
                (
                    m.job,
                    m.kind,
                    m.member_id,
                    m.body,
                    _template_json(m.template),
                    state,
                    m.not_before.isoformat(),
                    ",".join(m.channels) or None,
                    m.choices.as_json() if m.choices is not None else None,
                    m.topic,
                    reason,
                    at,
                    at,
                )
                for m in chunk
            ]
            async with self.db.transaction() as conn:
                before = conn.total_changes
                await conn.executemany(
                    "INSERT INTO outbox (job, kind, member_id, body, template, state, not_before,"
                    " channels, options, topic, error, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (job, member_id) DO NOTHING",
                    rows,
                )
                added += conn.total_changes - before
        return added

    async def due(self, now: datetime, limit: int = 500, job: str | None = None) -> list[OutboxRow]:
        """Queued rows whose time has come, oldest first (of one job, or of all)."""
        where = "AND job = ?" if job else ""
        params: tuple[Any, ...] = (now.isoformat(), job, limit) if job else (now.isoformat(), limit)
        rows = await self.db.fetchall(
            f"SELECT * FROM outbox WHERE state = 'queued' AND not_before <= ? {where}"  # noqa: S608
            " ORDER BY not_before, id LIMIT ?",
            params,
        )
        return [OutboxRow.from_row(row) for row in rows]

    async def next_due(self, job: str | None = None) -> str | None:
        """The earliest ``not_before`` of the queued rows (of one job, or of all)."""
        where, params = ("AND job = ?", (job,)) if job else ("", ())
        row = await self.db.fetchone(
            f"SELECT min(not_before) FROM outbox WHERE state = 'queued' {where}",  # noqa: S608
            params,
        )
        return str(row[0]) if row and row[0] else None

    async def get(self, row_id: int) -> OutboxRow | None:
        row = await self.db.fetchone("SELECT * FROM outbox WHERE id = ?", (row_id,))
        return OutboxRow.from_row(row) if row else None

    async def mark_sending(self, row_id: int, address: str, now: datetime) -> bool:
        """Claims a queued row for sending; False if someone else took it or it was cancelled."""
        return row_id in await self.claim([(row_id, address)], now)

    async def claim(self, rows: Sequence[tuple[int, str]], now: datetime) -> set[int]:
        """Marks queued rows ``sending`` to the given addresses, in one statement.

        Returns the ids claimed; a row someone else took, or that was cancelled, is left out.
        """
        if not rows:
            return set()
        claimed = await self.db.returning(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?1,"
            " address = (SELECT json_extract(value, '$[1]') FROM json_each(?2)"
            " WHERE json_extract(value, '$[0]') = outbox.id)"
            " WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each(?2))"
            " AND state = 'queued' RETURNING id",
            (now.isoformat(), json.dumps([[row_id, address] for row_id, address in rows])),
        )
        return {int(row[0]) for row in claimed}

    async def mark_sent(self, row_id: int, provider_id: str, now: datetime) -> None:
        await self.record_sent([(row_id, provider_id)], now)

    async def record_sent(self, sent: Sequence[tuple[int, str]], now: datetime) -> None:
        """Marks rows ``sent`` with the provider's message ids, in one statement."""
        if not sent:
            return
        at = now.isoformat()
        await self.db.execute(
            "UPDATE outbox SET state = 'sent', delivery = coalesce(delivery, 'sent'),"
            " error = NULL, sent_at = ?1, updated_at = ?1,"
            " provider_id = (SELECT json_extract(value, '$[1]') FROM json_each(?2)"
            " WHERE json_extract(value, '$[0]') = outbox.id)"
            " WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each(?2))",
            (at, json.dumps([[row_id, provider_id] for row_id, provider_id in sent])),
        )

    async def mark_retry(
        self,
        row_id: int,
        error: str,
        not_before: datetime,
        now: datetime,
        *,
        count_attempt: bool = True,
    ) -> None:
        """Puts a row back in the queue after a temporary failure.

        ``count_attempt=False`` gives the attempt back: the provider asked us to slow down, or
        the address turned out unreachable and another one will be tried.
        """
        await self.db.execute(
            "UPDATE outbox SET state = 'queued', error = ?, not_before = ?, updated_at = ?,"
            " attempts = attempts - ? WHERE id = ?",
            (error, not_before.isoformat(), now.isoformat(), 0 if count_attempt else 1, row_id),
        )

    async def defer(
        self, row_ids: Collection[int], not_before: datetime, reason: str, now: datetime
    ) -> None:
        """Leaves queued rows for later without counting an attempt."""
        if not row_ids:
            return
        await self.db.execute(
            "UPDATE outbox SET not_before = ?, error = ?, updated_at = ?"
            " WHERE id IN (SELECT value FROM json_each(?)) AND state = 'queued'",
            (not_before.isoformat(), reason, now.isoformat(), json.dumps(list(row_ids))),
        )

    async def mark(self, row_id: int, state: str, now: datetime, error: str | None = None) -> None:
        """Moves a row to a final state (failed, skipped, needs_template, missed, cancelled)."""
        await self.finish([(row_id, error)], state, now)

    async def finish(
        self, rows: Sequence[tuple[int, str | None]], state: str, now: datetime
    ) -> None:
        """Moves rows, each with its reason, to a final state, in one transaction."""
        if state not in FINAL_STATES:
            raise ValueError(f"not a final outbox state: {state}")
        if not rows:
            return
        at = now.isoformat()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE outbox SET state = ?, error = ?, updated_at = ? WHERE id = ?",
                [(state, error, at, row_id) for row_id, error in rows],
            )

    async def recover(self, now: datetime) -> int:
        """After a crash: rows left ``sending`` become ``unknown`` (reported, never resent)."""
        return await self.db.execute(
            "UPDATE outbox SET state = 'unknown', error = 'interrupted while sending; not"
            " resent', updated_at = ? WHERE state = 'sending'",
            (now.isoformat(),),
        )

    async def release(self, reason: str, now: datetime) -> int:
        """Queued rows held back with a reason starting ``reason`` are due now; how many."""
        return await self.db.execute(
            "UPDATE outbox SET not_before = ?1, updated_at = ?1 WHERE state = 'queued'"
            " AND not_before > ?1 AND substr(error, 1, length(?2)) = ?2",
            (now.isoformat(), reason),
        )

    async def resend_unknown(self, job: str, now: datetime) -> int:
        """Queues a job's ``unknown`` rows again, to be sent now; returns how many.

        Staff choose this knowing that a member whose message did arrive gets it twice.
        """
        return await self.db.execute(
            "UPDATE outbox SET state = 'queued', not_before = ?1, updated_at = ?1,"
            " error = 'resent by staff after an unknown outcome'"
            " WHERE job = ?2 AND state = 'unknown'",
            (now.isoformat(), job),
        )

    async def jobs(self, limit: int = 50) -> list[JobCounts]:
        """Jobs with rows of unknown fate first (they need a person's decision), then the
        latest activity first: each one's rows by state."""
        rows = await self.db.fetchall(
            "SELECT job, kind, state, count(*), min(created_at), latest FROM outbox JOIN"
            " (SELECT job AS j, max(updated_at) AS latest, max(state = 'unknown') AS lost"
            " FROM outbox GROUP BY job ORDER BY lost DESC, latest DESC, job LIMIT ?) ON j = job"
            " GROUP BY job, state ORDER BY lost DESC, latest DESC, job",
            (limit,),
        )
        found: dict[str, JobCounts] = {}
        for job, kind, state, count, created_at, latest in rows:
            counts = found.setdefault(
                str(job), JobCounts(str(job), str(kind), str(created_at), str(latest))
            )
            counts.states[str(state)] = int(count)
            counts.created_at = min(counts.created_at, str(created_at))
        return list(found.values())

    async def cancel_job(self, job: str, now: datetime) -> int:
        """Cancels what is still queued of a job (a cancelled broadcast)."""
        return await self.db.execute(
            "UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE job = ? AND state ="
            " 'queued'",
            (now.isoformat(), job),
        )

    async def record_delivery(
        self, provider_id: str, status: str, error: str | None, now: datetime
    ) -> OutboxRow | None:
        """Applies a provider's delivery status; out-of-order statuses never move it backwards."""
        rank = DELIVERY_ORDER.get(status)
        if rank is None:
            return None
        row = await self.db.fetchone("SELECT * FROM outbox WHERE provider_id = ?", (provider_id,))
        if row is None:
            return None
        current = DELIVERY_ORDER.get(row["delivery"] or "", -1)
        if rank > current:
            await self.db.execute(
                "UPDATE outbox SET delivery = ?, error = coalesce(?, error), updated_at = ?"
                " WHERE id = ?",
                (status, error, now.isoformat(), row["id"]),
            )
        return await self.get(int(row["id"]))

    async def counts(self, job: str | None = None) -> dict[str, int]:
        """Rows by state, for one job or all."""
        where, params = ("WHERE job = ?", (job,)) if job else ("", ())
        rows = await self.db.fetchall(
            f"SELECT state, count(*) FROM outbox {where} GROUP BY state",  # noqa: S608
            params,
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def last_errors(self, limit: int = 10) -> list[OutboxRow]:
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE error IS NOT NULL ORDER BY updated_at DESC, id DESC"
            " LIMIT ?",
            (limit,),
        )
        return [OutboxRow.from_row(row) for row in rows]

    async def planned_among(self, job: str, member_ids: Collection[int]) -> set[int]:
        """Which of these members already have a row for ``job`` (in any state)."""
        if not member_ids:
            return set()
        rows = await self.db.fetchall(
            "SELECT member_id FROM outbox WHERE job = ?"
            " AND member_id IN (SELECT value FROM json_each(?))",
            (job, json.dumps(list(member_ids))),
        )
        return {int(row[0]) for row in rows}

    async def planned(self, job: str) -> set[int]:
        """Every member with a row for ``job``."""
        rows = await self.db.fetchall("SELECT member_id FROM outbox WHERE job = ?", (job,))
        return {int(row[0]) for row in rows}

    async def queued_of(self, job: str) -> list[tuple[int, int]]:
        """(row id, member id) of a job's rows still queued."""
        rows = await self.db.fetchall(
            "SELECT id, member_id FROM outbox WHERE job = ? AND state = 'queued'", (job,)
        )
        return [(int(row[0]), int(row[1])) for row in rows]

    async def reschedule(self, moves: Sequence[tuple[int, datetime]], now: datetime) -> None:
        """Gives queued rows a new ``not_before`` (their event moved)."""
        if not moves:
            return
        at = now.isoformat()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE outbox SET not_before = ?, updated_at = ?"
                " WHERE id = ? AND state = 'queued'",
                [(moment.isoformat(), at, row_id) for row_id, moment in moves],
            )

    async def by_job(self, prefix: str = "") -> dict[str, dict[str, int]]:
        """Rows by job and state (jobs starting with ``prefix``)."""
        rows = await self.db.fetchall(
            "SELECT job, state, count(*) FROM outbox WHERE job >= ? AND job < ?"
            " GROUP BY job, state ORDER BY job",
            (prefix, prefix + "\U0010ffff"),
        )
        result: dict[str, dict[str, int]] = {}
        for job, state, count in rows:
            result.setdefault(str(job), {})[str(state)] = int(count)
        return result

    async def in_state(self, state: str, limit: int = 20) -> list[OutboxRow]:
        """The latest rows in one state (e.g. ``unknown``, for a person to look at)."""
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE state = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
            (state, limit),
        )
        return [OutboxRow.from_row(row) for row in rows]
