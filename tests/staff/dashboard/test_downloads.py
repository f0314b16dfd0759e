"""Downloads: the CLI's exports as CSV and XLSX, safe in a spreadsheet, each one audited."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from bot.app import App
from staff import export, sheets
from staff.words import Words
from tests.sample import SUPPER
from tests.staff.dashboard.conftest import Coordinator, People


def rows_of(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


async def test_members_as_csv_are_escaped_and_audited(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """Every registered member, the CLI's columns, a formula neutralised, one audit entry."""
    await signed_in.get("/dashboard/downloads")

    response = await signed_in.post("/dashboard/download", what="members", format="csv")

    assert 200 == response.status_code
    assert "text/csv; charset=utf-8" == response.headers["content-type"]
    assert (
        'attachment; filename="members-2026-11-27.csv"' == (response.headers["content-disposition"])
    )
    rows = rows_of(response.text)
    assert list(export.MEMBER_COLUMNS) == list(rows[0])
    assert ["Ana Marković", "Marko Vuković", "Jelena Popović", '\'=HYPERLINK("x")'] == [
        row["name"] for row in rows
    ]
    [entry, *_] = await app.store.audit.entries()
    assert ("dashboard", "export.members") == (entry.actor, entry.action)
    assert {"rows": 4, "output": "download.csv"} == entry.detail


async def test_members_download_keeps_the_tables_filters(app: App, signed_in: Coordinator) -> None:
    """The download under the members table holds the members it shows; the filters are
    audited."""
    page = await signed_in.get("/dashboard/members", country="DE", sector="it")
    assert 'name="country" value="DE"' in page.text

    response = await signed_in.post(
        "/dashboard/download", what="members", format="csv", country="DE", sector="it", q=""
    )

    assert ["Ana Marković", "Jelena Popović"] == [row["name"] for row in rows_of(response.text)]
    [entry, *_] = await app.store.audit.entries()
    assert {
        "rows": 2,
        "output": "download.csv",
        "filters": {"country": "DE", "sector": "it"},
    } == entry.detail


async def test_rsvps_as_xlsx_match_the_cli(app: App, signed_in: Coordinator) -> None:
    """The RSVPs of one event, as the CLI exports them, in a workbook; audited."""
    await signed_in.get("/dashboard/downloads")

    response = await signed_in.post(
        "/dashboard/download", what="rsvps", format="xlsx", event=SUPPER
    )

    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f'filename="rsvps-{SUPPER}-2026-11-27.xlsx"' in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    found = [list(row) for row in sheet.iter_rows(values_only=True)]
    words = Words(app.content, "en", app.settings.timezone)
    header, rows = await sheets.rsvp_rows(app.store, app.content, SUPPER, words)
    assert list(header) == found[0]
    assert [[export.clean_cell(v) if isinstance(v, str) else v for v in row] for row in rows] == (
        found[1:]
    )
    assert 3 == len(found[1:])
    [entry, *_] = await app.store.audit.entries()
    assert ("export.rsvps", {"rows": 3, "output": "download.xlsx", "event": SUPPER}) == (
        entry.action,
        entry.detail,
    )


async def test_fellowship_applications_are_escaped(app: App, signed_in: Coordinator) -> None:
    """Jelena's motivation "=1+1" arrives as text."""
    await signed_in.get("/dashboard/downloads")

    response = await signed_in.post("/dashboard/download", what="fellowship", format="csv")

    [row] = rows_of(response.text)
    assert ("Jelena Popović", "'=1+1") == (row["name"], row["motivation"])
    [entry, *_] = await app.store.audit.entries()
    assert ("dashboard", "export.fellowship") == (entry.actor, entry.action)


async def test_an_unknown_export_is_refused(app: App, signed_in: Coordinator) -> None:
    """Nothing is sent and nothing audited for an export that does not exist."""
    await signed_in.get("/dashboard/downloads")

    response = await signed_in.post("/dashboard/download", what="audit", format="csv")

    assert (303, "/dashboard/downloads") == (response.status_code, response.headers["location"])
    assert ["dashboard.signin"] == [entry.action for entry in await app.store.audit.entries()]


async def test_a_download_audits_that_there_was_a_search_not_its_words(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """The audit entry of a searched download says a search was made; after the member found
    is erased, her name is nowhere in the audit log."""
    await signed_in.get("/dashboard/members", q="jelena")

    response = await signed_in.post(
        "/dashboard/download", what="members", format="csv", country="DE", q="jelena"
    )
    await app.store.members.delete(people.jelena.id)

    assert ["Jelena Popović"] == [row["name"] for row in rows_of(response.text)]
    entries = await app.store.audit.entries()
    assert {
        "rows": 1,
        "output": "download.csv",
        "filters": {"country": "DE", "search": True},
    } == entries[0].detail
    logged = json.dumps([(e.subject, e.detail) for e in entries], ensure_ascii=False)
    assert "jelena" not in logged.lower()
