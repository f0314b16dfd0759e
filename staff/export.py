"""Spreadsheet exports (CSV and XLSX), safe to open: no cell is ever read as a formula."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from bot.store import Member

# What starts a formula (OWASP's CSV injection list; tab and carriage return are cleaned off
# first), compared after NFKC so full-width and small forms (＝, ﹢) that some spreadsheets read
# as the same characters count too.
_FORMULA_START = ("=", "+", "-", "@")
# C0 and C1 control characters other than tab, line feed and carriage return: XLSX cannot hold
# most of them and a spreadsheet may drop any of them on import, so none reaches a cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

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
    """A value as every export writes it: text cleaned (:func:`clean_cell`) and then, when it
    would start a formula (``=``, ``+``, ``-``, ``@`` or their full-width forms), prefixed with
    an apostrophe. Cleaning comes first: the other way round, ``\\x01=1+1`` passes the check
    and loses its control character after it. Numbers and None are left alone."""
    if not isinstance(value, str):
        return value
    text = clean_cell(value)
    if unicodedata.normalize("NFKC", text[:1]).startswith(_FORMULA_START):
        return "'" + text
    return text


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
    """Header and rows as CSV, every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue()


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """Header and rows as a one-sheet workbook, every cell through :func:`safe_cell` (so every
    text cell is a string, never a formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([safe_cell(name) for name in header])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
