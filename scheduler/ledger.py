"""The sender's bookkeeping in the outbox, one row at a time for the caller and in batches for
the database.

Each send claims its row (``queued`` → ``sending``) just before its request leaves, and records
it ``sent`` as soon as the provider answers, so a row is ``sending`` only while its request is
with the provider. Written one by one, that would be two SQLite writes a message; instead, what
arrives while a write is under way waits for the next one, which takes all of it in one
statement (group commit): one write per message at a slow pace, a handful per window of
sixteen at full speed.

A claim waits for its write (the row must be ours before its request leaves); a record does
not: the sender goes on with its next row, whose claim shares the record's write, and
:meth:`Ledger.written` waits for every record at the end of a batch. If the database refuses a
record, no row is claimed any more until :meth:`Ledger.written` has reported it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.clock import Clock
from bot.store import Store

_Claim = tuple[int, str, asyncio.Future[bool]]


class Ledger:
    """Claims rows and records sends in batches."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._claims: list[_Claim] = []
        self._sent: list[tuple[int, str]] = []
        self._writer: asyncio.Task[None] | None = None
        self._refused: Exception | None = None

    async def claim(self, row_id: int, address: str) -> bool:
        """Marks a queued row ``sending`` to ``address``; False if it was cancelled, erased or
        taken meanwhile (then it must not be sent)."""
        if self._refused is not None:
            raise self._refused
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._claims.append((row_id, address, future))
        self._wake()
        return await future

    def sent(self, row_id: int, provider_id: str) -> None:
        """Marks a row ``sent`` with the provider's message id, in the next write."""
        self._sent.append((row_id, provider_id))
        self._wake()

    async def written(self) -> None:
        """Waits until everything given so far is written; raises what the database refused
        (once: the next batch starts afresh)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)
        refused, self._refused = self._refused, None
        if refused is not None:
            raise refused

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
                await outbox.record_sent(sent, now)
            except Exception as error:
                self._refused = self._refused or error
            if self._refused is not None:
                _fail(claims, self._refused)
                continue
            try:
                claimed = await outbox.claim([(row_id, to) for row_id, to, _ in claims], now)
            except Exception as error:
                _fail(claims, error)
            else:
                for row_id, _, waiter in claims:
                    # A caller cancelled meanwhile (its drain was) no longer waits.
                    if not waiter.done():
                        waiter.set_result(row_id in claimed)


def _fail(claims: Sequence[_Claim], error: Exception) -> None:
    for *_, waiter in claims:
        if not waiter.done():
            waiter.set_exception(error)
