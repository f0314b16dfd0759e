"""Fellowship applications: the list (by programme and status), one application with its
history, status changes (the applicant is told in their language) and internal notes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.store.fellowship import STATUSES, WITHDRAWN
from bot.text import clean
from staff import decisions
from staff.dashboard.auth import parse_form
from staff.dashboard.pages import ACTOR, Deps, record_id, redirect

NOTE_LIMIT = 2000


class Applications:
    """The fellowship pages and forms."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """Every application, newest first, optionally of one programme or status."""
        content = self.deps.content
        await content.poll()
        programme = request.query_params.get("programme", "")
        status = request.query_params.get("status", "")
        store = self.deps.store
        applications = [
            application
            for application in await store.applications.all()
            if (not programme or application.programme == programme)
            and (not status or application.status == status)
        ]
        applications.sort(key=lambda application: application.created_at, reverse=True)
        names = {}
        for application in applications:
            member = await store.members.get(application.member_id)
            names[application.member_id] = (member.name if member else None) or ""
        return self.deps.pages.render(
            request,
            "applications.html",
            section="fellowship",
            applications=applications,
            names=names,
            programme=programme,
            status=status,
            statuses=STATUSES,
            titles=self._titles(self.deps.language(request)),
        )

    async def application(self, request: Request) -> Response:
        """One application: the answers, the applicant, the history and the forms."""
        application_id = record_id(request, "application_id")
        store = self.deps.store
        application = None
        if application_id is not None:
            application = await store.applications.get(application_id)
        if application_id is None or application is None:
            return self._missing(request)
        await self.deps.content.poll()
        programme = self.deps.content.fellowships.get(application.programme)
        language = self.deps.language(request)
        default = self.deps.content.default_language
        field = application.field
        if programme is not None and field:
            field = programme.field_name(field, language, default)
        return self.deps.pages.render(
            request,
            "application.html",
            section="fellowship",
            application=application,
            field=field,
            title=self._titles(language).get(application.programme, application.programme),
            member=await store.members.get(application.member_id),
            notes=await store.applications.notes(application_id),
            statuses=[status for status in STATUSES if status != WITHDRAWN],
            note_limit=NOTE_LIMIT,
        )

    async def change_status(self, request: Request) -> Response:
        """Sets the status; the applicant is told through the outbox."""
        application_id = record_id(request, "application_id")
        if application_id is None:
            return self._missing(request)
        form = parse_form(await request.body())
        status = form.get("status", "")
        back = f"/fellowship/{application_id}"
        _ = self.deps.gettext(request)
        words = self.deps.words(request)
        if status not in STATUSES or status == WITHDRAWN:
            return redirect(request, back, _("Choose one of the statuses offered."))
        note = clean(form.get("note", ""), limit=NOTE_LIMIT) or None
        try:
            change = await decisions.change_status(
                self.deps.store,
                self.deps.content,
                application_id,
                status,
                self.deps.now(),
                actor=ACTOR,
                note=note,
            )
        except decisions.DecisionRefused as refused:
            return redirect(request, back, _("Not changed: %s.") % self.deps.said(request, refused))
        told = (
            _("the applicant will be told in their language")
            if change.member is not None
            else _("the applicant's data has been erased, so nobody is told")
        )
        return redirect(
            request,
            back,
            _("Status changed from %(before)s to %(after)s; %(told)s.")
            % {
                "before": words.label("application_status", change.before.status),
                "after": words.label("application_status", change.after.status),
                "told": told,
            },
        )

    async def add_note(self, request: Request) -> Response:
        """Keeps an internal note (never sent to the applicant)."""
        application_id = record_id(request, "application_id")
        if application_id is None:
            return self._missing(request)
        form = parse_form(await request.body())
        back = f"/fellowship/{application_id}"
        _ = self.deps.gettext(request)
        note = clean(form.get("note", ""), limit=NOTE_LIMIT)
        if not note:
            return redirect(request, back, _("The note is empty."))
        try:
            await decisions.add_note(
                self.deps.store, application_id, note, self.deps.now(), actor=ACTOR
            )
        except decisions.DecisionRefused as refused:
            return redirect(request, back, _("Not kept: %s.") % self.deps.said(request, refused))
        return redirect(request, back, _("Note kept (coordinators only; not sent)."))

    def _missing(self, request: Request) -> Response:
        """404: no application has this number (or one SQLite could not even hold)."""
        _ = self.deps.gettext(request)
        return self.deps.pages.render(
            request,
            "missing.html",
            status_code=404,
            what=_("fellowship application #%s") % request.path_params["application_id"],
        )

    def _titles(self, language: str) -> dict[str, str]:
        default = self.deps.content.default_language
        return {
            slug: programme.text("title", language, default)
            for slug, programme in self.deps.content.fellowships.items()
        }
