"""Importing municipalities' lists of businesses: Windows-1250 files, a later list merged into
the requests not yet claimed (never into one its contact person claimed), and files that cannot
be read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content import Content
from bot.errors import UnreadableFile
from bot.store import Store
from staff import business_import
from tests.conftest import CONTENT

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


@pytest.fixture(scope="module")
def content() -> Content:
    return Content.load(CONTENT, "en")


async def test_a_windows_1250_list_reads_montenegrin_letters(
    store: Store, content: Content, tmp_path: Path
) -> None:
    """A list saved by an older spreadsheet in Windows-1250 keeps "Nikšić" and "Đurović"."""
    path = tmp_path / "niksic.csv"
    path.write_bytes(
        "naziv,opština,telefon,kontakt osoba\nPekara Žito,Nikšić,067 222 333,Ana Đurović\n".encode(
            "cp1250"
        )
    )

    report = await business_import.import_file(store, content, path, NOW)

    [business] = await store.businesses.all()
    assert ("cp1250", 1) == (report.encoding, report.added)
    assert ("Pekara Žito", "Nikšić", "Ana Đurović") == (
        business.name,
        business.municipality,
        business.contact_name,
    )


async def test_a_later_list_fills_what_an_unclaimed_request_lacks_and_never_a_claimed_one(
    store: Store, content: Content, tmp_path: Path
) -> None:
    """The second list merges into the first's unclaimed request (its needs added, empty fields
    filled, nothing overwritten); a request its contact person claimed gets a new row instead."""
    first = tmp_path / "first.csv"
    first.write_text(
        "name,phone,needs,municipality\nPekara,+38267222333,mentoring,Nikšić\n"
        "Kafana,+38267444555,mentoring,Bar\n",
        encoding="utf-8",
    )
    await business_import.import_file(store, content, first, NOW)
    contact = await store.members.create(
        "whatsapp:+38267444555", language="cnr", consent_version="v", now=NOW
    )
    kafana = next(b for b in await store.businesses.all() if b.name == "Kafana")
    await store.businesses.claim(kafana.id, contact.id, "+38267444555", NOW, consent_version="v")
    second = tmp_path / "second.csv"
    second.write_text(
        "name,phone,needs,municipality,stage\nPEKARA,067 222 333,investment,Kotor,idea\n"
        "Kafana,+38267444555,expertise,,\n",
        encoding="utf-8",
    )

    report = await business_import.import_file(store, content, second, NOW)

    pekara = next(b for b in await store.businesses.all() if b.name == "Pekara")
    assert (1, 1) == (report.merged, report.added)
    assert (["mentoring", "investment"], "Nikšić", "idea") == (
        pekara.needs,
        pekara.municipality,
        pekara.stage,
    )
    claimed = await store.businesses.get(kafana.id)
    assert claimed is not None and ["mentoring"] == claimed.needs
    assert 3 == len(await store.businesses.all())


async def test_an_empty_file_and_an_unknown_kind_are_refused(
    store: Store, content: Content, tmp_path: Path
) -> None:
    """An empty CSV and a .pdf are refused with the file's name and why."""
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF")

    with pytest.raises(UnreadableFile, match=r"empty\.csv: the file is empty"):
        await business_import.import_file(store, content, empty, NOW)
    with pytest.raises(UnreadableFile, match=r"list\.pdf: expected a \.csv or \.xlsx file"):
        await business_import.import_file(store, content, pdf, NOW)
