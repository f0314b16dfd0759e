"""Outbox sender throughput through the real Telegram stack, against the fake Bot API server.

(a) Rate limits off: a queued broadcast to 5,000 members drained by the outbox sender (App's
    TelegramChannel, python-telegram-bot, the outbox's claim/record bookkeeping in SQLite),
    beside the naive loop ``for member: await bot.send_message(...)`` with python-telegram-bot's
    defaults, and the same loop on the app's aiohttp transport, in the same run. Target: at
    least 1,000 messages a second.
(b) The sender's Telegram rate set to 30/s and the fake enforcing 30 sends a second (429 with
    retry_after beyond it): 450 messages. Targets: sustained at least 29/s, zero 429 answers.

The sender (or the naive loop) runs in a process of its own; the fake runs in this one, so the
two do not share one core. Rates are counted where the fake received the messages.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

from telegram import Bot

from bot.app import App
from bot.channels.telegram_transport import AiohttpRequest
from bot.settings import Settings
from bot.store import Outgoing, Store
from tests.fakes.bot_api import TOKEN, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
FAST = 5_000
NAIVE = 1_000
LIMITED = 450
RATE = 30
THROUGHPUT_TARGET = 1_000.0
SUSTAINED_TARGET = 29.0
FIRST_CHAT = 100_000


async def _prepare(path: Path, count: int) -> None:
    """``count`` registered members on Telegram and a broadcast queued to all of them."""
    now = datetime.now(UTC)
    at = now.isoformat()
    async with Store(path) as store:
        async with store.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO members (id, name, language, consent_version, consent_at,"
                " registered_at, created_at, updated_at) VALUES (?, ?, 'en', 'v1', ?, ?, ?, ?)",
                [(n, f"Member {n}", at, at, at, at) for n in range(1, count + 1)],
            )
            await conn.executemany(
                "INSERT INTO addresses (address, member_id, channel, created_at)"
                " VALUES (?, ?, 'telegram', ?)",
                [(f"telegram:{FIRST_CHAT + n}", n, at) for n in range(1, count + 1)],
            )
        await store.outbox.enqueue(
            (
                Outgoing("broadcast:1", "broadcast", n, f"News from home for member {n}", now)
                for n in range(1, count + 1)
            ),
            now,
        )


async def _run(kind: str, base_url: str, folder: Path, count: int, rate: float) -> float:
    if kind.startswith("naive"):
        request = AiohttpRequest() if kind == "naive-aiohttp" else None
        async with Bot(TOKEN, base_url=base_url, request=request) as bot:
            started = time.perf_counter()
            for n in range(1, count + 1):
                await bot.send_message(FIRST_CHAT + n, f"News from home for member {n}")
            return time.perf_counter() - started
    settings = Settings(
        _env_file=None,
        database_path=folder / f"{kind}.sqlite3",
        content_dir=ROOT / "content",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=base_url,
        telegram_rate=rate,
    )
    await _prepare(settings.database_path, count)
    async with App(settings) as app, app.sending():
        started = time.perf_counter()
        report = await app.sender.drain()
        elapsed = time.perf_counter() - started
    if report.sent != count:
        raise RuntimeError(f"sent {report.sent} of {count}: {report}")
    return elapsed


def sender_process(
    kind: str, base_url: str, folder: str, count: int, rate: float, go: Event, out: Connection
) -> None:
    """The sending side, in a process of its own: waits for ``go``, sends, reports seconds."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    async def run() -> float:
        await asyncio.to_thread(go.wait)
        return await _run(kind, base_url, Path(folder), count, rate)

    out.send(asyncio.run(run()))


async def measure(
    kind: str, count: int, rate: float = 0, limit: int | None = None
) -> dict[str, float]:
    """Runs one sender against a fresh fake; the rate is what the fake received."""
    async with FakeBotApi(send_limit=limit) as fake:
        context = multiprocessing.get_context("spawn")
        go = context.Event()
        receive, send = context.Pipe(duplex=False)
        with tempfile.TemporaryDirectory() as folder:
            process = context.Process(
                target=sender_process,
                args=(kind, f"{fake.url}/bot", folder, count, rate, go, send),
                name=f"{kind}-sender",
            )
            process.start()
            await asyncio.sleep(0.5)  # let the process import and prepare before timing
            go.set()
            while not receive.poll():
                if not process.is_alive():
                    raise RuntimeError(f"the {kind} sender exited with {process.exitcode}")
                await asyncio.sleep(0.05)
            elapsed = float(receive.recv())
            await asyncio.to_thread(process.join, 30)
        sends = [call for call in fake.calls if call.method == "sendMessage"]
        times = sorted(
            message.at
            for chat in range(FIRST_CHAT + 1, FIRST_CHAT + count + 1)
            for message in fake.messages(chat)
        )
    delivered = len(times)
    span = times[-1] - times[0] if delivered > 1 else float("nan")
    return {
        "delivered": delivered,
        "rate": (delivered - 1) / span if delivered > 1 else 0.0,
        "elapsed": elapsed,
        "throttled": sum(1 for call in sends if call.status == 429),
    }


def main() -> int:
    async def run() -> int:
        naive = await measure("naive", NAIVE)
        transport = await measure("naive-aiohttp", NAIVE)
        fast = await measure("outbox", FAST)
        limited = await measure("outbox", LIMITED, rate=RATE, limit=RATE)
        print(f"(a) rate limits off, {FAST} queued messages (fake Bot API in another process)")
        print(f"    naive `for m: await bot.send_message(...)`: {naive['rate']:8.0f} msg/s")
        print(f"    the same loop on our aiohttp transport:     {transport['rate']:8.0f} msg/s")
        speedup = fast["rate"] / naive["rate"]
        print(
            f"    outbox sender:                              {fast['rate']:8.0f} msg/s"
            f"  ({speedup:.1f}x the naive loop; target >= {THROUGHPUT_TARGET:.0f})"
        )
        print(f"(b) sender rate {RATE}/s, fake enforcing {RATE}/s: {LIMITED} messages")
        print(
            f"    sustained {limited['rate']:.2f} msg/s (target >= {SUSTAINED_TARGET}),"
            f" 429 answers: {limited['throttled']:.0f} (target 0),"
            f" delivered {limited['delivered']:.0f}/{LIMITED}"
        )
        ok = (
            fast["rate"] >= THROUGHPUT_TARGET
            and fast["delivered"] == FAST
            and limited["rate"] >= SUSTAINED_TARGET
            and limited["throttled"] == 0
            and limited["delivered"] == LIMITED
        )
        return 0 if ok else 1

    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
