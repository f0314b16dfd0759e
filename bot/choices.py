"""What a message means before a flow sees it: a press, a typed number or label matched to the
options on offer (forgiving typos and part of a label, through :mod:`bot.matching`), a
``/command``, or a plain word that stands for one (WhatsApp has no slash commands: ``STOP``,
``POMOĆ``, ``START ev_slug``).

Pure functions over the text and what was offered, so the engine only walks flows. What was
offered is kept with the conversation as ``[option id, label, alias, …]`` lists.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from bot import matching
from bot.content import Content
from bot.flow import CONTROLS, Answer
from bot.messages import Inbound, Kind
from bot.text import fold

# What marks an option already chosen in a multi-select.
SELECTED = "✅ "
_NUMBERS = re.compile(r"^\d{1,3}(?:\s*[,;\s]\s*\d{1,3})*$")
# A deep link's payload, as Telegram allows it after /start.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)

Offered = Sequence[Sequence[str]]  # [option id, label, alias, …], as a conversation keeps them


def words(content: Content, name: str) -> tuple[str, ...]:
    """Every language's ``words.<name>`` (comma-separated in the locales): "yes", "da",
    "slažem se" … A member may answer in any of the languages, whichever they chose. Read once
    per change of the content (every message asks for some)."""
    known = _known(content)
    if ("words", name) not in known:
        found: dict[str, None] = {}
        for language in content.languages:
            for word in content.locales.get(language, {}).get(f"words.{name}", "").split(","):
                if word.strip():
                    found.setdefault(word.strip(), None)
        known["words", name] = tuple(found)
    listed: tuple[str, ...] = known["words", name]
    return listed


# Answer words per content folder, kept until its files change: (generation, by kind and name).
_KNOWN: weakref.WeakKeyDictionary[Content, tuple[int, dict[tuple[str, str], Any]]] = (
    weakref.WeakKeyDictionary()
)


def _known(content: Content) -> dict[tuple[str, str], Any]:
    """What was read from this content folder since its files last changed."""
    generation, known = _KNOWN.get(content, (None, {}))
    if generation != content.generation:
        known = {}
        _KNOWN[content] = (content.generation, known)
    return known


def folded_words(content: Content, name: str) -> frozenset[str]:
    """:func:`words` folded (no case, accents or punctuation), for a test on every message."""
    known = _known(content)
    if ("folded", name) not in known:
        known["folded", name] = frozenset(fold(word) for word in words(content, name))
    folded: frozenset[str] = known["folded", name]
    return folded


def _choices(offered: Offered) -> list[matching.Choice]:
    return [matching.Choice(entry[0], tuple(entry[1:])) for entry in offered if entry]


def resolve(inbound: Inbound, offered: Offered, *, exact: bool = False) -> Answer:
    """Turns a press, a typed number or typed words (several, for a multi-select) into the
    option ids on offer, or the options it might mean; anything else stays text for the flow
    to read. With ``exact`` (a question that also takes free text), typed words must be an
    option's name as it is."""
    ids = [entry[0] for entry in offered]
    if inbound.kind is Kind.CHOICE:
        return Answer(choice=inbound.choice if inbound.choice in ids else None)
    if inbound.kind is Kind.CONTACT:
        return Answer(contact_phone=inbound.contact_phone, contact_own=inbound.contact_own)
    if inbound.kind is not Kind.TEXT or not inbound.text.strip():
        return Answer(unsupported=True)
    text = inbound.text.strip()
    if offered and _NUMBERS.match(text):
        numbers = [int(part) for part in re.split(r"[\s,;]+", text) if part]
        if all(1 <= number <= len(offered) for number in numbers):
            picked = tuple(dict.fromkeys(ids[number - 1] for number in numbers))
            if len(picked) == 1:
                return Answer(text=text, choice=picked[0])
            if not set(picked) & set(CONTROLS):
                return Answer(text=text, choices=picked)
    options = _choices(offered)
    found = matching.best(text, options, exact=exact)
    if found.picked is not None:
        return Answer(text=text, choice=found.picked)
    several = None if exact else matching.several(text, options)
    if several is not None and not set(several) & set(CONTROLS):
        return Answer(text=text, choices=several)
    return Answer(text=text, suggested=found.suggested)


def command(text: str | None) -> tuple[str, str] | None:
    """Splits ``/name payload`` into its parts; None when the text is not a command."""
    match = _COMMAND.match((text or "").strip())
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


class Keywords:
    """The plain words that stand for commands: every language's ``keywords.<command>`` list
    at once (a member may write STOP in any of them), rebuilt when the content changes."""

    def __init__(self, content: Content, commands: Iterable[str]) -> None:
        self.content = content
        self.commands = tuple(commands)
        self._table: dict[str, str] = {}
        self._generation = -1

    def table(self) -> dict[str, str]:
        """Folded keyword → command."""
        content = self.content
        if self._generation != content.generation:
            table: dict[str, str] = {}
            for language in content.languages:
                locale = content.locales.get(language, {})
                for name in self.commands:
                    for word in locale.get(f"keywords.{name}", "").split(","):
                        if fold(word):
                            table.setdefault(fold(word), name)
            self._table, self._generation = table, content.generation
        return self._table

    def match(self, text: str, offered: Offered, *, answering: bool) -> tuple[str, str] | None:
        """The command a plain word stands for (``STOP``, ``pomoć``, ``START ev_slug``), or None.

        An option on offer wins over a keyword: inside a flow, CANCEL picks the Cancel the list
        shows (leaving the question); elsewhere it is WhatsApp's opt-out word, like STOP. Inside
        a flow (``answering``), a word of an option's label is taken as an attempt at that
        option, not as a command ("events" while asked for interests does not leave the
        registration).
        """
        folded = fold(text)
        if not folded:
            return None
        labels = [f" {fold(name)} " for entry in offered for name in entry[1:]]
        if any(label == f" {folded} " for label in labels):
            return None
        if answering and any(f" {folded} " in label for label in labels):
            return None
        table = self.table()
        if folded in table:
            return table[folded], ""
        first, _, rest = text.strip().partition(" ")
        if table.get(fold(first)) == "start" and _PAYLOAD.fullmatch(rest.strip()):
            return "start", rest.strip()
        return None
