"""What the latency benchmarks share: percentiles, figures in milliseconds, the bots' CPU, a bot
in a process of its own, and the registration load and its table."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.store import Store


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def children_cpu() -> float:
    """CPU seconds used so far by the bot processes that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Load:
    """Members registering at the same time: every reply time, how long it all took, how many
    finished and were stored, and the bot's CPU seconds."""

    times: list[float]
    seconds: float
    finished: int
    stored: int
    bot_cpu: float


@asynccontextmanager
async def spawned(name: str, target: Callable[..., None], *args: object) -> AsyncIterator[None]:
    """Runs ``target(*args, ready, stop)`` in a process of its own (so the fakes in this one do
    not slow it down), from when it sets ``ready`` until the block ends and ``stop`` is set."""
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    process = context.Process(target=target, args=(*args, ready, stop), name=name)
    process.start()
    try:
        while not ready.is_set():
            if not process.is_alive():
                raise RuntimeError(f"the {name} process exited with {process.exitcode}")
            await asyncio.sleep(0.02)
        yield
    finally:
        stop.set()
        # This event loop keeps serving the fakes meanwhile: the process's last calls need it.
        await asyncio.to_thread(process.join, 30)
        if process.is_alive():
            process.kill()
            await asyncio.to_thread(process.join)


class Member(Protocol):
    """A simulated member: the seconds each reply took."""

    reply_times: list[float]


async def load_of(
    results: Sequence[object], kind: type[Member], seconds: float, database: Path, cpu: float
) -> Load:
    """The figures of a registration load: the members that finished (instances of ``kind``,
    each with its ``reply_times``), who is in the store, and the bot's CPU since ``cpu``."""
    async with Store(database) as store:
        stored = await store.members.count()
    done = [result for result in results if isinstance(result, kind)]
    for error in [result for result in results if isinstance(result, BaseException)][:3]:
        print(f"    a registration failed: {error!r}")
    times = [seconds for member in done for seconds in member.reply_times]
    return Load(times, seconds, len(done), stored, children_cpu() - cpu)


Pace = tuple[float, float] | None


async def load_table(
    registrations: Callable[[int, Pace], Awaitable[Load]],
    members: int,
    human_pace: tuple[float, float],
    p95_target: float,
    row: Callable[..., str],
) -> tuple[bool, float]:
    """Runs the load twice and prints a row for each: every member answering the instant a
    reply arrives, then at ``human_pace``. Returns whether every member finished and was stored
    both times with the paced p95 within ``p95_target``, and the saturated replies a second."""
    print(row("", "replies", "p50", "p95", "max", "total", "CPU/reply"))
    stored_ok = paced_ok = True
    throughput = 0.0
    for name, pace in (("answering at once", None), ("answering in 1-3 s", human_pace)):
        load = await registrations(members, pace)
        times = load.times or [float("inf")]
        print(
            row(
                name,
                str(len(load.times)),
                ms(percentile(times, 0.5)),
                ms(percentile(times, 0.95)),
                ms(max(times)),
                f"{load.seconds:.1f} s",
                ms(load.bot_cpu / max(1, len(load.times))),
            )
        )
        if load.finished != members or load.stored != members:
            stored_ok = False
            print(f"    only {load.finished} finished and {load.stored} stored of {members}")
        if pace is None:
            # Everyone answering the instant a reply arrives is a saturation test: it shows the
            # bot's throughput, and every registration must still finish.
            throughput = len(load.times) / load.seconds
        else:
            # Members registering at the same time answer as people do, within seconds: the
            # reply-time target is theirs.
            paced_ok = percentile(times, 0.95) <= p95_target
    return stored_ok and paced_ok, throughput
