"""The staff commands of the command line: filtered exports in both formats, stats, members
import, the audit log and the mapping report — each audited."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.store import Store
from tests.conftest import ROOT
from tests.sample import add_member

NOW = datetime.now(UTC)


async def _fill(path: Path) -> None:
    """Eight members in Germany (six in Berlin), one in Austria, one RSVP, one application."""
    async with Store(path) as store:
        for number in range(8):
            await add_member(
                store, f"telegram:{number}", NOW, name=f"Secret{number} Person", country="DE",
                city="Berlin" if number < 6 else "Bonn", sector="it", skills="python",
            )  # fmt: skip
        await add_member(store, "telegram:99", NOW, name="Lonely Person", country="AT")
        await store.rsvps.answer("diaspora-days-2027", 1, "going", NOW)
        await store.rsvps.answer("diaspora-days-2027", 2, "maybe", NOW)
        await store.applications.submit("health-clinical-2027", 1, NOW, {"field": "nursing"})


def _actions(path: Path) -> list[str]:
    async def read() -> list[str]:
        async with Store(path) as store:
            return [entry.action for entry in await store.audit.entries()][::-1]

    return asyncio.run(read())


def test_exports_take_filters_and_formats(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Members by country as CSV; RSVPs by status and applications as XLSX; xlsx needs a
    file; each export is audited with its filters."""
    asyncio.run(_fill(database))

    assert 0 == main(["export", "members", "--country", "AT"])
    members = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    rsvps = tmp_path / "rsvps.xlsx"
    assert 0 == main(["export", "rsvps", "--status", "maybe", "--format", "xlsx", "-o", str(rsvps)])
    applications = tmp_path / "fellowship.data"
    assert 0 == main(["export", "fellowship", "--format", "xlsx", "--output", str(applications)])
    assert 2 == main(["export", "members", "--format", "xlsx"])

    assert ["Lonely Person"] == [row["name"] for row in members]
    sheet = load_workbook(rsvps).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert [("maybe", "Secret1 Person")] == [
        (row[header.index("status")], row[header.index("name")]) for row in rows
    ]
    saved = load_workbook(io.BytesIO(applications.read_bytes()))
    assert 2 == len(list(saved.worksheets[0].iter_rows()))
    assert ["export.members", "export.rsvps", "export.fellowship"] == _actions(database)


def test_stats_prints_every_dimension_and_json(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`stats` lists counts by dimension in words — event titles, answers and statuses, the
    time in programme time with the zone's name, never codes or raw timestamps; `--json` gives
    the same as data, with codes and an ISO time with the offset."""
    asyncio.run(_fill(database))

    assert 0 == main(["stats"])
    text = capsys.readouterr().out
    assert 0 == main(["stats", "--json"])
    data = json.loads(capsys.readouterr().out)

    assert re.search(r"Germany\s+8", text)
    assert re.search(r"python\s+8", text)
    assert (
        "• Diaspora Days 2027 — Podgorica: going 1 (+0 guests) · waitlisted 0 · maybe 1"
        " · not going 0"
    ) in text
    assert "  Health and clinical practice 2027: submitted 1" in text
    assert re.match(r"📊 Diaspora Connect — \d{4}-\d\d-\d\d \d\d:\d\d CES?T\n", text)
    assert "=" not in text and "+00:00" not in text and "diaspora-days-2027" not in text
    assert {"DE": 8, "AT": 1} == data["dimensions"]["country"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", data["at"])
    assert ["stats.view", "stats.view"] == _actions(database)


def test_members_import_reports_every_row_and_is_audited(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The import prints what it did, each skipped row with its reason, and is audited."""
    path = tmp_path / "old.csv"
    path.write_bytes("Ime;Telefon\nĐorđe;067 123 456\nNiko;123\n".encode("cp1250"))

    assert 0 == main(["members", "import", str(path)])
    out = capsys.readouterr().out.splitlines()

    assert [
        "old.csv (cp1250): 2 rows — 1 added, 0 merged into known contacts, 1 skipped, 0 linked"
        " to registered members.",
        "row 3: skipped: no valid phone or e-mail (phone '123')",
        "row 3: note: phone '123' is not a valid number",
        "Imported contacts are not messaged until they write to the bot and consent.",
    ] == out
    assert ["members.import"] == _actions(database)
    assert 1 == main(["members", "import", str(tmp_path / "missing.csv")])


def test_audit_lists_entries_with_filters(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`audit --action export` keeps exports; `--since` in the future finds nothing; CSV too."""
    asyncio.run(_fill(database))
    main(["export", "members"])
    main(["stats"])
    capsys.readouterr()

    assert 0 == main(["audit", "--action", "export"])
    exports = capsys.readouterr().out.splitlines()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert 0 == main(["audit", "--since", tomorrow])
    later = capsys.readouterr().out
    assert 0 == main(["audit", "--since", "1d", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))

    assert 1 == len(exports)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T  cli:\S+  export\.members  -  rows=9"
        r" output=\"stdout\"",
        exports[0],
    )
    assert "" == later
    assert ["audit.view", "audit.view", "stats.view", "export.members"] == [
        row["action"] for row in rows
    ]


def test_mapping_report_is_self_contained_and_holds_no_personal_data(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HTML with inline SVG and nothing from the internet; small counts suppressed; no names;
    XLSX too; both audited."""
    asyncio.run(_fill(database))

    assert 0 == main(["report", "mapping"])
    page = capsys.readouterr().out
    workbook = tmp_path / "map.xlsx"
    assert 0 == main(["report", "mapping", "--output", str(workbook), "--language", "cnr"])
    assert 1 == main(["report", "mapping", "--output", str(tmp_path / "map.pdf")])

    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and 'name="viewport"' in page
    assert not re.search(r"(src|href)\s*=|@import|url\(", page)
    assert "Secret" not in page and "Lonely" not in page
    assert '>Austria</td><td class="n">&lt;5<' in page
    assert '>Germany</td><td class="n">x<' in page  # 8 of 9: hidden so Austria's 1 stays hidden
    sheets = load_workbook(workbook).sheetnames
    assert ["O izvještaju", "Država boravka", "Grad"] == sheets[:3]
    assert ["report.mapping", "report.mapping"] == _actions(database)


def test_stats_counts_the_imported_contacts_and_those_linked(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `members import`, `stats` says how many contacts came in and how many are linked
    to a registered member (and `--json` has them too)."""
    path = tmp_path / "old.csv"
    path.write_text("Name;Phone\nĐorđe;+38267123456\nNina;+38267123457\n", encoding="utf-8")
    assert 0 == main(["members", "import", str(path)])
    capsys.readouterr()

    assert 0 == main(["stats"])
    assert "📇 Imported contacts: 2 (linked to a registered member: 0)" in capsys.readouterr().out
    assert 0 == main(["stats", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert (2, 0) == (data["imported"], data["imported_linked"])


def test_stats_json_into_a_pipe_that_closes_early_ends_quietly(database: Path) -> None:
    """`stats --json | head`: the reader leaves first; no BrokenPipeError, nothing on stderr."""
    asyncio.run(_fill(database))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "stats", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like head, gone before the output comes
    _out, err = process.communicate(timeout=120)
    assert (0, b"") == (process.returncode, err)


def test_members_imports_lists_the_imported_contacts_and_who_is_linked(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`members imports` lists each contact with its source row and link; --unlinked and
    --json narrow and shape it; the listing is audited."""
    path = tmp_path / "old.csv"
    path.write_text(
        "Name;Phone;Country\nĐorđe;+38267123456;Germany\nNina;+38267123457;\n", encoding="utf-8"
    )
    assert 0 == main(["members", "import", str(path)])
    capsys.readouterr()

    assert 0 == main(["members", "imports"])
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert 2 == len(lines)
    assert lines[0].startswith("#1  Đorđe  DE  old.csv row 2  imported ")
    assert lines[0].endswith("  not linked") and " CE" in lines[0]
    assert "2 imported contacts, 0 linked to registered members.\n" == captured.err
    assert 0 == main(["members", "imports", "--json", "--unlinked"])
    data = json.loads(capsys.readouterr().out)
    assert [("Đorđe", None), ("Nina", None)] == [(c["name"], c["member_id"]) for c in data]
    assert "members.imports.view" in _actions(database)
