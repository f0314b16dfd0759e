"""Spreadsheet exports (CSV and XLSX), safe to open: no cell is ever read as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.store import Member

# What starts a formula (OWASP's CSV injection list), with the full-width forms some
# spreadsheets (East Asian input settings) read as the same characters.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Leading blanks some spreadsheets trim on import before looking for a formula.
_BLANKS = " \t\r\n\u00a0\u3000"

MEMBER_COLUMNS = (
    "id",
    "name",
    "country",
    "city",
    "municipality",
    "emigration_year",
    "sector",
    "skills",
    "languages",
    "interests",
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


def safe_cell(value: Any) -> Any:
    """Neutralises text a spreadsheet would run as a formula, by prefixing an apostrophe: text
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width
    forms), also after leading blanks a spreadsheet may trim."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_START) or value.lstrip(_BLANKS).startswith(_FORMULA_START)
    ):
        return "'" + value
    return value


def member_rows(members: Iterable[Member], channels: dict[int, list[str]]) -> list[list[Any]]:
    rows = []
    for member in members:
        values = member.as_dict()
        values["languages"] = ", ".join(member.languages)
        values["interests"] = ", ".join(member.interests)
        values["channels"] = ", ".join(channels.get(member.id, []))
        rows.append([values.get(column) for column in MEMBER_COLUMNS])
    return rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue()


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        # Control characters cannot be stored in XLSX at all (openpyxl refuses the file).
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
                for cell in map(safe_cell, row)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
