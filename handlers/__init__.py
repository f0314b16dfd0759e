"""The conversation flows and commands. They know no channel."""

from __future__ import annotations

from collections.abc import Mapping

from bot.flow import Command, Flow
from handlers import account, registration
from handlers.menu import menu

FLOWS: Mapping[str, Flow] = {
    flow.name: flow for flow in (registration.FLOW, account.LANGUAGE_FLOW, account.DELETE_FLOW)
}

COMMANDS: Mapping[str, Command] = {
    "start": account.start,
    "help": account.help_,
    "register": registration.register,
    "profile": registration.register,
    "language": account.language,
    "mydata": account.mydata,
    "delete": account.delete,
    "stop": account.stop,
    "menu": account.menu,
}

# Shown in Telegram's command menu, in this order; descriptions are locale keys commands.<name>.
MENU_COMMANDS = ("start", "help", "register", "profile", "language", "mydata", "delete", "stop")

# Staff commands: unknown to anyone who is not staff, and their attempts are logged.
STAFF_COMMANDS = frozenset({"broadcast", "stats", "signups", "export"})

__all__ = ["COMMANDS", "FLOWS", "MENU_COMMANDS", "STAFF_COMMANDS", "menu"]
