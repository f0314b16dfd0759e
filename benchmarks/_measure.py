"""What the latency benchmarks share: percentiles, figures in milliseconds, the bots' CPU, and
the result of a registration load."""

from __future__ import annotations

import resource
from collections.abc import Sequence
from dataclasses import dataclass


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
