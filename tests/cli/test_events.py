"""The command line for events and the fellowship: QR posters, RSVP and application exports, and
changing an application's status (the applicant is told in their language)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.store import AuditEntry, OutboxRow, Store
from tests.sample import SUPPER, add_member, content_folder
from tests.staff.test_qr import decoded

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
DIGITAL = "digital-public-administration-2027"


@pytest.fixture
def database(database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment with the links' settings and the sample events and programmes."""
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@DiasporaConnectBot")
    monkeypatch.setenv("TWILIO_WHATSAPP_NUMBER", "+38220123456")
    monkeypatch.setenv("CONTENT_DIR", str(content_folder(tmp_path)))
    return database


async def _seed(path: Path) -> None:
    """Ana goes with a guest, Marko goes, Jelena waits, Petar may come; Jelena applies."""
    async with Store(path) as store:
        people = {}
        for address, name, language in (
            ("telegram:1", "Ana Marković", "en"),
            ("telegram:2", "Marko Vuković", "en"),
            ("whatsapp:+38267111222", "Jelena Popović", "cnr"),
            ("telegram:4", "=Petar", "en"),
        ):
            people[name] = await add_member(
                store, address, NOW, name=name, country="DE", language=language, city="Berlin"
            )
        rsvps = store.rsvps
        await rsvps.answer(SUPPER, people["Ana Marković"].id, "going", NOW, guests=1, capacity=3)
        await rsvps.answer(SUPPER, people["Marko Vuković"].id, "going", NOW, capacity=3)
        await rsvps.answer(SUPPER, people["Jelena Popović"].id, "going", NOW, capacity=3)
        await rsvps.answer("diaspora-days-2027", people["=Petar"].id, "maybe", NOW, capacity=400)
        await store.applications.submit(
            DIGITAL,
            people["Jelena Popović"].id,
            NOW,
            {"field": "cybersecurity", "host_kind": "ministry", "motivation": "=1+1"},
        )


async def _audit(path: Path) -> list[AuditEntry]:
    async with Store(path) as store:
        return await store.audit.entries()


async def _outbox(path: Path) -> list[OutboxRow]:
    async with Store(path) as store:
        return await store.outbox.due(datetime(2100, 1, 1, tzinfo=UTC))


def test_qr_event_writes_two_posters_that_scan_to_the_links(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One PNG for Telegram's deep link and one for WhatsApp's EVENT text, both readable,
    each with the event's title (in the language asked for)."""
    folder = tmp_path / "posters"

    assert 0 == main(["qr", "event", SUPPER, "--output-dir", str(folder)])

    telegram = "https://t.me/DiasporaConnectBot?start=ev_supper-kotor"
    whatsapp = "https://wa.me/38220123456?text=EVENT%20supper-kotor"
    assert [telegram] == decoded((folder / "supper-kotor-telegram.png").read_bytes())
    assert [whatsapp] == decoded((folder / "supper-kotor-whatsapp.png").read_bytes())
    assert (
        f"{folder / 'supper-kotor-telegram.png'}: {telegram} (Diaspora supper in Kotor)\n"
        f"{folder / 'supper-kotor-whatsapp.png'}: {whatsapp} (Diaspora supper in Kotor)\n"
    ) == capsys.readouterr().out
    only_whatsapp = ["--channel", "whatsapp", "--output-dir", str(folder)]
    assert 0 == main(["qr", "event", SUPPER, "--language", "cnr", *only_whatsapp])
    assert capsys.readouterr().out.endswith("(Večera dijaspore u Kotoru)\n")


def test_qr_without_the_bot_username_names_the_setting_and_writes_nothing(
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A missing TELEGRAM_BOT_USERNAME is a clear error, and no poster is half made."""
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "")
    folder = tmp_path / "posters"

    assert 1 == main(["qr", "event", SUPPER, "--output-dir", str(folder)])

    assert "TELEGRAM_BOT_USERNAME is not set" in capsys.readouterr().err
    assert not folder.exists()


def test_qr_for_whatsapp_only_needs_no_bot_username(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--channel whatsapp makes the WhatsApp poster alone."""
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME")

    assert 0 == main(
        ["qr", "event", SUPPER, "--channel", "whatsapp", "--output-dir", str(tmp_path)]
    )

    assert ["supper-kotor-whatsapp.png"] == sorted(path.name for path in tmp_path.glob("*.png"))


def test_qr_for_an_unknown_event_lists_the_known_ones(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A slug that is no event file is refused, naming the events there are."""
    assert 1 == main(["qr", "event", "nope"])

    error = capsys.readouterr().err
    assert "no event 'nope'" in error
    assert "diaspora-days-2027" in error


def test_export_rsvps_has_guests_seats_and_waitlist_positions(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every RSVP with its status, guests, seats and waitlist place; formulas neutralised."""
    asyncio.run(_seed(database))

    assert 0 == main(["export", "rsvps"])

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [
        ("diaspora-days-2027", "'=Petar", "maybe", "", "0", "0"),
        (SUPPER, "Ana Marković", "going", "", "1", "2"),
        (SUPPER, "Marko Vuković", "going", "", "0", "1"),
        (SUPPER, "Jelena Popović", "waitlisted", "1", "0", "1"),
    ] == [
        (r["event"], r["name"], r["status"], r["waitlist_position"], r["guests"], r["seats"])
        for r in rows
    ]
    assert ("Diaspora supper in Kotor", "DE", "telegram", "yes") == (
        rows[1]["event_title"],
        rows[1]["country"],
        rows[1]["channels"],
        rows[1]["registered"],
    )
    [entry] = asyncio.run(_audit(database))
    assert ("export.rsvps", {"rows": 4, "output": "stdout"}) == (entry.action, entry.detail)


def test_export_rsvps_of_one_event_to_xlsx_is_audited(database: Path, tmp_path: Path) -> None:
    """--event keeps one event's RSVPs; the XLSX holds them and the export is audited."""
    asyncio.run(_seed(database))
    output = tmp_path / "supper.xlsx"

    assert 0 == main(["export", "rsvps", "--event", SUPPER, "--output", str(output)])

    sheet = load_workbook(output).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert ["going", "going", "waitlisted"] == [row[header.index("status")] for row in rows]
    [entry] = asyncio.run(_audit(database))
    assert ("export.rsvps", SUPPER, 3) == (
        entry.action,
        entry.detail["event"],
        entry.detail["rows"],
    )


def test_export_rsvps_of_an_unknown_event_is_an_error(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --event is refused rather than exporting nothing."""
    assert 1 == main(["export", "rsvps", "--event", "supper-kotr"])

    assert "no event 'supper-kotr'" in capsys.readouterr().err


def test_export_fellowship_has_each_application_with_the_applicants_profile(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Applications come with programme title, field name, profile and contact."""
    asyncio.run(_seed(database))

    assert 0 == main(["export", "fellowship"])

    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {
        "application_id": "1",
        "programme": DIGITAL,
        "programme_title": "Digital public administration 2027",
        "status": "submitted",
        "field": "Cybersecurity",
        "host_kind": "ministry",
        "motivation": "'=1+1",
        "name": "Jelena Popović",
        "city": "Berlin",
        "language": "cnr",
        "channels": "whatsapp",
    }.items() <= row.items()
    assert ["export.fellowship"] == [entry.action for entry in asyncio.run(_audit(database))]


def test_fellowship_status_tells_the_applicant_in_their_language_and_is_audited(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shortlisting queues a notice in Montenegrin, keeps the note, and audits the change."""
    asyncio.run(_seed(database))

    assert 0 == main(["fellowship", "status", "1", "shortlisted", "--note", "Strong CV"])

    assert "application #1: submitted → shortlisted (member 3 is told in cnr)\n" == (
        capsys.readouterr().out
    )
    [notice] = asyncio.run(_outbox(database))
    assert ("notice", 3) == (notice.kind, notice.member_id)
    assert (
        "Dobre vijesti: vaša prijava na „Digitalna javna uprava 2027“ ušla je u uži izbor! "
        "Koordinator će vas kontaktirati u vezi sa sljedećim koracima." == notice.body
    )
    [entry] = asyncio.run(_audit(database))
    assert ("fellowship.status", "application:1") == (entry.action, entry.subject)
    assert {"before": "submitted", "after": "shortlisted", "note": True} == entry.detail


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["99", "accepted"], "no fellowship application #99"),
        (["1", "submitted"], "application #1 is already submitted"),
    ],
)
def test_fellowship_status_refuses_what_it_cannot_do(
    database: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], error: str
) -> None:
    """An unknown application or an unchanged status exits 1 with a precise message."""
    asyncio.run(_seed(database))

    assert 1 == main(["fellowship", "status", *arguments])

    assert error in capsys.readouterr().err
    assert [] == asyncio.run(_outbox(database))


def test_fellowship_status_names_the_statuses_there_are(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown status is refused by the parser with the list of valid ones."""
    with pytest.raises(SystemExit) as exited:
        main(["fellowship", "status", "1", "hired"])

    assert 2 == exited.value.code
    assert "invalid choice: 'hired'" in capsys.readouterr().err
