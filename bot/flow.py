"""The vocabulary flows are written in: questions, answers, steps, and the context they get.

A flow is a table of states. Each state has an ``ask`` step that builds the question and an
``answer`` step that takes the member's answer and returns the next state's name, :data:`END`,
:class:`Retry` to re-ask with a reason, or :class:`Go` to hand over to another flow. The engine
keeps the state in SQLite between messages and handles back, skip and cancel for every flow alike.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.content import Content
from bot.countries import CountryIndex
from bot.messages import Attachment, Inbound, Option, Reply
from bot.store import Member, Store

END = ""
"""Returned by an answer step to finish the flow."""

BACK = "~back"
SKIP = "~skip"
CANCEL = "~cancel"
# Back to the open question (from the menu, or instead of cancelling), and cancelling for sure
# (after the flow asked whether to throw its answers away).
RESUME = "~resume"
DISCARD = "~discard"
# The answers' key a step sets when it reopens one question from the summary ("Change …"): the
# engine then returns to the summary after that answer instead of walking on.
EDITING = "_edit"
CONTROLS = (BACK, SKIP, CANCEL, RESUME, DISCARD)


@dataclass(frozen=True)
class Question:
    """What the bot asks; the engine adds back, skip and cancel as the flags say."""

    text: str
    options: Sequence[Option] = ()
    back: bool = True
    skip: bool = False
    cancel: bool = True
    multi: bool = False
    selected: frozenset[str] = frozenset()
    request_phone: bool = False
    columns: int = 1
    file: Attachment | None = None
    # Other words that name an option, by option id (every language's "yes" for "I agree").
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Typed text that names no option is itself the answer (a name, a country, a field in the
    # member's words), so only an option's exact name is taken for it: "Ana" is not the
    # suggested "Ana Marković".
    free_text: bool = False


@dataclass(frozen=True)
class Answer:
    """The member's answer, with typed numbers and labels already resolved to option ids."""

    text: str = ""
    choice: str | None = None
    choices: tuple[str, ...] = ()
    skipped: bool = False
    contact_phone: str | None = None
    # True only when the platform vouches the shared number is the member's own (see Inbound).
    contact_own: bool = False
    unsupported: bool = False
    # Options the typed text might mean, none clearly (the engine asks "did you mean …?").
    suggested: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retry:
    """Re-ask the current question, saying why (optionally with a different question)."""

    reason: str
    question: Question | None = None


@dataclass(frozen=True)
class Go:
    """Start a flow (at a given state, with answers to begin with)."""

    flow: str
    state: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Shortcut:
    """A typed phrase that stands for a command, where a channel has no deep links or slashes.

    ``Shortcut(re.compile(r"event\\s+(\\S+)", re.I), "start", "ev_{0}")`` makes the text
    ``EVENT diaspora-days-2027`` work like ``/start ev_diaspora-days-2027``; the payload is
    filled with the pattern's groups. Inside a question the phrase could be an answer ("Event
    management" as a field of expertise), so there it counts only when ``known`` says the
    payload names something that exists.
    """

    pattern: re.Pattern[str]
    command: str
    payload: str = ""
    known: Callable[[Content, str], bool] | None = None

    def match(self, text: str, content: Content, *, answering: bool) -> tuple[str, str] | None:
        """The command and payload ``text`` stands for, or None."""
        found = self.pattern.fullmatch(text.strip())
        if found is None:
            return None
        payload = self.payload.format(*found.groups())
        if answering and self.known is not None and not self.known(content, payload):
            return None
        return self.command, payload


@dataclass(frozen=True)
class FlowSettings:
    """The few settings flows need, handed down by the app."""

    consent_version: str
    default_language: str
    timezone: str
    whatsapp_enabled: bool = False
    telegram_enabled: bool = False
    # Where the service keeps what it can make again (the FAQ's word forms): its database's
    # folder; None keeps nothing.
    data_dir: Path | None = None


@dataclass
class Context:
    """What a step may use: the store, content, clock and the member it talks to."""

    store: Store
    content: Content
    clock: Clock
    countries: CountryIndex
    settings: FlowSettings
    inbound: Inbound
    member: Member | None
    language: str
    answers: dict[str, Any] = field(default_factory=dict)
    flow: str | None = None
    notes: list[Reply] = field(default_factory=list)
    forget: bool = False
    # "staff" or "coordinator" for the addresses the settings name; None for everyone else.
    role: str | None = None
    # What the steps handling this one message looked up, by name, so that a second step
    # asking the same makes no second trip to the database.
    looked_up: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return self.inbound.address

    @property
    def channel(self) -> str:
        return self.inbound.channel

    def now(self) -> datetime:
        return self.clock.now()

    def t(self, key: str, /, **values: Any) -> str:
        """The text for ``key`` in the member's language."""
        return self.content.text(self.language, key, **values)

    def say(self, text: str, **reply: Any) -> None:
        """Sends a message before whatever comes next."""
        self.notes.append(Reply(text, **reply))


Ask = Callable[[Context], Awaitable[Question]]
Step = Callable[[Context, Answer], Awaitable["str | Retry | Go"]]
Command = Callable[[Context, str], Awaitable["Go | None"]]


@dataclass(frozen=True)
class State:
    """One question of a flow and what to do with its answer."""

    ask: Ask
    answer: Step


@dataclass(frozen=True)
class Flow:
    """A named table of states.

    ``summary`` names the state to return to after changing one answer from a summary;
    ``interrupts`` flows (such as choosing the language) put the flow they interrupt aside and
    resume it when they end; ``on_cancel`` runs when the member cancels; ``confirm_cancel``
    says what cancelling would throw away (the engine then asks first), or None when nothing
    worth a question would be lost; ``left_by_commands`` says whether a command leaves the
    flow where it stands (a profile only looked at) rather than coming back to it; ``role``
    keeps the flow to staff or coordinators.
    """

    name: str
    start: str
    states: Mapping[str, State]
    summary: str | None = None
    interrupts: bool = False
    on_cancel: Callable[[Context], Awaitable[None]] | None = None
    confirm_cancel: Callable[[Context], str | None] | None = None
    left_by_commands: Callable[[Context], bool] | None = None
    # Only addresses with this role (bot.roles) may be in the flow; None: everyone.
    role: str | None = None
