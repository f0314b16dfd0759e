"""FAQ entries from ``content/faq/<slug>.yaml``: how members ask a question, and its answer.

::

    questions:            # a few ways members ask it, per language
      en: [How do I delete my data?, Please delete my account]
      cnr: [Kako da obrišem svoje podatke?]
    answer:               # per language (links are fine); one text serves every language
      en: Send /delete and confirm.
      cnr: Pošaljite /delete i potvrdite.

Every problem of a file is listed (:func:`faq_problems`); ``campaigns check`` adds what only the
whole folder shows: the same phrasing in two entries, and a shipped language an entry has no
phrasing or answer in (:func:`folder_problems`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bot.content.events import mapping_problems
from bot.content.yamlfile import Located
from bot.errors import ContentError
from bot.text import fold

KEYS = ("questions", "answer")
# A phrasing is a question as a member would type it; an answer fits one WhatsApp message.
PHRASING_LIMIT = 300
ANSWER_LIMIT = 1500
ALL = "*"


@dataclass(frozen=True)
class Faq:
    """One entry: its phrasings by language and its answer by language (``*``: every one)."""

    slug: str
    questions: Mapping[str, tuple[str, ...]]
    answer: Mapping[str, str]
    path: str = ""
    # Where the file says ``questions:`` and ``answer:``, for the folder's problems.
    lines: tuple[int, int] = (1, 1)

    def answer_in(self, language: str, default_language: str) -> str:
        """The answer in ``language``, else the default language, else any."""
        texts = self.answer
        return (
            texts.get(language)
            or texts.get(ALL)
            or texts.get(default_language)
            or next(iter(texts.values()))
        )

    def title(self, language: str, default_language: str) -> str:
        """The entry's first phrasing in ``language`` (else the default's, else any), to name
        it on a button."""
        for code in (language, default_language, *self.questions):
            if self.questions.get(code):
                return self.questions[code][0]
        return self.slug

    def phrasings(self) -> list[str]:
        """Every phrasing, in every language."""
        return [text for texts in self.questions.values() for text in texts]


def _phrasings(
    located: Located, data: dict[str, Any], languages: Collection[str], found: list[ContentError]
) -> dict[str, tuple[str, ...]]:
    value = data.get("questions")
    if not isinstance(value, dict) or not value:
        found.append(
            located.error("questions: expected a list of phrasings per language", "questions")
        )
        return {}
    questions: dict[str, tuple[str, ...]] = {}
    for language, texts in value.items():
        where = ("questions", language)
        if languages and str(language) not in languages:
            found.append(located.error(f"questions: unknown language {language!r}", *where))
            continue
        items = [texts] if isinstance(texts, str) else texts
        if not isinstance(items, list) or not items:
            found.append(
                located.error(f"questions.{language}: expected a list of phrasings", *where)
            )
            continue
        kept = []
        for index, text in enumerate(items):
            if not isinstance(text, str) or not fold(text):
                found.append(
                    located.error(
                        f"questions.{language}: item {index + 1} must be text", *where, index
                    )
                )
            elif len(text) > PHRASING_LIMIT:
                found.append(
                    located.error(
                        f"questions.{language}: item {index + 1} is longer than"
                        f" {PHRASING_LIMIT} characters",
                        *where,
                        index,
                    )
                )
            else:
                kept.append(text.strip())
        questions[str(language)] = tuple(kept)
    return questions


def _answer(
    located: Located, data: dict[str, Any], languages: Collection[str], found: list[ContentError]
) -> dict[str, str]:
    value = data.get("answer")
    if isinstance(value, str) and value.strip():
        value = {ALL: value}
    if not isinstance(value, dict) or not value:
        found.append(located.error("answer: expected a text per language, e.g. en: …", "answer"))
        return {}
    answer: dict[str, str] = {}
    for language, text in value.items():
        where = ("answer", language)
        if language != ALL and languages and str(language) not in languages:
            found.append(located.error(f"answer: unknown language {language!r}", *where))
        elif not isinstance(text, str) or not text.strip():
            found.append(located.error(f"answer.{language}: expected text", *where))
        elif len(text.strip()) > ANSWER_LIMIT:
            found.append(
                located.error(
                    f"answer.{language}: longer than {ANSWER_LIMIT} characters (one WhatsApp"
                    " message); shorten it or link to a page",
                    *where,
                )
            )
        else:
            answer[str(language)] = text.strip()
    return answer


def faq_problems(
    located: Located, languages: Collection[str]
) -> tuple[Faq | None, list[ContentError]]:
    """One FAQ file: the entry (None when unusable) and every problem, each with its line."""
    slug, data, found = mapping_problems(located, "an FAQ", KEYS, KEYS)
    questions = _phrasings(located, data, languages, found) if "questions" in data else {}
    answer = _answer(located, data, languages, found) if "answer" in data else {}
    if found:
        return None, sorted(found, key=lambda error: error.line)
    lines = (located.line("questions"), located.line("answer"))
    return Faq(slug, questions, answer, str(located.path), lines), []


def parse_faq(located: Located, languages: Collection[str]) -> Faq:
    """One FAQ file; its first problem raised as a ContentError."""
    entry, found = faq_problems(located, languages)
    if found:
        raise found[0]
    assert entry is not None
    return entry


def folder_problems(entries: Mapping[str, Faq], languages: Collection[str]) -> list[ContentError]:
    """What only the whole folder shows: a phrasing two entries share (the bot could not tell
    which is meant), and a shipped language an entry has no phrasing or no answer in."""
    found = []
    seen: dict[str, str] = {}
    for slug, entry in sorted(entries.items()):
        for text in entry.phrasings():
            other = seen.setdefault(fold(text), slug)
            if other != slug:
                found.append(
                    ContentError(
                        entry.path,
                        entry.lines[0],
                        f"questions: {text!r} is also a phrasing of {other}",
                    )
                )
        for language in sorted(languages):
            if not entry.questions.get(language):
                found.append(
                    ContentError(
                        entry.path,
                        entry.lines[0],
                        f"questions: no phrasing in {language!r} (members who write in it are"
                        " matched less well)",
                    )
                )
            if language not in entry.answer and ALL not in entry.answer:
                found.append(
                    ContentError(
                        entry.path,
                        entry.lines[1],
                        f"answer: no text in {language!r} (those members get the default"
                        " language's)",
                    )
                )
    return found
