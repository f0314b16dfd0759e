"""Which members' offers of help suit a business's request, best first, and why.

Pure: a :class:`Request` and the :class:`Helper` offers in, :class:`Suggestion` s out; the store
is elsewhere (:mod:`staff.suggestions`). Each reason is a :class:`staff.texts.Text`: English as a
string (the command line), its message id and values for the dashboard's languages. The score
adds up, each part with its reason:

- needs: ``NEEDS_POINTS`` × the needs the offer covers ÷ the needs named (an offer that covers
  none is no suggestion);
- sector: ``SECTOR_POINTS`` when the business's sector is among those offered, else
  ``OWN_SECTOR_POINTS`` when it is the member's own;
- skills: ``SKILL_POINTS`` for each word of the member's skills found in the request's
  description, at most ``MOST_SKILL_WORDS`` words;
- language: ``LANGUAGE_POINTS`` for a language both work in;
- ties: ``MUNICIPALITY_POINTS`` when the member comes from the business's municipality;
- capacity: a point per ``HOURS_PER_POINT`` hours a month left, at most ``CAPACITY_POINTS``.

Hours left are the hours a month offered less ``HOURS_PER_INTRODUCTION`` for every introduction
proposed or under way; a member with none left is *over-committed* and ranks after everyone
else, whatever the score. Members proposed to the business before, and its own contact person,
are never suggested. Ties go to the smaller member id, so the order is stable.

:func:`explain` scores one pair in plain Python and says why; :class:`Index` scores every offer
at once with numpy (a few vector operations per request: 5,000 offers × 500 requests in a small
fraction of a second, see benchmarks/matching.py) and explains only the ones it returns. The two
agree on every score (the tests check it on random data).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.text import fold
from staff.texts import N_, Coded, Text

if TYPE_CHECKING:
    from numpy.typing import NDArray

NEEDS = ("business_plan", "mentoring", "expertise", "market_access", "investment")
NEED_NAMES = {
    "business_plan": "business plan",
    "mentoring": "mentoring",
    "expertise": "expertise",
    "market_access": "market access",
    "investment": "investment",
}
NEEDS_POINTS = 40
SECTOR_POINTS = 20
OWN_SECTOR_POINTS = 10
SKILL_POINTS = 5
MOST_SKILL_WORDS = 3
LANGUAGE_POINTS = 15
MUNICIPALITY_POINTS = 10
CAPACITY_POINTS = 5
HOURS_PER_POINT = 2
HOURS_PER_INTRODUCTION = 4
# Words of skills and descriptions, compared by their first letters so that "marketing" meets
# "market" and "turizam" meets "turizmu"; shorter words, and words too common to tell a skill,
# do not count.
STEM = 6
SHORTEST_WORD = 4
_WORD = re.compile(r"[a-z]+")
_COMMON = frozenset(
    (  # noqa: SIM905
        "also have with from that this they their there what which will would into about "
        "help need needs work working business company firm local plan plans years year "
        "some more most very other ours your much many such make made good well best "
        "biznis posao poslovni poslovanje firma firme preduzece trebamo treba potreban "
        "potrebna potrebno plan plana planom godina godine imamo nasa nase nasi koji koja "
        "koje kako smo sam ili ali jos vise"
    ).split()
)


# The reasons, in English (their message ids for the dashboard's catalogues); every one is
# listed in REASONS, so that a reason stored in English can be read back (staff.suggestions).
COVERS = N_("+%(points)s needs: covers %(needs)s (%(covered)s of %(asked)s)")
NO_NEEDS = N_("+0 needs: the request names none")
OFFERS_SECTOR = N_("+%(points)s sector: offers help in %(sector)s")
OWN_SECTOR = N_("+%(points)s sector: works in %(sector)s")
OTHER_SECTOR = N_("+0 sector: not the business's")
SKILLS = N_("+%(points)s skills: %(words)s in the request")
NO_SKILLS = N_("+0 skills: no word of theirs in the request")
LANGUAGES = N_("+%(points)s language: both speak %(languages)s")
NO_LANGUAGE = N_("+0 language: none shared")
TIES = N_("+%(points)s ties: comes from %(municipality)s")
OVER_COMMITTED = N_(
    "+0 capacity: no hours left of %(hours)s a month (%(active)s introductions under way):"
    " ranked last"
)
CAPACITY = N_("+%(points)s capacity: %(left)s of %(hours)s hours a month left")
INVESTMENT = N_("investment range: %(range)s")
REASONS = (
    COVERS,
    NO_NEEDS,
    OFFERS_SECTOR,
    OWN_SECTOR,
    OTHER_SECTOR,
    SKILLS,
    NO_SKILLS,
    LANGUAGES,
    NO_LANGUAGE,
    TIES,
    CAPACITY,
    INVESTMENT,
    OVER_COMMITTED,
)


@dataclass(frozen=True)
class Request:
    """What a business asks for, as the ranking reads it."""

    id: int
    needs: tuple[str, ...]
    sector: str | None = None
    municipality: str | None = None
    languages: tuple[str, ...] = ()
    description: str = ""
    # The business's contact person in the bot: never suggested to their own business.
    contact_member: int | None = None


@dataclass(frozen=True)
class Helper:
    """A member's active offer with what the ranking reads of their profile."""

    member_id: int
    gives: tuple[str, ...]
    sectors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    # The member's own sector and municipality of origin (from the profile).
    sector: str | None = None
    municipality: str | None = None
    skills: str = ""
    hours: int = 0
    # Introductions proposed or under way.
    active: int = 0
    investment: str | None = None

    @property
    def hours_left(self) -> int:
        return self.hours - HOURS_PER_INTRODUCTION * self.active


@dataclass(frozen=True)
class Suggestion:
    """One offer ranked for a request: its score, why, and whether its member has no time
    left (ranked last)."""

    member_id: int
    score: int
    # Each a :class:`staff.texts.Text`: English as a string, translatable on the dashboard.
    reasons: tuple[str, ...]
    over_committed: bool


@functools.lru_cache(maxsize=16384)
def terms(text: str) -> frozenset[str]:
    """The words of a text that can tell a skill, as compared (folded, cut to ``STEM``);
    remembered, since every ranking reads the same skills and descriptions again."""
    return frozenset(
        word[:STEM]
        for word in _WORD.findall(fold(text))
        if len(word) >= SHORTEST_WORD and word not in _COMMON
    )


def _named(codes: Iterable[str]) -> str:
    return ", ".join(NEED_NAMES[code] for code in codes)


def explain(request: Request, helper: Helper) -> Suggestion | None:
    """The score of one offer for one request and every reason for it; None when the offer
    covers none of the needs named."""
    asked = tuple(dict.fromkeys(request.needs))
    covered = [need for need in asked if need in NEEDS and need in helper.gives]
    if asked and not covered:
        return None
    score = NEEDS_POINTS * len(covered) // len(asked) if asked else 0
    reasons = [
        Text(
            COVERS,
            points=score,
            needs=Coded("needs", tuple(covered), _named(covered)),
            covered=len(covered),
            asked=len(asked),
        )
        if asked
        else Text(NO_NEEDS)
    ]
    if request.sector and request.sector in helper.sectors:
        score += SECTOR_POINTS
        sector = Coded("sector", request.sector, request.sector)
        reasons.append(Text(OFFERS_SECTOR, points=SECTOR_POINTS, sector=sector))
    elif request.sector and helper.sector == request.sector:
        score += OWN_SECTOR_POINTS
        sector = Coded("sector", request.sector, request.sector)
        reasons.append(Text(OWN_SECTOR, points=OWN_SECTOR_POINTS, sector=sector))
    else:
        reasons.append(Text(OTHER_SECTOR))
    shared = terms(helper.skills) & terms(request.description)
    points = SKILL_POINTS * min(MOST_SKILL_WORDS, len(shared))
    score += points
    if shared:
        words = ", ".join(_words_of(request.description, shared))
        reasons.append(Text(SKILLS, points=points, words=words))
    else:
        reasons.append(Text(NO_SKILLS))
    languages = [code for code in request.languages if code in helper.languages]
    if languages:
        score += LANGUAGE_POINTS
        spoken = Coded("spoken_languages", tuple(languages), ", ".join(languages))
        reasons.append(Text(LANGUAGES, points=LANGUAGE_POINTS, languages=spoken))
    else:
        reasons.append(Text(NO_LANGUAGE))
    if request.municipality and helper.municipality == request.municipality:
        score += MUNICIPALITY_POINTS
        place = Coded("municipality", request.municipality, request.municipality)
        reasons.append(Text(TIES, points=MUNICIPALITY_POINTS, municipality=place))
    left = helper.hours_left
    over_committed = left <= 0
    if over_committed:
        reasons.append(Text(OVER_COMMITTED, hours=helper.hours, active=helper.active))
    else:
        points = min(CAPACITY_POINTS, left // HOURS_PER_POINT)
        score += points
        reasons.append(Text(CAPACITY, points=points, left=left, hours=helper.hours))
    if helper.investment and "investment" in covered:
        amount = Coded("investment_ranges", helper.investment, helper.investment)
        reasons.append(Text(INVESTMENT, range=amount))
    return Suggestion(helper.member_id, score, tuple(reasons), over_committed)


def _words_of(text: str, stems: frozenset[str]) -> list[str]:
    """The request's own words for the shared stems, in its spelling and order."""
    spelled = _spellings(text)
    found = [word for stem, word in spelled.items() if stem in stems]
    return found + sorted(stem for stem in stems if stem not in spelled)


@functools.lru_cache(maxsize=1024)
def _spellings(text: str) -> dict[str, str]:
    """Stem → the first word of ``text`` with it, as written (lower case)."""
    found: dict[str, str] = {}
    for word in re.findall(r"[^\W\d_]+", text):
        folded = fold(word)
        if len(folded) >= SHORTEST_WORD:
            found.setdefault(folded[:STEM], word.lower())
    return found


def rank(
    request: Request,
    helpers: Sequence[Helper],
    *,
    exclude: Iterable[int] = (),
    limit: int | None = None,
) -> list[Suggestion]:
    """The offers for ``request``, best first (see the module), leaving out ``exclude``."""
    return Index(helpers).rank(request, exclude=exclude, limit=limit)


class Index:
    """Every offer as arrays, to score them all at once for each request.

    Build it once per look at the offers (a few milliseconds for thousands) and rank as many
    requests as needed against it.
    """

    def __init__(self, helpers: Sequence[Helper]) -> None:
        import numpy as np  # only when a ranking is asked for: the service starts without it

        self.np = np
        self.helpers = tuple(helpers)
        size = len(self.helpers)
        self.ids = np.array([helper.member_id for helper in self.helpers])
        self.position = {helper.member_id: row for row, helper in enumerate(self.helpers)}
        gives = np.zeros(size, dtype=np.int64)
        for bit, need in enumerate(NEEDS):
            gives |= np.array([need in h.gives for h in self.helpers], dtype=bool) << bit
        self.gives = gives
        left = np.array([helper.hours_left for helper in self.helpers])
        self.over = left <= 0
        self.capacity = np.where(
            self.over, 0, np.minimum(CAPACITY_POINTS, np.maximum(left, 0) // HOURS_PER_POINT)
        )
        self.sectors = self._postings(helper.sectors for helper in self.helpers)
        self.own_sector = self._postings((helper.sector,) for helper in self.helpers)
        self.languages = self._postings(helper.languages for helper in self.helpers)
        self.municipality = self._postings((helper.municipality,) for helper in self.helpers)
        self.skills = self._postings(terms(helper.skills) for helper in self.helpers)

    def _postings(self, values: Iterable[Iterable[str | None]]) -> dict[str, NDArray[Any]]:
        """Value → the rows that have it."""
        rows: dict[str, list[int]] = {}
        for row, found in enumerate(values):
            for value in set(found):
                if value:
                    rows.setdefault(value, []).append(row)
        return {value: self.np.array(at) for value, at in rows.items()}

    def _has(self, postings: dict[str, NDArray[Any]], values: Iterable[str | None]) -> Any:
        """Whether each row has any of ``values``."""
        found = self.np.zeros(len(self.helpers), dtype=bool)
        for value in values:
            rows = postings.get(value) if value else None
            if rows is not None:
                found[rows] = True
        return found

    def scores(self, request: Request) -> tuple[Any, Any]:
        """Every offer's score for ``request``, and whether it is a suggestion at all (it
        covers a need named)."""
        np = self.np
        asked = set(request.needs)
        wanted = sum(1 << bit for bit, need in enumerate(NEEDS) if need in asked)
        if asked:
            covered = np.bitwise_count(self.gives & wanted).astype(np.int64)
            eligible = covered > 0
            score = NEEDS_POINTS * covered // len(asked)
        else:
            eligible = np.full(len(self.helpers), True)
            score = np.zeros_like(self.gives)
        offered = self._has(self.sectors, (request.sector,))
        own = self._has(self.own_sector, (request.sector,)) & ~offered
        score = score + np.where(offered, SECTOR_POINTS, np.where(own, OWN_SECTOR_POINTS, 0))
        # Each row once per word it shares with the description, counted in one pass.
        found = [self.skills[term] for term in terms(request.description) if term in self.skills]
        shared = np.bincount(np.concatenate(found), minlength=len(self.helpers)) if found else 0
        score = score + SKILL_POINTS * np.minimum(MOST_SKILL_WORDS, shared)
        score = score + LANGUAGE_POINTS * self._has(self.languages, request.languages)
        score = score + MUNICIPALITY_POINTS * self._has(self.municipality, (request.municipality,))
        return score + self.capacity, eligible

    def rank(
        self, request: Request, *, exclude: Iterable[int] = (), limit: int | None = None
    ) -> list[Suggestion]:
        """The offers for ``request``, best first (over-committed last), at most ``limit``."""
        np = self.np
        if limit is not None and limit <= 0:
            return []
        score, eligible = self.scores(request)
        for member_id in (*exclude, request.contact_member):
            row = self.position.get(member_id) if member_id is not None else None
            if row is not None:
                eligible[row] = False
        rows = np.flatnonzero(eligible)
        if limit is not None and len(rows) > limit:
            # Only the rows that can make the top ``limit`` are sorted fully.
            primary = self.over[rows].astype(np.int64) * (1 << 32) - score[rows]
            kth = np.partition(primary, limit - 1)[limit - 1]
            rows = rows[primary <= kth]
        order = np.lexsort((self.ids[rows], -score[rows], self.over[rows]))
        chosen = rows[order][:limit]
        suggestions = []
        for row in chosen:
            explained = explain(request, self.helpers[int(row)])
            assert explained is not None
            suggestions.append(explained)
        return suggestions
