"""The members' conversations: their flows and commands (staff's are in :mod:`staff`). They
know no channel."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.flow import Command, Flow, Shortcut
from handlers import (
    account,
    business,
    events,
    fellowship,
    introductions,
    offer,
    polls,
    registration,
    topics,
)
from handlers.menu import menu
from handlers.polls import fallback, offers
from handlers.questions import FLOW as QUESTION_FLOW
from handlers.questions import arrival, ask

FLOWS: Mapping[str, Flow] = {
    flow.name: flow
    for flow in (
        registration.FLOW,
        account.LANGUAGE_FLOW,
        account.DELETE_FLOW,
        events.FLOW,
        fellowship.FLOW,
        QUESTION_FLOW,
        business.FLOW,
        offer.FLOW,
        introductions.FLOW,
        polls.FLOW,
        topics.FLOW,
    )
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
    "events": events.events,
    "myevents": events.my_events,
    "fellowship": fellowship.fellowship,
    "ask": ask,
    "business": business.business,
    "offer": offer.offer,
    "intro": introductions.intro,
    "topics": topics.topics,
    # A poll's buttons are /poll commands (bot.content.polls); typing it opens the question.
    "poll": polls.poll,
}

# Typed phrases that work like commands on every channel: "EVENT <slug>" (printed on posters
# for WhatsApp, which has no deep links) opens that event like /start ev_<slug>.
SHORTCUTS = (
    Shortcut(
        re.compile(r"event\s+([A-Za-z0-9_-]{1,60})", re.IGNORECASE),
        "start",
        events.LINK_PREFIX + "{0}",
        known=events.is_event_link,
    ),
)

# Shown in Telegram's command menu, in this order; descriptions are locale keys commands.<name>.
MENU_COMMANDS = (
    "start",
    "help",
    "events",
    "myevents",
    "fellowship",
    "ask",
    "offer",
    "business",
    "intro",
    "register",
    "profile",
    "language",
    "topics",
    "mydata",
    "delete",
    "stop",
)

__all__ = [
    "COMMANDS",
    "FLOWS",
    "MENU_COMMANDS",
    "SHORTCUTS",
    "arrival",
    "fallback",
    "menu",
    "offers",
]
