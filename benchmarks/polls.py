"""A poll to 100,000 members: planned, then its results aggregated.

(p1) Planner ticks with 100,000 registered members (a tenth also on WhatsApp) when a poll of
     five options falls due for everyone, a tenth of whom turned its topic off (their rows are
     recorded skipped). Ticks run until everything due is queued. Target: each tick within the
     planner's existing budget, 1 s (benchmarks/outbox_planner.py), the first ones included.
     The baseline, in the same run on a copy of the database: the same ticks for a campaign of
     the same audience (the planner's existing path).
(p2) The poll's results once every member answered (one option each, or two for a tenth):
     per option and by country, language and municipality, as the dashboard and ``polls
     results`` count them. Target: within the same 1 s budget.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.outbox_planner import MEMBERS, NOW, ROOT, TICK_TARGET, _members
from bot.clock import FixedClock
from bot.content import Content
from bot.store import Store
from scheduler.planner import Planner
from staff import polls

OPTIONS = ("tax", "land", "finance", "one-stop", "partners")
_LABELS = "".join(
    f"  {option}: {{en: Option {option}, cnr: Opcija {option}}}\n" for option in OPTIONS
)
POLL = f"""---
send_at: {NOW.isoformat()}
quiet_hours: null
topic: news
options:
{_LABELS}---
# en
Hello {{first_name}}, which support would make you invest at home?
# cnr
Zdravo {{first_name}}, koja podrška bi vas podstakla da investirate u domovini?
"""
CAMPAIGN = f"""---
send_at: {NOW.isoformat()}
quiet_hours: null
---
# en
Hello {{first_name}}, news from home.
# cnr
Zdravo {{first_name}}, vijesti iz domovine.
"""


def _content(folder: Path, name: str, kind: str, text: str) -> Path:
    """The shipped locales, events and programme, and one file in ``kind`` (polls or
    campaigns)."""
    root = folder / name
    for part in ("locales", "events"):
        shutil.copytree(ROOT / "content" / part, root / part)
    shutil.copy(ROOT / "content" / "programme.yaml", root / "programme.yaml")
    (root / "campaigns").mkdir()
    (root / kind).mkdir(exist_ok=True)
    (root / kind / f"{'invest' if kind == 'polls' else 'news'}.md").write_text(text, "utf-8")
    return root


async def _topics_off(path: Path) -> None:
    """A tenth of the members turned news off."""
    async with Store(path) as store, store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO topics_off (member_id, topic, at) VALUES (?, 'news', ?)",
            [(n, NOW.isoformat()) for n in range(10, MEMBERS + 1, 10)],
        )


async def ticks(path: Path, root: Path) -> tuple[list[tuple[float, int, int]], int]:
    """[(seconds, queued, skipped)] of the ticks until nothing more is due; rows written."""
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
            timed.append((time.perf_counter() - started, report.queued, report.skipped))
            if not report.more:
                break
            clock.advance(seconds=5)
        row = await store.db.fetchone("SELECT count(*) FROM outbox")
    return timed, int(row[0]) if row else 0


async def _answers(path: Path) -> None:
    """Every member answered: one option, or two for a tenth."""
    pick = random.Random(16)
    rows = []
    for n in range(1, MEMBERS + 1):
        chosen = pick.sample(OPTIONS, 2 if n % 10 == 0 else 1)
        rows.append(("invest", n, json.dumps(chosen), NOW.isoformat(), NOW.isoformat()))
    async with Store(path) as store, store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO poll_answers (poll, member_id, choices, answered_at, changed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )


async def results(path: Path, root: Path) -> tuple[float, int, int]:
    """Seconds to count the results as the dashboard does; members answered; countries."""
    async with Store(path) as store:
        content = Content.load(root, "en")
        started = time.perf_counter()
        found = await polls.results(store, content.polls["invest"])
        seconds = time.perf_counter() - started
    return seconds, found.tally.answered, len(found.by["country"])


def _report(name: str, timed: list[tuple[float, int, int]], rows: int) -> float:
    for number, (seconds, queued, skipped) in enumerate(timed, start=1):
        print(f"    {name} tick {number}: {seconds:.2f} s ({queued} queued, {skipped} skipped)")
    worst = max(seconds for seconds, _, _ in timed)
    middle = statistics.median(seconds for seconds, _, _ in timed)
    print(f"    {name}: {rows} rows, slowest tick {worst:.2f} s, median {middle:.2f} s")
    return worst


def main() -> int:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        path = folder / "members.sqlite3"
        started = time.perf_counter()
        asyncio.run(_members(path))
        asyncio.run(_topics_off(path))
        print(f"(set-up: {MEMBERS} members in {time.perf_counter() - started:.1f} s)")
        copy = folder / "baseline.sqlite3"
        shutil.copy(path, copy)
        print(f"(p1) a poll due for all {MEMBERS} members (a tenth turned its topic off)")
        poll_root = _content(folder, "poll-content", "polls", POLL)
        poll_ticks, poll_rows = asyncio.run(ticks(path, poll_root))
        worst = _report("poll", poll_ticks, poll_rows)
        campaign_root = _content(folder, "campaign-content", "campaigns", CAMPAIGN)
        base_ticks, base_rows = asyncio.run(ticks(copy, campaign_root))
        baseline = _report("baseline: a campaign to the same members", base_ticks, base_rows)
        print(
            f"    slowest poll tick {worst:.2f} s against the campaign's {baseline:.2f} s"
            f" (target <= {TICK_TARGET:.0f} s)"
        )
        asyncio.run(_answers(path))
        seconds, answered, countries = asyncio.run(results(path, poll_root))
        print(
            f"(p2) results of {answered} answers (per option; by {countries} countries,"
            f" language and municipality): {seconds:.2f} s (target <= {TICK_TARGET:.0f} s)"
        )
    return 0 if worst <= TICK_TARGET and seconds <= TICK_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
