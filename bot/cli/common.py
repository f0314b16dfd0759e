"""What every command of ``diaspora-bot`` shares: its error, the argument types that keep numbers
in range, the time, who runs it (for the audit log), the content folder, writing a file and a
progress bar."""

from __future__ import annotations

import argparse
import getpass
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.clock import SystemClock
from bot.content import Content
from bot.errors import DiasporaError
from bot.settings import Settings

if TYPE_CHECKING:
    from tqdm import tqdm


class CommandError(DiasporaError):
    """A command was given something it cannot use (an unknown event, a bad file…); the CLI
    prints it and exits 1."""


# SQLite's largest integer: a number past it cannot even be looked up.
LARGEST = 2**63 - 1


def whole_number(text: str) -> int:
    """An argparse type: an id or a count, 1 to SQLite's largest integer."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= LARGEST:
        raise argparse.ArgumentTypeError(f"not a whole number from 1 to {LARGEST}: {text!r}")
    return number


def days(most: float) -> Callable[[str], float]:
    """An argparse type: a number of days above 0, at most ``most``."""

    def parse(text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not 0 < number <= most:
            raise argparse.ArgumentTypeError(f"not a number of days from 0 to {most:g}: {text!r}")
        return number

    return parse


def now() -> datetime:
    return SystemClock().now()


def actor() -> str:
    """Who ran the command, as the audit log records it: ``cli:<login>``."""
    return f"cli:{getpass.getuser()}"


def load_content(settings: Settings) -> Content:
    return Content.load(settings.content_dir, settings.default_language, timezone=settings.timezone)


def save(path: Path, data: bytes | str) -> None:
    """Writes a file (text as UTF-8, line ends as they are)."""
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")


def progress(rows: Sequence[Any], what: str) -> Iterable[Any]:
    """The rows, with a progress bar on a terminal (none in pipes and files)."""
    from tqdm import tqdm  # with the first bar: `run` never shows one

    return tqdm(rows, desc=what, unit="row", file=sys.stderr, disable=None, leave=False)


class Steps:
    """The steps of a long command on a terminal: a line for a step that cannot count, a
    progress bar for one that goes row by row. Nothing at all when stderr is piped or a file,
    so scripts and logs get only the command's own output."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.shown = sys.stderr.isatty()

    def say(self, step: str) -> None:
        """A step that cannot count (one query): its name, so the terminal is not silent."""
        if self.shown:
            print(f"{self.what}: {step}…", file=sys.stderr, flush=True)

    def over(self, rows: Sequence[Any], step: str) -> Sequence[Any]:
        """``rows`` (a list again, so it can be counted and read twice), with a progress bar
        while they are gone through."""
        if not self.shown:
            return rows
        from tqdm import tqdm

        bar = tqdm(
            total=len(rows), desc=f"{self.what}: {step}", unit="row", file=sys.stderr, leave=False
        )
        return _Counted(rows, bar)


class _Counted(list[Any]):
    """A list whose iteration moves a progress bar (and closes it at the end)."""

    def __init__(self, rows: Sequence[Any], bar: tqdm[Any]) -> None:
        super().__init__(rows)
        self.bar = bar

    def __iter__(self) -> Iterator[Any]:
        for row in super().__iter__():
            yield row
            self.bar.update(1)
        self.bar.close()
