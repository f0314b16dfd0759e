"""Small text helpers shared by the engine and the flows."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")
# Letters that Unicode does not decompose into a base letter and an accent (after casefold,
# which already turns ß into ss and upper case into lower).
_SPECIAL = str.maketrans({"đ": "dj", "ø": "o", "æ": "ae", "ł": "l"})
# Control characters other than newline and tab never reach the store.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def fold(text: str) -> str:
    """Folds text for matching: no case, accents, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", bare)).strip()


def clean(text: str, *, limit: int | None = None) -> str:
    """Normalises user text for storing: NFC, no control or direction-override characters."""
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    return cleaned[:limit]


def split_message(text: str, limit: int) -> list[str]:
    """Splits text into parts of at most ``limit`` characters, at paragraphs, lines or words.

    The latest paragraph break in the window wins, else the latest line break, else the latest
    space — each only in the window's second half, so no part is left tiny; a word longer than
    the window (a link) is cut where the window ends."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut >= limit // 2:
                break
        else:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts
