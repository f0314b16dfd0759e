"""Starts a channel in the background and keeps trying until its platform answers, so that one
channel's outage leaves the others, the scheduler and the dashboard serving.

A start that raises :class:`bot.errors.ChannelUnavailable` (or anything unexpected) is tried
again after 1 s, 2 s, 4 s … up to 5 minutes, each wait shortened by a random part of up to a
quarter so that bots restarted together do not knock in step. :class:`bot.errors.ChannelRefused`
(a token the platform refuses) ends the attempts: settings are read once, so only a restart
with the setting fixed can change the answer. A channel that was up and loses its platform
(:meth:`Supervisor.lost`) counts as retrying until a probe answers again. The log says each
change once — down, up, refused — never each attempt.

:class:`Serving` is the view of the channels the outbox sends on: a channel known to be down
is left out, so its messages wait queued instead of failing their attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.channels.base import Channel
from bot.errors import ChannelRefused, ChannelUnavailable

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class State(StrEnum):
    """Where a channel is, as ``/healthz`` reports it."""

    OFF = "off"  # not configured
    STARTING = "starting"  # first attempt not over yet
    UP = "up"
    RETRYING = "retrying"  # the platform could not be reached; trying again
    REFUSED = "refused"  # the platform refused the settings; off until they are fixed


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: doubling from ``first`` seconds up to ``cap``."""

    first: float = 1.0
    cap: float = 300.0

    def wait(self, failures: int, jitter: float) -> float:
        """Seconds to wait after ``failures`` failed attempts (1 or more), ``jitter`` in [0, 1)
        taking up to a quarter off."""
        full = min(self.cap, self.first * 2.0 ** min(failures - 1, 64))
        return full * (1 - jitter / 4)

    def describe(self) -> str:
        """The cap in words: ``5 min``, ``30 s``."""
        return f"{self.cap / 60:g} min" if self.cap >= 60 else f"{self.cap:g} s"


class Supervisor:
    """Runs one channel's ``start`` in a task until it succeeds or is refused."""

    def __init__(
        self,
        name: str,
        start: Callable[[], Awaitable[None]],
        *,
        probe: Callable[[], Awaitable[None]] | None = None,
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.name = name
        self.start = start
        # A cheap call that proves the platform answers again after a channel that was up lost
        # it (Telegram: getMe); the start itself when there is none.
        self.probe = probe or start
        self.sleep = sleep
        self.backoff = backoff or Backoff()
        self.jitter = jitter
        self.state = State.STARTING
        self.attempts = 0
        self._task: asyncio.Task[None] | None = None
        # Told each time the channel comes up, first or again (the outbox sends what waited).
        self.on_up: Callable[[], Awaitable[object]] | None = None

    @property
    def begun(self) -> bool:
        """Whether :meth:`begin` was called (and :meth:`stop` not yet)."""
        return self._task is not None

    def begin(self) -> None:
        """Starts trying in the background."""
        if self._task is None:
            self.state = State.STARTING
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"start-{self.name}"
            )

    def lost(self, error: Exception) -> None:
        """The channel was up and its platform stopped answering (Telegram's polling failed):
        it counts as retrying — said once — until :attr:`probe` gets an answer again. The
        channel's own retries go on meanwhile (python-telegram-bot keeps polling)."""
        if self.state is not State.UP or self._task is None:
            return
        self._down(error)
        self._task = asyncio.get_running_loop().create_task(
            self._recover(), name=f"recover-{self.name}"
        )

    async def _recover(self) -> None:
        failures = 1
        while True:
            await self.sleep(self.backoff.wait(failures, self.jitter()))
            try:
                await self.probe()
            except ChannelRefused as error:
                self.state = State.REFUSED
                log.error("%s: %s", self.name, error)
                return
            except Exception as error:
                failures += 1
                self._down(error)
                continue
            await self._up()
            log.info("%s: reached again", self.name)
            return

    async def stop(self) -> None:
        """Stops trying (an attempt under way is cancelled; the channel cleans up after it)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        failures = 0
        while True:
            self.attempts += 1
            try:
                await self.start()
            except ChannelRefused as error:
                self.state = State.REFUSED
                log.error("%s: %s", self.name, error)
                return
            except Exception as error:
                failures += 1
                self._down(error)
                await self.sleep(self.backoff.wait(failures, self.jitter()))
                continue
            if self.state is State.RETRYING:
                log.info("%s: reached after %d attempts", self.name, self.attempts)
            await self._up()
            return

    async def _up(self) -> None:
        self.state = State.UP
        if self.on_up is not None:
            try:
                await self.on_up()
            except Exception:
                # The channel is up whatever its listener makes of it.
                log.exception("%s: what waited for the channel could not be released", self.name)

    def _down(self, error: Exception) -> None:
        """Says once that the channel is down; each further attempt only at debug level."""
        if self.state is State.RETRYING:
            log.debug("%s: still down: %s", self.name, error)
            return
        self.state = State.RETRYING
        every = self.backoff.describe()
        if isinstance(error, ChannelUnavailable):
            log.warning("%s: %s; retrying, at most every %s", self.name, error, every)
        else:
            # Not an outage we know: the traceback, once, to find out what it is.
            log.error(
                "%s: could not start; retrying, at most every %s", self.name, every, exc_info=error
            )


class Serving(Mapping[str, Channel]):
    """The channels the outbox may send on now: every configured one, less those whose
    supervisor knows them down or refused (their messages stay queued for later).

    Membership (``in``, iteration) says where to route; a lookup still finds any configured
    channel, so a send routed a moment before its channel went down just fails for now."""

    def __init__(self, channels: Mapping[str, Channel], supervisors: Mapping[str, Supervisor]):
        self.channels = channels
        self.supervisors = supervisors

    def _serving(self, name: str) -> bool:
        supervisor = self.supervisors.get(name)
        down = (State.RETRYING, State.REFUSED)
        return supervisor is None or not supervisor.begun or supervisor.state not in down

    def __getitem__(self, name: str) -> Channel:
        return self.channels[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.channels and self._serving(name)

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.channels if self._serving(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)
