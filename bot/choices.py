"""What a message means before a flow sees it: a press, a typed number or label matched to the
options on offer, a ``/command``, or a plain word that stands for one (WhatsApp has no slash
commands: ``STOP``, ``POMOĆ``, ``START ev_slug``).

Pure functions over the text and what was offered, so the engine only walks flows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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

Offered = Sequence[Sequence[str]]  # [option id, label] pairs, as a conversation keeps them


def resolve(inbound: Inbound, offered: Offered) -> Answer:
    """Turns a press, a typed number or a typed label (several, for a multi-select) into the
    option ids on offer; anything else stays text for the flow to read."""
    ids = [option_id for option_id, _ in offered]
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
    by_label = {fold(label.removeprefix(SELECTED)): option_id for option_id, label in offered}
    folded = fold(text)
    if folded in by_label:
        return Answer(text=text, choice=by_label[folded])
    if "," in text:
        parts = [fold(part) for part in text.split(",") if part.strip()]
        if parts and all(part in by_label for part in parts):
            picked = tuple(dict.fromkeys(by_label[part] for part in parts))
            if not set(picked) & set(CONTROLS):
                return Answer(text=text, choices=picked)
    return Answer(text=text)


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
        labels = [f" {fold(label.removeprefix(SELECTED))} " for _, label in offered]
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
