"""The sender: drains the outbox through the channels, each message exactly once.

For every due row it picks the member's address — the preferred channel if reachable, else
another one; never a second copy — or settles the row without sending: the member stopped
messages (``skipped``), turned the row's topic off since it was queued (``skipped``, reason
``topic: <topic>``), no address is left (``skipped``), or WhatsApp's 24-hour window has
closed and the campaign has no approved template (``needs_template``; free text is never sent
outside the window).

Each send takes its rate-limit ticket first, then claims its row (``sending``), then calls the
provider, and records the row ``sent`` with the provider's id as soon as it answers
(:mod:`scheduler.ledger` batches these writes). A row is therefore ``sending`` only while its
request is with the provider, never while it waits for the limiter or for a 429's pause. Two
windows of sends are in flight at most (32 without a limit), so a crash leaves at most that
many rows ``sending``: the next process to send (one at a time: see :mod:`scheduler.sendlock`)
turns them into ``unknown`` (:meth:`Sender.recover`), to be reported, never resent unless
staff ask (``outbox resend --unknown``).

A 429 puts the row back and pauses the channel for ``retry_after``; a timeout or 5xx puts it
back with a growing delay until ``max_attempts``, then it ``failed`` with the reason; a blocked
bot or a dead number marks the address unreachable for good, and the row goes back to be routed
to another address if the member has one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.channels.base import Channel
from bot.clock import Clock
from bot.errors import PermanentDeliveryError, RateLimited, TemporaryDeliveryError, Unreachable
from bot.messages import Reply, channel_of
from bot.store import OutboxRow, Reach, Store
from scheduler.ledger import Ledger
from scheduler.ratelimit import RateLimiter, Ticket
from scheduler.sendlock import SendLock

log = logging.getLogger(__name__)

WHATSAPP_WINDOW = timedelta(hours=24)
# Delay before the 2nd and 3rd attempt after a timeout or a 5xx.
BACKOFF = (5.0, 30.0)
# A window of sends when no rate limit applies; two windows' worth are in flight at a time
# (measured best against a local Bot API server).
UNLIMITED_WINDOW = 16
# What a send may take at worst, for how many to keep in flight under a rate limit (Telegram
# answers in 50–300 ms from most of Europe).
LATENCY = 0.3
# How long a row waits when none of its member's channels is served by this process.
NO_CHANNEL_DELAY = timedelta(minutes=15)
# The reason a row waits for a channel; :meth:`Sender.channel_up` releases them.
NO_CHANNEL = "waiting for a channel this process serves"


@dataclass
class DrainReport:
    """What one drain did, by outcome."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    needs_template: int = 0
    unreachable: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def settled(self) -> int:
        """Rows that reached a final state."""
        return self.sent + self.failed + self.skipped + self.needs_template


@dataclass(frozen=True)
class _Send:
    row: OutboxRow
    address: str
    reply: Reply


@dataclass(frozen=True)
class _Turn:
    """A send in its turn: ``after`` the member's send before it is answered, if any."""

    send: _Send
    after: asyncio.Event | None
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class _Settle:
    state: str
    reason: str


@dataclass(frozen=True)
class _Defer:
    until: datetime
    reason: str


Progress = Callable[[DrainReport], None]


class Sender:
    """Sends what the outbox holds, rate-limited per channel."""

    def __init__(
        self,
        store: Store,
        channels: Mapping[str, Channel],
        clock: Clock,
        *,
        limits: Mapping[str, RateLimiter] | None = None,
        max_attempts: int = 3,
        backoff: Sequence[float] = BACKOFF,
        window: int | None = None,
        batch: int = 500,
        lock: SendLock | None = None,
    ) -> None:
        self.store = store
        self.channels = channels
        self.clock = clock
        self.limits = dict(limits or {})
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff)
        self.window = window or _window(self.limits.values())
        self.batch = batch
        self.lock = lock
        self.ledger = Ledger(store, clock)
        self._stopping = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[DrainReport] | None = None

    async def take_over(self) -> bool:
        """Becomes the one process that sends from this database (see :mod:`scheduler.sendlock`)
        and recovers what a crash left; False, doing nothing, while another process sends."""
        if self.lock is not None:
            if self.lock.held:
                return True
            if not self.lock.acquire():
                return False
        await self.recover()
        return True

    async def recover(self) -> int:
        """At start-up: rows a crash left ``sending`` become ``unknown`` (never resent)."""
        count = await self.store.outbox.recover(self.clock.now())
        if count:
            log.warning("%d messages were being sent when the bot stopped: marked unknown", count)
        return count

    def kick(self) -> None:
        """Starts draining in the background unless a drain is already running."""
        if self._stopping or not self._idle.is_set():
            return
        self._task = asyncio.get_running_loop().create_task(self.drain(), name="send-outbox")
        self._task.add_done_callback(_log_failure)

    async def channel_up(self) -> int:
        """A channel came up (or back): the rows that waited for one are due again and sent
        now, instead of when their wait ends; how many were waiting."""
        released = await self.store.outbox.release(NO_CHANNEL, self.clock.now())
        self.kick()
        return released

    async def close(self) -> None:
        """Stops after the windows in flight, waits for them, and lets another process send."""
        self._stopping = True
        await self._idle.wait()
        if self._task is not None:
            await asyncio.wait([self._task])
        if self.lock is not None:
            self.lock.release()

    async def drain(
        self, *, job: str | None = None, progress: Progress | None = None
    ) -> DrainReport:
        """Sends every row that is due now (of one job, or of all), then returns; nothing while
        another process is sending from the database."""
        report = DrainReport()
        if self._stopping or not self._idle.is_set():
            return report
        self._idle.clear()
        try:
            if self.lock is not None and not self.lock.held and not await self.take_over():
                return report
            while not self._stopping:
                now = self.clock.now()
                rows = await self.store.outbox.due(now, self.batch, job)
                if not rows:
                    break
                await self._batch(rows, report, progress)
        finally:
            self._idle.set()
        return report

    async def _batch(
        self, rows: list[OutboxRow], report: DrainReport, progress: Progress | None
    ) -> None:
        now = self.clock.now()
        reach = await self.store.recipients.reach({row.member_id for row in rows})
        sends: list[_Send] = []
        settles: dict[str, list[tuple[int, str | None]]] = {}
        defers: dict[tuple[datetime, str], list[int]] = {}
        for row in rows:
            decision = self._route(row, reach.get(row.member_id), now)
            if isinstance(decision, _Send):
                sends.append(decision)
            elif isinstance(decision, _Settle):
                settles.setdefault(decision.state, []).append((row.id, decision.reason))
            elif isinstance(decision, _Defer):
                defers.setdefault((decision.until, decision.reason), []).append(row.id)
        for state, settled in settles.items():
            await self.store.outbox.finish(settled, state, now)
            if state == "needs_template":
                report.needs_template += len(settled)
            else:
                report.skipped += len(settled)
        for (until, reason), ids in defers.items():
            await self.store.outbox.defer(ids, until, reason, now)
            report.deferred += len(ids)
        # Two windows' worth of sends are with the provider at a time, each worker taking the
        # next row when its send is answered: a slow answer holds up one worker, not the rest.
        # A member's messages go in their order, each once the one before it was answered
        # (WhatsApp has no pause between two to one chat to keep them apart).
        waiting = deque(_in_turn(sends))
        try:
            await asyncio.gather(
                *(self._work(waiting, report, progress) for _ in range(2 * self.window))
            )
        except BaseException:
            # One worker failed (the database, most likely): the others finish the send in
            # hand and take no new row; what was sent is still recorded if the database lets it.
            waiting.clear()
            with contextlib.suppress(Exception):
                await self.ledger.written()
            raise
        await self.ledger.written()

    async def _work(
        self, waiting: deque[_Turn], report: DrainReport, progress: Progress | None
    ) -> None:
        """Sends the waiting rows one after another until none is left or the sender stops;
        a row waits for the member's row before it to be answered."""
        while waiting and not self._stopping:
            turn = waiting.popleft()
            try:
                if turn.after is not None:
                    await turn.after.wait()
                if not self._stopping:
                    await self._deliver(turn.send, report)
            finally:
                turn.done.set()
            if progress is not None:
                progress(report)

    def _route(
        self, row: OutboxRow, reach: Reach | None, now: datetime
    ) -> _Send | _Settle | _Defer | None:
        """Where (and whether) a row goes."""
        if reach is None:
            return None  # the member was erased; their rows went with them
        if reach.stopped:
            return _Settle("skipped", "the member stopped messages")
        if row.topic in reach.topics_off:
            # Turned off after the row was queued: the planner skipped those who had already.
            return _Settle("skipped", f"topic: {row.topic}")
        routes = [
            route
            for route in reach.routes
            if route.unreachable_at is None and (not row.channels or route.channel in row.channels)
        ]
        routes.sort(key=lambda route: route.channel != reach.preferred_channel)
        if not routes:
            return _Settle("skipped", "no reachable address")
        served = [route for route in routes if route.channel in self.channels]
        if not served:
            channels = ", ".join(sorted({route.channel for route in routes}))
            return _Defer(now + NO_CHANNEL_DELAY, f"{NO_CHANNEL} ({channels})")
        for route in served:
            if route.channel == "whatsapp" and _outside_window(route.last_inbound_at, now):
                if row.template is not None:
                    return _Send(row, route.address, Reply("", template=row.template))
                continue
            return _Send(row, route.address, row.reply())
        return _Settle("needs_template", "outside WhatsApp's 24-hour window and no template")

    async def _deliver(self, send: _Send, report: DrainReport) -> None:
        """Takes the rate-limit ticket and claims the row, then calls the provider and records
        what came of it; a row cancelled, erased or taken meanwhile is left alone."""
        channel_name = channel_of(send.address)
        limiter = self.limits.get(channel_name)
        slot = limiter.slot(send.address) if limiter is not None else contextlib.nullcontext()
        ticket: Ticket | None = None
        try:
            # Claimed only once the limiter lets it go: a row waiting for its turn (or for a
            # 429's pause) is still queued, and a crash then leaves it to be sent later.
            async with slot as ticket:
                claimed = await self.ledger.claim(send.row.id, send.address)
            if not claimed:
                return
            outcome = await self._call(self.channels[channel_name], send, limiter)
        finally:
            if limiter is not None and ticket is not None:
                limiter.done(ticket)
        if isinstance(outcome, str):
            self.ledger.sent(send.row.id, outcome)
            report.sent += 1
        else:
            await self._failed(send, outcome, self.clock.now(), report)

    async def _call(
        self, channel: Channel, send: _Send, limiter: RateLimiter | None
    ) -> str | Exception:
        """The provider's message id, or the error it answered with."""
        try:
            return await channel.send(send.address, send.reply)
        except RateLimited as error:
            if limiter is not None:
                limiter.pause(error.retry_after)
            return error
        except Exception as error:
            if not isinstance(error, TemporaryDeliveryError | PermanentDeliveryError):
                log.error("sending outbox row %d failed unexpectedly", send.row.id, exc_info=error)
            return error

    async def _failed(
        self, send: _Send, error: Exception, now: datetime, report: DrainReport
    ) -> None:
        row, outbox = send.row, self.store.outbox
        reason = str(error) or type(error).__name__
        attempt = row.attempts + 1
        if isinstance(error, RateLimited):
            later = now + timedelta(seconds=error.retry_after)
            await outbox.mark_retry(row.id, reason, later, now, count_attempt=False)
            report.retried += 1
        elif isinstance(error, Unreachable):
            await self.store.recipients.mark_unreachable(send.address, now)
            # Back in the queue at once: the member's other address, if any, gets it.
            await outbox.mark_retry(row.id, reason, now, now, count_attempt=False)
            report.unreachable += 1
            log.info(
                "outbox row %d: %s is unreachable: %s", row.id, channel_of(send.address), reason
            )
        elif isinstance(error, TemporaryDeliveryError) and attempt < self.max_attempts:
            delay = self.backoff[min(attempt, len(self.backoff)) - 1]
            await outbox.mark_retry(row.id, reason, now + timedelta(seconds=delay), now)
            report.retried += 1
        else:
            if isinstance(error, TemporaryDeliveryError):
                reason = f"gave up after {attempt} attempts: {reason}"
            await outbox.mark(row.id, "failed", now, reason)
            report.failed += 1
            report.errors.append(reason)


def _window(limits: Iterable[RateLimiter]) -> int:
    """How many sends make a window: two windows in flight keep up with the fastest channel's
    pace while its sends take up to ``LATENCY``; the limiter spaces them out."""
    intervals = [limit.interval for limit in limits]
    if not intervals or min(intervals) == 0:
        return UNLIMITED_WINDOW
    return max(1, math.ceil(LATENCY / min(intervals) / 2))


def _in_turn(sends: list[_Send]) -> list[_Turn]:
    """The sends in their rows' order, each after the one before it to the same address."""
    last: dict[str, asyncio.Event] = {}
    turns = []
    for send in sends:
        turn = _Turn(send, last.get(send.address))
        last[send.address] = turn.done
        turns.append(turn)
    return turns


def _outside_window(last_inbound_at: str | None, now: datetime) -> bool:
    """Whether WhatsApp's 24-hour customer-care window is closed for an address."""
    if last_inbound_at is None:
        return True
    return datetime.fromisoformat(last_inbound_at) < now - WHATSAPP_WINDOW


def _log_failure(task: asyncio.Task[DrainReport]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("draining the outbox failed", exc_info=task.exception())
