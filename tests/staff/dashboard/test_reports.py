"""The overview's charts (exact counts, for coordinators) and the mapping report page
(aggregates only, small counts suppressed)."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from bot.app import App
from bot.clock import FixedClock
from staff import report, stats
from tests.sample import add_member
from tests.staff.dashboard.conftest import Coordinator, People


async def test_the_overview_draws_the_charts(signed_in: Coordinator) -> None:
    """Members by country, sector and interest as bars, registrations as columns, in SVG."""
    page = await signed_in.get("/dashboard/")

    text = page.text
    assert 200 == page.status_code
    assert 4 == text.count('<svg class="chart"')
    assert '<strong id="members-count">4</strong>' in text
    assert "<title>Germany: 2</title>" in text
    assert "<title>IT and software: 2</title>" in text
    assert "<title>Fellowship and knowledge transfer: 1</title>" in text
    assert "<title>2026-W48: 4</title>" in text
    assert '<a href="/dashboard/fellowship?status=submitted"><strong>1</strong> submitted</a>' in (
        text
    )


async def test_the_mapping_report_shows_aggregates_only(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Countries with five or more members are counted, smaller ones read "<5"; no name,
    contact or free text appears anywhere on the page."""
    for number in range(5):
        await add_member(
            app.store,
            f"telegram:{200 + number}",
            clock.now(),
            name=f"Person {number}",
            country="CH",
            city="Zurich",
            skills="nursing",
            email=f"p{number}@example.org",
        )

    page = await signed_in.get("/dashboard/mapping")

    text = page.text
    assert 200 == page.status_code
    assert '<strong id="report-members">9</strong>' in text
    countries = text.split('id="table-country"')[1].split("</section>")[0]
    rows = re.findall(r"<tr><td>([^<]*)</td><td class=\"number\">([^<]*)</td></tr>", countries)
    assert ("Switzerland", "5") == rows[0]
    assert rows[1:]
    assert all(shown in ("&lt;5", "x") for _, shown in rows[1:])
    assert "nursing" in text
    for private in (
        "Ana",
        "Marković",
        "Person 0",
        "example.org",
        "software engineering",
        "Berlin",
        "Munich",
        "whatsapp:+",
    ):
        assert private not in text, private


async def test_the_mapping_report_downloads_as_the_cli_writes_it(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """HTML and XLSX, the same files as ``report mapping``, each download audited; a wrong
    format or a missing CSRF token gets nothing."""
    await signed_in.get("/dashboard/mapping")
    mapped = stats.mapping_report(await stats.collect(app.store, clock.now()))
    language = app.content.default_language

    page = await signed_in.post("/dashboard/mapping/download", format="html")
    sheet = await signed_in.post("/dashboard/mapping/download", format="xlsx")
    wrong = await signed_in.post("/dashboard/mapping/download", format="pdf")
    forged = await signed_in.post("/dashboard/mapping/download", csrf="forged", format="html")

    assert (200, "text/html; charset=utf-8") == (page.status_code, page.headers["content-type"])
    assert (
        'attachment; filename="mapping-report-2026-11-27.html"'
        == (page.headers["content-disposition"])
    )
    assert report.html(mapped, app.content, language) == page.text
    assert "Ana" not in page.text
    workbook = load_workbook(io.BytesIO(sheet.content))
    expected = load_workbook(io.BytesIO(report.xlsx(mapped, app.content, language)))
    assert [
        [list(row) for row in expected[name].iter_rows(values_only=True)]
        for name in expected.sheetnames
    ] == [
        [list(row) for row in workbook[name].iter_rows(values_only=True)]
        for name in workbook.sheetnames
    ]
    assert (303, 403) == (wrong.status_code, forged.status_code)
    audit = [e.detail for e in await app.store.audit.entries() if e.action == "report.mapping"]
    assert [
        {"output": "download.xlsx", "members": mapped.members},
        {"output": "download.html", "members": mapped.members},
    ] == audit
