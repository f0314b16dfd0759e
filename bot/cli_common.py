"""What every command of ``diaspora-bot`` shares: its error, the time, who runs it (for the audit
log), and the content folder."""

from __future__ import annotations

import getpass
from datetime import datetime

from bot.clock import SystemClock
from bot.errors import DiasporaError
from bot.settings import Settings
from scheduler.content import Content


class CommandError(DiasporaError):
    """A command was given something it cannot use (an unknown event, a bad file…); the CLI
    prints it and exits 1."""


def now() -> datetime:
    return SystemClock().now()


def actor() -> str:
    """Who ran the command, as the audit log records it: ``cli:<login>``."""
    return f"cli:{getpass.getuser()}"


def load_content(settings: Settings) -> Content:
    return Content.load(settings.content_dir, settings.default_language)
