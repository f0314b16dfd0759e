"""Local businesses in the mapping report: requests and introduced requests by municipality and
sector, small counts suppressed like every other table, no business named; and the funnel."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.content import Content
from bot.store import Business, Store
from staff import business_stats, report, stats
from tests.conftest import CONTENT
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


async def requests(store: Store) -> None:
    """Ten requests: six in Kotor (tourism), three in Budva and one in Bar (agriculture); one
    of Kotor's introduced to Ana."""
    ana = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    await store.offers.save(ana.id, {"gives": ["mentoring"], "mode": "remote", "hours": 8}, NOW)
    places = [("Kotor", "tourism")] * 6 + [("Budva", "agriculture")] * 3 + [("Bar", "agriculture")]
    for number, (municipality, sector) in enumerate(places):
        contact = await store.members.create(
            f"telegram:{100 + number}", language="cnr", consent_version="v", now=NOW
        )
        business = await store.businesses.create(
            Business(0, f"Secret business {number}", "chat", member_id=contact.id,
                     municipality=municipality, sector=sector, needs=["mentoring"]),
            NOW,
        )  # fmt: skip
        if number == 0:
            match = await store.matches.propose(
                business.id, ana.id, NOW, actor="t", expires_at=NOW + timedelta(days=14)
            )
            assert match is not None
            await store.matches.answer(match.id, "member", True, NOW)
            await store.matches.answer(match.id, "business", True, NOW)


async def test_the_report_counts_requests_by_municipality_and_sector_with_small_cells_hidden(
    store: Store,
) -> None:
    """Kotor's six show, Budva's three and Bar's one read <5; agriculture's four would be worked
    out from the total, so tourism's six are hidden too; the single introduced request is
    withheld; the HTML and XLSX files show the tables and never a business's name."""
    await requests(store)
    content = Content.load(CONTENT, "en")

    mapped = stats.mapping_report(await stats.collect(store, NOW))

    tables = {(kind, table.name): table for kind, table in mapped.businesses}
    by_municipality = tables[("requests", "municipality")]
    assert ("10", [("Kotor", "6"), ("Bar", "<5"), ("Budva", "<5")]) == (
        by_municipality.total,
        [(cell.key, cell.shown) for cell in by_municipality.cells],
    )
    by_sector = tables[("requests", "sector")]
    # Agriculture's 4 alone would be 10 − 6: tourism is hidden too.
    assert [("agriculture", "<5"), ("tourism", "x")] == [
        (cell.key, cell.shown) for cell in by_sector.cells
    ]
    assert tables[("introduced", "municipality")].withheld
    page = report.html(mapped, content, "en")
    assert "Requests by municipality" in page and "Introduced requests by sector" in page
    assert "Agriculture and food" in page
    assert "Secret business" not in page
    book = load_workbook(io.BytesIO(report.xlsx(mapped, content, "en")))
    assert "Local businesses and the diaspora"[:31] in book.sheetnames
    assert "Secret business" not in str(
        [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    )


async def test_a_report_without_businesses_says_so_without_a_table(store: Store) -> None:
    """No request: every business table is empty (nothing withheld, nothing to show)."""
    mapped = stats.mapping_report(await stats.collect(store, NOW))

    assert [(kind, table.name, table.cells, table.total) for kind, table in mapped.businesses] == [
        ("requests", "municipality", (), "0"),
        ("requests", "sector", (), "0"),
        ("introduced", "municipality", (), "0"),
        ("introduced", "sector", (), "0"),
    ]


async def test_the_funnel_counts_suggested_requests_even_before_a_proposal(store: Store) -> None:
    """Every open request Ana's offer covers counts as suggested; the introduced one counts
    down the funnel; a request nobody's offer covers is not suggested."""
    await requests(store)
    await store.businesses.create(Business(0, "Needs investment", "chat",
                                           needs=["investment"]), NOW)  # fmt: skip

    funnel = await business_stats.funnel(store)

    assert {
        "requests": 11,
        "suggested": 10,
        "proposed": 1,
        "introduced": 1,
        "met": 0,
        "plan_completed": 0,
        "investment": 0,
    } == funnel
