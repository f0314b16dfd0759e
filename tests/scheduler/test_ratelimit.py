"""The rate limiter on its own, in fake time: the overall pace, the window of answered sends,
the pause a provider asks for, and the pause between two messages to one chat — the limit
Telegram answers with 429 within a second.

Mutants no test can kill, by design: the initial ``_next`` and ``_paused_until`` (any value
far below the monotonic clock behaves the same), the unlimited fast path's conditions (taking
the slow path with no limit waits for nothing either), ``start >= now`` before the pace's sleep
(sleeping no time changes nothing) and forgetting chats with ``ready >= now`` (a chat free
exactly now waits for nothing whether it is remembered or not)."""

from __future__ import annotations

import asyncio

import pytest

from scheduler.ratelimit import POLL, RateLimiter, Ticket
from tests.scheduler.conftest import FakeTime, limiter


async def send(limits: RateLimiter, fake_time: FakeTime, chat: str) -> float:
    """Takes a ticket for ``chat``, answers it at once; returns when it was allowed out."""
    ticket = await limits.acquire(chat)
    at = fake_time.monotonic()
    limits.done(ticket)
    return at


async def test_a_second_message_to_one_chat_waits_the_per_chat_interval(
    fake_time: FakeTime,
) -> None:
    """Two messages to one chat go out a full interval apart, even with no overall limit."""
    limits = limiter(fake_time, 0, per_chat=1.0)
    start = fake_time.monotonic()

    first = await send(limits, fake_time, "telegram:1")
    second = await send(limits, fake_time, "telegram:1")
    third = await send(limits, fake_time, "telegram:1")

    assert [0.0, 1.0, 2.0] == [round(at - start, 6) for at in (first, second, third)]


async def test_other_chats_do_not_wait_for_one_chats_interval(fake_time: FakeTime) -> None:
    """The per-chat pause holds back only that chat: others go out at once."""
    limits = limiter(fake_time, 0, per_chat=1.0)
    start = fake_time.monotonic()

    moments = [await send(limits, fake_time, f"telegram:{n}") for n in range(5)]

    assert [0.0] * 5 == [at - start for at in moments]
    assert [] == fake_time.slept


async def test_a_chat_that_was_quiet_for_longer_than_the_interval_goes_at_once(
    fake_time: FakeTime,
) -> None:
    """The interval counts from the chat's last message, not from when the limiter started."""
    limits = limiter(fake_time, 0, per_chat=1.0)
    await send(limits, fake_time, "telegram:1")
    fake_time.clock.advance(seconds=5)
    start = fake_time.monotonic()

    assert start == await send(limits, fake_time, "telegram:1")


async def test_without_a_per_chat_interval_one_chat_is_not_held_back(
    fake_time: FakeTime,
) -> None:
    """No per-chat interval (WhatsApp's setting, and the default) lets messages to one chat
    follow each other, and remembers no chat."""
    limits = RateLimiter(0, monotonic=fake_time.monotonic, sleep=fake_time.sleep)
    start = fake_time.monotonic()

    moments = [await send(limits, fake_time, "whatsapp:+38267000000") for _ in range(3)]

    assert ([start] * 3, {}) == (moments, limits._chats)


async def test_a_rate_of_zero_is_unlimited(fake_time: FakeTime) -> None:
    """Rate 0 (a benchmark's setting) never waits, however many sends."""
    limits = limiter(fake_time, 0)

    for n in range(1_000):
        await limits.acquire(f"telegram:{n}")

    assert [] == fake_time.slept


async def test_sends_are_paced_evenly_at_the_rate(fake_time: FakeTime) -> None:
    """At 4 a second, sends start a quarter of a second apart: no burst at the start."""
    limits = limiter(fake_time, 4)
    start = fake_time.monotonic()

    moments = [await send(limits, fake_time, f"telegram:{n}") for n in range(6)]

    assert [0.0, 0.25, 0.5, 0.75, 1.0, 1.25] == [round(at - start, 6) for at in moments]


async def test_an_idle_spell_allows_no_burst_afterwards(fake_time: FakeTime) -> None:
    """After ten quiet seconds the pace is the same: the time unused is not saved up."""
    limits = limiter(fake_time, 4)
    await send(limits, fake_time, "telegram:0")
    fake_time.clock.advance(seconds=10)
    start = fake_time.monotonic()

    moments = [await send(limits, fake_time, f"telegram:{n}") for n in range(3)]

    assert [0.0, 0.25, 0.5] == [round(at - start, 6) for at in moments]


async def test_a_rate_of_one_waits_a_second_after_the_last_answer(fake_time: FakeTime) -> None:
    """At one a second, a send answered half a second late holds the next one until a second
    after that answer — later than the even pace alone would."""
    limits = limiter(fake_time, 1)
    start = fake_time.monotonic()
    first = await limits.acquire("telegram:1")
    fake_time.clock.advance(seconds=0.5)
    limits.done(first)

    second = await send(limits, fake_time, "telegram:2")

    assert 1.5 == pytest.approx(second - start)


async def test_a_full_window_waits_for_its_oldest_send_to_be_answered(
    fake_time: FakeTime,
) -> None:
    """With ``rate`` sends unanswered, the next one waits (however long) until the oldest is
    answered, and then a full second more: the provider may have counted it only then."""
    limits = limiter(fake_time, 2)
    first = await limits.acquire("telegram:1")
    await limits.acquire("telegram:2")
    third = asyncio.create_task(limits.acquire("telegram:3"))
    for _ in range(500):
        await asyncio.sleep(0)
    waited_unanswered = not third.done()
    fake_time.clock.advance(seconds=3)
    limits.done(first)
    answered = fake_time.monotonic()

    await third

    assert waited_unanswered
    assert 1.0 == pytest.approx(fake_time.monotonic() - answered, abs=POLL)
    # While the oldest send is unanswered the limiter looks again every POLL seconds; once it
    # is answered, it sleeps the rest of the second in one go.
    assert POLL in fake_time.slept
    assert fake_time.slept[-1] > 0.9


async def test_exactly_rate_sends_fit_in_one_second(fake_time: FakeTime) -> None:
    """Three unanswered sends fit a rate of 3; once they are answered, the fourth waits until a
    second after the first answer (the even pace alone would let it out sooner)."""
    limits = limiter(fake_time, 3)
    start = fake_time.monotonic()
    tickets = []
    for n in range(3):
        tickets.append(await limits.acquire(f"telegram:{n}"))
    answered = fake_time.monotonic()
    for ticket in tickets:
        limits.done(ticket)

    fourth = await send(limits, fake_time, "telegram:4")

    assert 2 / 3 == pytest.approx(answered - start)
    assert 1.0 == pytest.approx(fourth - answered)


async def test_a_pause_holds_every_send_back_until_it_ends(fake_time: FakeTime) -> None:
    """The provider's retry_after stops the whole channel; a shorter pause later does not
    shorten it."""
    limits = limiter(fake_time, 0)
    start = fake_time.monotonic()
    limits.pause(3)
    limits.pause(1)

    assert 3.0 == await send(limits, fake_time, "telegram:1") - start


async def test_a_ticket_is_unanswered_until_done(fake_time: FakeTime) -> None:
    """A ticket's answer time is unknown (infinite) until the provider answers."""
    limits = limiter(fake_time, 1)
    ticket = await limits.acquire("telegram:1")
    unanswered = ticket.answered
    fake_time.clock.advance(seconds=2)
    limits.done(ticket)

    assert (float("inf"), fake_time.monotonic()) == (unanswered, ticket.answered)
    assert float("inf") == Ticket().answered


async def test_chats_past_ten_thousand_are_forgotten_once_their_interval_is_over(
    fake_time: FakeTime,
) -> None:
    """The per-chat table holds up to 10,000 chats before it drops those free to send again, so
    a broadcast to 100,000 members does not keep 100,000 entries. (Only the table's size shows
    it: a forgotten chat could send at once anyway — which is also why keeping a chat whose
    interval ends exactly now, ``>=`` for ``>``, is a mutant nothing can observe.)"""
    limits = limiter(fake_time, 0, per_chat=1.0)
    for n in range(9_999):
        await limits.acquire(f"telegram:{n}")
    fake_time.clock.advance(seconds=1.5)

    await limits.acquire("telegram:9999")
    kept_at_the_limit = len(limits._chats)
    await limits.acquire("telegram:10000")

    assert (10_000, {"telegram:9999", "telegram:10000"}) == (
        kept_at_the_limit,
        set(limits._chats),
    )


async def test_the_next_ticket_waits_until_the_block_of_a_slot_ends(fake_time: FakeTime) -> None:
    """What the sender does inside :meth:`RateLimiter.slot` (claiming its row) comes before the
    next send's ticket, however long it takes; the pace then continues from the planned start,
    not from the end of the block."""
    limits = limiter(fake_time, 4)
    start = fake_time.monotonic()
    async with limits.slot("telegram:1"):
        second = asyncio.create_task(send(limits, fake_time, "telegram:2"))
        for _ in range(50):
            await asyncio.sleep(0)
        held_back = not second.done()
        fake_time.clock.advance(seconds=0.1)

    assert held_back
    assert 0.25 == pytest.approx(await second - start)


async def test_a_slot_without_a_limit_holds_nobody_back(fake_time: FakeTime) -> None:
    """Unlimited and not paused, slots are taken side by side (the sender's fast path: claims
    of many rows then share one write)."""
    limits = limiter(fake_time, 0)
    async with asyncio.timeout(1), limits.slot("telegram:1"), limits.slot("telegram:2") as ticket:
        assert float("inf") == ticket.answered
    assert [] == fake_time.slept
