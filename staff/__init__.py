"""What staff and coordinators use outside the members' conversations: their chat commands and
the /broadcast flow, the dashboard, exports, statistics and charts, the mapping report and its
suppression, imports, QR posters, decisions on applications."""

from __future__ import annotations

from collections.abc import Mapping

from bot.flow import Flow
from bot.roles import COORDINATOR, STAFF, Restricted
from staff import broadcast, commands, questions

FLOWS: Mapping[str, Flow] = {
    broadcast.FLOW.name: broadcast.FLOW,
    questions.FLOW.name: questions.FLOW,
}

# Staff commands: unknown to anyone who is not staff, and their attempts are logged.
STAFF_COMMANDS = frozenset({"broadcast", "stats", "signups", "export", "questions"})

# What each staff command runs and who may run it (staff can do everything coordinators can).
STAFF_HANDLERS: Mapping[str, Restricted] = {
    "broadcast": Restricted(broadcast.start, STAFF),
    "stats": Restricted(commands.stats, COORDINATOR),
    "signups": Restricted(commands.signups, COORDINATOR),
    "export": Restricted(commands.export_files, COORDINATOR),
    "questions": Restricted(questions.questions, COORDINATOR),
}

__all__ = ["FLOWS", "STAFF_COMMANDS", "STAFF_HANDLERS"]
