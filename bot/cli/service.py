"""``diaspora-bot run`` (the service: channels, scheduler, HTTP; the terminal chat when no channel
is configured), ``chat`` and ``backup``."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from bot.app import App
from bot.cli import common
from bot.settings import Settings
from bot.store import Store


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``run``, ``chat`` and ``backup``."""
    commands.add_parser(
        "run",
        help="serve the configured channels (the terminal chat when none is configured)",
        description="Serve Telegram (long polling, or webhook with TELEGRAM_WEBHOOK=true) and "
        "WhatsApp through Twilio, with the HTTP server (webhooks, /healthz) on "
        "HTTP_HOST:HTTP_PORT. "
        "With no channel credentials configured, chat on the terminal instead.",
    )
    commands.add_parser(
        "chat",
        help="chat with the bot on the terminal (reads stdin line by line; pipes work)",
        description="Chat with the bot on the terminal. Options are numbered; answer with the "
        "number or the label. Reads stdin line by line, so piped input works.",
    )
    backup = commands.add_parser(
        "backup",
        help="copy the database to a file with SQLite's online backup",
        description="Copy the live database to FILE with SQLite's online backup; safe while "
        "the bot runs.",
    )
    backup.add_argument("file", type=Path, help="where to write the copy")


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    if not (settings.telegram_enabled or settings.whatsapp_enabled):
        return await _chat(settings, args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with App(settings) as app:
        await app.serve(stop)
    return 0


async def _chat(settings: Settings, args: argparse.Namespace) -> int:
    async with App(settings) as app:
        await app.chat(files_dir=settings.database_path.parent)
    return 0


async def _backup(settings: Settings, args: argparse.Namespace) -> int:
    async with Store(settings.database_path) as store:
        await store.db.backup(args.file)
        await store.audit.record(common.actor(), "backup", common.now(), output=str(args.file))
    print(f"backed up {settings.database_path} to {args.file}", file=sys.stderr)
    return 0


COMMANDS = {"run": _run, "chat": _chat, "backup": _backup}
