"""Importing contacts from earlier diaspora databases: normalised, merged, every skipped row
reported, files in any usual encoding and delimiter or XLSX, never messaged, linked when the
person registers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.content import Content
from bot.countries import CountryIndex
from bot.errors import UnreadableFile
from bot.store import Store
from staff.importer import Report, import_file
from tests.conftest import CONTENT
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def content() -> Content:
    return Content.load(CONTENT, "en")


@pytest.fixture(scope="module")
def countries(content: Content) -> CountryIndex:
    assert content.programme is not None
    return CountryIndex(content.programme.country_aliases)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


async def run(
    store: Store, content: Content, countries: CountryIndex, path: Path, **options: str
) -> Report:
    return await import_file(store, content, countries, path, NOW, **options)  # type: ignore[arg-type]


async def test_rows_are_normalised_and_bad_rows_reported(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """Phones to E.164 in the row's country, e-mails lower-cased, countries, municipalities
    and sectors matched; a row without a usable phone or e-mail is skipped with its number."""
    path = tmp_path / "old.csv"
    path.write_text(
        "Ime i prezime,Telefon,E-mail,Država,Grad,Opština,Sektor,Skills\n"
        "Marko Nikolić,030 1234567,Marko@Example.ORG,Njemačka,Berlin,kotor,IT and software,Python\n"
        "Ana,067 123 456,,,,,,\n"
        "Bez Kontakta,abc,not-an-email,Atlantis,,Gotham,Wizardry,\n"
        ",,,,,,,\n",
        encoding="utf-8",
    )

    report = await run(store, content, countries, path)
    contacts = await store.imports.all()

    assert [
        ("Marko Nikolić", "+49301234567", "marko@example.org", "DE", "Berlin", "Kotor", "it"),
        ("Ana", "+38267123456", None, None, None, None, None),
    ] == [(c.name, c.phone, c.email, c.country, c.city, c.municipality, c.sector) for c in contacts]
    assert (3 + 1, 2, 0) == (report.rows, report.added, report.merged)
    assert [
        (4, "no valid phone or e-mail (phone 'abc'; email 'not-an-email')"),
        (5, "empty row"),
    ] == report.skipped
    assert [
        (4, "country 'Atlantis' not recognised; left out"),
        (4, "phone 'abc' is not a valid number"),
        (4, "e-mail 'not-an-email' is not valid"),
        (4, "municipality 'Gotham' not recognised; left out"),
        (4, "sector 'Wizardry' not recognised; left out"),
    ] == report.notes


async def test_duplicates_are_merged_in_the_file_and_with_earlier_imports(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """The same phone or e-mail twice is one contact, with the gaps filled; importing again
    adds nothing; a row whose phone and e-mail belong to two different contacts is skipped."""
    first = tmp_path / "first.csv"
    first.write_text(
        "name,phone,email\n"
        "Ana,+38267123456,\n"
        "Ana Marković,067 123 456,ana@example.org\n"
        "Petar,+38269111222,petar@example.org\n",
        encoding="utf-8",
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "name,phone,email,city\nAna M,,ANA@example.org,Bar\nMix,+38269111222,ana@example.org,\n",
        encoding="utf-8",
    )

    one = await run(store, content, countries, first)
    again = await run(store, content, countries, first)
    two = await run(store, content, countries, second)
    contacts = await store.imports.all()

    assert (2, 1) == (one.added, one.merged)
    assert (0, 3) == (again.added, again.merged)
    assert (0, 1) == (two.added, two.merged)
    assert [
        (3, "its phone is row 4's and its e-mail row 2's (of first.csv and first.csv)")
    ] == two.skipped
    assert [
        ("Ana", "+38267123456", "ana@example.org", "Bar"),
        ("Petar", "+38269111222", "petar@example.org", None),
    ] == [(c.name, c.phone, c.email, c.city) for c in contacts]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1250", b""), ("latin-1", b"")],
)
async def test_encodings_and_delimiters(
    tmp_path: Path,
    store: Store,
    content: Content,
    countries: CountryIndex,
    encoding: str,
    bom: bytes,
) -> None:
    """UTF-8 with or without a BOM, Windows-1250 and Latin-1; semicolons as delimiters."""
    name = "Jürgen Müller" if encoding == "latin-1" else "Đorđe Šćekić"
    path = tmp_path / "old.csv"
    path.write_bytes(bom + f"Ime;Telefon\n{name};+38267000111\n".encode(encoding))

    report = await run(store, content, countries, path)

    assert [name] == [c.name for c in await store.imports.all()]
    assert (1, []) == (report.added, report.skipped)


async def test_a_cp1250_file_with_latin1_only_bytes_falls_back(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """Bytes Windows-1250 leaves undefined are read as Latin-1; an encoding can be forced."""
    path = tmp_path / "old.csv"
    path.write_bytes("name,phone\nA\x81,+38267000111\n".encode("latin-1"))

    assert "latin-1" == (await run(store, content, countries, path)).encoding
    forced = await run(store, content, countries, path, encoding="iso-8859-2")
    assert "iso-8859-2" == forced.encoding


async def test_xlsx_with_numbers_as_phones_and_two_name_columns(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """An XLSX sheet: a phone stored as a number still reads; first and last names join."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["First name", "Last name", "Mobile", "Country"])
    sheet.append(["Ivana", "Popović", 38267123456, "Montenegro"])
    sheet.append([None, None, None, None])
    path = tmp_path / "old.xlsx"
    workbook.save(path)

    report = await run(store, content, countries, path)

    assert [("Ivana Popović", "+38267123456", "ME")] == [
        (c.name, c.phone, c.country) for c in await store.imports.all()
    ]
    assert ("xlsx", [(3, "empty row")]) == (report.encoding, report.skipped)


async def test_files_that_cannot_be_read_are_refused(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """Another file type, or no phone or e-mail column, is an error that says why."""
    other = tmp_path / "old.pdf"
    other.write_bytes(b"%PDF")
    headless = tmp_path / "old.csv"
    headless.write_text("name,city\nAna,Bar\n", encoding="utf-8")

    with pytest.raises(UnreadableFile, match=r"expected a \.csv or \.xlsx file"):
        await run(store, content, countries, other)
    with pytest.raises(UnreadableFile, match="no phone or e-mail column"):
        await run(store, content, countries, headless)


async def test_contacts_are_linked_when_the_person_proves_the_number_and_never_messaged(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """A member who proved the phone (Telegram's share button) is linked at import; one who
    registers later on WhatsApp from the number is linked then; imported contacts are not
    members (no outbox), and go with the member who claimed them."""
    await add_member(
        store, "telegram:1", NOW, name="Ana", country="ME", verified_phone="+38267111000"
    )
    path = tmp_path / "old.csv"
    path.write_text("name,phone\nAna,+38267111000\nPetar,+38269111222\n", encoding="utf-8")

    report = await run(store, content, countries, path)
    linked_at_import = [(c.name, c.member_id) for c in await store.imports.all()]
    petar = await add_member(
        store, "whatsapp:+38269111222", NOW, name="Petar", country="ME", registered=False
    )
    unlinked_before_registering = [(c.name, c.member_id) for c in await store.imports.all()]
    await store.members.update(petar.id, NOW, registered_at=NOW.isoformat())

    assert 1 == report.linked
    assert [("Ana", 1), ("Petar", None)] == linked_at_import
    assert [("Ana", 1), ("Petar", None)] == unlinked_before_registering
    assert [("Ana", 1), ("Petar", 2)] == [(c.name, c.member_id) for c in await store.imports.all()]
    assert (2, 2) == await store.imports.counts()
    assert 2 == await store.members.count()
    assert {} == await store.outbox.counts()
    assert 1 == len((await store.personal_data(petar.id))["imported_contacts"])
    await store.members.delete(petar.id)
    assert (1, 1) == await store.imports.counts()


async def test_a_typed_phone_or_email_links_no_imported_contact(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """Anyone can type another person's phone or e-mail: neither links their old record, at
    import or on registering, so /mydata never shows it and /delete never erases it."""
    await add_member(store, "telegram:1", NOW, name="Eve", country="ME", email="milena@example.org")
    path = tmp_path / "old.csv"
    path.write_text(
        "name,phone,email,city\nMilena,+38267222333,milena@example.org,Ulcinj\n", encoding="utf-8"
    )
    report = await run(store, content, countries, path)
    eve = await add_member(
        store, "telegram:2", NOW, name="Eve", country="ME", registered=False, phone="+38267222333"
    )
    await store.members.update(eve.id, NOW, registered_at=NOW.isoformat())

    assert 0 == report.linked
    assert [None] == [contact.member_id for contact in await store.imports.all()]
    assert [] == (await store.personal_data(eve.id))["imported_contacts"]


async def test_a_whatsapp_chat_that_joins_a_member_links_their_imported_contact(
    tmp_path: Path, store: Store, content: Content, countries: CountryIndex
) -> None:
    """A WhatsApp chat added to a registered member (the number they proved on Telegram) links
    the contact imported with that number."""
    path = tmp_path / "old.csv"
    path.write_text("name,phone\nAna,+38267444555\n", encoding="utf-8")
    await run(store, content, countries, path)
    ana = await add_member(store, "telegram:1", NOW, name="Ana", country="ME")

    await store.members.link_by_phone("whatsapp:+38267444555", "+38267444555", NOW)
    unlinked_without_proof = [contact.member_id for contact in await store.imports.all()]
    await store.members.update(ana.id, NOW, verified_phone="+38267444555")

    assert [None] == unlinked_without_proof
    assert [ana.id] == [contact.member_id for contact in await store.imports.all()]
