"""What every command of ``diaspora-bot`` shares: its error, the argument types that keep numbers
in range, the time, who runs it (for the audit log), the content folder, writing a file and a
progress bar."""

from __future__ import annotations

import argparse
import getpass
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bot.clock import SystemClock
from bot.content import Content
from bot.errors import DiasporaError
from bot.settings import Settings


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
    return Content.load(
        settings.content_dir, settings.default_language, timezone=settings.timezone
    )


def save(path: Path, data: bytes | str) -> None:
    """Writes a file (text as UTF-8, line ends as they are)."""
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")


def progress(rows: Sequence[Any], what: str) -> Iterable[Any]:
    """The rows, with a progress bar on a terminal (none in pipes and files)."""
    return tqdm(rows, desc=what, unit="row", file=sys.stderr, disable=None, leave=False)
