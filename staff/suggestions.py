"""Ranked suggestions for businesses' requests, from what the store holds: every active offer with
its member's profile and the introductions under way (:mod:`staff.matching` ranks them), the
members proposed to the business before left out. The same for ``matches suggest``, the
dashboard and proposals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.store import Business, Store
from bot.store.businesses import OPEN
from staff.matching import NEED_NAMES, REASONS, Helper, Index, Request, Suggestion, explain
from staff.texts import N_, Coded, Text, reread

LIMIT = 10
# The reason kept with a proposal of a member whose offer covers none of the needs named.
UNCOVERED = N_("covers none of the needs named")
_NEED_CODES = {name: code for code, name in NEED_NAMES.items()}
# How each coded value of a reason reads in English, back to its codes (matching.explain).
_CODED: dict[str, Callable[[str], Coded]] = {
    "needs": lambda english: Coded(
        "needs", tuple(_NEED_CODES.get(name, name) for name in english.split(", ")), english
    ),
    "sector": lambda english: Coded("sector", english, english),
    "languages": lambda english: Coded("spoken_languages", tuple(english.split(", ")), english),
    "municipality": lambda english: Coded("municipality", english, english),
    "range": lambda english: Coded("investment_ranges", english, english),
}


def request_of(business: Business) -> Request:
    """A business's request as the ranking reads it."""
    return Request(
        id=business.id,
        needs=tuple(business.needs),
        sector=business.sector,
        municipality=business.municipality,
        languages=tuple(business.languages),
        description=business.description or "",
        contact_member=business.member_id,
    )


async def helpers(store: Store) -> list[Helper]:
    """Every active offer, as the ranking reads it."""
    active = await store.matches.active_counts()
    return [
        Helper(
            member_id=offer.member_id,
            gives=tuple(offer.gives),
            sectors=tuple(offer.sectors),
            languages=tuple(offer.languages),
            sector=profile.sector,
            municipality=profile.municipality,
            skills=profile.skills or "",
            hours=offer.hours,
            active=active.get(offer.member_id, 0),
            investment=offer.investment,
        )
        for offer, profile in await store.offers.active_with_profiles()
    ]


async def index(store: Store) -> Index:
    """Every active offer, ready to rank requests against."""
    return Index(await helpers(store))


async def suggest(
    store: Store, business: Business, *, limit: int | None = LIMIT, ranked: Index | None = None
) -> list[Suggestion]:
    """The best offers for one request, best first, with the reasons; members proposed to it
    before are left out."""
    ranked = ranked or await index(store)
    proposed = await store.matches.proposed_members(business.id)
    return ranked.rank(request_of(business), exclude=proposed, limit=limit)


async def suggested(store: Store, businesses: Sequence[Business]) -> int:
    """How many open requests have at least one suggestion (the funnel's second step)."""
    ranked = await index(store)
    count = 0
    for business in businesses:
        if business.status == OPEN and await suggest(store, business, limit=1, ranked=ranked):
            count += 1
    return count


async def helper_of(store: Store, member_id: int) -> Helper | None:
    """The member's active offer as the ranking reads it (None: no active offer)."""
    return next((h for h in await helpers(store) if h.member_id == member_id), None)


def score_of(business: Business, helper: Helper) -> Suggestion | None:
    """The score and reasons of one offer for one request (None: it covers no need named)."""
    return explain(request_of(business), helper)


def stored(reasons: Sequence[str]) -> list[str]:
    """The reasons kept with a proposal (English) read back as :class:`staff.texts.Text`, so
    the dashboard can say them in the coordinator's language."""
    return [reread(reason, (*REASONS, UNCOVERED), _CODED) for reason in reasons]


def uncovered() -> Text:
    """The reason kept when the member's offer covers none of the needs named."""
    return Text(UNCOVERED)
