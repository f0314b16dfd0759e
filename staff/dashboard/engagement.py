"""The programme's funnel on the dashboard: registered → RSVP'd → attended → applied or offered
→ matched → outcome, overall as a chart, and by the month members registered and by country —
the numbers the programme reports to its donors and the ministry."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.store.engagement import STAGES, Reached
from staff import svg
from staff.dashboard.i18n import N_
from staff.dashboard.pages import Deps

STAGE_NAMES = {
    "registered": N_("Registered"),
    "rsvped": N_("RSVP'd"),
    "attended": N_("Attended"),
    "applied_or_offered": N_("Applied or offered"),
    "matched": N_("Matched"),
    "outcome": N_("Outcome"),
}


class Engagement:
    """The engagement page."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def page(self, request: Request) -> Response:
        """The funnel overall, by month of registration and by country."""
        store = self.deps.store
        _ = self.deps.gettext(request)
        overall = await store.engagement.funnel("all")
        total = overall[0] if overall else None
        names = {stage: _(name) for stage, name in STAGE_NAMES.items()}
        bars = (
            [
                svg.Bar(
                    f"{names[stage]} · {_percent(total.count(stage), total)}",
                    total.count(stage),
                    str(total.count(stage)),
                )
                for stage in STAGES
            ]
            if total
            else []
        )
        chart = svg.bars(bars, title=_("From registration to outcome"), empty=_("No member yet."))
        by_country = await store.engagement.funnel("country")
        by_country.sort(key=lambda reached: (-reached.count("registered"), reached.group))
        return self.deps.pages.render(
            request,
            "engagement.html",
            section="engagement",
            chart=chart,
            stages=STAGES,
            names=names,
            total=total,
            by_month=await store.engagement.funnel("month"),
            by_country=by_country,
        )


def _percent(count: int, total: Reached) -> str:
    """``40%`` of those registered."""
    registered = total.count("registered")
    return f"{round(100 * count / registered)}%" if registered else "—"
