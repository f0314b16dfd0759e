"""Rate limits per channel: so many messages a second overall, and a pause between two messages
to the same chat.

Providers count sends in a sliding window of one second, by when the request reached them —
which we never see. We know it happened after we started the request and before its answer
came back. So a send may start only when the send ``rate`` places earlier has been *answered*
at least a second ago: however the network or a busy machine delays one request against
another, the provider never sees more than ``rate`` in a second. On top, sends are paced
evenly (one every ``1/rate`` seconds), never in bursts. Time is injected: tests pass a clock
and a sleep that only moves it.

The sender takes its ticket with :meth:`RateLimiter.slot` and claims its outbox row inside the
block: the next send waits until then, so rows are claimed, and requests leave, in the order
and at the pace of their tickets.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]

WINDOW = 1.0
# How often to look again while the send that frees a slot is still waiting for its answer.
POLL = 0.005


class Ticket:
    """One send's place in the window: when it was answered (infinity until then)."""

    __slots__ = ("answered",)

    def __init__(self) -> None:
        self.answered = math.inf


class RateLimiter:
    """Paces one channel. ``rate`` of 0 means no limit (a benchmark's setting)."""

    def __init__(
        self,
        rate: float,
        *,
        per_chat: float = 0.0,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        # The window is one second long, so it holds ``rate`` sends.
        self.limit = math.floor(rate)
        self.per_chat = per_chat
        self.monotonic = monotonic
        self.sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._chats: dict[str, float] = {}
        self._recent: deque[Ticket] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self, chat: str) -> Ticket:
        """Waits until one more message, to ``chat``, may go out; :meth:`done` when answered."""
        async with self.slot(chat) as ticket:
            return ticket

    @asynccontextmanager
    async def slot(self, chat: str) -> AsyncIterator[Ticket]:
        """:meth:`acquire` for a block: the next message (to any chat) waits for its ticket
        until the block ends. Without a limit or a pause, nothing waits."""
        # The steps are methods of their own so that ``make mutate`` reaches them (mutmut
        # leaves decorated functions alone).
        await self._chat_turn(chat)
        ticket = Ticket()
        if self._unlimited():
            yield ticket
            return
        async with self._lock:
            await self._take(ticket)
            yield ticket

    async def _chat_turn(self, chat: str) -> None:
        """Waits until ``chat`` may get its next message."""
        if self.per_chat > 0:
            now = self.monotonic()
            # Claim the chat's next slot before waiting, so two sends to it queue up.
            slot = max(self._chats.get(chat, now), now)
            self._chats[chat] = slot + self.per_chat
            wait = slot - self.monotonic()
            if wait > 0:
                await self.sleep(wait)
            if len(self._chats) > 10_000:
                self._forget_chats()

    def _unlimited(self) -> bool:
        return self.interval == 0 and self._paused_until == 0

    async def _take(self, ticket: Ticket) -> None:
        """Waits for the pace and a free place in the window (the lock held), then gives
        ``ticket`` its place."""
        now = self.monotonic()
        start = max(self._next, self._paused_until, now)
        if start > now:
            await self.sleep(start - now)
        if self.limit > 0:
            while len(self._recent) >= self.limit:
                oldest = self._recent[0]
                wait = oldest.answered + WINDOW - self.monotonic()
                if wait <= 0:
                    self._recent.popleft()
                else:
                    await self.sleep(min(wait, POLL) if math.isinf(wait) else wait)
            self._recent.append(ticket)
        # From the planned start, not from when the sleep woke: a late wake-up does not
        # slow the pace, and an idle spell does not allow a burst.
        self._next = max(start, self.monotonic() - self.interval) + self.interval

    def done(self, ticket: Ticket) -> None:
        """The provider answered the send ``ticket`` was for."""
        ticket.answered = self.monotonic()

    def pause(self, seconds: float) -> None:
        """The provider said to wait: nothing goes out on this channel for ``seconds``."""
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    def _forget_chats(self) -> None:
        now = self.monotonic()
        self._chats = {chat: ready for chat, ready in self._chats.items() if ready > now}
