"""The campaign planner and a broadcast at 100,000 members.

(c1) Planner ticks with 100,000 registered members and 20 campaigns (six after registration,
     four around events, four cron, six send_at), at a moment when a send_at falls due for
     everyone, an event reminder for those who said they would come, and welcome messages for
     the week's newcomers. Ticks run until everything due is queued, then once more with
     nothing new. Target: each tick at most 1 s, the first ones included: they load the
     members into the planner's memory (once per process), a budget of them per tick. The
     baseline, in the same run: one plain SELECT of the same members' rows.
(c2) Peak memory of a 100,000-member broadcast — counted, queued and drained through a channel
     that answers at once — in a process of its own. Target: at most 150 MB (peak RSS).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from bot.clock import FixedClock
from bot.content import Content
from bot.content.audience import Audience
from bot.messages import Reply
from bot.store import Store
from scheduler import broadcast
from scheduler.planner import Planner
from scheduler.sender import Sender

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 100_000
NOW = datetime(2027, 7, 21, 8, 0, tzinfo=UTC)  # 10:00 in Podgorica, two days before an event
TICK_TARGET = 1.0
MEMORY_TARGET_MB = 150.0
COUNTRIES = [
    "DE",
    "AT",
    "CH",
    "US",
    "RS",
    "LU",
    "BA",
    "HR",
    "FR",
    "SE",
    "TR",
    "AR",
    "CA",
    "AU",
    "GB",
]
LANGUAGES = ["en", "cnr"]
MUNICIPALITIES = ["Podgorica", "Nikšić", "Bar", "Berane", "Bijelo Polje", "Pljevlja", "Rožaje"]
SECTORS = ["it", "engineering", "health", "education", "business", "tourism", "student"]
INTERESTS = ["events", "investment", "mentoring", "fellowship", "volunteering", "culture"]

AT = "\nat: "
CAMPAIGNS = {
    # After registration.
    "welcome-1": "after: registration\noffset: +1h",
    "welcome-2": "after: registration\noffset: +3d" + AT + "'10:00'",
    "welcome-3": "after: registration\noffset: +7d" + AT + "'18:00'"
    "\naudience: {interests: [fellowship, mentoring]}",
    "welcome-cnr": "after: registration\noffset: +1d\naudience: {languages: [cnr]}",
    "welcome-dach": "after: registration\noffset: +14d" + AT + "'12:00'"
    "\naudience: {countries: [DE, AT, CH]}",
    "welcome-it": "after: registration\noffset: +30d\naudience: {sectors: [it]}",
    # Around events.
    "days-minus-2": "after: event_start\nevent: diaspora-days-2027\noffset: -2d" + AT + "'10:00'"
    "\naudience: {event: diaspora-days-2027, rsvp: [going, maybe]}",
    "days-minus-1": "after: event_start\nevent: diaspora-days-2027\noffset: -1d"
    "\naudience: {event: diaspora-days-2027}",
    "days-after": "after: event_start\nevent: diaspora-days-2027\noffset: +3d" + AT + "'11:00'"
    "\naudience: {event: diaspora-days-2027}",
    "forum-minus-3": "after: event_start\nevent: business-forum-budva-2027\noffset: -3d"
    + AT
    + "'10:00'",
    # Cron.
    "monthly": "cron: '0 10 1 * *'",
    "weekly": "cron: '0 10 * * 1'",
    "mid-month": "cron: '0 18 15 * *'\naudience: {interests: [investment]}",
    "quarterly": "cron: '0 9 1 1,4,7,10 *'\naudience: {countries: [US, CA, AR, AU]}",
    # One moment.
    "now-for-all": f"send_at: {NOW.isoformat()}",
    "tomorrow": f"send_at: {(NOW + timedelta(days=1)).isoformat()}",
    "next-week": f"send_at: {(NOW + timedelta(days=7)).isoformat()}\naudience: {{languages: [en]}}",
    "last-month": f"send_at: {(NOW - timedelta(days=30)).isoformat()}",
    "autumn": f"send_at: {(NOW + timedelta(days=60)).isoformat()}"
    "\naudience: {municipalities: [Bar]}",
    "winter": f"send_at: {(NOW + timedelta(days=150)).isoformat()}",
}


def _content(folder: Path) -> Path:
    root = folder / "content"
    for name in ("locales", "events"):
        shutil.copytree(ROOT / "content" / name, root / name)
    shutil.copy(ROOT / "content" / "programme.yaml", root / "programme.yaml")
    (root / "campaigns").mkdir()
    for name, front in CAMPAIGNS.items():
        (root / "campaigns" / f"{name}.md").write_text(
            f"---\n{front}\nquiet_hours: null\n---\n# en\nHello {{first_name}}, news from home.\n"
            "# cnr\nZdravo {first_name}, vijesti iz domovine.\n",
            encoding="utf-8",
        )
    return root


async def _members(path: Path) -> None:
    """100,000 registered members (a tenth also on WhatsApp) and 5,000 RSVPs."""
    pick = random.Random(7)
    rows, addresses = [], []
    for n in range(1, MEMBERS + 1):
        # Most registered over two years; the last 300 in the past week.
        age = (
            timedelta(days=pick.uniform(8, 730))
            if n <= MEMBERS - 300
            else timedelta(days=pick.uniform(0, 7))
        )
        at = (NOW - age).isoformat()
        rows.append(
            (
                n,
                f"Member{n} Surname",
                pick.choice(LANGUAGES),
                pick.choice(COUNTRIES),
                pick.choice(MUNICIPALITIES),
                pick.choice(SECTORS),
                json.dumps(pick.sample(INTERESTS, 2)),
                at,
                at,
                at,
                at,
            )
        )
        addresses.append((f"telegram:{n}", n, "telegram", at))
        if n % 10 == 0:
            addresses.append((f"whatsapp:+3826{n:07d}", n, "whatsapp", at))
    async with Store(path) as store, store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO members (id, name, language, country, municipality, sector, interests,"
            " consent_version, consent_at, registered_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'v1', ?, ?, ?, ?)",
            rows,
        )
        await conn.executemany(
            "INSERT INTO addresses (address, member_id, channel, created_at) VALUES (?, ?, ?, ?)",
            addresses,
        )
        await conn.executemany(
            "INSERT INTO rsvps (event, member_id, status, created_at, updated_at)"
            " VALUES ('diaspora-days-2027', ?, ?, ?, ?)",
            [
                (
                    n,
                    pick.choice(["going", "going", "maybe", "not_going"]),
                    NOW.isoformat(),
                    NOW.isoformat(),
                )
                for n in pick.sample(range(1, MEMBERS + 1), 5_000)
            ],
        )


async def ticks(path: Path, root: Path) -> tuple[list[tuple[float, int, int]], float]:
    """[(seconds, members loaded so far, queued)] of the ticks until nothing more is due, and
    the seconds of a steady tick (nothing new) after them."""
    clock = FixedClock(NOW)
    async with Store(path) as store:
        content = Content.load(root, "en")
        planner = Planner(
            store, content, clock, timezone="Europe/Podgorica", grace=timedelta(hours=6)
        )
        timed = []
        while True:
            started = time.perf_counter()
            report = await planner.tick()
            seconds = time.perf_counter() - started
            timed.append((seconds, len(planner.roster.people), report.queued))
            if not report.more:
                break
            clock.advance(seconds=5)
        clock.advance(minutes=1)
        started = time.perf_counter()
        await planner.tick()
        steady = time.perf_counter() - started
        counts = await store.outbox.by_job()
    rows = sum(sum(states.values()) for states in counts.values())
    print(f"    queued: {rows} rows in {len(counts)} jobs")
    return timed, steady


async def plain_select(path: Path) -> float:
    """The baseline: the seconds one SELECT takes to read every member's planning columns."""
    async with Store(path) as store:
        started = time.perf_counter()
        rows = await store.db.fetchall(
            "SELECT id, name, language, country, municipality, sector, interests, timezone,"
            " registered_at, stopped_at, preferred_channel, updated_at FROM members"
        )
        seconds = time.perf_counter() - started
    if len(rows) != MEMBERS:
        raise RuntimeError(f"read {len(rows)} members")
    return seconds


class Instant:
    """A channel that answers at once, so the broadcast's own memory is what is measured."""

    name = "telegram"

    def __init__(self) -> None:
        self.count = 0

    async def send(self, address: str, reply: Reply) -> str:
        self.count += 1
        return str(self.count)


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it starts afresh at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def broadcast_process(path: str, out: Connection) -> None:
    """Counts, queues and drains a broadcast to every member; reports peak RSS."""

    async def run() -> tuple[float, float, int, float]:
        before = _rss_mb()
        started = time.perf_counter()
        clock = FixedClock(NOW)
        async with Store(path) as store:
            zone = "Europe/Podgorica"
            text = "Hello {first_name}, news from home."
            plan = await broadcast.plan(store, text, Audience(), zone, clock.now())
            _, queued = await broadcast.queue(store, plan, "bench", clock.now(), zone)
            channel = Instant()
            report = await Sender(
                store, {"telegram": channel}, clock, window=64, batch=2000
            ).drain()
            if report.sent + report.skipped != queued:
                raise RuntimeError(f"drained {report} of {queued}")
        return before, _rss_mb(), queued, time.perf_counter() - started

    out.send(asyncio.run(run()))


def main() -> int:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        root = _content(folder)
        path = folder / "members.sqlite3"
        started = time.perf_counter()
        asyncio.run(_members(path))
        print(f"(set-up: {MEMBERS} members in {time.perf_counter() - started:.1f} s)")
        copy = folder / "broadcast.sqlite3"
        shutil.copy(path, copy)
        print(f"(c1) planner, {MEMBERS} members, {len(CAMPAIGNS)} campaigns")
        baseline = asyncio.run(plain_select(path))
        timed, steady = asyncio.run(ticks(path, root))
        worst = max([seconds for seconds, _, _ in timed] + [steady])
        for number, (seconds, loaded, queued) in enumerate(timed, start=1):
            print(f"    tick {number}: {seconds:.2f} s ({loaded} members loaded, {queued} queued)")
        print(f"    steady tick (nothing new): {steady:.3f} s")
        print(f"    baseline: one SELECT of all {MEMBERS} members' rows: {baseline:.2f} s")
        print(f"    slowest tick: {worst:.2f} s (target <= {TICK_TARGET:.0f} s)")

        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=broadcast_process, args=(str(copy), send))
        process.start()
        before, peak, queued, seconds = receive.recv()
        process.join()
        print(f"(c2) broadcast to {queued} members, counted, queued and drained in {seconds:.1f} s")
        print(
            f"    peak RSS {peak:.0f} MB (target <= {MEMORY_TARGET_MB:.0f} MB);"
            f" {before:.0f} MB of it is the interpreter and libraries before it starts"
        )
    return 0 if worst <= TICK_TARGET and peak <= MEMORY_TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
