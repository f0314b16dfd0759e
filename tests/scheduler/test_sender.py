from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

from bot.clock import FixedClock
from bot.errors import RateLimited, TemporaryDeliveryError, Unreachable
from bot.messages import Reply, Template
from bot.store import Outgoing, Store
from scheduler.report import outbox_status
from tests.fakes.channel import FakeChannel
from tests.scheduler.conftest import NOW, FakeTime, add_member, limiter, make_sender, states

TEMPLATE = Template("HX" + "0" * 32, {"1": "Ana"})


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


async def test_two_windows_are_in_flight_and_only_they_are_sending(
    store: Store, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A slow provider does not stall the queue: the next window goes out while one waits for
    its answers, and no more than two windows' rows are ever ``sending`` (what a crash leaves)."""
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
        """Waits (five seconds at most) until ``count`` sends are with the provider."""
        async with asyncio.timeout(5):
            while len(waiting) < count:
                arrived.clear()
                await arrived.wait()

    telegram.before_send = slow
    draining = asyncio.create_task(make_sender(store, clock, telegram, window=4).drain())
    await sends(8)
    await asyncio.sleep(0.05)  # time for a third window, were it to be sent
    assert (8, {"sending": 8, "queued": 12}) == (len(waiting), await states(store))

    waiting[0].set()  # one answer is not enough to land the first window
    await asyncio.sleep(0.05)
    assert 8 == len(waiting)
    for answer in waiting[:4]:
        answer.set()
    await sends(12)
    assert {"sent": 4, "sending": 8, "queued": 8} == await states(store)

    telegram.before_send = None
    for answer in waiting:
        answer.set()
    report = await draining
    assert (20, {"sent": 20}) == (report.sent, await states(store))
