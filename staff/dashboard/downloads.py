"""The same downloads as the CLI's ``export``: members (all, or those the table's filters
match), RSVPs (of all events or one) and fellowship applications, as CSV or XLSX — safe to
open in a spreadsheet, and each one audited."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from staff import export, sheets
from staff.dashboard.auth import parse_form
from staff.dashboard.members import selection
from staff.dashboard.pages import ACTOR, Deps, redirect

WHAT = ("members", "rsvps", "fellowship")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Downloads:
    """The downloads page and the files."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def page(self, request: Request) -> Response:
        """What can be downloaded."""
        content = self.deps.content
        await content.poll()
        language = self.deps.language(request)
        events = sorted(content.events.values(), key=lambda event: event.starts_at)
        return self.deps.pages.render(
            request,
            "downloads.html",
            section="downloads",
            events=[
                (event.slug, event.text("title", language, content.default_language))
                for event in events
            ],
        )

    async def download(self, request: Request) -> Response:
        """One export as a file; the download is audited."""
        form = parse_form(await request.body())
        what, kind = form.get("what", ""), form.get("format", "")
        _ = self.deps.gettext(request)
        if what not in WHAT or kind not in FORMATS:
            return redirect(request, "/downloads", _("Choose what to download, as CSV or XLSX."))
        store, content = self.deps.store, self.deps.content
        await content.poll()
        words = self.deps.words(request)
        detail: dict[str, Any] = {}
        if what == "members":
            chosen = selection(form, self.deps.gettext(request))
            if chosen.errors:
                return redirect(request, "/members", " ".join(chosen.errors))
            found = await store.directory.matching(chosen.query)
            header: tuple[str, ...] = export.MEMBER_COLUMNS
            rows = export.member_rows(
                [row.member for row in found], await store.members.channels(), words
            )
            if not chosen.query.is_empty():
                detail["filters"] = chosen.query.describe()
        elif what == "rsvps":
            event = form.get("event") or None
            header, rows = await sheets.rsvp_rows(store, content, event, words)
            if event:
                detail["event"] = event
        else:
            header, rows = await sheets.application_rows(store, content, words)
        now = self.deps.now()
        subject = "".join(c for c in detail.get("event", "") if c.isalnum() or c in "-_")
        name = f"{what}{'-' + subject if subject else ''}-{now:%Y-%m-%d}.{kind}"
        body: bytes | str = (
            export.to_csv(header, rows) if kind == "csv" else export.to_xlsx(header, rows, what)
        )
        await store.audit.record(
            ACTOR, f"export.{what}", now, rows=len(rows), output=f"download.{kind}", **detail
        )
        return Response(
            body,
            media_type=FORMATS[kind],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
