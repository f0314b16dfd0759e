"""``members import``: contacts from earlier diaspora databases, as CSV or XLSX.

Reading: CSV in UTF-8 (with or without a byte-order mark), else Windows-1250 (Central European,
what older Montenegrin spreadsheets were saved in), else Latin-1; the delimiter (``,`` ``;``
tab ``|``) is sniffed. Columns are recognised by their heading in English or Montenegrin
(``name``/``ime``, ``phone``/``telefon``, ``e-mail``, ``country``/``država``, ...); a file
with first and last names in two columns is joined.

Each row: phones to E.164 (read in the row's country, else the home country), e-mails
validated and lower-cased, the country, municipality and sector matched to the programme's
lists (a value that does not match is dropped with a note). A row with neither a valid phone
nor a valid e-mail is skipped, since it could never be linked to anyone. A row with the phone
or e-mail of a contact already known (earlier in the file or imported before) is merged into
it, filling only what it lacks. Every skipped row is reported with its row number (as a
spreadsheet numbers it, the heading being row 1) and the reason.

Imported contacts are never messaged; they are linked to a registered member who proved the
same phone number (see :mod:`bot.store.imports`). E-mails still merge rows of one person.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from bot.content import Content
from bot.countries import CountryIndex
from bot.errors import UnreadableFile
from bot.store import Contact, Store
from bot.text import clean, fold
from handlers.answers import normalise_phone

ENCODINGS = ("utf-8-sig", "cp1250", "latin-1")
# Folded headings → field. "first"/"last" are joined into the name.
HEADINGS = {
    "name": ("name", "full name", "ime", "ime i prezime", "naziv", "puno ime"),
    "first": ("first name", "firstname", "given name"),
    "last": ("last name", "lastname", "surname", "family name", "prezime"),
    "phone": ("phone", "telephone", "mobile", "tel", "telefon", "mobilni", "broj telefona",
              "whatsapp", "phone number", "viber"),
    "email": ("email", "e mail", "mail", "e posta", "email address", "adresa e poste"),
    "country": ("country", "country of residence", "drzava", "zemlja", "drzava boravka"),
    "city": ("city", "town", "grad", "mjesto", "mesto"),
    "municipality": ("municipality", "municipality of origin", "opstina", "opstina porijekla"),
    "sector": ("sector", "sektor", "industry", "oblast", "djelatnost"),
    "skills": ("skills", "expertise", "vjestine", "vestine", "znanja", "struka"),
}  # fmt: skip
_FIELD_OF = {fold(heading): name for name, headings in HEADINGS.items() for heading in headings}
LIMITS = {"name": 100, "city": 80, "skills": 500}


@dataclass
class Report:
    """What an import did: rows added and merged, every skipped row with its reason, notes on
    values dropped, and contacts linked to registered members."""

    source: str
    encoding: str = ""
    rows: int = 0
    added: int = 0
    merged: int = 0
    linked: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


def read_rows(path: Path, encoding: str | None = None) -> tuple[list[list[str]], str]:
    """The file's rows as text (heading first) and the encoding it was read in."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # with numpy, 19 MB: only for a workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = [
                [_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
        return rows, "xlsx"
    if suffix not in (".csv", ".txt", ".tsv"):
        raise UnreadableFile(f"{path.name}: expected a .csv or .xlsx file")
    text, used = decode(path.read_bytes(), encoding)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)], used


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding that read it (the one given, else the first of
    :data:`ENCODINGS` that reads it without error)."""
    for candidate in (encoding,) if encoding else ENCODINGS:
        try:
            return data.decode(candidate), "utf-8" if candidate == "utf-8-sig" else candidate
        except UnicodeDecodeError:
            continue
        except LookupError as error:
            raise UnreadableFile(f"unknown encoding {encoding!r}") from error
    raise UnreadableFile(f"the file is not in {encoding}")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed into a number cell
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


@dataclass
class _Matchers:
    """Turns typed values into the programme's codes."""

    content: Content
    countries: CountryIndex

    def country(self, text: str) -> str | None:
        return self.countries.lookup(text).code if text else None

    def municipality(self, text: str) -> str | None:
        programme = self.content.programme
        names = {fold(name): name for name in (programme.municipalities if programme else ())}
        return names.get(fold(text))

    def sector(self, text: str) -> str | None:
        programme = self.content.programme
        codes: dict[str, str] = {}
        for code in programme.sectors if programme else ():
            codes[fold(code)] = code
            for language in self.content.languages:
                codes.setdefault(fold(self.content.text(language, f"sectors.{code}")), code)
        return codes.get(fold(text))


def parse(
    rows: list[list[str]], source: str, matchers: _Matchers, home_country: str, report: Report
) -> Iterator[Contact]:
    """The contacts of the rows, each normalised; skipped rows and notes go to ``report``."""
    if not rows:
        raise UnreadableFile(f"{source}: the file is empty")
    columns = {index: _FIELD_OF.get(fold(heading)) for index, heading in enumerate(rows[0])}
    if not {"phone", "email"} & set(columns.values()):
        headings = ", ".join(h for h in rows[0] if h.strip()) or "none"
        raise UnreadableFile(
            f"{source}: no phone or e-mail column (headings: {headings}); name one phone or e-mail"
        )
    for number, row in enumerate(rows[1:], start=2):
        report.rows += 1
        values: dict[str, str] = {}
        for index, text in enumerate(row):
            name = columns.get(index)
            if name and clean(text) and name not in values:
                values[name] = " ".join(clean(text).split())
        if not values and not any(clean(text) for text in row):
            report.skipped.append((number, "empty row"))
            continue
        contact = _contact(number, values, source, matchers, home_country, report)
        if contact.phone is None and contact.email is None:
            report.skipped.append((number, _unreachable(values)))
            continue
        yield contact


def _unreachable(values: dict[str, str]) -> str:
    given = [f"{name} {values[name]!r}" for name in ("phone", "email") if name in values]
    if not given:
        return "no phone or e-mail"
    return "no valid phone or e-mail (" + "; ".join(given) + ")"


def _contact(
    number: int,
    values: dict[str, str],
    source: str,
    matchers: _Matchers,
    home_country: str,
    report: Report,
) -> Contact:
    name = values.get("name") or " ".join(
        part for part in (values.get("first"), values.get("last")) if part
    )
    country = matchers.country(values.get("country", ""))
    if values.get("country") and country is None:
        report.notes.append((number, f"country {values['country']!r} not recognised; left out"))
    phone = None
    if values.get("phone"):
        phone = normalise_phone(values["phone"], country or home_country)
        if phone is None:
            report.notes.append((number, f"phone {values['phone']!r} is not a valid number"))
    email = None
    if values.get("email"):
        try:
            email = validate_email(values["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            report.notes.append((number, f"e-mail {values['email']!r} is not valid"))
    contact = Contact(
        0,
        source,
        number,
        name=name[: LIMITS["name"]] or None,
        phone=phone,
        email=email,
        country=country,
        city=(values.get("city") or "")[: LIMITS["city"]] or None,
        skills=(values.get("skills") or "")[: LIMITS["skills"]] or None,
    )
    for name_, match in (("municipality", matchers.municipality), ("sector", matchers.sector)):
        if values.get(name_):
            found = match(values[name_])
            if found is None:
                report.notes.append((number, f"{name_} {values[name_]!r} not recognised; left out"))
            setattr(contact, name_, found)
    return contact


def merge(
    incoming: Iterable[Contact], existing: list[Contact], report: Report
) -> tuple[list[Contact], list[Contact]]:
    """New contacts and changed existing ones; a row whose phone or e-mail is known is merged
    into that contact (only empty fields filled)."""
    by_phone = {c.phone: c for c in existing if c.phone}
    by_email = {c.email: c for c in existing if c.email}
    added: list[Contact] = []
    changed: dict[int, Contact] = {}
    for contact in incoming:
        first = by_phone.get(contact.phone) if contact.phone else None
        second = by_email.get(contact.email) if contact.email else None
        if first is not None and second is not None and first is not second:
            report.skipped.append(
                (
                    contact.source_row,
                    f"its phone is row {first.source_row}'s and its e-mail row"
                    f" {second.source_row}'s (of {first.source} and {second.source})",
                )
            )
            continue
        target = first or second
        if target is None:
            added.append(contact)
            for key, index in ((contact.phone, by_phone), (contact.email, by_email)):
                if key:
                    index[key] = contact
            continue
        report.merged += 1
        for item in fields(Contact):
            name = item.name
            if name in ("phone", "email"):
                index = by_phone if name == "phone" else by_email
                value = getattr(contact, name)
                if getattr(target, name) is None and value and value not in index:
                    setattr(target, name, value)
                    index[value] = target
            elif (
                name in ("name", "country", "city", "municipality", "sector", "skills")
                and getattr(target, name) is None
                and getattr(contact, name)
            ):
                setattr(target, name, getattr(contact, name))
        if target.id:
            changed[target.id] = target
    report.added = len(added)
    return added, list(changed.values())


async def import_file(
    store: Store,
    content: Content,
    countries: CountryIndex,
    path: Path,
    now: datetime,
    *,
    encoding: str | None = None,
    progress: Callable[[Iterable[list[str]]], Iterable[list[str]]] | None = None,
) -> Report:
    """Reads, normalises, merges and saves the contacts of one file; links those who already
    registered. ``progress`` wraps the rows (a progress bar)."""
    rows, used = read_rows(path, encoding)
    report = Report(path.name, used)
    home = content.programme.home_country if content.programme else "ME"
    body = list(progress(rows[1:])) if progress is not None else rows[1:]
    matchers = _Matchers(content, countries)
    incoming = list(parse([rows[0], *body] if rows else [], path.name, matchers, home, report))
    added, changed = merge(incoming, await store.imports.all(), report)
    await store.imports.save(added, changed, now)
    report.linked = await store.imports.link(now)
    report.skipped.sort()
    return report
