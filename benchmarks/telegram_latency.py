"""Telegram round trips through the whole stack, against a fake Bot API server on 127.0.0.1.

(a) Latency: a registered member's greetings, one at a time, each answered with the menu,
    beside the plainest python-telegram-bot bot (an Application whose one MessageHandler echoes
    the text), the two taking turns so that both meet the same machine.
    Target: Diaspora Connect's p50 at most 1.5 times the echo bot's. For scale (no target): the
    same member's other texts, which are questions since issue 14 — the first opens a question
    for the team (the FAQ finds nothing), the rest join it (a message stored, the thread
    updated).
(b) Load: 200 members register at the same time, each walking the whole flow and answering
    the moment a reply arrives. Targets: every one is stored; p95 reply time at most 250 ms.
    For scale, the same 200 again at a human pace (1-3 s to answer each question).

A reply time runs from pushing the update into the fake's queue to the fake receiving the last
message (sendMessage or editMessageText) of the answer. Each bot runs in a process of its own
and long-polls its fake over HTTP; the fakes and the members run in this process, so the
figures (and the "CPU/reply" column, the bot process's CPU time per reply) are the bot's.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path

from benchmarks import _echo as echo
from benchmarks._measure import Load, children_cpu, load_of, load_table, ms, percentile, spawned
from bot.app import App
from bot.settings import Settings
from tests.fakes.bot_api import FakeBotApi, TelegramUser

ROOT = Path(__file__).resolve().parent.parent
ROUND_TRIPS = 300
WARM_UP = 30
MEMBERS = 200
HUMAN_PACE = (1.0, 3.0)
RATIO_TARGET = 1.5
P95_TARGET = 0.250
DATABASE = "bench.sqlite3"


def settings_for(token: str, base_url: str, folder: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_path=folder / DATABASE,
        content_dir=ROOT / "content",
        telegram_bot_token=token,
        telegram_api_base_url=base_url,
        twilio_account_sid=None,
        twilio_auth_token=None,
        twilio_whatsapp_number=None,
        default_language="en",
        log_level="WARNING",
    )


# The bot processes.


async def _serve(
    kind: str, token: str, base_url: str, folder: Path, ready: Event, stop: Event
) -> None:
    """Runs one bot, long polling ``base_url``, from ``ready`` until ``stop`` is set."""
    if kind == "echo":
        await echo.serve(token, base_url, ready.set, asyncio.to_thread(stop.wait))
        return
    async with App(settings_for(token, base_url, folder)) as app:
        assert app.telegram is not None
        await app.telegram.start()
        ready.set()
        try:
            await asyncio.to_thread(stop.wait)
        finally:
            await app.telegram.stop()


def serve(kind: str, token: str, base_url: str, folder: str, ready: Event, stop: Event) -> None:
    """A bot process: the echo bot or Diaspora Connect, serving until told to stop."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    asyncio.run(_serve(kind, token, base_url, Path(folder), ready, stop))


def bot_process(kind: str, fake: FakeBotApi, folder: Path) -> AbstractAsyncContextManager[None]:
    """Runs a bot against ``fake`` in a process of its own, so the fake does not slow it down."""
    return spawned(f"{kind}-bot", serve, kind, fake.token, f"{fake.url}/bot", str(folder))


# The members.


async def register(
    fake: FakeBotApi, user_id: int, pace: tuple[float, float] | None = None
) -> TelegramUser:
    """Walks one member through the whole registration flow.

    With ``pace``, the member takes between its two numbers of seconds to answer each question.
    """
    user = TelegramUser(fake, user_id, first_name=f"Member {user_id}", timeout=120)
    thinking = random.Random(user_id)

    async def think() -> None:
        if pace is not None:
            await asyncio.sleep(thinking.uniform(*pace))

    await think()  # people who start together still send their first message seconds apart
    await user.send("/start", replies=2)
    for option in ("en", "agree", "use_name", "DE"):
        await think()
        await user.press(option)
    await think()
    await user.send("Berlin")
    await think()
    await user.press("kotor")
    await think()
    await user.send("2015")
    await think()
    await user.press("it")
    await think()
    await user.send("Software engineering")
    for option in ("en", "done", "events", "done", "telegram"):
        await think()
        await user.press(option)
    await think()
    await user.send(f"member{user_id}@example.com", replies=2)
    await think()
    await user.share_contact(f"+38267{100000 + user_id}")
    await think()
    await user.press("confirm", replies=2)
    return user


@dataclass
class Latency:
    echo: list[float]
    app: list[float]
    questions: list[float]


async def round_trips(count: int) -> Latency:
    """Reply times of the echo bot and of Diaspora Connect, taking turns, one text at a time."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            FakeBotApi() as echo_api,
            FakeBotApi() as app_api,
            bot_process("echo", echo_api, Path(folder)),
            bot_process("app", app_api, Path(folder)),
        ):
            echo = TelegramUser(echo_api, 1)
            member = await register(app_api, 1)
            member.reply_times.clear()
            for number in range(WARM_UP + count):
                await echo.send(f"hello {number}")
                await member.send("Hello")
            menu = member.reply_times[WARM_UP:]
            member.reply_times.clear()
            for number in range(WARM_UP + count):
                await member.send(f"hello {number}, is the forum in Budva open to students?")
    return Latency(echo.reply_times[WARM_UP:], menu, member.reply_times[WARM_UP:])


async def registrations(members: int, pace: tuple[float, float] | None = None) -> Load:
    """Registers ``members`` at once and counts who ended up in the store."""
    cpu = children_cpu()
    with tempfile.TemporaryDirectory() as folder:
        async with FakeBotApi() as fake:
            async with bot_process("app", fake, Path(folder)):
                started = time.perf_counter()
                results = await asyncio.gather(
                    *(register(fake, 1000 + number, pace) for number in range(members)),
                    return_exceptions=True,
                )
                seconds = time.perf_counter() - started
            return await load_of(results, TelegramUser, seconds, Path(folder) / DATABASE, cpu)


def _row(*cells: str) -> str:
    name, *figures = cells
    return f"    {name:<36}" + "".join(f"{figure:>11}" for figure in figures)


async def run() -> bool:
    latency = await round_trips(ROUND_TRIPS)
    ratio = statistics.median(latency.app) / statistics.median(latency.echo)
    latency_ok = ratio <= RATIO_TARGET
    print(f"(a) {ROUND_TRIPS} round trips each, one at a time, after {WARM_UP} to warm up")
    print(_row("", "p50", "p95", "max"))
    for name, times in (
        ("python-telegram-bot echo bot", latency.echo),
        ("Diaspora Connect (greeting -> menu)", latency.app),
        ("  a text joining a question (no target)", latency.questions),
    ):
        print(_row(name, ms(percentile(times, 0.5)), ms(percentile(times, 0.95)), ms(max(times))))
    p95_ratio = percentile(latency.app, 0.95) / percentile(latency.echo, 0.95)
    print(_row("ratio", f"{ratio:.2f}", f"{p95_ratio:.2f}"))
    print(
        f"    p50 ratio {ratio:.2f}, target <= {RATIO_TARGET}: {'PASS' if latency_ok else 'FAIL'}"
    )

    print(f"(b) {MEMBERS} members registering at the same time")
    load_ok, throughput = await load_table(registrations, MEMBERS, HUMAN_PACE, P95_TARGET, _row)
    print(
        f"    saturated: {throughput:.0f} replies/s; at a human pace p95 target <= "
        f"{P95_TARGET * 1000:.0f} ms; all {MEMBERS} stored both times: "
        f"{'PASS' if load_ok else 'FAIL'}"
    )
    return latency_ok and load_ok


def main() -> int:
    # python-telegram-bot's non-deprecated time periods, as the real process uses them.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    return 0 if asyncio.run(run()) else 1


if __name__ == "__main__":
    sys.exit(main())
