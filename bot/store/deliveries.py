"""What each broadcast, campaign and poll achieved, from its outbox rows: queued, sent,
delivered and read (WhatsApp's status callbacks; Telegram reports neither), failed and why,
needs a template, skipped (stopped, topic, no address), missed, cancelled, unknown — and
sending again, at staff's word, the messages that failed for a reason that may pass.

A failure may pass when the provider kept failing for a while (a timeout or a 5xx, until the
sender gave up) or when WhatsApp reported the message undelivered for a reason of the moment
(Twilio 30001 queue overflow, 30003 phone unreachable, 30008 unknown error). A blocked bot, an
invalid number or a refused message will fail again: those are never resent.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.store.database import Database

# The kinds of outbox rows that are announcements (the rest are notices and answers).
KINDS = ("broadcast", "campaign", "poll", "poll_results")
# The reasons the sender and the planner write for a skipped row.
STOPPED = "the member stopped messages"
TOPIC = "topic:"
_GAVE_UP = "gave up after "
_PASSING_CODES = ("twilio 30001", "twilio 30003", "twilio 30008")
# SQL: the rows of a job that failed for a reason that may pass (see the module).
RETRYABLE = (
    "((state = 'failed' AND error LIKE 'gave up after %')"
    " OR (state = 'sent' AND delivery IN ('failed', 'undelivered') AND"
    " (error IS NULL OR " + " OR ".join(f"error LIKE '{code}%'" for code in _PASSING_CODES) + ")))"
)


@dataclass
class Funnel:
    """One job's rows, counted along the way a message goes."""

    job: str
    kind: str
    started_at: str = ""
    total: int = 0
    waiting: int = 0
    sent: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    needs_template: int = 0
    skipped_stopped: int = 0
    skipped_topic: int = 0
    skipped_other: int = 0
    missed: int = 0
    cancelled: int = 0
    unknown: int = 0
    retryable: int = 0
    # Why messages failed, by reason, most first.
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def skipped(self) -> int:
        return self.skipped_stopped + self.skipped_topic + self.skipped_other

    def add(self, state: str, delivery: str | None, error: str | None, count: int) -> None:
        """Counts ``count`` rows of one state, delivery status and reason."""
        self.total += count
        if state in ("queued", "sending"):
            self.waiting += count
        elif state == "sent":
            self.sent += count
            if delivery in ("delivered", "read"):
                self.delivered += count
            if delivery == "read":
                self.read += count
            if delivery in ("failed", "undelivered"):
                self.failed += count
                self.reasons[_reason(error, delivery)] += count
                self.retryable += count * _passing(error)
        elif state == "failed":
            self.failed += count
            self.reasons[_reason(error, None)] += count
            self.retryable += count * bool(error and error.startswith(_GAVE_UP))
        elif state == "needs_template":
            self.needs_template += count
        elif state == "skipped":
            if error == STOPPED:
                self.skipped_stopped += count
            elif error and error.startswith(TOPIC):
                self.skipped_topic += count
            else:
                self.skipped_other += count
        elif state in ("missed", "cancelled", "unknown"):
            setattr(self, state, getattr(self, state) + count)


def _passing(error: str | None) -> bool:
    return error is None or error.startswith(_PASSING_CODES)


def _reason(error: str | None, delivery: str | None) -> str:
    """A failure's reason as staff read it (the attempts left out, so alike ones add up)."""
    if not error:
        return f"WhatsApp: {delivery}" if delivery else "unknown"
    if error.startswith(_GAVE_UP):
        error = error.split(": ", 1)[-1]
    return error


class Deliveries:
    """Counts the outbox by job; resends what failed for a passing reason."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def funnels(self, limit: int = 50, kinds: Sequence[str] = KINDS) -> list[Funnel]:
        """The latest jobs of these kinds (by their first row), newest first."""
        rows = await self.db.fetchall(
            "SELECT o.job, o.kind, o.state, o.delivery, o.error, count(*), min(o.created_at)"
            " FROM outbox o JOIN (SELECT job AS j, min(created_at) AS first FROM outbox"
            " WHERE kind IN (SELECT value FROM json_each(?1)) GROUP BY job"
            " ORDER BY first DESC, job LIMIT ?2) ON j = o.job"
            " GROUP BY o.job, o.kind, o.state, o.delivery, o.error",
            (json.dumps(list(kinds)), limit),
        )
        found: dict[str, Funnel] = {}
        for job, kind, state, delivery, error, count, first in rows:
            funnel = found.setdefault(str(job), Funnel(str(job), str(kind), str(first)))
            funnel.started_at = min(funnel.started_at, str(first))
            funnel.add(str(state), delivery, error, int(count))
        return sorted(found.values(), key=lambda funnel: (funnel.started_at, funnel.job))[::-1]

    async def funnel(self, job: str) -> Funnel | None:
        """One job's funnel, or None when it has no row."""
        rows = await self.db.fetchall(
            "SELECT kind, state, delivery, error, count(*), min(created_at) FROM outbox"
            " WHERE job = ? GROUP BY kind, state, delivery, error",
            (job,),
        )
        if not rows:
            return None
        funnel = Funnel(job, str(rows[0][0]), min(str(row[5]) for row in rows))
        for _kind, state, delivery, error, count, _first in rows:
            funnel.add(str(state), delivery, error, int(count))
        return funnel

    async def resend_failed(self, job: str, now: datetime) -> int:
        """Queues again, to go now, the job's messages that failed for a reason that may pass;
        returns how many. Each keeps its row (one per member and job), so nobody gets two."""
        at = now.isoformat()
        return await self.db.execute(
            "UPDATE outbox SET state = 'queued', not_before = ?1, updated_at = ?1, attempts = 0,"  # noqa: S608
            " delivery = NULL, provider_id = NULL, sent_at = NULL,"
            " error = 'resent by staff after: ' || coalesce(error, delivery)"
            f" WHERE job = ?2 AND {RETRYABLE}",
            (at, job),
        )
