"""``businesses import``: requests for help that municipalities collected, as CSV or XLSX.

Files are read as ``members import`` reads them (:func:`staff.importer.read_rows`: UTF-8,
Windows-1250 or Latin-1; the delimiter sniffed; the first sheet of a workbook). Columns are
recognised by their heading in English or Montenegrin: ``name``/``naziv``, ``municipality``/
``opština``, ``sector``/``sektor``, ``stage``/``faza``, ``needs``/``potrebe``,
``description``/``opis``, ``contact_name``/``kontakt osoba``, ``phone``/``telefon``,
``email``, ``language``/``jezik``.

Each row: the municipality matched to the programme's 25, the sector, stage, needs and languages
to their codes (a code or a label in any shipped language; ``needs`` a list separated by commas
or semicolons), the phone to E.164 in the home country's format, the e-mail checked. What does
not match is left out with a note. A row without a business name, or without a valid phone, is
skipped: the phone is how the contact person is recognised when they write to the bot. A row
with the phone and name of a business already imported (earlier in the file, or before, and not
yet claimed) is merged into it, filling only what it lacks. Every skipped row is reported with
its row number (the heading is row 1) and the reason.

Imported requests are not messaged: nobody is told anything until their contact person writes
to the bot, consents and proves the phone is theirs (:mod:`handlers.business`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from bot.content import Content
from bot.errors import UnreadableFile
from bot.store import Business, Store
from bot.store.businesses import FIELDS, NEEDS, STAGES
from bot.text import clean, fold
from handlers.answers import normalise_phone
from handlers.business_form import (
    CONTACT_NAME_LIMIT,
    DESCRIPTION_LIMIT,
    NAME_LIMIT,
    NOT_BUSINESS_SECTORS,
)
from staff.importer import read_rows

HEADINGS = {
    "name": ("name", "business", "business name", "company", "firm", "naziv", "naziv biznisa",
             "naziv firme", "firma", "preduzece", "biznis", "ime firme"),
    "municipality": ("municipality", "opstina", "grad opstina"),
    "sector": ("sector", "sektor", "industry", "djelatnost", "oblast"),
    "stage": ("stage", "faza", "faza razvoja"),
    "needs": ("needs", "need", "help needed", "potrebe", "potrebna pomoc", "vrsta pomoci"),
    "description": ("description", "about", "opis", "o biznisu", "opis biznisa"),
    "contact_name": ("contact name", "contact person", "contact", "kontakt osoba", "kontakt",
                     "ime i prezime", "odgovorno lice"),
    "phone": ("phone", "telephone", "mobile", "tel", "telefon", "mobilni", "broj telefona",
              "whatsapp", "viber", "phone number"),
    "email": ("email", "e mail", "mail", "e posta", "email address"),
    "languages": ("language", "languages", "jezik", "jezici"),
}  # fmt: skip
# Other words municipalities' lists use for the needs (folded).
NEED_WORDS = {
    "business plan": "business_plan",
    "biznis plan": "business_plan",
    "poslovni plan": "business_plan",
    "mentorstvo": "mentoring",
    "mentor": "mentoring",
    "strucno znanje": "expertise",
    "ekspertiza": "expertise",
    "export": "market_access",
    "izvoz": "market_access",
    "trziste": "market_access",
    "pristup trzistu": "market_access",
    "investicija": "investment",
    "investicije": "investment",
    "partner": "investment",
}
_SPLIT = re.compile(r"[,;/|\n]+")


def _key(text: str) -> str:
    """A heading or value as compared: folded, underscores and symbols as spaces."""
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(text).replace("_", " ")).split())


_FIELD_OF = {_key(heading): name for name, headings in HEADINGS.items() for heading in headings}


@dataclass
class Report:
    """What an import did: rows read, requests added and merged, every skipped row with its
    reason, and notes on values left out."""

    source: str
    encoding: str = ""
    rows: int = 0
    added: int = 0
    merged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


class Vocabulary:
    """Typed values to the programme's codes: a code, or a label in any shipped language."""

    def __init__(self, content: Content) -> None:
        programme = content.programme
        self.home = programme.home_country if programme else "ME"
        self.municipalities = {
            _key(name): name for name in (programme.municipalities if programme else ())
        }
        sectors = [
            c for c in (programme.sectors if programme else ()) if c not in NOT_BUSINESS_SECTORS
        ]
        spoken = programme.spoken_languages if programme else ()
        self.codes = {
            "sector": self._labels(content, "sectors", sectors),
            "stage": self._labels(content, "stages", STAGES),
            "needs": {**self._labels(content, "needs", NEEDS), **NEED_WORDS},
            "languages": self._labels(content, "spoken_languages", spoken),
        }

    @staticmethod
    def _labels(content: Content, group: str, codes: tuple[str, ...] | list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for code in codes:
            found[_key(code)] = code
            for language in content.languages:
                if content.has(language, f"{group}.{code}"):
                    found.setdefault(_key(content.text(language, f"{group}.{code}")), code)
        return found

    def code(self, kind: str, text: str) -> str | None:
        """The code of one value (``kind``: sector, stage, needs, languages), or None; a need
        may also be the start of a label ("market access" for "Market access abroad")."""
        table = self.codes[kind]
        key = _key(text)
        if key in table:
            return table[key]
        if kind == "needs" and len(key) >= 5:
            starts = {code for label, code in table.items() if label.startswith(key)}
            if len(starts) == 1:
                return starts.pop()
        return None

    def codes_of(self, kind: str, text: str) -> tuple[list[str], list[str]]:
        """The codes of a list of values, and the parts that match none."""
        found: list[str] = []
        unknown: list[str] = []
        for part in _SPLIT.split(text):
            if not part.strip():
                continue
            code = self.code(kind, part)
            if code is None:
                unknown.append(part.strip())
            elif code not in found:
                found.append(code)
        return found, unknown


def parse(
    rows: list[list[str]], source: str, vocabulary: Vocabulary, report: Report
) -> Iterator[Business]:
    """The requests of the rows (heading first), each normalised; skipped rows and notes go to
    ``report``."""
    if not rows:
        raise UnreadableFile(f"{source}: the file is empty")
    columns = {index: _FIELD_OF.get(_key(heading)) for index, heading in enumerate(rows[0])}
    missing = [name for name in ("name", "phone") if name not in columns.values()]
    if missing:
        headings = ", ".join(h for h in rows[0] if h.strip()) or "none"
        raise UnreadableFile(
            f"{source}: no {' or '.join(missing)} column (headings: {headings});"
            " a business needs a name and its contact person's phone"
        )
    for number, row in enumerate(rows[1:], start=2):
        report.rows += 1
        values: dict[str, str] = {}
        for index, text in enumerate(row):
            name = columns.get(index)
            if name and clean(text) and name not in values:
                values[name] = clean(text)
        if not values:
            report.skipped.append((number, "empty row"))
            continue
        business = _business(number, values, source, vocabulary, report)
        if business is not None:
            yield business


def _one_line(text: str, limit: int) -> str | None:
    return " ".join(text.split())[:limit] or None


def _business(
    number: int, values: dict[str, str], source: str, vocabulary: Vocabulary, report: Report
) -> Business | None:
    name = _one_line(values.get("name", ""), NAME_LIMIT)
    if name is None:
        report.skipped.append((number, "no business name"))
        return None
    phone = normalise_phone(values["phone"], vocabulary.home) if values.get("phone") else None
    if phone is None:
        given = f" ({values['phone']!r})" if values.get("phone") else ""
        report.skipped.append(
            (number, f"no valid phone{given}: its contact person could never be recognised")
        )
        return None
    business = Business(0, name, source, source_row=number, phone=phone)
    municipality = values.get("municipality")
    if municipality:
        business.municipality = vocabulary.municipalities.get(_key(municipality))
        if business.municipality is None:
            report.notes.append((number, f"municipality {municipality!r} not recognised; left out"))
    for kind in ("sector", "stage"):
        if values.get(kind):
            code = vocabulary.code(kind, values[kind])
            if code is None:
                report.notes.append((number, f"{kind} {values[kind]!r} not recognised; left out"))
            setattr(business, kind, code)
    for kind in ("needs", "languages"):
        if values.get(kind):
            codes, unknown = vocabulary.codes_of(kind, values[kind])
            setattr(business, kind, codes)
            for part in unknown:
                report.notes.append((number, f"{kind}: {part!r} not recognised; left out"))
    business.description = (
        clean(values["description"])[:DESCRIPTION_LIMIT] if values.get("description") else None
    )
    business.contact_name = _one_line(values.get("contact_name", ""), CONTACT_NAME_LIMIT)
    if values.get("email"):
        try:
            address = validate_email(values["email"], check_deliverability=False)
            business.email = address.normalized.lower()
        except EmailNotValidError:
            report.notes.append((number, f"e-mail {values['email']!r} is not valid"))
    return business


def merge(
    incoming: list[Business], known: list[Business], report: Report
) -> tuple[list[Business], list[Business]]:
    """New requests and changed known ones: a row with the phone and name of one already known
    fills only what that one lacks (and adds to its needs and languages)."""
    index = {(business.phone, _key(business.name)): business for business in known}
    added: list[Business] = []
    changed: dict[int, Business] = {}
    for business in incoming:
        target = index.get((business.phone, _key(business.name)))
        if target is None:
            added.append(business)
            index[(business.phone, _key(business.name))] = business
            continue
        report.merged += 1
        for name in FIELDS:
            mine, theirs = getattr(target, name), getattr(business, name)
            if name in ("needs", "languages"):
                setattr(target, name, [*mine, *(code for code in theirs if code not in mine)])
            elif mine in (None, "") and theirs:
                setattr(target, name, theirs)
        if target.id:
            changed[target.id] = target
    report.added = len(added)
    return added, list(changed.values())


async def import_file(
    store: Store, content: Content, path: Path, now: datetime, *, encoding: str | None = None
) -> Report:
    """Reads, normalises, merges and saves the requests of one file."""
    rows, used = read_rows(path, encoding)
    report = Report(path.name, used)
    incoming = list(parse(rows, path.name, Vocabulary(content), report))
    added, changed = merge(incoming, await store.businesses.imported(), report)
    await store.businesses.save_imported(added, changed, now)
    report.skipped.sort()
    return report
