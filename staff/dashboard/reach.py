"""What each broadcast, campaign and poll achieved, as a funnel: queued, sent, delivered and
read (WhatsApp's status callbacks), failed with the reasons, needs a template, skipped (stopped,
topic), and for a poll the answers — and "Resend to those it failed for" for failures that may
pass, once the coordinator confirmed it (audited)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from staff import reach
from staff.dashboard.auth import parse_form
from staff.dashboard.i18n import N_
from staff.dashboard.pages import ACTOR, Deps, redirect

# Jobs listed, newest first.
JOBS = 50
# A job's id is short ("broadcast:12", "campaign:welcome@2027-…"); anything longer is no job.
LONGEST_JOB = 200
STEPS = {
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "read": N_("Read"),
    "answered": N_("Answered"),
    "title": N_("How far the messages got"),
}


class Reach:
    """The delivery pages and the resend button."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """The latest broadcasts, campaign steps and polls, each with its funnel in figures."""
        await self.deps.content.poll()
        language = self.deps.language(request)
        found = await reach.latest(self.deps.store, self.deps.content, language, JOBS)
        return self.deps.pages.render(request, "reach.html", section="reach", jobs=found)

    async def job(self, request: Request) -> Response:
        """One job: the funnel as a chart, the reasons of failures, and the resend button."""
        await self.deps.content.poll()
        job = request.query_params.get("id", "")[:LONGEST_JOB]
        language = self.deps.language(request)
        found = await reach.one(self.deps.store, self.deps.content, job, language)
        _ = self.deps.gettext(request)
        if found is None:
            return self.deps.pages.render(
                request, "missing.html", status_code=404, what=_("messages of “%s”") % job
            )
        names = {step: _(text) for step, text in STEPS.items()}
        return self.deps.pages.render(
            request,
            "reach_job.html",
            section="reach",
            found=found,
            funnel=found.funnel,
            chart=reach.chart(found, names),
        )

    async def resend(self, request: Request) -> Response:
        """Queues again what failed for a passing reason, once the box was ticked."""
        form = parse_form(await request.body())
        job = form.get("job", "")[:LONGEST_JOB]
        _ = self.deps.gettext(request)
        back = f"/reach/job?id={job}"
        if form.get("confirm") != "yes":
            return redirect(request, back, _("Tick the box to confirm, then resend."))
        resent = await reach.resend_failed(self.deps.store, job, self.deps.now(), actor=ACTOR)
        if not resent:
            return redirect(request, back, _("Nothing to resend: no failure that may pass."))
        return redirect(
            request,
            back,
            _("Queued again: %(count)d. The service sends them now.") % {"count": resent},
        )
