"""Small text helpers shared by the engine and the flows."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPECIAL = str.maketrans({"đ": "dj", "Đ": "dj", "ß": "ss", "ø": "o", "æ": "ae", "ł": "l"})
# Control characters other than newline and tab never reach the store.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def fold(text: str) -> str:
    """Folds text for matching: no case, accents, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", bare)).strip()


def clean(text: str, *, limit: int | None = None) -> str:
    """Normalises user text for storing: NFC, no control or direction-override characters."""
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    return cleaned[:limit] if limit is not None else cleaned


def split_message(text: str, limit: int) -> list[str]:
    """Splits text into parts of at most ``limit`` characters, at paragraphs, lines or words."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts
