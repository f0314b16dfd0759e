"""The command line: ``python -m bot COMMAND`` (also installed as ``diaspora-bot``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from bot import cli_common, cli_events, cli_staff, logs
from bot.app import App
from bot.errors import DiasporaError
from bot.settings import Settings
from bot.store import Store
from scheduler import console

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse with a mistake said in one line, ``PROG: error: MESSAGE``, exit code 2 (the
    usage is in ``--help``); every subcommand's parser is one too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    # Typed as the base class, which the commands' modules take (subparsers are _Parser too).
    parser: argparse.ArgumentParser = _Parser(
        prog="diaspora-bot",
        description="Diaspora Connect: a Telegram and WhatsApp bot for a country's diaspora.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    export_parser = commands.add_parser(
        "export",
        help="export data as CSV (stdout) or to a .csv/.xlsx file",
        description="Export data. CSV goes to stdout unless --output names a .csv or .xlsx file.",
    )
    what = export_parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    members = what.add_parser(
        "members",
        help="registered members and their profiles",
        description="Export registered members and their profiles.",
    )
    members.add_argument("--output", "-o", type=Path, help="a .csv or .xlsx file")
    members.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help="the file format (default: from --output's suffix, else csv)",
    )
    cli_events.add_exports(what)
    cli_staff.extend_exports(what)
    backup = commands.add_parser(
        "backup",
        help="copy the database to a file with SQLite's online backup",
        description="Copy the live database to FILE with SQLite's online backup; safe while "
        "the bot runs.",
    )
    backup.add_argument("file", type=Path, help="where to write the copy")
    console.add_commands(commands)
    cli_events.add_commands(commands)
    cli_staff.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Opt in to python-telegram-bot's timedelta time periods (the non-deprecated behaviour).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"diaspora-bot: invalid settings:\n{error}", file=sys.stderr)
        return 2
    secrets = [
        secret.get_secret_value()
        for secret in (
            settings.telegram_bot_token,
            settings.twilio_auth_token,
            settings.twilio_webhook_shared_key,
            settings.telegram_webhook_secret,
            settings.dashboard_password,
        )
        if secret is not None
    ]
    chatting = args.command == "chat" or (
        args.command == "run" and not (settings.telegram_enabled or settings.whatsapp_enabled)
    )
    log_file = settings.database_path.parent / "diaspora.log" if chatting else None
    logs.configure(settings.log_level, secrets, log_file)
    try:
        return asyncio.run(_COMMANDS[args.command](settings, args))
    except DiasporaError as error:
        print(f"diaspora-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


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
        await store.audit.record(
            cli_common.actor(), "backup", cli_common.now(), output=str(args.file)
        )
    print(f"backed up {settings.database_path} to {args.file}", file=sys.stderr)
    return 0


_COMMANDS = {
    "run": _run,
    "chat": _chat,
    "export": cli_staff.export_data,
    "stats": cli_staff.show_stats,
    "members": cli_staff.members,
    "audit": cli_staff.audit,
    "report": cli_staff.reports,
    "backup": _backup,
    "campaigns": console.campaigns,
    "outbox": console.outbox,
    "broadcast": console.broadcast,
    "qr": cli_events.qr_codes,
    "fellowship": cli_events.fellowship,
}
