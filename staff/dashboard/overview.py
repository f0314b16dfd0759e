"""The overview (exact counts and charts, for coordinators) and the mapping report page
(aggregates with small counts suppressed, the one output meant to leave the programme)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from staff import answers, report, stats
from staff import svg as charts
from staff.dashboard.auth import parse_form
from staff.dashboard.i18n import translations
from staff.dashboard.pages import ACTOR, Deps, redirect
from staff.report import option_label, poll_heading
from staff.suppression import Cell
from staff.svg import Bar

# Countries beyond these are drawn as one bar, so the chart stays readable on a phone.
TOP_COUNTRIES = 15
# Weeks are clearer than months until registrations span about half a year.
MAX_WEEKS = 26
# The mapping report's files, as ``report mapping --output`` writes them.
REPORT_FORMATS = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Overview:
    """The charts and the mapping report."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def overview(self, request: Request) -> Response:
        """Members by country, sector and interest, registrations over time, RSVPs and
        applications."""
        content = self.deps.content
        await content.poll()
        language = self.deps.language(request)
        translated = translations(language)
        _ = translated.gettext
        empty = _("No data yet.")
        counts = await stats.collect(self.deps.store, self.deps.now())

        def drawn(dimension: str, values: Mapping[str, int], limit: int | None = None) -> str:
            title = stats.title(content, language, dimension)
            items = [
                Bar(stats.label(content, language, dimension, key), count, str(count))
                for key, count in values.items()
            ]
            if limit is not None and len(items) > limit + 1:
                rest = sum(item.count or 0 for item in items[limit:])
                others = len(items) - limit
                label = translated.ngettext("%(num)d other", "%(num)d others", others) % {
                    "num": others
                }
                items = [*items[:limit], Bar(label, rest, str(rest))]
            return charts.bars(items, title=title, empty=empty)

        weekly = len(counts.by_week) <= MAX_WEEKS
        over_time = counts.by_week if weekly else counts.by_month
        event_titles = {
            slug: event.text("title", language, content.default_language)
            for slug, event in content.events.items()
        }
        return self.deps.pages.render(
            request,
            "overview.html",
            section="overview",
            counts=counts,
            countries=drawn("country", counts.by_country, TOP_COUNTRIES),
            sectors=drawn("sector", counts.by_sector),
            interests=drawn("interest", counts.by_interest),
            registrations=charts.columns(
                over_time,
                title=_("Registrations by week") if weekly else _("Registrations by month"),
                empty=empty,
            ),
            period="week" if weekly else "month",
            event_titles=event_titles,
            questions=await answers.figures(self.deps.store, self.deps.now()),
            duration=answers.duration,
        )

    async def mapping(self, request: Request) -> Response:
        """The mapping report: every dimension's suppressed counts, as charts and tables."""
        content = self.deps.content
        await content.poll()
        language = self.deps.language(request)
        report = stats.mapping_report(
            await stats.collect(self.deps.store, self.deps.now(), content=content)
        )

        def bars_of(dimension: str, cells: tuple[Cell, ...]) -> list[Bar]:
            return [
                Bar(stats.label(content, language, dimension, cell.key), cell.count, cell.shown)
                for cell in cells
            ]

        tables = [
            {
                "title": stats.title(content, language, table.name),
                "table": table,
                "bars": bars_of(table.name, table.cells),
                "chart": charts.bars(
                    bars_of(table.name, table.cells),
                    title=stats.title(content, language, table.name),
                    empty=translations(language).gettext("No data yet."),
                ),
            }
            for table in report.tables
        ]
        cities = [
            {
                "country": stats.label(content, language, "country", table.group or ""),
                "table": table,
                "bars": bars_of("city", table.cells),
            }
            for table in report.cities
        ]
        polls = [
            {
                "id": poll_id,
                "title": poll_heading(content, language, poll_id),
                "answered": answered,
                "table": table,
                "labels": {
                    cell.key: option_label(content, language, poll_id, cell.key)
                    for cell in table.cells
                },
            }
            for poll_id, answered, table in report.polls
        ]
        return self.deps.pages.render(
            request,
            "mapping.html",
            section="mapping",
            report=report,
            tables=tables,
            cities=cities,
            polls=polls,
        )

    async def download(self, request: Request) -> Response:
        """The mapping report as a file to share (HTML or XLSX, the CLI's); audited."""
        kind = parse_form(await request.body()).get("format", "")
        if kind not in REPORT_FORMATS:
            _ = self.deps.gettext(request)
            return redirect(request, "/mapping", _("Choose the report as HTML or XLSX."))
        content, store = self.deps.content, self.deps.store
        await content.poll()
        # The file is in the language the coordinator reads the dashboard in.
        language = self.deps.language(request)
        now = self.deps.now()
        mapped = stats.mapping_report(await stats.collect(store, now, content=content))
        body: str | bytes = (
            report.html(mapped, content, language)
            if kind == "html"
            else report.xlsx(mapped, content, language)
        )
        await store.audit.record(
            ACTOR, "report.mapping", now, output=f"download.{kind}", members=mapped.members
        )
        name = f"mapping-report-{now:%Y-%m-%d}.{kind}"
        return Response(
            body,
            media_type=REPORT_FORMATS[kind],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
