"""The supervisor of a channel's start: capped backoff with jitter, one log line per change,
no retry after a refusal, and the outbox's view of the channels that serve."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from bot.channels.supervisor import Backoff, Serving, State, Supervisor
from bot.errors import ChannelRefused, ChannelUnavailable
from bot.messages import Reply


class Flaky:
    """A channel start that fails ``failures`` times with ``error``, then succeeds."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or ChannelUnavailable("cannot reach the platform at http://x")
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error


class Waits:
    """A sleep that records how long it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        await asyncio.sleep(0)


async def until(condition: Callable[[], bool]) -> None:
    """Waits (5 s at most) until ``condition()`` holds."""
    async with asyncio.timeout(5):
        while True:
            if condition():
                return
            await asyncio.sleep(0.001)


async def settle(supervisor: Supervisor) -> None:
    """Waits until the supervisor is up or refused."""
    await until(lambda: supervisor.state in (State.UP, State.REFUSED))


def test_backoff_doubles_from_one_second_to_a_five_minute_cap() -> None:
    """Without jitter the waits are 1, 2, 4 … 256, then 300 s for ever."""
    backoff = Backoff()

    waits = [backoff.wait(failures, 0.0) for failures in range(1, 13)]

    assert [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300] == waits
    assert 300 == backoff.wait(10_000, 0.0)


def test_jitter_takes_at_most_a_quarter_off() -> None:
    """The largest jitter shortens a wait by a quarter, never more, never lengthens it."""
    backoff = Backoff()

    assert (0.75, 225.0, 1.0) == (
        backoff.wait(1, 1.0),
        backoff.wait(20, 1.0),
        backoff.wait(1, 0.0),
    )


async def test_a_channel_that_cannot_connect_is_retried_with_backoff_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Eleven failures: the waits double to the cap, one warning when it goes down and one
    line when it comes up — not one per attempt."""
    start, waits = Flaky(11), Waits()
    supervisor = Supervisor("telegram", start, sleep=waits, jitter=lambda: 0.0)
    caplog.set_level(logging.INFO, logger="bot.channels.supervisor")

    supervisor.begin()
    await settle(supervisor)
    await supervisor.stop()

    assert (State.UP, 12) == (supervisor.state, start.calls)
    assert [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300] == waits.seconds
    assert [
        (
            logging.WARNING,
            "telegram: cannot reach the platform at http://x; retrying, at most every 5 min",
        ),
        (logging.INFO, "telegram: reached after 12 attempts"),
    ] == [(record.levelno, record.getMessage()) for record in caplog.records]


async def test_a_refusal_is_one_line_and_never_retried(caplog: pytest.LogCaptureFixture) -> None:
    """A refused token: state refused, one error line without traceback, one attempt only."""
    start, waits = Flaky(1, ChannelRefused("the platform refused THE_TOKEN")), Waits()
    supervisor = Supervisor("telegram", start, sleep=waits)

    supervisor.begin()
    await settle(supervisor)
    await asyncio.sleep(0.01)
    await supervisor.stop()

    assert (State.REFUSED, 1, []) == (supervisor.state, start.calls, waits.seconds)
    assert [(logging.ERROR, "telegram: the platform refused THE_TOKEN", None)] == [
        (record.levelno, record.getMessage(), record.exc_info) for record in caplog.records
    ]


async def test_an_unexpected_error_is_retried_and_its_traceback_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Something unforeseen (not an outage the channel recognised) is retried too; its
    traceback is logged on the first failure only."""
    start = Flaky(3, OSError("something odd"))
    supervisor = Supervisor("whatsapp", start, sleep=Waits())

    supervisor.begin()
    await settle(supervisor)
    await supervisor.stop()

    failures = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert (State.UP, 1) == (supervisor.state, len(failures))
    assert failures[0].exc_info is not None
    assert "whatsapp: could not start; retrying" in failures[0].getMessage()


async def test_stop_ends_the_retrying_at_once() -> None:
    """Stopping while the supervisor waits to retry cancels the wait."""
    start = Flaky(10**6)
    supervisor = Supervisor("telegram", start)  # real sleeps: 1 s, 2 s …

    supervisor.begin()
    await until(lambda: supervisor.state is State.RETRYING)
    async with asyncio.timeout(0.5):
        await supervisor.stop()

    assert (False, 1) == (supervisor.begun, start.calls)


class Named:
    """A channel that sends nothing."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def send(self, address: str, reply: Reply) -> str:
        return "id"


async def test_the_outbox_sees_only_channels_that_serve() -> None:
    """A channel known down (retrying or refused) is left out of routing; one not supervised,
    starting or up is in; a lookup finds any configured channel."""
    channels = {name: Named(name) for name in ("telegram", "whatsapp", "terminal")}
    telegram = Supervisor("telegram", Flaky(10**6), sleep=Waits())
    whatsapp = Supervisor("whatsapp", Flaky(0))
    serving = Serving(channels, {"telegram": telegram, "whatsapp": whatsapp})
    before = sorted(serving)

    telegram.begin()
    whatsapp.begin()
    await until(lambda: telegram.state is State.RETRYING and whatsapp.state is State.UP)
    during = (sorted(serving), "telegram" in serving, serving["telegram"].name)
    await telegram.stop()
    await whatsapp.stop()

    assert ["telegram", "terminal", "whatsapp"] == before
    assert (["terminal", "whatsapp"], False, "telegram") == during


async def test_each_coming_up_is_told_first_and_again_and_a_failing_listener_changes_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """on_up hears the first start and each recovery after a loss (the outbox sends what
    waited); a listener that fails is logged and the channel is still up."""
    told: list[State] = []
    probe = Flaky(1)
    supervisor = Supervisor("telegram", Flaky(2), probe=probe, sleep=Waits(), jitter=lambda: 0)

    async def listener() -> None:
        told.append(supervisor.state)
        if len(told) == 2:
            raise RuntimeError("the database is locked")

    supervisor.on_up = listener
    supervisor.begin()
    await settle(supervisor)
    assert [State.UP] == told
    supervisor.lost(ChannelUnavailable("network down"))
    after_the_loss = supervisor.state
    await until(lambda: len(told) == 2)
    await supervisor.stop()

    assert State.RETRYING == after_the_loss
    assert ([State.UP, State.UP], 2) == (told, probe.calls)
    assert supervisor.state is State.UP
    assert "telegram: what waited for the channel could not be released" in caplog.text
