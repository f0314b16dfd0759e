"""The sender: routing (which channel, stopped, erased, unreachable, WhatsApp's window), the
decisions on failures (429, unreachable, retry with backoff, failed), claiming rows only when
their turn has come, what a crash leaves, and draining (one job, progress, one at a time, stop).

Mutants of scheduler/sender.py no test can kill, by design (mutmut, issue 17):
- ``batch`` 500 -> 501: rows are fetched a page at a time; any page size drains the same.
- ``_stopping = None`` for ``False``, and ``count_attempt=None`` for ``False``: equally falsy.
- ``kick``'s ``or`` -> ``and``: a second task would start, but :meth:`Sender.drain` has the same
  guard and returns at once.
- ``limiter is not None and ticket is not None`` -> ``or``: a ticket exists exactly when a
  limiter does; and the ticket's initial ``None`` -> ``""`` only matters when the drain is
  cancelled inside the limiter's wait, where the error is swallowed with the cancelled task.
- an unreachable address's reason -> ``None``: the row goes back to the queue at once and the
  same drain routes it again, which overwrites the reason (sent, skipped or waiting).
And of scheduler/ledger.py (88%, the rest of its 53 mutants killed or hung): the writer task's
name (only for a person reading a dump of the tasks) and the value a recorded send's waiter gets
(``True``; nobody reads it).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from bot.clock import FixedClock
from bot.content import Content
from bot.content.audience import Audience
from bot.errors import RateLimited, TemporaryDeliveryError, Unreachable
from bot.messages import Reply, Template
from bot.store import Outgoing, Store
from scheduler import broadcast
from scheduler.ratelimit import RateLimiter
from scheduler.report import outbox_status
from scheduler.sender import Sender
from scheduler.sendlock import SendLock
from tests.fakes.channel import FakeChannel
from tests.scheduler.conftest import (
    NOW,
    FakeTime,
    add_member,
    limiter,
    make_planner,
    make_sender,
    states,
    write_campaign,
)

TEMPLATE = Template("HX" + "0" * 32, {"1": "Ana"})
ANA_ON_WHATSAPP = "whatsapp:+38267000001"


async def _queue(
    store: Store, *member_ids: int, job: str = "broadcast:1", template: Template | None = None
) -> None:
    await store.outbox.enqueue(
        [
            Outgoing(job, "broadcast", member_id, f"Hello {member_id}", NOW, template)
            for member_id in member_ids
        ],
        NOW,
    )


async def _row(
    store: Store, member_id: int, job: str = "broadcast:1"
) -> tuple[str, int, str | None]:
    row = await store.db.fetchone(
        "SELECT state, attempts, error FROM outbox WHERE member_id = ? AND job = ?",
        (member_id, job),
    )
    assert row is not None
    return (row[0], row[1], row[2])


async def test_each_member_gets_one_copy_on_the_preferred_reachable_channel(
    store: Store, clock: FixedClock, telegram: FakeChannel, whatsapp: FakeChannel
) -> None:
    """Two addresses, one message: on WhatsApp for who prefers it, else on Telegram."""
    both = await add_member(
        store,
        "telegram:1",
        also=("whatsapp:+38267000001",),
        preferred_channel="whatsapp",
        last_inbound_at=NOW - timedelta(hours=1),
    )
    plain = await add_member(store, "telegram:2", also=("whatsapp:+38267000002",))
    await _queue(store, both, plain)
    report = await make_sender(store, clock, telegram, whatsapp).drain()
    assert (2, ["telegram:2"], ["whatsapp:+38267000001"]) == (
        report.sent,
        [to for to, _ in telegram.sent],
        [to for to, _ in whatsapp.sent],
    )
    assert {"sent": 2} == await states(store)
    row = await store.db.fetchone("SELECT provider_id FROM outbox WHERE member_id = ?", (plain,))
    assert row is not None and "telegram-1" == row[0]


async def test_a_crash_between_sending_and_sent_leaves_unknown_rows_that_are_never_resent(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """Killed mid-send: at the next start the row is unknown, reported, and not sent again."""
    member = await add_member(store, "telegram:1")
    await _queue(store, member)
    stuck = asyncio.Event()

    async def hang(address: str) -> None:
        stuck.set()
        await asyncio.Event().wait()  # the provider call that never returns: the process dies

    telegram.before_send = hang
    crashed = asyncio.create_task(make_sender(store, clock, telegram).drain())
    await stuck.wait()
    crashed.cancel()
    assert {"sending": 1} == await states(store)

    telegram.before_send = None
    restarted = make_sender(store, clock, telegram)
    assert 1 == await restarted.recover()
    await restarted.drain()
    assert ([], {"unknown": 1}) == (telegram.sent, await states(store))
    status = "\n".join(await outbox_status(store))
    assert f"row 1 broadcast:1 member {member} on telegram" in status


async def test_a_429_waits_for_retry_after_without_spending_an_attempt(
    store: Store, clock: FixedClock, fake_time: FakeTime, telegram: FakeChannel
) -> None:
    """Flood control: the row goes back, the whole channel pauses, then it is sent."""
    first, second = await add_member(store, "telegram:1"), await add_member(store, "telegram:2")
    await _queue(store, first, second)
    telegram.fail["telegram:1"] = [RateLimited(3.0)]
    limits = {"telegram": limiter(fake_time, 25)}
    sender = make_sender(store, clock, telegram, limits=limits, window=1)
    report = await sender.drain()
    # The second waited out the pause; by then the first was due again and went too.
    assert 3.0 == max(fake_time.slept)
    assert (1, ["telegram:2", "telegram:1"]) == (report.retried, [to for to, _ in telegram.sent])
    assert ("sent", 1) == (await _row(store, first))[:2]


async def test_a_blocked_bot_marks_the_address_unreachable_forever(
    store: Store, clock: FixedClock, telegram: FakeChannel, whatsapp: FakeChannel
) -> None:
    """403: the address is never tried again; a member with another address gets it there."""
    alone = await add_member(store, "telegram:1")
    both = await add_member(
        store,
        "telegram:2",
        also=("whatsapp:+38267000002",),
        last_inbound_at=NOW - timedelta(hours=2),
    )
    await _queue(store, alone, both)
    telegram.fail["telegram:1"] = [Unreachable("telegram: Forbidden: bot was blocked")]
    telegram.fail["telegram:2"] = [Unreachable("telegram: Forbidden: bot was blocked")]
    sender = make_sender(store, clock, telegram, whatsapp)
    await sender.drain()
    assert [("skipped", "no reachable address"), ("sent", None)] == [
        ((await _row(store, alone))[0], (await _row(store, alone))[2]),
        ((await _row(store, both))[0], (await _row(store, both))[2]),
    ]
    assert ["whatsapp:+38267000002"] == [to for to, _ in whatsapp.sent]
    await _queue(store, alone, both, job="broadcast:2")
    await sender.drain()
    assert [] == telegram.sent
    addresses = await store.members.addresses(alone)
    assert addresses[0].unreachable_at is not None


async def test_timeouts_and_5xx_are_retried_with_backoff_then_failed_with_the_reason(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """Three attempts, 5 s and 30 s apart; then failed, saying why."""
    member = await add_member(store, "telegram:1")
    await _queue(store, member)
    telegram.fail["telegram:1"] = [TemporaryDeliveryError("telegram: Bad Gateway (502)")] * 3
    sender = make_sender(store, clock, telegram)
    await sender.drain()
    assert ("queued", 1) == (await _row(store, member))[:2]
    clock.advance(seconds=4)
    await sender.drain()
    assert ("queued", 1) == (await _row(store, member))[:2]
    clock.advance(seconds=1)
    await sender.drain()
    assert ("queued", 2) == (await _row(store, member))[:2]
    clock.advance(seconds=30)
    report = await sender.drain()
    assert ("failed", 3, "gave up after 3 attempts: telegram: Bad Gateway (502)") == await _row(
        store, member
    )
    assert 1 == report.failed


async def test_whatsapp_outside_the_24_hour_window_gets_the_template_or_nothing(
    store: Store, clock: FixedClock, whatsapp: FakeChannel
) -> None:
    """Never free text outside the window: the template if there is one, else needs_template."""
    fresh = await add_member(
        store, "whatsapp:+38267000001", last_inbound_at=NOW - timedelta(hours=23)
    )
    stale = await add_member(
        store, "whatsapp:+38267000002", last_inbound_at=NOW - timedelta(days=2)
    )
    never = await add_member(store, "whatsapp:+38267000003")
    await _queue(store, fresh, stale, never, job="campaign:with-template", template=TEMPLATE)
    await _queue(store, fresh, stale, job="campaign:without")
    await make_sender(store, clock, whatsapp).drain()
    assert [
        ("whatsapp:+38267000001", Reply(f"Hello {fresh}", template=None)),
        ("whatsapp:+38267000002", Reply("", template=TEMPLATE)),
        ("whatsapp:+38267000003", Reply("", template=TEMPLATE)),
        ("whatsapp:+38267000001", Reply(f"Hello {fresh}")),
    ] == whatsapp.sent
    assert "needs_template" == (await _row(store, stale, "campaign:without"))[0]


async def test_stopped_and_erased_members_are_sent_nothing(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """/stop after queueing: skipped. /delete: the rows go with the member."""
    stopped = await add_member(store, "telegram:1")
    erased = await add_member(store, "telegram:2")
    await _queue(store, stopped, erased)
    await store.members.update(stopped, NOW, stopped_at=NOW.isoformat())
    await store.members.delete(erased)
    await make_sender(store, clock, telegram).drain()
    assert ([], {"skipped": 1}) == (telegram.sent, await states(store))


async def test_the_rate_limits_pace_sends_overall_and_per_chat(
    store: Store, clock: FixedClock, fake_time: FakeTime, telegram: FakeChannel
) -> None:
    """25 a second overall (evenly, no bursts, never 26 in a second) and one a second to one
    chat."""
    members = [await add_member(store, f"telegram:{n}") for n in range(50)]
    await _queue(store, *members)
    await _queue(store, members[0], job="broadcast:2")
    moments: list[datetime] = []

    async def record(address: str) -> None:
        moments.append(clock.now())

    telegram.before_send = record
    start = clock.now()
    sender = make_sender(
        store, clock, telegram, limits={"telegram": limiter(fake_time, 25, per_chat=1.0)}, window=1
    )
    await sender.drain()
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
    assert 51 == len(telegram.sent)
    assert min(gaps) >= 1 / 25 - 1e-6
    assert 50 / 25 <= (moments[-1] - start).total_seconds() < 2.2
    # Never more than 25 in any second.
    assert all((b - a).total_seconds() >= 1.0 for a, b in zip(moments, moments[25:], strict=False))
    to_first = [m for m, (to, _) in zip(moments, telegram.sent, strict=True) if to == "telegram:0"]
    assert (to_first[1] - to_first[0]).total_seconds() >= 1.0


async def test_two_windows_of_sends_are_in_flight_and_only_their_rows_are_sending(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A slow provider does not stall the queue: two windows' worth of sends are with the
    provider at a time, each answer lets the next row go, and only the rows whose requests are
    out are ``sending`` (what a crash leaves)."""
    members = [await add_member(store, f"telegram:{n}") for n in range(20)]
    await _queue(store, *members)
    waiting: list[asyncio.Event] = []
    arrived = asyncio.Event()

    async def slow(address: str) -> None:
        answer = asyncio.Event()
        waiting.append(answer)
        arrived.set()
        await answer.wait()

    async def sends(count: int) -> None:
        """Waits (five seconds at most) until ``count`` sends reached the provider."""
        async with asyncio.timeout(5):
            while len(waiting) < count:
                arrived.clear()
                await arrived.wait()

    telegram.before_send = slow
    draining = asyncio.create_task(make_sender(store, clock, telegram, window=4).drain())
    await sends(8)
    await asyncio.sleep(0.05)  # time for a ninth send, were it to go
    assert (8, {"sending": 8, "queued": 12}) == (len(waiting), await states(store))

    waiting[0].set()  # one answer: its row is recorded and the next row goes
    await sends(9)
    await asyncio.sleep(0.05)
    assert (9, {"sent": 1, "sending": 8, "queued": 11}) == (len(waiting), await states(store))

    telegram.before_send = None
    for answer in waiting:
        answer.set()
    report = await draining
    assert (20, {"sent": 20}) == (report.sent, await states(store))


async def test_a_crash_while_the_channel_is_paused_leaves_unknown_only_the_requests_out(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """Killed while a 429 pauses the channel: the three requests with the provider are the only
    rows left ``sending`` (then unknown); the rows waiting for the limiter are still queued, and
    a later drain sends them."""
    members = [await add_member(store, f"telegram:{n}") for n in range(12)]
    await _queue(store, *members)
    telegram.fail["telegram:3"] = [RateLimited(60.0)]
    provider_got: list[str] = []
    flooded = asyncio.Event()

    async def hang(address: str) -> None:
        provider_got.append(address)
        if address == "telegram:3":
            flooded.set()
            return
        await asyncio.Event().wait()  # no answer: the request is in flight when it dies

    telegram.before_send = hang
    limits = {"telegram": RateLimiter(25)}  # real time: 40 ms between sends
    crashed = asyncio.create_task(make_sender(store, clock, telegram, limits=limits).drain())
    async with asyncio.timeout(5):
        await flooded.wait()
    await asyncio.sleep(0.2)  # five more sends' time, were any to go during the pause
    crashed.cancel()
    with pytest.raises(asyncio.CancelledError):  # and nothing else goes wrong on the way out
        await crashed
    assert ["telegram:0", "telegram:1", "telegram:2", "telegram:3"] == provider_got
    assert {"sending": 3, "queued": 9} == await states(store)

    telegram.before_send = None
    restarted = make_sender(store, clock, telegram)
    assert 3 == await restarted.recover()
    clock.advance(seconds=60)
    assert 9 == (await restarted.drain()).sent
    assert {"unknown": 3, "sent": 9} == await states(store)
    unknown = await store.db.fetchall("SELECT address FROM outbox WHERE state = 'unknown'")
    assert set(provider_got[:3]) == {row[0] for row in unknown}


# Routing: which channel, and rows settled without sending.


async def _saved(store: Store, member_id: int, job: str = "broadcast:1") -> tuple[str | None, ...]:
    """A row's state, error, not_before and address as stored."""
    row = await store.db.fetchone(
        "SELECT state, error, not_before, address FROM outbox WHERE member_id = ? AND job = ?",
        (member_id, job),
    )
    assert row is not None
    return (row[0], row[1], row[2], row[3])


async def test_a_row_limited_to_channels_goes_only_to_an_address_on_one_of_them(
    store: Store, clock: FixedClock, telegram: FakeChannel, whatsapp: FakeChannel
) -> None:
    """A campaign for WhatsApp only reaches a Telegram-first member on WhatsApp, and a member
    with no WhatsApp address not at all (skipped, never sent on Telegram instead)."""
    both = await add_member(
        store, "telegram:1", also=("whatsapp:+38267000001",), last_inbound_at=NOW
    )
    telegram_only = await add_member(store, "telegram:2")
    await store.outbox.enqueue(
        [
            Outgoing("campaign:wa", "campaign", member, "Hi", NOW, channels=("whatsapp",))
            for member in (both, telegram_only)
        ],
        NOW,
    )
    report = await make_sender(store, clock, telegram, whatsapp).drain()
    assert ([], ["whatsapp:+38267000001"]) == (
        [to for to, _ in telegram.sent],
        [to for to, _ in whatsapp.sent],
    )
    assert ("skipped", "no reachable address") == (
        await _saved(store, telegram_only, "campaign:wa")
    )[:2]
    assert (1, 1) == (report.sent, report.skipped)


async def test_a_stopped_member_is_skipped_with_the_reason(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """The row of a member who sent /stop says why it was not sent."""
    member = await add_member(store, "telegram:1", stopped_at=NOW.isoformat())
    await _queue(store, member)
    await make_sender(store, clock, telegram).drain()
    assert ("skipped", "the member stopped messages") == (await _saved(store, member))[:2]


REMINDER = """
---
send_at: {moment}
quiet_hours: null
topic: events
---
# en
See you tomorrow, {{first_name}}!
"""


async def test_a_queued_campaign_is_skipped_for_a_member_who_then_turned_its_topic_off(
    store: Store, folder: Path, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A reminder of topic events, queued while everyone had it on: a member who turns events
    off before it goes gets nothing (skipped with "topic: events", counted so in the job's
    funnel); one who turned news off, and one who turned nothing off, get it."""
    ana = await add_member(store, "telegram:1", name="Ana")
    marko = await add_member(store, "telegram:2", name="Marko")
    nina = await add_member(store, "telegram:3", name="Nina")
    write_campaign(folder, "reminder", REMINDER.format(moment=NOW.isoformat()))
    assert 3 == (await make_planner(store, Content.load(folder, "en"), clock).tick()).queued
    await store.topics.turn(marko, "events", on=False, now=NOW)
    await store.topics.turn(nina, "news", on=False, now=NOW)
    clock.advance(minutes=5)
    report = await make_sender(store, clock, telegram).drain()
    assert (["telegram:1", "telegram:3"], 2, 1) == (
        sorted(to for to, _ in telegram.sent),
        report.sent,
        report.skipped,
    )
    assert [("sent", None), ("skipped", "topic: events"), ("sent", None)] == [
        (await _saved(store, member, "campaign:reminder"))[:2] for member in (ana, marko, nina)
    ]
    funnel = await store.deliveries.funnel("campaign:reminder")
    assert funnel is not None
    assert (2, 1, 0) == (funnel.sent, funnel.skipped_topic, funnel.skipped_other)


async def test_a_queued_broadcast_is_skipped_for_a_member_who_then_turned_its_topic_off(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A broadcast of topic events queued to two members: the one who turns events off before
    it is sent is skipped with "topic: events", the other gets it."""
    ana = await add_member(store, "telegram:1", name="Ana")
    marko = await add_member(store, "telegram:2", name="Marko")
    plan = await broadcast.plan(
        store, "Hi {first_name}", Audience(), "Europe/Podgorica", NOW, topic="events"
    )
    sent, queued = await broadcast.queue(store, plan, "cli:test", NOW, "Europe/Podgorica")
    assert 2 == queued
    await store.topics.turn(marko, "events", on=False, now=NOW)
    await make_sender(store, clock, telegram).drain()
    assert ["telegram:1"] == [to for to, _ in telegram.sent]
    assert [("sent", None), ("skipped", "topic: events")] == [
        (await _saved(store, member, sent.job))[:2] for member in (ana, marko)
    ]


async def test_a_message_with_no_topic_reaches_a_member_who_turned_every_topic_off(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """An answer to a member's own question has no topic: it is no announcement, and goes
    even to a member who turned every topic off."""
    member = await add_member(store, "telegram:1")
    for topic in ("events", "news", "fellowship", "business"):
        await store.topics.turn(member, topic, on=False, now=NOW)
    await store.outbox.enqueue([Outgoing("answer:1", "answer", member, "Yes", NOW)], NOW)
    assert 1 == (await make_sender(store, clock, telegram).drain()).sent
    assert ("sent", None) == (await _saved(store, member, "answer:1"))[:2]


async def test_whatsapp_outside_the_window_without_a_template_falls_back_to_telegram(
    store: Store, clock: FixedClock, telegram: FakeChannel, whatsapp: FakeChannel
) -> None:
    """A member who prefers WhatsApp but has been silent there for two days gets the free
    text on Telegram rather than nothing."""
    member = await add_member(
        store,
        "whatsapp:+38267000001",
        also=("telegram:1",),
        preferred_channel="whatsapp",
        last_inbound_at=NOW - timedelta(days=2),
    )
    await _queue(store, member)
    await make_sender(store, clock, telegram, whatsapp).drain()
    assert ([("telegram:1", Reply(f"Hello {member}"))], []) == (telegram.sent, whatsapp.sent)


async def test_the_whatsapp_window_is_open_for_exactly_24_hours_and_closed_without_a_message(
    store: Store, clock: FixedClock, whatsapp: FakeChannel
) -> None:
    """Free text to a member whose last message is exactly 24 hours old; a second later, or
    with no message ever, the row needs a template and says so."""
    edge = await add_member(
        store, "whatsapp:+38267000001", last_inbound_at=NOW - timedelta(hours=24)
    )
    late = await add_member(
        store, "whatsapp:+38267000002", last_inbound_at=NOW - timedelta(hours=24, seconds=1)
    )
    # Found on WhatsApp through a Telegram contact: an address that never wrote to us.
    never = await add_member(
        store, "telegram:3", also=("whatsapp:+38267000003",), preferred_channel="whatsapp"
    )
    await _queue(store, edge, late, never)
    report = await make_sender(store, clock, whatsapp, batch=1).drain()
    assert ["whatsapp:+38267000001"] == [to for to, _ in whatsapp.sent]
    reason = "outside WhatsApp's 24-hour window and no template"
    assert [("needs_template", reason)] * 2 == [
        (await _saved(store, late))[:2],
        (await _saved(store, never))[:2],
    ]
    assert (1, 2, 0) == (report.sent, report.needs_template, report.skipped)


async def test_skipped_and_needs_template_rows_are_counted_apart_across_batches(
    store: Store, clock: FixedClock, whatsapp: FakeChannel
) -> None:
    """The report adds up every batch: two stopped members are two skips, two members outside
    the window two rows needing a template."""
    stopped = [
        await add_member(store, f"whatsapp:+3826700000{n}", stopped_at=NOW.isoformat())
        for n in (1, 2)
    ]
    silent = [await add_member(store, f"whatsapp:+3826700001{n}") for n in (1, 2)]
    await _queue(store, *stopped, *silent)
    report = await make_sender(store, clock, whatsapp, batch=1).drain()
    assert (2, 2, 4) == (report.skipped, report.needs_template, report.settled)


async def test_a_row_no_served_channel_can_take_waits_a_quarter_of_an_hour(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A process serving only Telegram leaves the rows of members it cannot reach (on WhatsApp;
    on WhatsApp and the terminal) queued for 15 minutes, saying which channels they wait for,
    without spending an attempt."""
    on_whatsapp = await add_member(store, "whatsapp:+38267000001", last_inbound_at=NOW)
    on_both = await add_member(
        store, "whatsapp:+38267000002", also=("terminal:local",), last_inbound_at=NOW
    )
    await _queue(store, on_whatsapp, on_both)
    report = await make_sender(store, clock, telegram, batch=1).drain()
    later = (NOW + timedelta(minutes=15)).isoformat()
    assert [
        ("queued", "waiting for a channel this process serves (whatsapp)", later, None),
        ("queued", "waiting for a channel this process serves (terminal, whatsapp)", later, None),
    ] == [await _saved(store, on_whatsapp), await _saved(store, on_both)]
    assert (2, 0, [], 0) == (
        report.deferred,
        (await _row(store, on_whatsapp))[1],
        telegram.sent,
        report.settled,
    )
    clock.advance(minutes=15)
    served = make_sender(store, clock, telegram, FakeChannel("whatsapp"))
    assert 2 == (await served.drain()).sent


async def test_a_channel_coming_up_releases_only_the_rows_that_waited_for_a_channel(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """channel_up: rows waiting for a channel are due at once and sent (the clock stands
    still); a row put back for a 429's pause and a row planned for later stay as they were."""
    waiting = await add_member(store, "whatsapp:+38267000001", last_inbound_at=NOW)
    paused = await add_member(store, "telegram:77")
    planned = await add_member(store, "telegram:78")
    await _queue(store, waiting)
    await make_sender(store, clock, telegram).drain()
    later = NOW + timedelta(minutes=5)
    await store.outbox.enqueue([Outgoing("later", "campaign", planned, "Later", later)], NOW)
    await _queue(store, paused)
    [paused_row] = [row for row in await store.outbox.due(NOW) if row.member_id == paused]
    await store.outbox.defer([paused_row.id], later, "rate limited (retry after 300s)", NOW)

    whatsapp = FakeChannel("whatsapp")
    sender = make_sender(store, clock, telegram, whatsapp)
    assert 1 == await sender.channel_up()
    [draining] = [task for task in asyncio.all_tasks() if task.get_name() == "send-outbox"]
    await draining

    assert [f"Hello {waiting}"] == [reply.text for _, reply in whatsapp.sent]
    assert [] == telegram.sent
    assert ("sent", "queued", "queued") == (
        (await _saved(store, waiting))[0],
        (await _saved(store, paused))[0],
        (await _saved(store, planned, job="later"))[0],
    )


async def test_messages_to_one_member_arrive_in_the_order_they_were_queued(
    store: Store, clock: FixedClock
) -> None:
    """WhatsApp has no pause between two messages to one chat: an answer's notice and the
    answer, queued together, go one after the other — the second only once the first was
    answered, however slow — while other members' messages go meanwhile."""
    ana = await add_member(store, ANA_ON_WHATSAPP, last_inbound_at=NOW)
    others = [
        await add_member(store, f"whatsapp:+3826700010{n}", last_inbound_at=NOW) for n in range(3)
    ]
    await store.outbox.enqueue(
        [
            Outgoing("question:1:waiting:2", "answer", ana, "An answer is waiting", NOW),
            Outgoing("question:1:answer:2", "answer", ana, "Here it is", NOW),
        ],
        NOW,
    )
    await _queue(store, *others)
    whatsapp = FakeChannel("whatsapp")

    calls: list[str] = []

    async def slow_first(address: str) -> None:
        calls.append(address)
        if calls == [ANA_ON_WHATSAPP]:
            await asyncio.sleep(0.05)

    whatsapp.before_send = slow_first
    report = await make_sender(store, clock, whatsapp).drain()

    assert 5 == report.sent
    assert ["An answer is waiting", "Here it is"] == whatsapp.texts(ANA_ON_WHATSAPP)
    # The others did not wait for Ana's slow first message.
    assert ANA_ON_WHATSAPP not in [to for to, _ in whatsapp.sent[:3]]


# Failures: retried, unreachable, failed, and what the report counts.


async def test_a_429_without_a_limiter_puts_the_row_back_for_retry_after_seconds(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """Flood control: each row goes back queued for the seconds the provider asked, with the
    reason, its attempt given back; the report counts every retry."""
    first, second = await add_member(store, "telegram:1"), await add_member(store, "telegram:2")
    await _queue(store, first, second)
    telegram.fail["telegram:1"] = [RateLimited(3.0)]
    telegram.fail["telegram:2"] = [RateLimited(3.0)]
    report = await make_sender(store, clock, telegram).drain()
    later = (NOW + timedelta(seconds=3)).isoformat()
    assert [("queued", "rate limited (retry after 3s)", later, "telegram:1"), ("queued", 0)] == [
        await _saved(store, first),
        (await _row(store, second))[:2],
    ]
    assert (2, 0) == (report.retried, report.sent)


async def test_unreachable_addresses_are_counted_logged_and_remembered_in_the_row(
    store: Store, clock: FixedClock, telegram: FakeChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """Two blocked bots: two unreachable addresses in the report, one line each in the log,
    the platform's reason on each row."""
    blocked = [await add_member(store, f"telegram:{n}") for n in (1, 2)]
    await _queue(store, *blocked)
    reason = "telegram: Forbidden: bot was blocked"
    telegram.fail = {f"telegram:{n}": [Unreachable(reason)] for n in (1, 2)}
    caplog.set_level(logging.INFO, logger="scheduler.sender")
    report = await make_sender(store, clock, telegram, max_attempts=1).drain()
    assert (2, 2, 0) == (report.unreachable, report.skipped, report.failed)
    assert [
        f"outbox row 1: telegram is unreachable: {reason}",
        f"outbox row 2: telegram is unreachable: {reason}",
    ] == [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]


async def test_a_temporary_failure_is_retried_later_with_its_reason_and_counted(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A 502 and a timeout: both rows back in the queue 5 s later, saying why, one attempt
    spent each; two retries in the report."""
    first, second = await add_member(store, "telegram:1"), await add_member(store, "telegram:2")
    await _queue(store, first, second)
    telegram.fail["telegram:1"] = [TemporaryDeliveryError("telegram: Bad Gateway (502)")]
    telegram.fail["telegram:2"] = [TemporaryDeliveryError("telegram: timed out")]
    report = await make_sender(store, clock, telegram).drain()
    later = (NOW + timedelta(seconds=5)).isoformat()
    assert [
        ("queued", "telegram: Bad Gateway (502)", later, "telegram:1"),
        ("queued", "telegram: timed out", later, "telegram:2"),
    ] == [await _saved(store, first), await _saved(store, second)]
    assert (2, 0, 0) == (report.retried, report.failed, report.sent)


async def test_failures_are_counted_with_every_reason_and_a_nameless_one_named_by_its_type(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """With one attempt allowed, a 502 and an error without a message both fail: the report
    counts two and lists both reasons, the second by the error's type."""
    first, second = await add_member(store, "telegram:1"), await add_member(store, "telegram:2")
    await _queue(store, first, second)
    telegram.fail["telegram:1"] = [TemporaryDeliveryError("telegram: Bad Gateway (502)")]
    telegram.fail["telegram:2"] = [TemporaryDeliveryError()]
    report = await make_sender(store, clock, telegram, max_attempts=1).drain()
    reasons = [
        "gave up after 1 attempts: telegram: Bad Gateway (502)",
        "gave up after 1 attempts: TemporaryDeliveryError",
    ]
    assert (2, reasons) == (report.failed, report.errors)
    assert [("failed", 1, reason) for reason in reasons] == [
        await _row(store, first),
        await _row(store, second),
    ]


async def test_an_unexpected_error_fails_the_row_and_is_logged_with_its_traceback(
    store: Store, clock: FixedClock, telegram: FakeChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in a channel fails the row with the error's text and logs it with the traceback;
    an expected delivery error is not logged as one."""
    broken, flaky = await add_member(store, "telegram:1"), await add_member(store, "telegram:2")
    await _queue(store, broken, flaky)
    bug = KeyError("chat_id")
    telegram.fail["telegram:1"] = [bug]
    telegram.fail["telegram:2"] = [TemporaryDeliveryError("telegram: timed out")]
    report = await make_sender(store, clock, telegram, max_attempts=1).drain()
    assert ("failed", 1, "'chat_id'") == await _row(store, broken)
    assert 2 == report.failed
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [("sending outbox row 1 failed unexpectedly", bug)] == [
        (r.getMessage(), r.exc_info[1] if r.exc_info else None) for r in errors
    ]


# Draining: one job, progress, one drain at a time, stopping, the send lock.


async def test_draining_one_job_leaves_the_other_jobs_queued(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """``drain(job=...)`` (the CLI's broadcast --wait) sends that job's rows and no other."""
    member = await add_member(store, "telegram:1")
    await _queue(store, member, job="broadcast:1")
    await _queue(store, member, job="broadcast:2")
    report = await make_sender(store, clock, telegram).drain(job="broadcast:2")
    assert (1, {"queued": 1}, {"sent": 1}) == (
        report.sent,
        await states(store, "broadcast:1"),
        await states(store, "broadcast:2"),
    )


async def test_progress_is_reported_as_sends_are_answered_up_to_the_total(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """The progress callback sees the report grow as sends are answered, ending at every row;
    rows settled without sending count too."""
    members = [await add_member(store, f"telegram:{n}") for n in range(6)]
    stopped = await add_member(store, "telegram:99", stopped_at=NOW.isoformat())
    await _queue(store, *members, stopped)
    seen: list[int] = []
    sender = make_sender(store, clock, telegram, window=2, batch=4)
    report = await sender.drain(progress=lambda report: seen.append(report.settled))
    assert 7 == report.settled == seen[-1]
    assert len(seen) >= 3 and seen == sorted(seen)


async def test_a_second_drain_while_one_runs_returns_at_once_sending_nothing(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """One drain at a time per sender: while the first has two sends out and a third row
    waiting its turn, a second call returns an empty report and leaves that row to the first."""
    members = [await add_member(store, f"telegram:{n}") for n in range(3)]
    await _queue(store, *members)
    answer, arrived = asyncio.Event(), asyncio.Semaphore(0)

    async def slow(address: str) -> None:
        if address != "telegram:2":
            arrived.release()
            await answer.wait()

    telegram.before_send = slow
    sender = make_sender(store, clock, telegram, window=1)
    first = asyncio.create_task(sender.drain())
    async with asyncio.timeout(5):
        for _ in range(2):
            await arrived.acquire()
    second = await sender.drain()
    answer.set()
    assert (0, 3, 3) == (second.sent, (await first).sent, len(telegram.sent))


async def test_closing_mid_drain_records_the_sends_in_flight_and_leaves_the_rest_queued(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """``close()`` while two sends are with the provider: both are recorded ``sent`` when they
    answer, no new send starts, the rest stays queued; afterwards nothing drains."""
    members = [await add_member(store, f"telegram:{n}") for n in range(6)]
    await _queue(store, *members)
    answer, arrived = asyncio.Event(), asyncio.Semaphore(0)

    async def slow(address: str) -> None:
        arrived.release()
        await answer.wait()

    telegram.before_send = slow
    sender = make_sender(store, clock, telegram, window=1)
    draining = asyncio.create_task(sender.drain())
    async with asyncio.timeout(5):
        for _ in range(2):
            await arrived.acquire()
    closing = asyncio.create_task(sender.close())
    await asyncio.sleep(0.01)
    answer.set()
    await closing
    report = await draining
    assert (2, {"sent": 2, "queued": 4}) == (report.sent, await states(store))
    assert 0 == (await sender.drain()).sent
    sender.kick()
    assert {"sent": 2, "queued": 4} == await states(store)


async def test_kick_drains_in_the_background_once_at_a_time(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """``kick()`` starts a drain (the task ``send-outbox``) and returns; kicking again while it
    runs starts no second one; ``close()`` waits for it."""
    members = [await add_member(store, f"telegram:{n}") for n in range(3)]
    await _queue(store, *members)
    answer, arrived = asyncio.Event(), asyncio.Event()
    calls = 0

    async def slow(address: str) -> None:
        nonlocal calls
        calls += 1
        arrived.set()
        await answer.wait()

    telegram.before_send = slow
    sender = make_sender(store, clock, telegram)
    sender.kick()
    await arrived.wait()
    sender.kick()
    await asyncio.sleep(0.01)
    assert ["send-outbox"] == [t.get_name() for t in asyncio.all_tasks() if "send" in t.get_name()]
    answer.set()
    await sender.close()
    assert (3, 3, {"sent": 3}) == (calls, len(telegram.sent), await states(store))


async def test_a_background_drain_cancelled_at_shutdown_logs_no_error(
    store: Store, clock: FixedClock, telegram: FakeChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """Cancelling the ``send-outbox`` task (as a closing event loop does) is no failure to
    report."""
    await _queue(store, await add_member(store, "telegram:1"))
    arrived = asyncio.Event()

    async def hang(address: str) -> None:
        arrived.set()
        await asyncio.Event().wait()

    telegram.before_send = hang
    make_sender(store, clock, telegram).kick()
    await arrived.wait()
    [task] = [t for t in asyncio.all_tasks() if t.get_name() == "send-outbox"]
    task.cancel()
    await asyncio.wait([task])
    await asyncio.sleep(0)  # the task's done callback runs on the next turn of the loop
    assert [] == [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_drain_that_fails_in_the_background_is_logged(
    tmp_path: Path, clock: FixedClock, telegram: FakeChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """A kicked drain that raises (here: its database closed) is logged with the error, not
    lost in an unawaited task."""
    async with Store(tmp_path / "closed.sqlite3") as closed:
        sender = make_sender(closed, clock, telegram)
    sender.kick()
    await asyncio.sleep(0)  # the drain starts (and fails) before close() can stop it
    await sender.close()
    await asyncio.sleep(0)  # the task's done callback runs on the next turn of the loop
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "draining the outbox failed" == record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is not None


async def test_closing_a_sender_that_never_sent_releases_its_lock(
    store: Store, clock: FixedClock, telegram: FakeChannel, tmp_path: Path
) -> None:
    """``close()`` without a drain returns at once and lets another process send."""
    lock = SendLock.of(tmp_path / "db.sqlite3")
    sender = make_sender(store, clock, telegram, lock=lock)
    assert await sender.take_over()
    await sender.close()
    assert not lock.held
    other = SendLock.of(tmp_path / "db.sqlite3")
    assert other.acquire()
    other.release()


async def test_taking_over_recovers_what_a_crash_left_once_and_only_with_the_lock(
    store: Store,
    clock: FixedClock,
    telegram: FakeChannel,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """While another process holds the send lock, a sender neither recovers nor sends; once it
    holds the lock, the rows a crash left ``sending`` become unknown (logged), and the rest is
    sent; taking over again changes nothing."""
    stuck, waiting = await add_member(store, "telegram:1"), await add_member(store, "telegram:2")
    await _queue(store, stuck, waiting)
    assert {1} == await store.outbox.claim([(1, "telegram:1")], NOW)
    database = tmp_path / "db.sqlite3"
    holder = SendLock.of(database)
    assert holder.acquire()
    sender = make_sender(store, clock, telegram, lock=SendLock.of(database))
    assert not await sender.take_over()
    assert (0, {"sending": 1, "queued": 1}) == (
        (await sender.drain()).sent,
        await states(store),
    )
    holder.release()

    caplog.set_level(logging.WARNING, logger="scheduler.sender")
    assert 1 == (await sender.drain()).sent
    assert {"unknown": 1, "sent": 1} == await states(store)
    assert ["1 messages were being sent when the bot stopped: marked unknown"] == [
        r.getMessage() for r in caplog.records
    ]
    assert await sender.take_over()
    assert not holder.acquire()
    await sender.close()


def test_the_window_keeps_up_with_the_fastest_limited_channel(
    clock: FixedClock, fake_time: FakeTime
) -> None:
    """Enough sends in flight for the fastest limited channel's pace at 300 ms a send (two
    windows of ``ceil(0.3 × rate / 2)``), at least one; 16 when any channel is unlimited."""

    def window(*rates: float) -> int:
        limits = {f"channel{n}": limiter(fake_time, rate) for n, rate in enumerate(rates)}
        return Sender(cast(Store, None), {}, clock, limits=limits).window

    assert [16, 16, 16, 1, 1, 1, 2, 4, 4, 15] == [
        window(),
        window(0),
        window(25, 0),
        window(1),
        window(0.5),
        window(5),
        window(10),
        window(25),
        window(10, 25),
        window(100),
    ]
    assert 7 == Sender(cast(Store, None), {}, clock, window=7).window


async def _refuse(store: Store, state: str, row: int | None = None) -> None:
    """The database refuses to move an outbox row (or every row) to ``state``, as a full disk
    would."""
    only = f" AND OLD.id = {row}" if row is not None else ""
    await store.db.execute(
        f"CREATE TRIGGER refuse_{state} BEFORE UPDATE OF state ON outbox"
        f" WHEN NEW.state = '{state}'{only} BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )


async def test_a_claim_the_database_refuses_stops_the_drain_before_anything_is_sent(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """If a row cannot be marked ``sending``, it is not sent: the drain fails with the database's
    error, the rows stay queued, and once the database writes again they go out."""
    members = [await add_member(store, f"telegram:{n}") for n in range(3)]
    await _queue(store, *members)
    await _refuse(store, "sending")
    sender = make_sender(store, clock, telegram)
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        await sender.drain()
    assert ([], {"queued": 3}) == (telegram.sent, await states(store))

    await store.db.execute("DROP TRIGGER refuse_sending")
    assert 3 == (await sender.drain()).sent


async def test_a_send_the_database_cannot_record_is_left_for_recovery_to_call_unknown(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """Sent but not recorded (the database refused): the drain fails with the error and the
    rows stay ``sending`` — at the next start they are unknown, never sent twice."""
    members = [await add_member(store, f"telegram:{n}") for n in range(2)]
    await _queue(store, *members)
    await _refuse(store, "sent")
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        await make_sender(store, clock, telegram).drain()
    assert (2, {"sending": 2}) == (len(telegram.sent), await states(store))

    await store.db.execute("DROP TRIGGER refuse_sent")
    restarted = make_sender(store, clock, telegram)
    assert 2 == await restarted.recover()
    assert (0, 2) == ((await restarted.drain()).sent, len(telegram.sent))


async def test_after_a_database_error_no_new_send_starts(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """The first row cannot be recorded: the drain fails, the other worker records the send it
    had in hand, and no further row is sent while the database is failing."""
    members = [await add_member(store, f"telegram:{n}") for n in range(10)]
    await _queue(store, *members)
    await _refuse(store, "sent", row=1)

    async def slower(address: str) -> None:
        if address != "telegram:0":
            await asyncio.sleep(0.05)

    telegram.before_send = slower
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        await make_sender(store, clock, telegram, window=1).drain()
    await asyncio.sleep(0.2)  # time for more sends, were the other worker to go on
    assert (["telegram:0", "telegram:1"], {"sending": 1, "sent": 1, "queued": 8}) == (
        [to for to, _ in telegram.sent],
        await states(store),
    )
