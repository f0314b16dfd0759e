"""Ranked suggestions for businesses' requests, from what the store holds: every active offer with
its member's profile and the introductions under way (:mod:`staff.matching` ranks them), the
members proposed to the business before left out. The same for ``matches suggest``, the
dashboard and proposals.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store import Business, Store
from bot.store.businesses import OPEN
from staff.matching import Helper, Index, Request, Suggestion, explain

LIMIT = 10


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
