"""The mapping report as files: one self-contained HTML page (inline CSS and SVG bar charts, no
asset from the internet, readable on a phone) or an XLSX workbook (one sheet per table). Both
render :func:`staff.stats.mapping_report` and nothing else, so they hold aggregates only.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from bot.content import Content
from staff import stats, svg
from staff.export import sheet_row
from staff.stats import MappingReport, Table
from staff.suppression import SECONDARY, SMALL
from staff.svg import Bar

_CSS = (
    """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;
background:#f6f8fa;line-height:1.4}
main{max-width:860px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
section{background:#fff;border-radius:8px;padding:12px 16px;margin:12px 0;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:.95rem}
td,th{padding:4px 6px;border-bottom:1px solid #e5e9ef;text-align:left}
td.n,th.n{text-align:right;white-space:nowrap}
svg.chart{margin:.5rem 0}
.note{color:#5f6b7a;font-size:.9rem}
"""
    + svg.CSS
)


def _rows(table: Table, content: Content, language: str) -> list[tuple[str, str, int | None]]:
    if table.name in content.polls:
        return [
            (option_label(content, language, table.name, cell.key), cell.shown, cell.count)
            for cell in table.cells
        ]
    dimension = "city" if table.group is not None else table.name
    return [
        (stats.label(content, language, dimension, cell.key), cell.shown, cell.count)
        for cell in table.cells
    ]


def poll_heading(content: Content, language: str, poll_id: str) -> str:
    """A poll's table heading: its title, else its question in ``language``."""
    poll = content.polls.get(poll_id)
    if poll is None:
        return poll_id
    return poll.title or poll.text(language, content.default_language)[1]


def option_label(content: Content, language: str, poll_id: str, option: str) -> str:
    """An option's label in ``language`` (its id when the poll's file is gone)."""
    poll = content.polls.get(poll_id)
    found = poll.option(option) if poll is not None else None
    return found.label(language, content.default_language) if found else option


def _table_html(table: Table, heading: str, content: Content, language: str, level: str) -> str:
    if table.withheld:
        return (
            f"<{level}>{escape(heading)}</{level}>"
            f'<p class="note">{escape(content.text(language, "report.withheld"))}</p>'
        )
    rows = _rows(table, content, language)
    chart = svg.bars([Bar(label, count, shown) for label, shown, count in rows], title=heading)
    body = "".join(
        f'<tr><td>{escape(label)}</td><td class="n">{escape(shown)}</td></tr>'
        for label, shown, _ in rows
    )
    total = ""
    if table.total is not None:
        total = (
            f"<tr><th>{escape(content.text(language, 'report.total'))}</th>"
            f'<th class="n">{escape(table.total)}</th></tr>'
        )
    return f"<{level}>{escape(heading)}</{level}>{chart}<table>{body}{total}</table>"


def html(report: MappingReport, content: Content, language: str) -> str:
    """The report as one HTML page in ``language``."""
    t = content.text
    date = report.at.date().isoformat()
    sections = []
    for table in report.tables:
        heading = stats.title(content, language, table.name)
        parts = [_table_html(table, heading, content, language, "h2")]
        if table.name == "country":
            for cities in report.cities:
                country = stats.label(content, language, "country", cities.group or "")
                title = t(language, "report.cities_of", country=country)
                parts.append(_table_html(cities, title, content, language, "h3"))
        sections.append(f"<section>{''.join(parts)}</section>")
    skills = "".join(
        f'<tr><td>{escape(term)}</td><td class="n">{count}</td></tr>'
        for term, count in report.skills
    )
    skills_title = stats.title(content, language, "skills")
    skills_chart = (
        svg.bars(
            [Bar(term, count, str(count)) for term, count in report.skills], title=skills_title
        )
        if report.skills
        else ""
    )
    sections.append(
        f"<section><h2>{escape(skills_title)}</h2>"
        f'<p class="note">{escape(t(language, "report.skills_note", threshold=report.threshold))}'
        f"</p>{skills_chart}<table>{skills}</table></section>"
    )
    if report.polls:
        parts = [
            f"<h2>{escape(t(language, 'report.polls'))}</h2>"
            f'<p class="note">{escape(t(language, "report.polls_note"))}</p>'
        ]
        for poll_id, answered, table in report.polls:
            heading = poll_heading(content, language, poll_id)
            said = t(language, "report.poll_answered", count=answered)
            parts.append(_table_html(table, heading, content, language, "h3"))
            parts.append(f'<p class="note">{escape(said)}</p>')
        sections.append(f"<section>{''.join(parts)}</section>")
    if report.businesses:
        parts = [
            f"<h2>{escape(t(language, 'report.businesses'))}</h2>"
            f'<p class="note">{escape(t(language, "report.businesses_note"))}</p>'
        ]
        for kind, table in report.businesses:
            heading = t(language, f"report.business_tables.{kind}_{table.name}")
            parts.append(_table_html(table, heading, content, language, "h3"))
        sections.append(f"<section>{''.join(parts)}</section>")
    method = t(
        language,
        "report.method",
        threshold=report.threshold,
        small=SMALL,
        hidden=SECONDARY,
    )
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t(language, 'report.title'))}</title><style>{_CSS}</style></head>"
        f"<body><main><h1>{escape(t(language, 'report.title'))}</h1>"
        f"<p>{escape(t(language, 'report.summary', members=report.members, date=date))}</p>"
        f'<p class="note">{escape(method)}</p>{"".join(sections)}</main></body></html>\n'
    )


def xlsx(report: MappingReport, content: Content, language: str) -> bytes:
    """The report as a workbook: a first sheet on the method, then a sheet per table."""
    from openpyxl import Workbook  # with numpy, 19 MB: loaded on the first report, not at start

    t = content.text
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(t(language, "report.sheet_about")[:31])
    _append(about, t(language, "report.title"))
    _append(about, t(language, "report.summary", members=report.members, date=report.at.date()))
    _append(
        about,
        t(language, "report.method", threshold=report.threshold, small=SMALL, hidden=SECONDARY),
    )
    used: set[str] = set()

    def sheet(title: str) -> Any:
        name = title[:31]
        while name in used:
            name = name[:28] + f"~{len(used)}"
        used.add(name)
        return workbook.create_sheet(name)

    for table in report.tables:
        heading = stats.title(content, language, table.name)
        current = sheet(heading)
        _fill(current, table, heading, content, language)
        if table.name == "country":
            cities = sheet(stats.title(content, language, "city"))
            for city_table in report.cities:
                country = stats.label(content, language, "country", city_table.group or "")
                _fill(cities, city_table, country, content, language)
                _append(cities)
    skills = sheet(stats.title(content, language, "skills"))
    _append(skills, stats.title(content, language, "skills"), "")
    for term, count in report.skills:
        _append(skills, term, count)
    if report.polls:
        polls = sheet(t(language, "report.polls"))
        for poll_id, answered, table in report.polls:
            _fill(polls, table, poll_heading(content, language, poll_id), content, language)
            _append(polls, t(language, "report.poll_answered", count=answered))
            _append(polls)
    if report.businesses:
        businesses = sheet(t(language, "report.businesses"))
        for kind, table in report.businesses:
            heading = t(language, f"report.business_tables.{kind}_{table.name}")
            _fill(businesses, table, heading, content, language)
            _append(businesses)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet: Any, *values: str | int) -> None:
    """Adds a row, every text a string cell as the exports write theirs (never a formula)."""
    sheet_row(sheet, values)


def _fill(target: Any, table: Table, heading: str, content: Content, language: str) -> None:
    _append(target, heading, "")
    if table.withheld:
        _append(target, content.text(language, "report.withheld"), "")
        return
    for label, shown, count in _rows(table, content, language):
        _append(target, label, count if count is not None else shown)
    if table.total is not None:
        _append(target, content.text(language, "report.total"), table.total)
