"""Exports are safe to open in a spreadsheet — no cell can start a formula — and hold the data
unchanged: XLSX text cells are strings (no apostrophe), and a phone number is a phone number."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.store import Store
from staff.export import safe_cell, to_csv, to_xlsx
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
DANGEROUS = [
    "=1+1",
    "+382 67 123 456",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
    "﹢1",
    "﹦1",
]
# Text a spreadsheet may skip before it looks for a formula: the cleaning takes it off first,
# then the apostrophe goes in front of what is left.
HIDDEN_STARTS = [
    ('\x01=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("\x00\x1f\x7f\x85+1", "'+1"),
    ("\t=cmd", "'=cmd"),
    ("\r=cmd", "'=cmd"),
    ("\n@x", "'@x"),
    ('  =HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
    ("\u2003=1+1", "'=1+1"),
    ("\ufeff=1+1", "'=1+1"),
    ("\u00a0-1", "'-1"),
    ("\u200b\u200d\u2060=1", "'=1"),
    ("\u202e\u2066@x", "'@x"),
    ("\u3000\u2028＝1", "'＝1"),
    ("\x01\u2003\x02\ufeff=1", "'=1"),
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_could_start_a_formula_is_neutralised(value: str) -> None:
    """Every start of a formula (also its full-width and small forms) gets an apostrophe."""
    assert "'" + value == safe_cell(value)


@pytest.mark.parametrize(("value", "expected"), HIDDEN_STARTS)
def test_control_and_blank_characters_are_cleaned_before_the_formula_check(
    value: str, expected: str
) -> None:
    """Control characters go, and leading blanks, format and zero-width characters that a
    spreadsheet skips go too, before the check: what is left can never start a formula."""
    assert expected == safe_cell(value)


@pytest.mark.parametrize(("value", "expected"), HIDDEN_STARTS)
def test_xlsx_never_holds_a_formula_after_hidden_characters(value: str, expected: str) -> None:
    """In the workbook each such cell is a string cell, cleaned, with no apostrophe added (a
    string cell is never evaluated)."""
    sheet = load_workbook(io.BytesIO(to_xlsx(["a"], [[value]], "t"))).active
    assert sheet is not None
    [cell] = next(iter(sheet.iter_rows(min_row=2)))

    assert ("s", expected.removeprefix("'")) == (cell.data_type, cell.value)


@pytest.mark.parametrize("phone", ["+38267123456", "+491701234567", "+12025550123"])
def test_a_phone_number_is_exported_as_it_is_in_csv_and_xlsx(phone: str) -> None:
    """A strict E.164 number cannot carry a formula: no apostrophe in the CSV, and a string
    cell holding exactly the number in the XLSX."""
    assert f"phone\r\n{phone}\r\n" == to_csv(["phone"], [[phone]])
    sheet = load_workbook(io.BytesIO(to_xlsx(["phone"], [[phone]], "t"))).active
    assert sheet is not None
    [cell] = next(iter(sheet.iter_rows(min_row=2)))
    assert ("s", phone) == (cell.data_type, cell.value)


@pytest.mark.parametrize(
    "value", ["Ana", "a=b", "1+1", "", "e-mail", "Ana\nMarković", "👨\u200d👩", 42, None, 3.5]
)
def test_harmless_values_are_left_alone(value: object) -> None:
    """Text that does not start a formula (line breaks and joiners inside it kept), numbers and
    empty cells are unchanged."""
    assert value == safe_cell(value)


def test_csv_and_xlsx_hold_text_not_formulas() -> None:
    """In CSV the apostrophe guards; in XLSX every such cell is a string cell holding the text
    itself; control characters (which XLSX cannot hold) are dropped from both."""
    rows = [["=1+1", "Ana\x07", 7]]

    assert "a,b,c\r\n'=1+1,Ana,7\r\n" == to_csv(["a", "b", "c"], rows)
    sheet = load_workbook(io.BytesIO(to_xlsx(["a", "b", "c"], rows, "t"))).active
    assert sheet is not None
    cells = next(iter(sheet.iter_rows(min_row=2)))
    assert [("=1+1", "s"), ("Ana", "s"), (7, "n")] == [(c.value, c.data_type) for c in cells]


async def _note_with_a_hidden_formula(path: Path) -> None:
    """An application whose coordinator's note hides a formula behind a control character."""
    async with Store(path) as store:
        member = await add_member(
            store, "telegram:1", NOW, name="\ufeff=1+1", country="DE", city="\u2003@x"
        )
        application = await store.applications.submit(
            "digital-public-administration-2027", member.id, NOW, {"motivation": "\x02-1"}
        )
        assert application is not None
        await store.applications.add_note(
            application.id, '\x01=HYPERLINK("http://x","y")', NOW, author="dashboard"
        )


def test_export_fellowship_as_xlsx_holds_no_live_formula(database: Path, tmp_path: Path) -> None:
    """``export fellowship --format xlsx``: a note, a name, a city and a motivation each
    hiding a formula behind a control, blank or BOM character come out as string cells, cleaned
    and never evaluated."""
    asyncio.run(_note_with_a_hidden_formula(database))
    output = tmp_path / "fellowship.xlsx"

    assert 0 == main(["export", "fellowship", "--format", "xlsx", "--output", str(output)])

    sheet = load_workbook(output).active
    assert sheet is not None
    header, row = (list(cells) for cells in sheet.iter_rows(max_row=2))
    cells = {name.value: cell for name, cell in zip(header, row, strict=True)}
    for column, expected in (
        ("last_note", '=HYPERLINK("http://x","y")'),
        ("name", "=1+1"),
        ("city", "@x"),
        ("motivation", "-1"),
    ):
        assert ("s", expected) == (cells[column].data_type, cells[column].value), column
    assert all(cell.data_type != "f" for cells in sheet.iter_rows() for cell in cells)


def test_export_fellowship_as_csv_neutralises_the_same_cells(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CSV export of the same application cleans and neutralises the same way."""
    asyncio.run(_note_with_a_hidden_formula(database))

    assert 0 == main(["export", "fellowship"])

    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert ('\'=HYPERLINK("http://x","y")', "'=1+1", "'@x", "'-1") == (
        row["last_note"],
        row["name"],
        row["city"],
        row["motivation"],
    )
