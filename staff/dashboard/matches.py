"""Introductions on the dashboard: every match and the state it is in (with the funnel), and one
match with its history, each side's answers and follow-ups, and withdrawing a proposal still
waiting for answers (both sides are told)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.store.matches import PROPOSED, STATUSES
from bot.text import clean
from staff import business_stats, introductions, suggestions
from staff.dashboard.auth import parse_form
from staff.dashboard.businesses import funnel_chart
from staff.dashboard.pages import ACTOR, Deps, record_id, redirect

REASON_LIMIT = 300


class Matches:
    """The matches pages and the withdraw form."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """Every match (in one state), newest first."""
        store = self.deps.store
        await self.deps.content.poll()
        status = request.query_params.get("status", "")
        found = await store.matches.all(status=status if status in STATUSES else None)
        businesses = {business.id: business for business in await store.businesses.all()}
        members = {match.member_id: await store.members.get(match.member_id) for match in found}
        return self.deps.pages.render(
            request,
            "matches.html",
            section="businesses",
            matches=found,
            businesses=businesses,
            members=members,
            status=status,
            statuses=STATUSES,
            funnel=funnel_chart(
                await business_stats.funnel(store),
                self.deps.words(request),
                self.deps.gettext(request),
            ),
        )

    async def match(self, request: Request) -> Response:
        """One match: both sides, their answers, the history and the follow-ups."""
        match_id = record_id(request, "match_id")
        store = self.deps.store
        match = await store.matches.get(match_id) if match_id is not None else None
        if match is None:
            _ = self.deps.gettext(request)
            return self.deps.pages.render(
                request,
                "missing.html",
                status_code=404,
                what=_("match #%s") % request.path_params["match_id"],
            )
        await self.deps.content.poll()
        return self.deps.pages.render(
            request,
            "match.html",
            section="businesses",
            match=match,
            business=await store.businesses.get(match.business_id),
            member=await store.members.get(match.member_id),
            events=await store.matches.events(match.id),
            follow_ups=await store.outcomes.of_match(match.id),
            reasons=suggestions.stored(match.reasons),
            withdrawable=match.status == PROPOSED,
            reason_limit=REASON_LIMIT,
        )

    async def withdraw(self, request: Request) -> Response:
        """Withdraws a proposal; both sides are told it will not go ahead."""
        match_id = record_id(request, "match_id")
        back = f"/matches/{request.path_params['match_id']}"
        _ = self.deps.gettext(request)
        if match_id is None:
            return redirect(request, "/matches", _("No such match."))
        form = parse_form(await request.body())
        reason = clean(form.get("reason", ""), limit=REASON_LIMIT)
        try:
            await introductions.withdraw(
                self.deps.store,
                self.deps.content,
                match_id,
                self.deps.now(),
                actor=ACTOR,
                reason=reason or "withdrawn by a coordinator",
            )
        except introductions.ProposalRefused as refused:
            return redirect(
                request, back, _("Not withdrawn: %s.") % self.deps.said(request, refused)
            )
        return redirect(request, back, _("Withdrawn; both sides are told it will not go ahead."))
