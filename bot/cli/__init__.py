"""The command line: ``python -m bot COMMAND`` (also installed as ``diaspora-bot``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot import logs
from bot.cli import (
    businesses,
    campaigns,
    demo,
    events,
    exports,
    members,
    polls,
    questions,
    reports,
    service,
)
from bot.errors import DiasporaError
from bot.settings import Settings, problems

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse with a mistake said in one line, ``PROG: error: MESSAGE``, exit code 2 (the
    usage is in ``--help``); every subcommand's parser is one too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


# A module per area; each adds its commands to the parser and says which function runs each.
_AREAS = (
    service,
    exports,
    campaigns,
    events,
    members,
    reports,
    demo,
    businesses,
    questions,
    polls,
)


def _parser() -> argparse.ArgumentParser:
    # Typed as the base class, which the commands' modules take (subparsers are _Parser too).
    parser: argparse.ArgumentParser = _Parser(
        prog="diaspora-bot",
        description="Diaspora Connect: a Telegram and WhatsApp bot for a country's diaspora.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for area in _AREAS:
        area.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Opt in to python-telegram-bot's timedelta time periods (the non-deprecated behaviour).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        # pydantic's own text names lower-case fields and echoes values, secrets included.
        for line in problems(error):
            print(f"diaspora-bot: {line}", file=sys.stderr)
        return 2
    except SettingsError as error:
        print(f"diaspora-bot: invalid settings: {error}", file=sys.stderr)
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
    logs.configure(settings.log_level, secrets, service.log_file(settings, args.command))
    try:
        code = asyncio.run(_COMMANDS[args.command](settings, args))
        sys.stdout.flush()
        return code
    except DiasporaError as error:
        print(f"diaspora-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader left early (``stats --json | head``): stop quietly, as other tools do,
        # and keep the interpreter's last flush from raising the same error again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]
_COMMANDS: dict[str, Command] = {
    name: run for area in _AREAS for name, run in area.COMMANDS.items()
}
