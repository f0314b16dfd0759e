"""Local businesses on the dashboard: the requests with the funnel, one request with its ranked
suggestions (re-ranked on every look) and a button to propose each, the members' offers, and
the businesses and matches exports (CSV or XLSX, safe, audited)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from bot.store.businesses import STATUSES
from staff import business_sheets, business_stats, export, introductions, suggestions, svg
from staff.dashboard.auth import parse_form
from staff.dashboard.pages import ACTOR, LARGEST_ID, Deps, record_id, redirect
from staff.words import Words

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUGGESTIONS = 10


def funnel_chart(counts: Mapping[str, int], words: Words, gettext: Callable[[str], str]) -> Markup:
    """The funnel from requests to investment as bars, in the coordinator's language (the
    steps by the content folder's ``funnel`` labels, as the report names them)."""
    bars = [
        svg.Bar(words.label("funnel", step), counts[step], str(counts[step]))
        for step in business_stats.STEPS
    ]
    return svg.bars(bars, title=gettext("From requests to investment"))


class Businesses:
    """The requests, offers and proposals pages."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """Every request (of one status), newest first, with the funnel and each open one's
        best suggestion now."""
        await self.deps.content.poll()
        store = self.deps.store
        status = request.query_params.get("status", "")
        found = await store.businesses.all(status=status if status in STATUSES else None)
        proposed: Counter[int] = Counter()
        introduced: Counter[int] = Counter()
        for match in await store.matches.all():
            proposed[match.business_id] += 1
            introduced[match.business_id] += bool(match.introduced_at)
        ranked = await suggestions.index(store)
        best = {}
        names = {}
        for business in found:
            if business.status == "open":
                top = await suggestions.suggest(store, business, limit=1, ranked=ranked)
                best[business.id] = top[0] if top else None
                if top and top[0].member_id not in names:
                    member = await store.members.get(top[0].member_id)
                    names[top[0].member_id] = member.name if member else None
        return self.deps.pages.render(
            request,
            "businesses.html",
            section="businesses",
            businesses=found,
            status=status,
            statuses=STATUSES,
            proposed=proposed,
            introduced=introduced,
            best=best,
            names=names,
            funnel=funnel_chart(
                await business_stats.funnel(store),
                self.deps.words(request),
                self.deps.gettext(request),
            ),
            offers=len(ranked.helpers),
        )

    async def business(self, request: Request) -> Response:
        """One request: what it says, its contact, its matches, and the offers ranked for it."""
        business_id = record_id(request, "business_id")
        store = self.deps.store
        business = await store.businesses.get(business_id) if business_id is not None else None
        if business is None:
            return self._missing(request)
        await self.deps.content.poll()
        ranked = await suggestions.suggest(store, business, limit=SUGGESTIONS)
        members = {}
        matches = await store.matches.of_business(business.id)
        for member_id in {s.member_id for s in ranked} | {m.member_id for m in matches}:
            members[member_id] = await store.members.get(member_id)
        return self.deps.pages.render(
            request,
            "business.html",
            section="businesses",
            business=business,
            suggestions=ranked,
            matches=matches,
            members=members,
            proposable=business.status == "open" and business.member_id is not None,
        )

    async def propose(self, request: Request) -> Response:
        """Proposes the introduction of one suggested member; both sides are asked."""
        business_id = record_id(request, "business_id")
        if business_id is None:
            return self._missing(request)
        form = parse_form(await request.body())
        back = f"/businesses/{business_id}"
        _ = self.deps.gettext(request)
        member = form.get("member_id", "")
        if not member.isdigit() or not 0 < int(member) <= LARGEST_ID:
            return redirect(request, back, _("Choose a member to propose."))
        try:
            match = await introductions.propose(
                self.deps.store,
                self.deps.content,
                business_id,
                int(member),
                self.deps.now(),
                actor=ACTOR,
            )
        except introductions.ProposalRefused as refused:
            return redirect(
                request, back, _("Not proposed: %s.") % self.deps.said(request, refused)
            )
        return redirect(
            request,
            f"/matches/{match.id}",
            _(
                "Proposed: both sides are asked, in their languages, to answer within 14 days"
                " (match #%(id)s)."
            )
            % {"id": match.id},
        )

    async def offers(self, request: Request) -> Response:
        """Every offer of help, newest first, with the member and the introductions under way."""
        store = self.deps.store
        await self.deps.content.poll()
        found = await store.offers.all()
        active = await store.matches.active_counts()
        members = {offer.member_id: await store.members.get(offer.member_id) for offer in found}
        return self.deps.pages.render(
            request,
            "offers.html",
            section="businesses",
            offers=found,
            members=members,
            active=active,
        )

    async def download(self, request: Request) -> Response:
        """The businesses or matches export as a file; audited."""
        form = parse_form(await request.body())
        what, kind = form.get("what", ""), form.get("format", "")
        if what not in ("businesses", "matches") or kind not in FORMATS:
            _ = self.deps.gettext(request)
            return redirect(request, "/businesses", _("Choose what to download, as CSV or XLSX."))
        store, content = self.deps.store, self.deps.content
        rows_of = (
            business_sheets.business_rows if what == "businesses" else business_sheets.match_rows
        )
        header, rows = await rows_of(store, content)
        now = self.deps.now()
        body: bytes | str = (
            export.to_csv(header, rows) if kind == "csv" else export.to_xlsx(header, rows, what)
        )
        await store.audit.record(
            ACTOR, f"export.{what}", now, rows=len(rows), output=f"download.{kind}"
        )
        return Response(
            body,
            media_type=FORMATS[kind],
            headers={"Content-Disposition": f'attachment; filename="{what}-{now:%Y-%m-%d}.{kind}"'},
        )

    def _missing(self, request: Request) -> Response:
        """404: no request has this number."""
        _ = self.deps.gettext(request)
        return self.deps.pages.render(
            request,
            "missing.html",
            status_code=404,
            what=_("business request #%s") % request.path_params["business_id"],
        )
