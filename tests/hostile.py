"""Hostile content for tests: the "billion laughs" YAML alias bomb, and a guard that fails a test
instead of letting a regression hang the suite."""

from __future__ import annotations

import threading
from collections.abc import Callable


def laughs(levels: int, indent: str = "") -> str:
    """The classic "billion laughs": each level a list of nine aliases of the level before."""
    lines = [f'{indent}lol0: &lol0 "lol"']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"{indent}lol{level}: &lol{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def within(seconds: float, work: Callable[[], object]) -> None:
    """Runs ``work`` in a daemon thread and fails if it has not finished in ``seconds``."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if failure:
        raise failure[0]
