"""Coordinators' decisions on introductions, the same from the CLI and the dashboard: proposing
one (both sides are sent an anonymised summary of the other through the outbox and asked to
accept or decline) and withdrawing one still waiting for answers. Each is audited.
"""

from __future__ import annotations

from datetime import datetime

from bot import notices
from bot.content import Content
from bot.errors import DiasporaError
from bot.store import Match, Store
from bot.store.businesses import OPEN
from bot.store.matches import PROPOSED, WITHDRAWN
from staff import suggestions
from staff.texts import N_, Coded, Text


class ProposalRefused(DiasporaError):
    """The introduction cannot be proposed or withdrawn as asked (and why, as a
    :class:`staff.texts.Text`)."""


async def propose(
    store: Store,
    content: Content,
    business_id: int,
    member_id: int,
    now: datetime,
    *,
    actor: str,
) -> Match:
    """Proposes an introduction between a business and a member with an active offer; both
    sides are asked through the outbox. Refused for a request that is not open, one whose
    contact person never wrote to the bot (imported), a member without an active offer, and a
    member proposed to this business before."""
    business = await store.businesses.get(business_id)
    if business is None:
        raise ProposalRefused(Text(N_("no business request #%(business)s"), business=business_id))
    if business.status != OPEN:
        status = Coded("business.status", business.status, business.status)
        message = N_("business #%(business)s is %(status)s, not open")
        raise ProposalRefused(Text(message, business=business_id, status=status))
    if business.member_id is None:
        message = N_(
            "business #%(business)s was imported and its contact person has not written to the"
            " bot yet: nobody can be told about it"
        )
        raise ProposalRefused(Text(message, business=business_id))
    if business.member_id == member_id:
        message = N_("member %(member)s is business #%(business)s's own contact")
        raise ProposalRefused(Text(message, member=member_id, business=business_id))
    helper = await suggestions.helper_of(store, member_id)
    if helper is None:
        message = N_("member %(member)s has no active offer of help")
        raise ProposalRefused(Text(message, member=member_id))
    before = [m for m in await store.matches.of_business(business_id) if m.member_id == member_id]
    if before:
        message = N_(
            "member %(member)s was proposed to business #%(business)s before"
            " (match #%(match)s, %(status)s); never twice"
        )
        status = Coded("match", before[0].status, before[0].status)
        raise ProposalRefused(
            Text(message, member=member_id, business=business_id, match=before[0].id, status=status)
        )
    scored = suggestions.score_of(business, helper)
    match = await store.matches.propose(
        business_id,
        member_id,
        now,
        actor=actor,
        expires_at=now + notices.TIME_TO_ANSWER,
        score=scored.score if scored else 0,
        reasons=scored.reasons if scored else (suggestions.uncovered(),),
    )
    if match is None:
        message = N_("member %(member)s was proposed to business #%(business)s before")
        raise ProposalRefused(Text(message, member=member_id, business=business_id))
    queued = await notices.tell_proposed(store, content, match, now)
    await store.audit.record(
        actor,
        "match.proposed",
        now,
        subject=f"match:{match.id}",
        business=business_id,
        member=member_id,
        score=match.score,
        notices=queued,
    )
    return match


async def withdraw(
    store: Store, content: Content, match_id: int, now: datetime, *, actor: str, reason: str
) -> Match:
    """Withdraws a proposal still waiting for answers; both sides are told it will not go
    ahead."""
    match = await store.matches.get(match_id)
    if match is None:
        raise ProposalRefused(Text(N_("no match #%(match)s"), match=match_id))
    if match.status != PROPOSED:
        message = N_("match #%(match)s is %(status)s; only a proposal can be withdrawn")
        status = Coded("match", match.status, match.status)
        raise ProposalRefused(Text(message, match=match_id, status=status))
    closed = await store.matches.close(
        match_id, WITHDRAWN, now, actor=actor, reason=reason or "withdrawn by a coordinator"
    )
    if closed is None:
        message = N_("match #%(match)s is no longer a proposal")
        raise ProposalRefused(Text(message, match=match_id))
    await notices.tell_closed(store, content, closed, now, why=WITHDRAWN)
    await store.audit.record(
        actor, "match.withdrawn", now, subject=f"match:{match_id}", by="coordinator"
    )
    return closed
