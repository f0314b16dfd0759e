"""A member's free text matched to the FAQ: the entry that answers it, the few it may mean, or
none — in any of the FAQ's languages, with typos, without accents, in Latin or Cyrillic.

Pure functions of the text, the FAQ's phrasings and a table of word forms (:mod:`bot.lemmas`):

1. Words: Cyrillic is written in Latin letters (cyrtranslit, Montenegrin), then folded (no
   case, accents or punctuation: :func:`bot.text.fold`).
2. Terms: each word becomes its lemma through the table ("obrisite" → "obrisati"); a word the
   table lacks is taken for the nearest known form when only a typo away (rapidfuzz: "delte"
   → "delete", "registracjia" → "registracija").
3. Ranking: Okapi BM25 (bm25s) over one document per entry, every phrasing of every language
   together, so a question mixing English and Montenegrin still finds its entry; the best
   :data:`SHORTLIST` go on to be compared phrasing by phrasing.
4. Confidence: how much of the best phrasing the question says and how much of the question
   the phrasing covers, each term weighted by how rare it is among the entries (its idf) — the
   weighted Dice coefficient, 0 to 1. Terms no entry has weigh the most, so an off-topic
   question ("recept za priganice") scores low however common its other words are.

An entry is the answer from :data:`ANSWER` when no other comes within :data:`MARGIN`; entries
from :data:`SUGGEST` are offered to choose from; below that, nothing is (the team answers).
The thresholds are set by the labelled questions of benchmarks/faq_matcher.py.

bm25s (and numpy) are imported only when an index is built, never with this module.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cyrtranslit

from bot.text import fold

ANSWER = 0.4
"""The similarity from which the best entry is the answer (see :data:`MARGIN`)."""
MARGIN = 0.1
SUGGEST = 0.25
"""Entries this similar are offered as "did you mean …?" when none is the answer."""
MOST_SUGGESTED = 3
# BM25's best entries whose phrasings are compared with the question (the rest score lower).
SHORTLIST = 10
# A word this close to a known form (fuzz.ratio) is a typo of it: a letter missing, added or
# swapped in a word of five or more ("delte", "registracjia"). Shorter words never come this
# close to another — rightly: one letter off in three or four is another word ("moj", "koj").
TYPO = 88
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W_]+")

Entries = Mapping[str, Mapping[str, Sequence[str]]]
"""The FAQ as the matcher reads it: slug → language → phrasings."""


def latin(text: str) -> str:
    """The text in Latin letters (Montenegrin Cyrillic transliterated)."""
    return cyrtranslit.to_latin(text, "me") if _CYRILLIC.search(text) else text


def words(text: str) -> list[str]:
    """The words of a text, lower case and in Latin letters, accents kept (as lemmas want)."""
    return _WORD.findall(unicodedata.normalize("NFC", latin(text).casefold()))


def vocabulary(entries: Entries) -> dict[str, set[str]]:
    """Every word of the phrasings, by language: what :func:`bot.lemmas.forms` needs."""
    found: dict[str, set[str]] = {}
    for phrasings in entries.values():
        for language, texts in phrasings.items():
            for text in texts:
                found.setdefault(language, set()).update(words(text))
    return found


@dataclass(frozen=True)
class Verdict:
    """What the FAQ makes of a text: the entry to answer with (or None), its similarity, the
    entries it may mean (best first, the answer first when there is one) and the terms read."""

    answer: str | None
    score: float
    candidates: tuple[str, ...]
    terms: tuple[str, ...] = ()


def dice(query: Iterable[str], phrasing: Iterable[str], weight: Mapping[str, float]) -> float:
    """The weighted Dice coefficient of two sets of terms (0 to 1); a term ``weight`` lacks
    weighs :func:`unknown_weight`'s value, stored under the key ``""``."""
    asked, known = set(query), set(phrasing)
    rare = weight.get("", 0.0)
    total = sum(weight.get(term, rare) for term in asked) + sum(
        weight.get(term, rare) for term in known
    )
    if total <= 0:
        return 0.0
    return 2 * sum(weight.get(term, rare) for term in asked & known) / total


def idf(documents: int, containing: int) -> float:
    """BM25's inverse document frequency (Lucene's, never negative)."""
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))


@dataclass
class Index:
    """The FAQ ready to match; :func:`build` makes one."""

    slugs: tuple[str, ...]
    # Each entry's phrasings as sets of terms, in the order of ``slugs``.
    phrasings: tuple[tuple[frozenset[str], ...], ...]
    forms: Mapping[str, str]
    weight: Mapping[str, float]
    bm25: Any = None
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)

    def term(self, word: str) -> tuple[str, ...]:
        """A folded word's terms: its lemma, or the lemmas of the known forms it is a typo of
        (all that are equally near: "registr" may be "register" or "registar")."""
        if word in self.forms:
            return (self.forms[word],)
        nearby = [
            known
            for length in range(len(word) - 2, len(word) + 3)
            for known in self._by_length.get(length, ())
        ]
        from rapidfuzz import fuzz, process  # with the first question, not at start (issue 12)

        found = process.extract(word, nearby, scorer=fuzz.ratio, score_cutoff=TYPO, limit=5)
        if not found:
            return (word,)
        nearest = found[0][1]
        return tuple(
            dict.fromkeys(self.forms[form] for form, score, _ in found if score == nearest)
        )

    def terms(self, text: str) -> tuple[str, ...]:
        """The terms of a text, in order, each once."""
        folded = (fold(word) for word in words(text))
        return tuple(dict.fromkeys(term for word in folded if word for term in self.term(word)))

    def ask(self, text: str) -> Verdict:
        """The entry that answers ``text``, or those it may mean, or none."""
        terms = self.terms(text)
        if not terms or self.bm25 is None:
            return Verdict(None, 0.0, (), terms)
        ranks = [float(rank) for rank in self.bm25.get_scores(list(terms))]
        shortlist = sorted(
            (index for index, rank in enumerate(ranks) if rank > 0),
            key=lambda index: -ranks[index],
        )[:SHORTLIST]
        if not shortlist:
            return Verdict(None, 0.0, (), terms)
        scored = [
            (
                max(dice(terms, phrasing, self.weight) for phrasing in self.phrasings[index]),
                ranks[index],
                self.slugs[index],
            )
            for index in shortlist
        ]
        ranked = [(score, slug) for score, _, slug in sorted(scored, key=_order)]
        best, slug = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        candidates = tuple(name for score, name in ranked[:MOST_SUGGESTED] if score >= SUGGEST)
        answer = slug if best >= ANSWER and best - runner_up >= MARGIN else None
        return Verdict(answer, round(best, 3), candidates, terms)


def _order(scored: tuple[float, float, str]) -> tuple[float, float, str]:
    """Most similar first; then BM25's rank, then the slug (so ties always fall alike)."""
    similarity, rank, slug = scored
    return -similarity, -rank, slug


def build(entries: Entries, forms: Mapping[str, str] | None = None) -> Index:
    """An index of the FAQ: ``forms`` is :func:`bot.lemmas.forms` of its :func:`vocabulary`
    (without it, words are matched as they are spelled, typos forgiven)."""
    table = dict(forms or {})
    for languages in entries.values():
        for texts in languages.values():
            for text in texts:
                for word in words(text):
                    table.setdefault(fold(word), fold(word))
    index = Index((), (), table, {})
    slugs = tuple(sorted(entries))
    documents = []
    phrasings = []
    for slug in slugs:
        document: list[str] = []
        own = []
        for texts in entries[slug].values():
            for text in texts:
                terms = index.terms(text)
                own.append(frozenset(terms))
                document += terms
        phrasings.append(tuple(own))
        documents.append(document)
    containing: dict[str, int] = {}
    for document in documents:
        for term in set(document):
            containing[term] = containing.get(term, 0) + 1
    weight = {term: idf(len(slugs), count) for term, count in containing.items()}
    # A term no entry has weighs as much as the rarest: the question says something the FAQ
    # does not.
    weight[""] = idf(len(slugs), 1)
    by_length: dict[int, list[str]] = {}
    for form in sorted(table):
        by_length.setdefault(len(form), []).append(form)
    return Index(slugs, tuple(phrasings), table, weight, _bm25(documents), by_length)


def _bm25(documents: list[list[str]]) -> Any:
    """bm25s over the entries' documents (imported here: it brings numpy)."""
    if not documents:
        return None
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(documents, show_progress=False)
    return retriever
