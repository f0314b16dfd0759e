"""Plural forms per language, by CLDR's rules (through Babel): "1 member" but "2 members" in
English; "1 član", "3 člana", "5 članova" in Montenegrin.

A locale text that depends on a number is a mapping of CLDR categories (``one``, ``few``,
``other``; also ``zero``, ``two``, ``many`` where a language uses them), and
:meth:`bot.content.Content.text` picks the form for its ``count``. Lines the command line writes
in English take :func:`counted`.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

CATEGORIES = ("zero", "one", "two", "few", "many", "other")
_DIGITS = re.compile(r"\d")


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def number_of(count: object) -> int | None:
    """A count given as a number or as formatted text (``1,234``, ``1.234``); None otherwise."""
    if isinstance(count, bool):
        return None
    if isinstance(count, int):
        return count
    digits = "".join(_DIGITS.findall(str(count)))
    return int(digits) if digits else None


def category(language: str, count: int) -> str:
    """The CLDR plural category of ``count`` in ``language`` (English rules for one unknown)."""
    return str(_locale(language).plural_form(abs(count)))


def counted(count: int, one: str, other: str) -> str:
    """``1 member``, ``2 members``: a count and an English noun in the right form."""
    return f"{count} {one if category('en', count) == 'one' else other}"
