"""Typed answers matched to the options on offer: typos, accents, case, spelling variants and
part of a label are forgiven, but a weak match is never taken for an answer.

Pure functions of the typed text and the options' names (each option's label and a few aliases,
such as "idem" for "Dolazim" or "yes" for "I agree"), so every flow — registration, events,
polls — reads typed answers alike. :func:`best` returns the option a member meant, the options
to ask "did you mean …?" about, or neither.

How a name scores (0–100), on text folded by :func:`bot.text.fold`:

* 100 — the same text, also without spaces ("email" is "E-mail").
* up to 100 — the whole text with a typo or two (``fuzz.ratio``: "whatsap" → "WhatsApp" 93),
  only for four letters or more: two or three letters are too few to tell a typo from another
  word ("no" is not "Norway").
* up to 95 — every word typed is a word of the name, or a typo or the start of one ("dani
  dijaspore" → "Dani dijaspore 2027 — Podgorica", "zainteresovan sam" → "Zainteresovan/a sam",
  "engineer" → "Engineering"); words of three letters or fewer tell nothing on their own unless
  one is the name's first word ("IT" → "IT and software", but "in" is not "Events in
  Montenegro", nor "and" any label with an "and"); a typed word of three letters or more that
  the name lacks rules the name out (the member said something else).

rapidfuzz's ``WRatio``, ``partial_ratio`` and ``token_set_ratio`` alone score a short word found
inside a longer label at 90 or 100 ("no" in "Norway", "and" in "IT and software", "da" in
"Danska"): the rules above keep those out. The thresholds are set by the labelled table of
cases in tests/test_matching.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType

from bot.text import fold

ACCEPT = 88
"""A name scoring this much is the answer, if no other option comes within :data:`MARGIN`."""
MARGIN = 10
SUGGEST = 70
"""Options scoring this much (and within :data:`MARGIN` of the best) are offered as "did you
mean …?" when none is a clear answer."""
MOST_SUGGESTED = 3
# Part of a name is worth a little less than all of it, so a whole label beats a label it is
# part of ("Health" beats "Health care" for "health").
_PART = 0.95
# A typed word counts as a word of the name from this score on.
_WORD = 80
# Shorter typed text must equal a name (or be its first word): see the module's docstring.
_FUZZY_FROM = 4
# Option names come back with every question (the menu's with every message typed at it):
# folded once, the few thousand a programme has.
_folded_name = lru_cache(maxsize=4096)(fold)


@dataclass(frozen=True)
class Choice:
    """An option as the matcher sees it: its id, its label, and other words that name it."""

    id: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """What typed text meant: one option (``picked``), options to ask about (``suggested``,
    best first), or neither — a miss."""

    picked: str | None = None
    suggested: tuple[str, ...] = ()


def _ratio(first: str, second: str) -> float:
    """rapidfuzz's ratio, imported with the first typed answer rather than at start (the idle
    service's footprint, issue 12)."""
    return float(_fuzz().ratio(first, second))


@cache
def _fuzz() -> ModuleType:
    """rapidfuzz's fuzz, imported when first needed and looked up once (a typed answer scores
    dozens of names)."""
    from rapidfuzz import fuzz

    return fuzz


def _word(typed: str, word: str) -> float:
    """How well one typed word stands for one word of a name."""
    if typed == word:
        return 100
    if len(typed) < _FUZZY_FROM:
        return 0
    if word.startswith(typed):
        return 95
    return _ratio(typed, word) if len(word) >= _FUZZY_FROM else 0


def _part(typed: str, name: str) -> float:
    """How well the typed words stand for part of the name (0 when one is not in it, or when
    only short words are, and not at the name's start)."""
    words = name.split()
    found: list[tuple[int, float]] = []
    telling = False
    for typed_word in typed.split():
        score = max(_word(typed_word, word) for word in words)
        if score >= _WORD:
            found.append((len(typed_word), score))
            # "and", "sam", "in" tell nothing on their own; "IT" as a name's first word does.
            telling = telling or len(typed_word) >= _FUZZY_FROM
            telling = telling or (len(typed_word) > 1 and typed_word == words[0])
        elif len(typed_word) > 2:
            return 0
    if not telling:
        return 0
    letters = sum(length for length, _ in found)
    return _PART * sum(length * score for length, score in found) / letters


def score(typed: str, name: str) -> float:
    """How well folded typed text stands for a folded name, from 0 to 100."""
    if not typed or not name:
        return 0
    squeezed, name_squeezed = typed.replace(" ", ""), name.replace(" ", "")
    if typed == name or squeezed == name_squeezed:
        return 100
    whole = 0.0
    if len(squeezed) >= _FUZZY_FROM:
        whole = max(_ratio(typed, name), _ratio(squeezed, name_squeezed))
    return max(whole, _part(typed, name))


def ranked(text: str, choices: Iterable[Choice], *, exact: bool = False) -> list[tuple[float, str]]:
    """Each option's best score for ``text`` (over its names), best first; with ``exact``,
    only names equal to the text count."""
    typed = fold(text)
    scores: dict[str, float] = {}
    for choice in choices:
        for name in choice.names:
            folded = _folded_name(name)
            value = (100.0 if folded == typed and typed else 0.0) if exact else score(typed, folded)
            scores[choice.id] = max(scores.get(choice.id, 0.0), value)
    return sorted(((value, key) for key, value in scores.items()), key=lambda item: -item[0])


def best(text: str, choices: Sequence[Choice], *, exact: bool = False) -> Match:
    """The option ``text`` names: a clear winner is picked, a near tie or a fair match is
    suggested, anything weaker is a miss. With ``exact``, only an equal name counts (a
    question that also takes free text, such as a name: "Ana" is not "Ana Marković")."""
    scores = ranked(text, choices, exact=exact)
    if not scores or scores[0][0] < SUGGEST:
        return Match()
    top = scores[0][0]
    equal = [key for value, key in scores if value >= 100]
    if len(equal) == 1:
        # A name typed in full wins over names it is part of ("Events" over "My events").
        return Match(picked=equal[0])
    close = [key for value, key in scores if value >= SUGGEST and top - value < MARGIN]
    if top >= ACCEPT and len(close) == 1:
        return Match(picked=close[0])
    return Match(suggested=tuple(close[:MOST_SUGGESTED]))


def several(text: str, choices: Sequence[Choice]) -> tuple[str, ...] | None:
    """The options of a list typed with commas ("German, English"), each a clear winner, in
    the order typed; None unless every part is one and there are two or more."""
    parts = [part for part in text.split(",") if fold(part)]
    if len(parts) < 2:
        return None
    picked = [best(part, choices).picked for part in parts]
    if any(choice is None for choice in picked):
        return None
    ids = tuple(dict.fromkeys(choice for choice in picked if choice is not None))
    return ids if len(ids) > 1 else None
