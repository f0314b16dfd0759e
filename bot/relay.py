"""The WhatsApp relay: a webhook message is stored, handled by the engine, and its replies sent
through Twilio's REST API — again and again through an outage until they go.

Why store first: Twilio gets its 200 (empty TwiML) at once and the work happens after it, in
the background. A message stored before the 200 survives a crash of the process; replies
Twilio refused for now (5xx, timeouts, 429) stay stored and are tried again with a growing
delay, until they go or the member's 24-hour window — which a reply needs — is about to close.
A redelivered webhook (same MessageSid) is stored once, and the engine handles a message id
once. What a crash can cost: a reply in the milliseconds between handling and sending (the
member's message itself is kept and its effect stored), or one part sent twice when the
process dies during the REST call — never the member's message.

One lane (task) per address walks that address's messages in order, so replies never overtake
each other; lanes of different members run side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.channels.whatsapp import Part, WhatsAppChannel, address_of, to_inbound
from bot.clock import Clock
from bot.errors import PermanentDeliveryError, RateLimited, TemporaryDeliveryError, Unreachable
from bot.messages import Inbound, Reply
from bot.store import InboxRow, Store

log = logging.getLogger(__name__)

Handler = Callable[[Inbound], Awaitable[list[Reply]]]

# Seconds before the 1st, 2nd, ... retry of a reply Twilio refused for now; then the last.
BACKOFF = (2.0, 10.0, 30.0, 120.0, 600.0)
# A reply is given up once its message is this old: WhatsApp's window would refuse it.
GIVE_UP = timedelta(hours=23)
SWEEP_EVERY = 5.0
CLOSE_GRACE = 5.0


class Relay:
    """Answers stored WhatsApp messages, one lane per member."""

    def __init__(
        self,
        store: Store,
        channel: WhatsAppChannel,
        handle: Handler,
        clock: Clock,
        *,
        backoff: Sequence[float] = BACKOFF,
        give_up: timedelta = GIVE_UP,
        sweep_every: float = SWEEP_EVERY,
    ) -> None:
        self.store = store
        self.channel = channel
        self.handle = handle
        self.clock = clock
        self.backoff = tuple(backoff)
        self.give_up = give_up
        self.sweep_every = sweep_every
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._kicked: set[str] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._closing = False

    async def receive(self, fields: Mapping[str, str]) -> bool:
        """Stores a verified webhook message and starts answering it in the background.

        False when it is not a WhatsApp message or was stored before (Twilio repeated it).
        """
        sid = fields.get("MessageSid") or fields.get("SmsMessageSid")
        address = address_of(fields)
        if not sid or address is None:
            return False
        added = await self.store.inbox.add(sid, address, fields, self.clock.now())
        if added:
            self.kick(address)
        return added

    def kick(self, address: str) -> None:
        """Makes sure a lane is walking ``address``'s messages."""
        if self._closing:
            return
        self._kicked.add(address)
        if address not in self._lanes:
            self._lanes[address] = asyncio.get_running_loop().create_task(
                self._lane(address), name="whatsapp-lane"
            )

    async def sweep(self) -> int:
        """Starts lanes for every address with a message due (at start-up, after a delay)."""
        addresses = await self.store.inbox.due_addresses(self.clock.now())
        for address in addresses:
            self.kick(address)
        return len(addresses)

    async def start(self) -> None:
        """Picks up what a previous run left, then sweeps every few seconds."""
        await self.sweep()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def idle(self) -> None:
        """Waits until no lane is working (tests and benchmarks)."""
        while self._lanes:
            await asyncio.gather(*self._lanes.values(), return_exceptions=True)

    async def close(self) -> None:
        """Stops sweeping, gives the lanes a moment, then cancels them (their rows stay)."""
        self._closing = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        lanes = list(self._lanes.values())
        if lanes:
            _, pending = await asyncio.wait(lanes, timeout=CLOSE_GRACE)
            for lane in pending:
                lane.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_every)
            try:
                await self.sweep()
            except Exception:
                log.exception("whatsapp: sweeping the inbox failed")

    async def _lane(self, address: str) -> None:
        try:
            while True:
                self._kicked.discard(address)
                try:
                    await self._walk(address)
                except Exception:
                    # The store failed: the messages stay where they are for the next sweep.
                    log.exception("whatsapp: a lane stopped")
                    return
                if address not in self._kicked or self._closing:
                    return
        finally:
            # No await between the last look at _kicked and here: a kick is never missed.
            self._lanes.pop(address, None)

    async def _walk(self, address: str) -> None:
        """Works through an address's messages until none is left or the next must wait."""
        while not self._closing:
            row = await self.store.inbox.next_for(address)
            if row is None or datetime.fromisoformat(row.not_before) > self.clock.now():
                return
            try:
                finished = await self._work(row)
            except Exception as error:
                log.exception("whatsapp: answering inbox row %d failed", row.id)
                finished = await self._later(row, f"{type(error).__name__}: {error}")
            if not finished:
                return

    async def _work(self, row: InboxRow) -> bool:
        """Handles a message and sends its replies; False when the rest must wait."""
        inbox = self.store.inbox
        parts = [Part.from_dict(part) for part in row.parts]
        # The replies are written down only when one cannot go at once (the usual case costs
        # no write); a crash in the milliseconds before that loses a reply, never the message.
        kept = row.state != "received"
        if not kept:
            inbound = to_inbound(row.fields, datetime.fromisoformat(row.received_at))
            replies = await self.handle(inbound) if inbound is not None else []
            parts = [part for reply in replies for part in self.channel.render(reply)]
        while parts:
            try:
                await self.channel.deliver(row.address, parts[0])
            except Unreachable as error:
                log.info("whatsapp: inbox row %d: the member cannot be reached: %s", row.id, error)
                await self.store.recipients.mark_unreachable(row.address, self.clock.now())
                break
            except PermanentDeliveryError as error:
                log.warning("whatsapp: inbox row %d: reply refused: %s", row.id, error)
                break
            except Exception as error:
                # For now (an outage, a 429) or unexpected: the rest waits, written down.
                if not isinstance(error, TemporaryDeliveryError):
                    log.exception("whatsapp: inbox row %d: sending failed", row.id)
                if not kept:
                    await inbox.handled(row.id, [p.as_dict() for p in parts], self.clock.now())
                    row = replace(row, state="replying")
                if isinstance(error, RateLimited):
                    later = self.clock.now() + timedelta(seconds=error.retry_after)
                    await inbox.retry(row.id, str(error), later, self.clock.now())
                    return False
                return await self._later(row, str(error) or type(error).__name__)
            parts = parts[1:]
            if parts and kept:
                await inbox.progress(row.id, [part.as_dict() for part in parts], self.clock.now())
        await inbox.done(row.id)
        return True

    async def _later(self, row: InboxRow, reason: str) -> bool:
        """Tries a row again after a delay, or gives it up when its replies would come too late.

        Returns whether the lane may go on to the address's next message.
        """
        now = self.clock.now()
        if datetime.fromisoformat(row.received_at) + self.give_up <= now:
            log.warning(
                "whatsapp: gave up inbox row %d after %d attempts: %s", row.id, row.attempts, reason
            )
            await self.store.inbox.done(row.id)
            return True
        delay = self.backoff[min(row.attempts, len(self.backoff) - 1)]
        await self.store.inbox.retry(row.id, reason, now + timedelta(seconds=delay), now)
        log.info("whatsapp: inbox row %d: trying again in %gs: %s", row.id, delay, reason)
        return False
