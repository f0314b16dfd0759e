"""One process sends from a database at a time; a crashed sender's lock is free at once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from bot.clock import FixedClock
from bot.store import Store
from scheduler.sendlock import SendLock
from tests.fakes.channel import FakeChannel
from tests.scheduler.conftest import add_member, make_sender, states
from tests.scheduler.test_sender import _queue

HOLD = """
import sys, time
from pathlib import Path
from scheduler.sendlock import SendLock
assert SendLock.of(Path(sys.argv[1])).acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_holder_is_refused_until_the_first_releases(tmp_path: Path) -> None:
    """The lock file says who holds it; the next one gets it only after a release."""
    database = tmp_path / "db.sqlite3"
    first, second = SendLock.of(database), SendLock.of(database)

    assert first.acquire()
    assert not second.acquire()
    assert second.holder().startswith("pid ")
    first.release()
    assert second.acquire()
    second.release()


def test_the_lock_of_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    """kill -9 leaves no stale lock: the system drops it with the process."""
    database = tmp_path / "db.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and "held" == holder.stdout.readline().strip()
        lock = SendLock.of(database)
        assert not lock.acquire()
        assert f"pid {holder.pid}" == lock.holder()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert lock.acquire()
        lock.release()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


async def test_a_sender_waits_while_another_sends_and_never_takes_its_rows_for_a_crash(
    store: Store, clock: FixedClock, telegram: FakeChannel, tmp_path: Path
) -> None:
    """While one sender has rows in flight, a second one on the same database sends nothing and
    leaves them alone; once the first stops, the second takes over and sends the rest."""
    members = [await add_member(store, f"telegram:{n}") for n in range(4)]
    await _queue(store, *members)
    database = tmp_path / "db.sqlite3"
    answer, arrived = asyncio.Event(), asyncio.Semaphore(0)

    async def slow(address: str) -> None:
        arrived.release()
        await answer.wait()

    telegram.before_send = slow
    first = make_sender(store, clock, telegram, window=2, lock=SendLock.of(database))
    draining = asyncio.create_task(first.drain())
    async with asyncio.timeout(5):
        for _ in range(4):
            await arrived.acquire()
    assert {"sending": 4} == await states(store)

    other = FakeChannel()
    second = make_sender(store, clock, other, window=2, lock=SendLock.of(database))
    assert not await second.take_over()
    report = await second.drain()
    assert (0, [], {"sending": 4}) == (report.sent, other.sent, await states(store))

    answer.set()
    await draining
    await first.close()
    await _queue(store, *members, job="broadcast:2")
    report = await second.drain()
    assert (4, {"sent": 8}) == (report.sent, await states(store))
    await second.close()
    assert not (second.lock and second.lock.held)
