"""What staff modules say to staff — the reasons of a suggestion, why something was refused —
as a sentence that reads in the reader's language.

A :class:`Text` *is* its English (a ``str``: the command line prints it, the store keeps it, an
exception shows it), and carries its message id and named values, so the dashboard can say it
in the coordinator's language: the id is translated by the dashboard's catalogues (marked with
:func:`N_`, which the extractor knows), and each :class:`Coded` value (a sector, needs,
languages, a municipality, a state) is named in that language by whoever shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def N_(text: str) -> str:  # gettext's own name for a marker, which extractors know
    """Marks a message id for the dashboard's catalogues; it is translated where shown."""
    return text


@dataclass(frozen=True)
class Coded:
    """Stored codes in a text: ``kind`` says how to name them (a kind of
    :meth:`staff.words.Words.label`, or a state of the dashboard's), ``english`` is how the
    command line writes them."""

    kind: str
    code: str | tuple[str, ...]
    english: str

    def __str__(self) -> str:
        return self.english


class Text(str):
    """A sentence for staff: its English, with the message id and the values it was made of."""

    message: str
    values: Mapping[str, object]

    def __new__(cls, message: str, **values: object) -> Text:
        made = super().__new__(cls, message % {name: str(v) for name, v in values.items()})
        made.message = message
        made.values = values
        return made

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled and copied with its id and values, not as a plain string.
        return (_text, (self.message, dict(self.values)))

    def said(
        self, gettext: Callable[[str], str], name: Callable[[str, str | tuple[str, ...]], str]
    ) -> str:
        """The sentence in the language of ``gettext``, its codes named by ``name(kind, code)``."""
        return gettext(self.message) % {
            key: name(value.kind, value.code) if isinstance(value, Coded) else str(value)
            for key, value in self.values.items()
        }


def reread(
    english: str, messages: Iterable[str], coded: Mapping[str, Callable[[str], Coded]]
) -> str:
    """A sentence kept in English (a stored reason) read back into the :class:`Text` it was
    made from, by the first of ``messages`` whose shape it has; ``coded[name]`` turns a value's
    English back into its codes. A sentence no message fits stays as it is."""
    for message in messages:
        parts = _PLACEHOLDER.split(message)
        pattern = "".join(
            f"(?P<{part}>.+?)" if odd else re.escape(part) for odd, part in _alternating(parts)
        )
        found = re.fullmatch(pattern, english)
        if found:
            values = {
                name: coded[name](value) if name in coded else value
                for name, value in found.groupdict().items()
            }
            return Text(message, **values)
    return english


def _alternating(parts: list[str]) -> Iterable[tuple[bool, str]]:
    """``re.split`` with a group gives text, name, text, …: each with whether it is a name."""
    return ((index % 2 == 1, part) for index, part in enumerate(parts))


def _text(message: str, values: dict[str, object]) -> Text:
    return Text(message, **values)


def said(
    text: object,
    gettext: Callable[[str], str],
    name: Callable[[str, str | tuple[str, ...]], str],
) -> str:
    """Anything staff modules say (a :class:`Text`, or an exception raised with one) in the
    language of ``gettext``; anything else as it reads."""
    if isinstance(text, BaseException) and len(text.args) == 1:
        text = text.args[0]
    return text.said(gettext, name) if isinstance(text, Text) else str(text)
