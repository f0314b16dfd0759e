"""Exports are safe to open in a spreadsheet: no cell can start a formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bot.export import safe_cell, to_csv, to_xlsx

DANGEROUS = [
    "=1+1",
    "+38267123456",
    "-2+3",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    '  =HYPERLINK("http://evil")',
    "\n@x",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_could_start_a_formula_is_neutralised(value: str) -> None:
    """Every start of a formula (also after leading blanks, also full-width) gets an apostrophe."""
    assert "'" + value == safe_cell(value)


@pytest.mark.parametrize("value", ["Ana", "a=b", "1+1", "", "e-mail", 42, None, 3.5])
def test_harmless_values_are_left_alone(value: object) -> None:
    """Text that does not start a formula, numbers and empty cells are unchanged."""
    assert value == safe_cell(value)


def test_csv_and_xlsx_hold_text_not_formulas() -> None:
    """In CSV the apostrophe stays; in XLSX every such cell is a string, control characters
    (which XLSX cannot hold) are dropped."""
    rows = [["=1+1", "Ana\x07", 7]]

    assert "a,b,c\r\n'=1+1,Ana\x07,7\r\n" == to_csv(["a", "b", "c"], rows)
    sheet = load_workbook(io.BytesIO(to_xlsx(["a", "b", "c"], rows, "t"))).active
    assert sheet is not None
    cells = next(iter(sheet.iter_rows(min_row=2)))
    assert [("'=1+1", "s"), ("Ana", "s"), (7, "n")] == [(c.value, c.data_type) for c in cells]
