"""The service's footprint beside the plainest python-telegram-bot bot, and what each heavy
thing costs when first used.

(a) Idle memory, side by side in one run: the echo bot (``benchmarks._echo``, long polling its
    own fake Bot API) and Diaspora Connect as operators run it, ``python -m bot run``, with
    Telegram (long polling a fake Bot API), WhatsApp (a fake Twilio API), the dashboard on,
    the sample content and a database of 10,000 members from ``diaspora-bot demo``. Each is a
    process of its own; both idle for the same seconds, then their resident memory (VmRSS) is
    read, and the highest it reached (VmHWM). Target: Diaspora Connect at most twice the echo
    bot's.
(b) Start to serving: from starting ``python -m bot run`` to ``/healthz`` answering with both
    channels up (Telegram is up once it long-polls; WhatsApp once Twilio answered), the quickest
    of three starts. Target: at most 2 s. The echo bot's start (to polling) beside it, and the
    CPU seconds each used.
(c) What each heavy thing costs — memory (RSS growth) and time — each measured in a fresh
    interpreter: what ``diaspora-bot run`` imports, then on top of it what the service builds
    as it starts and serves, and what it loads only when first used.

The 100,000-member broadcast's memory is benchmarks/outbox_planner.py's (c2).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks.whatsapp_latency import free_port
from bot.content import Content
from bot.store import Store
from staff import demo
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, NUMBER, FakeTwilioApi

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 10_000
IDLE_SECONDS = 20.0
RSS_RATIO_TARGET = 2.0
START_TARGET = 2.0
START_TIMEOUT = 60.0
# Starts of the service timed: on a busy machine, the quickest is the one least held up.
STARTS = 3
PASSWORD = "footprint-benchmark-password"
DATABASE = "demo.sqlite3"


def _status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def _cpu(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _environment(**settings: str) -> dict[str, str]:
    """A child's environment: only what it needs and ``settings`` (nothing from this machine's
    .env or credentials), quiet logs, our packages importable."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "PTB_TIMEDELTA": "1",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


@dataclass
class Running:
    """A bot in a process of its own, the seconds it took to serve and the CPU seconds it used
    meanwhile (on a busy machine the wall-clock time is mostly waiting for a core)."""

    name: str
    process: asyncio.subprocess.Process
    start: float
    cpu: float

    def memory(self) -> dict[str, float]:
        return _status(self.process.pid)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def echo_bot(fake: FakeBotApi, folder: Path) -> Running:
    """Starts the echo bot and waits until it polls."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks._echo", f"{fake.url}/bot", fake.token,
        cwd=folder, env=_environment(), stdout=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
    if line.strip() != b"ready":
        raise RuntimeError(f"the echo bot did not start (exit {await process.wait()})")
    return Running("echo", process, time.perf_counter() - started, _cpu(process.pid))


async def service(fake: FakeBotApi, twilio: FakeTwilioApi, database: Path) -> Running:
    """Starts ``python -m bot run`` and waits until it serves: /healthz with both channels up
    (the fake records a long poll only when it returns, seconds later)."""
    port = free_port()
    environment = _environment(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=f"{fake.url}/bot",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_WHATSAPP_NUMBER=NUMBER,
        TWILIO_API_BASE_URL=twilio.url,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        HTTP_HOST="127.0.0.1",
        HTTP_PORT=str(port),
        DASHBOARD_PASSWORD=PASSWORD,
        DATABASE_PATH=str(database),
        CONTENT_DIR=str(ROOT / "content"),
    )
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=database.parent, env=environment
    )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
        while time.perf_counter() - started < START_TIMEOUT:
            if process.returncode is not None:
                raise RuntimeError(f"the service exited with {process.returncode}")
            if await _serving(client):
                seconds = time.perf_counter() - started
                return Running("service", process, seconds, _cpu(process.pid))
            await asyncio.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the service did not serve within {START_TIMEOUT:.0f} s")


async def _serving(client: httpx.AsyncClient) -> bool:
    try:
        response = await client.get("/healthz")
    except httpx.TransportError:
        return False
    channels = response.json().get("channels", {}) if response.status_code == 200 else None
    return channels is not None and all(
        channels.get(name, "up") == "up" for name in ("telegram", "whatsapp")
    )


async def _members(database: Path) -> float:
    """The demo's members in a new database; the seconds it took."""
    started = time.perf_counter()
    content = Content.load(ROOT / "content", "en")
    async with Store(database) as store:
        await demo.fill(store, content, datetime.now(UTC), members=MEMBERS)
    return time.perf_counter() - started


@dataclass(frozen=True)
class Side:
    """(a) and (b): each bot's start and its memory after idling."""

    echo: Running
    app: Running
    echo_memory: dict[str, float]
    app_memory: dict[str, float]
    # Every start of the service: the first one's, then more, taken the same way.
    starts: list[Running]


async def side_by_side(folder: Path) -> Side:
    database = folder / DATABASE
    seconds = await _members(database)
    print(f"(set-up: {MEMBERS:,} demo members in {seconds:.0f} s)")
    async with FakeBotApi() as echo_api, FakeBotApi() as app_api, FakeTwilioApi() as twilio:
        echo = await echo_bot(echo_api, folder)
        try:
            app = await service(app_api, twilio, database)
            try:
                await asyncio.sleep(IDLE_SECONDS)
                side = Side(echo, app, echo.memory(), app.memory(), [app])
            finally:
                await app.stop()
            for _ in range(STARTS - 1):
                again = await service(app_api, twilio, database)
                await again.stop()
                side.starts.append(again)
            return side
        finally:
            await echo.stop()


# (c) What each heavy thing costs, each in a fresh interpreter.

_PROBE = """
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
{before}
memory, started = rss(), time.perf_counter()
{thing}
print(json.dumps([rss() - memory, time.perf_counter() - started]))
"""
_CHART = (
    "from staff import charts\n"
    "charts.png('t', [charts.Panel('p', [('a', 3)]), charts.Panel('m', [('x', 1)], True)])"
)
_ROSTER = (
    "import asyncio\nfrom bot.store import Store\nfrom scheduler.roster import Roster\n"
    "async def load():\n"
    "    async with Store({database!r}) as store:\n"
    "        await Roster(store.recipients, 'Europe/Podgorica').refresh()\n"
    "asyncio.run(load())"
)
_TWILIO = (
    "import asyncio\nfrom twilio.http.async_http_client import AsyncTwilioHttpClient\n"
    "from bot.channels.whatsapp import twilio_client\n"
    "async def make():\n"
    "    http = AsyncTwilioHttpClient()\n"
    "    twilio_client('AC' + '0' * 32, 'token', http)\n"
    "    await http.close()\n"
    "asyncio.run(make())"
)
_CALENDAR = (
    "from datetime import UTC, datetime\nfrom bot.content import Content\n"
    "from handlers.ics import event_file\ncontent = Content.load({content!r}, 'en')\n"
    "event_file(next(iter(content.events.values())), 'en', 'en', datetime.now(UTC))"
)
RUN = "import bot.cli"


def costs(database: Path) -> list[tuple[str, str, str]]:
    """(what, code run before, the thing) for each row of (c)."""
    return [
        ("python-telegram-bot (the echo bot's imports)", "", "import telegram.ext"),
        ("what `diaspora-bot run` imports (bot.cli)", "", RUN),
        ("  then, while it starts and serves:", "", ""),
        ("  Twilio's client as the channel uses it", RUN, _TWILIO),
        (f"  planner's roster of {MEMBERS:,} members", RUN, _ROSTER.format(database=str(database))),
        ("  country index (warmed off the loop)", RUN,
         "from bot.countries import CountryIndex\nCountryIndex({'SAD': 'US'}).warm()"),
        ("  then, only when first used:", "", ""),
        ("  city table (a member's zone, report's cities)", RUN,
         "from bot import zones\nzones.city_zone('DE', 'Munchen')"),
        ("  a /stats chart (matplotlib)", RUN, _CHART),
        ("  an XLSX export (openpyxl)", RUN,
         "from staff.export import to_xlsx\nto_xlsx(['a'], [[1]], 'members')"),
        ("  a calendar file (icalendar)", RUN, _CALENDAR.format(content=str(ROOT / "content"))),
        ("  a QR poster (qrcode, Pillow)", RUN,
         "from staff import qr\nqr.poster('https://t.me/example_bot?start=ev_x')"),
    ]  # fmt: skip


def cost(before: str, thing: str) -> tuple[float, float]:
    """(MB, seconds) that ``thing`` adds in a fresh interpreter that ran ``before``."""
    code = _PROBE.format(before=before, thing=thing)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_environment(),
        cwd=ROOT, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{thing!r} failed: {done.stderr.strip().splitlines()[-1:]}")
    megabytes, seconds = json.loads(done.stdout.strip().splitlines()[-1])
    return float(megabytes), float(seconds)


def _row(*cells: str) -> str:
    name, *figures = cells
    return f"    {name:<48}" + "".join(f"{figure:>11}" for figure in figures)


def main() -> int:
    with tempfile.TemporaryDirectory() as name:
        side = asyncio.run(side_by_side(Path(name)))
        table = [
            (label, cost(before, thing) if thing else None)
            for label, before, thing in costs(Path(name) / DATABASE)
        ]
    ratio = side.app_memory["VmRSS"] / side.echo_memory["VmRSS"]
    memory_ok = ratio <= RSS_RATIO_TARGET
    quickest = min(side.starts, key=lambda run: run.start)
    start_ok = quickest.start <= START_TARGET
    print(f"(a) idle memory after {IDLE_SECONDS:.0f} s serving, side by side")
    print(_row("", "RSS", "peak RSS", "start", "its CPU"))
    for label, bot, memory in (
        ("python-telegram-bot echo bot", side.echo, side.echo_memory),
        (f"Diaspora Connect ({MEMBERS:,} members, TG+WA+web)", side.app, side.app_memory),
    ):
        print(
            _row(
                label,
                f"{memory['VmRSS']:.0f} MB",
                f"{memory['VmHWM']:.0f} MB",
                f"{bot.start:.2f} s",
                f"{bot.cpu:.2f} s",
            )
        )
    print(
        f"    RSS ratio {ratio:.2f}, target <= {RSS_RATIO_TARGET:.0f}:"
        f" {'PASS' if memory_ok else 'FAIL'}"
    )
    load = os.getloadavg()[0]
    busy = f" (load average {load:.1f} on {os.cpu_count()} cores)" if load > 1 else ""
    print(
        f"(b) start to serving, quickest of {STARTS}: {quickest.start:.2f} s ({quickest.cpu:.2f} s"
        f" of CPU){busy}; all: {', '.join(f'{run.start:.2f} s' for run in side.starts)};"
        f" target <= {START_TARGET:.0f} s: {'PASS' if start_ok else 'FAIL'}"
    )
    print("(c) what each costs, each in a fresh interpreter (RSS growth, wall-clock time)")
    print(_row("", "memory", "time"))
    for label, figures in table:
        if figures is None:
            print(f"    {label}")
        else:
            print(_row(label, f"{figures[0]:.1f} MB", f"{figures[1] * 1000:.0f} ms"))
    return 0 if memory_ok and start_ok else 1


if __name__ == "__main__":
    sys.exit(main())
