"""The FAQ as the running service asks it: the index of :mod:`bot.faq`, built when first needed
(or ahead, off the loop), and built again when staff change the FAQ.

Building takes a few seconds once: the word forms are made in a child process
(:func:`bot.lemmas.forms_apart`), then bm25s (with numpy) indexes the entries in a worker
thread. Neither is imported before that, so an idle bot that nobody asks anything never pays
for them. The word forms are kept per vocabulary for the life of the process: an edit that
adds no word costs no new child. The service also keeps the latest table in a file beside its
database (:data:`CACHE_NAME`), so the first question after a restart waits a fraction of a
second instead of the child's seconds. Should the child fail, the index is built without forms
(words matched as spelled, typos forgiven) and the failure logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import weakref
from collections.abc import Mapping
from pathlib import Path

from bot import faq, lemmas
from bot.content import Content

log = logging.getLogger(__name__)

# Word forms by vocabulary, for the life of the process (see the module): the latest few, so
# a long-running bot whose FAQ staff edit often keeps no more than these.
_FORMS: dict[frozenset[tuple[str, str]], dict[str, str]] = {}
_KEPT = 4
# The table of the latest vocabulary, in the folder the service gives (its database's).
CACHE_NAME = "faq-word-forms.json"
# A few thousand forms are tens of kilobytes; a file far bigger is not ours.
CACHE_LIMIT = 8 * 1024 * 1024


def _key(vocabulary: Mapping[str, set[str]]) -> frozenset[tuple[str, str]]:
    return frozenset((language, word) for language, words in vocabulary.items() for word in words)


def entries_of(content: Content) -> dict[str, dict[str, tuple[str, ...]]]:
    """The FAQ in use, as the matcher reads it."""
    return {slug: dict(entry.questions) for slug, entry in content.faq.items()}


class FaqIndex:
    """Asks the FAQ in use; safe to call concurrently."""

    def __init__(self, content: Content, *, apart: bool = True, cache: Path | None = None) -> None:
        self.content = content
        # Word forms made in a child process (the service), or here (the command line).
        self.apart = apart
        # The folder whose CACHE_NAME keeps the latest word forms across restarts, if any.
        self.cache = cache
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
                forms = await self.word_forms(faq.vocabulary(entries))
                self._index = await asyncio.to_thread(faq.build, entries, forms)
                self._entries = entries
                log.info("FAQ index: %d entries, %d word forms", len(entries), len(forms))
        assert self._index is not None
        return self._index

    async def word_forms(self, vocabulary: Mapping[str, set[str]]) -> dict[str, str]:
        """Every form of the vocabulary's lemmas: kept in this process, else read from the
        cache file, else made (and the cache file written)."""
        key = _key(vocabulary)
        if key not in _FORMS:
            made = await asyncio.to_thread(self._cached, key)
            if made is None:
                try:
                    if self.apart:
                        made = await lemmas.forms_apart(vocabulary)
                    else:
                        made = await asyncio.to_thread(lemmas.forms, vocabulary)
                except Exception:
                    log.exception(
                        "the FAQ's word forms could not be made; matching words as spelled"
                    )
                    return {}
                await asyncio.to_thread(self._keep, key, made)
            while len(_FORMS) >= _KEPT:
                del _FORMS[next(iter(_FORMS))]
            _FORMS[key] = made
        return _FORMS[key]

    def _cached(self, key: frozenset[tuple[str, str]]) -> dict[str, str] | None:
        """The cache file's forms if they were made for ``key``; None otherwise (no file, another
        vocabulary, or a file this code did not write)."""
        if self.cache is None:
            return None
        path = self.cache / CACHE_NAME
        try:
            with path.open("rb") as handle:
                data = json.loads(handle.read(CACHE_LIMIT + 1))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("vocabulary") != _digest(key):
            return None
        forms = data.get("forms")
        if not isinstance(forms, dict):
            return None
        return {str(form): str(lemma) for form, lemma in forms.items()}

    def _keep(self, key: frozenset[tuple[str, str]], forms: dict[str, str]) -> None:
        """Writes the cache file whole (a new file moved into place), or logs why not."""
        if self.cache is None:
            return
        path = self.cache / CACHE_NAME
        partial = path.with_suffix(".partial")
        try:
            partial.write_text(
                json.dumps({"vocabulary": _digest(key), "forms": forms}, ensure_ascii=False),
                encoding="utf-8",
            )
            os.replace(partial, path)
        except OSError as error:
            log.warning("the FAQ's word forms could not be kept in %s: %s", path, error)


def _digest(key: frozenset[tuple[str, str]]) -> str:
    """The vocabulary's fingerprint in the cache file."""
    words = "\n".join(f"{language}\t{word}" for language, word in sorted(key))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


# One index per content folder in use (the service has one; tests have several).
_INDEXES: weakref.WeakKeyDictionary[Content, FaqIndex] = weakref.WeakKeyDictionary()


def index_for(content: Content, cache: Path | None = None) -> FaqIndex:
    """The service's index of a content folder's FAQ (made on first use, kept with it), its
    word forms kept in ``cache`` across restarts."""
    index = _INDEXES.get(content)
    if index is None:
        index = _INDEXES[content] = FaqIndex(content, cache=cache)
    return index
