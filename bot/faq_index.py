"""The FAQ as the running service asks it: the index of :mod:`bot.faq`, built when first needed
(or ahead, off the loop), and built again when staff change the FAQ.

Building takes a few seconds once: the word forms are made in a child process
(:func:`bot.lemmas.forms_apart`), then bm25s (with numpy) indexes the entries in a worker
thread. Neither is imported before that, so an idle bot that nobody asks anything never pays
for them. The word forms are kept per vocabulary for the life of the process: an edit that
adds no word costs no new child. Should the child fail, the index is built without forms
(words matched as spelled, typos forgiven) and the failure logged.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Mapping

from bot import faq, lemmas
from bot.content import Content

log = logging.getLogger(__name__)

# Word forms by vocabulary, for the life of the process (see the module): the latest few, so
# a long-running bot whose FAQ staff edit often keeps no more than these.
_FORMS: dict[frozenset[tuple[str, str]], dict[str, str]] = {}
_KEPT = 4


def _key(vocabulary: Mapping[str, set[str]]) -> frozenset[tuple[str, str]]:
    return frozenset((language, word) for language, words in vocabulary.items() for word in words)


def entries_of(content: Content) -> dict[str, dict[str, tuple[str, ...]]]:
    """The FAQ in use, as the matcher reads it."""
    return {slug: dict(entry.questions) for slug, entry in content.faq.items()}


class FaqIndex:
    """Asks the FAQ in use; safe to call concurrently."""

    def __init__(self, content: Content, *, apart: bool = True) -> None:
        self.content = content
        # Word forms made in a child process (the service), or here (the command line).
        self.apart = apart
        self._index: faq.Index | None = None
        self._entries: dict[str, dict[str, tuple[str, ...]]] | None = None
        self._building: asyncio.Lock | None = None

    async def ask(self, text: str) -> faq.Verdict:
        """What the FAQ makes of ``text`` (building the index first if the FAQ changed)."""
        index = await self.index()
        return index.ask(text)

    async def index(self) -> faq.Index:
        """The index of the FAQ in use, built (again) when it changed."""
        entries = entries_of(self.content)
        if self._index is not None and entries == self._entries:
            return self._index
        if self._building is None:
            self._building = asyncio.Lock()
        async with self._building:
            if self._index is None or entries != self._entries:
                forms = await self._forms(faq.vocabulary(entries))
                self._index = await asyncio.to_thread(faq.build, entries, forms)
                self._entries = entries
                log.info("FAQ index: %d entries, %d word forms", len(entries), len(forms))
        assert self._index is not None
        return self._index

    async def _forms(self, vocabulary: Mapping[str, set[str]]) -> dict[str, str]:
        key = _key(vocabulary)
        if key not in _FORMS:
            try:
                if self.apart:
                    made = await lemmas.forms_apart(vocabulary)
                else:
                    made = await asyncio.to_thread(lemmas.forms, vocabulary)
            except Exception:
                log.exception("the FAQ's word forms could not be made; matching words as spelled")
                return {}
            while len(_FORMS) >= _KEPT:
                del _FORMS[next(iter(_FORMS))]
            _FORMS[key] = made
        return _FORMS[key]


# One index per content folder in use (the service has one; tests have several).
_INDEXES: weakref.WeakKeyDictionary[Content, FaqIndex] = weakref.WeakKeyDictionary()


def index_for(content: Content) -> FaqIndex:
    """The service's index of a content folder's FAQ (made on first use, kept with it)."""
    index = _INDEXES.get(content)
    if index is None:
        index = _INDEXES[content] = FaqIndex(content)
    return index
