"""The sender's bookkeeping in the outbox, one row at a time for the caller and in batches for
the database.

Each send claims its row (``queued`` → ``sending``) just before its request leaves, and records
it ``sent`` as soon as the provider answers, so a row is ``sending`` only while its request is
with the provider. Written one by one, that would be two SQLite writes a message; instead, what
arrives while a write is under way waits for the next one, which takes all of it in one
statement (group commit): one write per message at a slow pace, a handful per window of
sixteen at full speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.clock import Clock
from bot.store import Store

_Waiting = tuple[int, str, asyncio.Future[bool]]


class Ledger:
    """Claims rows and records sends in batches; each caller waits for its own write."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        # (row id, address or provider id, the waiting caller's answer)
        self._claims: list[_Waiting] = []
        self._sent: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def claim(self, row_id: int, address: str) -> bool:
        """Marks a queued row ``sending`` to ``address``; False if it was cancelled, erased or
        taken meanwhile (then it must not be sent)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._claims.append((row_id, address, future))
        self._wake()
        return await future

    async def sent(self, row_id: int, provider_id: str) -> None:
        """Marks a row ``sent`` with the provider's message id."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._sent.append((row_id, provider_id, future))
        self._wake()
        await future

    def _wake(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(
                self._write(), name="outbox-ledger"
            )

    async def _write(self) -> None:
        """Writes what is waiting, again and again until nothing is."""
        while self._claims or self._sent:
            sent, self._sent = self._sent, []
            claims, self._claims = self._claims, []
            outbox, now = self.store.outbox, self.clock.now()
            try:
                # Sends first: a row answered is no longer in flight, whatever happens next.
                await outbox.record_sent([(row_id, at) for row_id, at, _ in sent], now)
            except Exception as error:
                _fail(sent, error)
            else:
                for *_, done in sent:
                    _settle(done, True)
            try:
                claimed = await outbox.claim([(row_id, to) for row_id, to, _ in claims], now)
            except Exception as error:
                _fail(claims, error)
            else:
                for row_id, _, done in claims:
                    _settle(done, row_id in claimed)


def _settle(future: asyncio.Future[bool], result: bool) -> None:
    # A caller cancelled meanwhile (its drain was) no longer waits for the answer.
    if not future.done():
        future.set_result(result)


def _fail(waiting: Sequence[_Waiting], error: Exception) -> None:
    for *_, future in waiting:
        if not future.done():
            future.set_exception(error)
