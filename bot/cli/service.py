"""``diaspora-bot run`` (the service: channels, scheduler, HTTP and the dashboard; the terminal
chat when no channel is configured and stdin is a terminal, or nothing else would serve), ``chat``
and ``backup``."""

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
        help="serve the configured channels and the dashboard (the terminal chat when no "
        "channel is configured)",
        description="Serve Telegram (long polling, or webhook with TELEGRAM_WEBHOOK=true) and "
        "WhatsApp through Twilio, with the HTTP server (webhooks, /healthz, the dashboard when "
        "DASHBOARD_PASSWORD is set) on HTTP_HOST:HTTP_PORT, until SIGTERM or Ctrl-C. A channel "
        "whose platform cannot be reached is retried in the background. With no channel "
        "credentials configured, chat on the terminal; with the dashboard on, serve it too "
        "(beside the chat when stdin is a terminal, alone otherwise).",
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


def _on_terminal() -> bool:
    """Whether stdin is a terminal someone types at (not closed, a pipe or a file)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # closed
        return False


def _serves_http(settings: Settings) -> bool:
    return settings.telegram_enabled or settings.whatsapp_enabled or _dashboard(settings)


def _dashboard(settings: Settings) -> bool:
    return settings.dashboard_password is not None


def log_file(settings: Settings, command: str) -> Path | None:
    """Where the logs go instead of stderr while a command chats on the terminal, if it does:
    ``chat``, and ``run`` with no channel configured on a terminal (or with nothing else to
    serve)."""
    channels = settings.telegram_enabled or settings.whatsapp_enabled
    chats = command == "chat" or (
        command == "run" and not channels and (_on_terminal() or not _dashboard(settings))
    )
    return settings.database_path.parent / "diaspora.log" if chats else None


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    if not _serves_http(settings):
        # A fresh machine: nothing configured, so the terminal chat on the sample content.
        return await _chat(settings, args)
    channels = settings.telegram_enabled or settings.whatsapp_enabled
    chatting = not channels and _on_terminal()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with App(settings) as app:
        terminal = app.terminal(files_dir=settings.database_path.parent) if chatting else None
        if chatting:
            # The log goes to a file while chatting: the address is said here, once.
            print(
                f"diaspora-bot: serving the dashboard on http://{settings.http_host}:"
                f"{settings.http_port}/dashboard beside the chat; the log is in "
                f"{log_file(settings, 'run')}",
                file=sys.stderr,
            )
        await app.serve(stop, terminal)
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
