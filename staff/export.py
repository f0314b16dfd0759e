"""Spreadsheet exports (CSV and XLSX), safe to open: no cell is ever read as a formula, and no
value is changed to make it so.

Every text is cleaned first: control characters go (XLSX cannot hold them; a spreadsheet may
drop them) and so do the blanks and invisible characters a spreadsheet skips before it looks for
a formula. Then:

- **XLSX**: every text is written as a string cell (``inlineStr``), which a spreadsheet never
  evaluates — so it needs no apostrophe, and a phone number reads ``+38267123456``.
- **CSV** has no cell types: a spreadsheet decides as it opens the file. A text that would start
  a formula (``=``, ``+``, ``-``, ``@`` or their full-width forms; OWASP's list) gets an
  apostrophe in front, which Excel and LibreOffice hide and read as "this is text". One
  exception: a strict E.164 phone number (``+`` and 8 to 15 digits) cannot carry a formula, so
  it is written as it is (a spreadsheet may show it as a number; import the column as text to
  keep the ``+``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from bot.store import Member
from staff.words import Words

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What starts a formula (OWASP's CSV injection list; tab and carriage return are cleaned off
# first), compared after NFKC so full-width and small forms (＝, ﹢) that some spreadsheets read
# as the same characters count too.
_FORMULA_START = ("=", "+", "-", "@")
# C0 and C1 control characters other than tab, line feed and carriage return: XLSX cannot hold
# most of them and a spreadsheet may drop any of them on import, so none reaches a cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A phone number as the bot stores it: nothing in it but a plus and digits, so no formula.
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")

# Codes (machine columns) each with the words staff read beside them (``country_name``…);
# times are ISO 8601 with the offset, in programme time.
MEMBER_COLUMNS = (
    "id",
    "name",
    "country",
    "country_name",
    "city",
    "municipality",
    "emigration_year",
    "sector",
    "sector_name",
    "skills",
    "languages",
    "interests",
    "interest_names",
    "preferred_channel",
    "email",
    "phone",
    "language",
    "channels",
    "consent_version",
    "consent_at",
    "registered_at",
    "stopped_at",
)


def _skipped(char: str) -> bool:
    """Whether a spreadsheet may pass over ``char`` before it looks for a formula: blanks of
    every kind (tab, line breaks, no-break, em and ideographic spaces) and invisible format
    characters (byte order mark, zero-width and direction marks)."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def clean_cell(text: str) -> str:
    """Text without control characters and without the leading characters a spreadsheet
    skips, so what it starts with is what a spreadsheet sees first."""
    text = _CONTROL.sub("", text)
    start = 0
    while start < len(text) and _skipped(text[start]):
        start += 1
    return text[start:]


def safe_cell(value: Any) -> Any:
    """A value as the CSV writes it: text cleaned (:func:`clean_cell`) and then, when it would
    start a formula (``=``, ``+``, ``-``, ``@`` or their full-width forms) and is not a strict
    E.164 phone number, prefixed with an apostrophe. Cleaning comes first: the other way round,
    ``\\x01=1+1`` passes the check and loses its control character after it. Numbers and None
    are left alone."""
    if not isinstance(value, str):
        return value
    text = clean_cell(value)
    if E164.match(text):
        return text
    if unicodedata.normalize("NFKC", text[:1]).startswith(_FORMULA_START):
        return "'" + text
    return text


def sheet_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A value as a workbook holds it: text cleaned and written as a string cell, which a
    spreadsheet never evaluates (so it needs no apostrophe); numbers and None as they are."""
    if not isinstance(value, str):
        return value
    text = clean_cell(value)
    if not text.startswith("="):
        return text  # openpyxl writes any other text as a string cell
    from openpyxl.cell import WriteOnlyCell  # with numpy, 19 MB: loaded on the first export

    # openpyxl reads a text that starts with "=" as a formula; a string it is.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def sheet_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Appends a row of :func:`sheet_cell` cells."""
    sheet.append([sheet_cell(sheet, value) for value in values])


def member_rows(
    members: Iterable[Member], channels: dict[int, list[str]], words: Words
) -> list[list[Any]]:
    """One row of :data:`MEMBER_COLUMNS` per member."""
    rows = []
    for member in members:
        # A shallow copy: dataclasses.asdict deep-copies every field (a third of the export).
        values = dict(vars(member))
        values["languages"] = ", ".join(member.languages)
        values["interests"] = ", ".join(member.interests)
        values["channels"] = ", ".join(channels.get(member.id, []))
        values["country_name"] = words.label("country", member.country)
        values["sector_name"] = words.label("sector", member.sector)
        values["interest_names"] = words.label("interest", member.interests)
        for moment in ("consent_at", "registered_at", "stopped_at"):
            values[moment] = words.machine(values.get(moment))
        rows.append([values.get(column) for column in MEMBER_COLUMNS])
    return rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Header and rows as CSV, every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue()


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """Header and rows as a one-sheet workbook, every text a string cell (:func:`sheet_cell`),
    never a formula."""
    from openpyxl import Workbook  # loaded on the first export, not at start-up

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet_row(sheet, header)
    for row in rows:
        sheet_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
