from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.store import Store
from tests.conftest import ROOT

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
COMMANDS = [
    ["run"],
    ["chat"],
    ["backup"],
    ["export"],
    ["export", "members"],
    ["export", "rsvps"],
    ["export", "fellowship"],
    ["stats"],
    ["members", "import"],
    ["audit"],
    ["report", "mapping"],
    ["qr"],
    ["qr", "event"],
    ["fellowship"],
    ["fellowship", "status"],
    ["campaigns"],
    ["campaigns", "check"],
    ["campaigns", "preview"],
    ["outbox", "status"],
    ["broadcast"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` works on each command and describes it."""
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert (0, True) == (exited.value.code, "usage: diaspora-bot" in capsys.readouterr().out)


async def _add_member(path: Path, name: str, **fields: object) -> None:
    async with Store(path) as store:
        member = await store.members.create(
            f"telegram:{abs(hash(name)) % 10**8}", language="en", consent_version="v1", now=NOW
        )
        await store.members.update(
            member.id, NOW, name=name, registered_at=NOW.isoformat(), **fields
        )


def test_export_members_writes_csv_to_stdout_with_formulas_neutralised(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name that starts like a formula is exported as text, not as a formula."""
    asyncio.run(
        _add_member(
            database,
            '=HYPERLINK("http://evil","x")',
            city="-Berlin",
            skills="@SUM(1)",
            interests=["events", "culture"],
        )
    )

    assert 0 == main(["export", "members"])

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [('\'=HYPERLINK("http://evil","x")', "'-Berlin", "'@SUM(1)", "events, culture")] == [
        (row["name"], row["city"], row["skills"], row["interests"]) for row in rows
    ]


def test_export_members_to_xlsx_is_audited(database: Path, tmp_path: Path) -> None:
    """An XLSX export holds the members — a name that looks like a formula as a string cell,
    unchanged and never evaluated — and leaves an audit entry."""
    asyncio.run(_add_member(database, "+381 trick", country="RS"))
    output = tmp_path / "members.xlsx"

    assert 0 == main(["export", "members", "--output", str(output)])

    sheet = load_workbook(output).active
    assert sheet is not None
    header, first = ([cell for cell in row] for row in list(sheet.iter_rows())[:2])
    names = [cell.value for cell in header]
    name, country = first[names.index("name")], first[names.index("country")]
    assert ("+381 trick", "s", "RS") == (name.value, name.data_type, country.value)

    async def audit() -> list[str]:
        async with Store(database) as store:
            return [entry.action for entry in await store.audit.entries()]

    assert ["export.members"] == asyncio.run(audit())


def test_backup_writes_a_usable_copy(database: Path, tmp_path: Path) -> None:
    """`backup FILE` copies the database with the online backup API."""
    asyncio.run(_add_member(database, "Ana"))
    copy = tmp_path / "copy.sqlite3"

    assert 0 == main(["backup", str(copy)])

    async def names() -> list[str | None]:
        async with Store(copy) as store:
            return [member.name for member in await store.members.all()]

    assert ["Ana"] == asyncio.run(names())


def test_chat_works_with_piped_stdin(tmp_path: Path) -> None:
    """`python -m bot chat` reads piped lines, numbers the options and answers each line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(DATABASE_PATH=str(tmp_path / "db.sqlite3"), LOG_LEVEL="WARNING")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/start\n2\n1\nMilena\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=True,
    )
    out = result.stdout
    assert out.splitlines()[0].startswith("Diaspora Connect — terminal chat")
    assert "  1. English\n  2. Crnogorski" in out
    assert "Kako se zovete?" in out  # consent given in Montenegrin, then the name question
    assert "Milena" not in result.stderr
    assert "  1. Srbija\n  2. Njemačka" in out


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (
            ["export", "members", "--registered-to", "9999-12-31"],
            "argument --registered-to: out of range: '9999-12-31' (the last is 9999-12-30)",
        ),
        (
            ["export", "members", "--registered-from", "9999-12-31"],
            "argument --registered-from: out of range: '9999-12-31' (the last is 9999-12-30)",
        ),
        (
            ["audit", "--since", "99999999d"],
            "argument --since: too far back: '99999999d'",
        ),
        (
            ["audit", "--since", "0001-01-01T00:00+01:00"],
            "argument --since: too far back: '0001-01-01T00:00+01:00'",
        ),
        (
            ["audit", "--limit", "99999999999999999999"],
            "argument --limit: not a whole number from 1 to 9223372036854775807:"
            " '99999999999999999999'",
        ),
        (
            ["fellowship", "status", "99999999999999999999", "accepted"],
            "argument id: not a whole number from 1 to 9223372036854775807: '99999999999999999999'",
        ),
        (
            ["fellowship", "status", "0", "accepted"],
            "argument id: not a whole number from 1 to 9223372036854775807: '0'",
        ),
        (
            ["campaigns", "preview", "--days", "99999999"],
            "argument --days: not a number of days from 0 to 366: '99999999'",
        ),
        (
            ["campaigns", "preview", "--days", "nan"],
            "argument --days: not a number of days from 0 to 366: 'nan'",
        ),
        (
            ["campaigns", "preview", "--days", "-1"],
            "argument --days: not a number of days from 0 to 366: '-1'",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "refused",
)
def test_an_argument_out_of_range_is_one_error_line_and_exit_code_2(
    database: Path, capsys: pytest.CaptureFixture[str], command: list[str], error: str
) -> None:
    """Dates past the calendar, times too far back, numbers past SQLite's and days past a year
    are refused by the parser: one ``error:`` line on stderr, exit code 2, no traceback."""
    with pytest.raises(SystemExit) as exited:
        main(command)

    lines = capsys.readouterr().err.splitlines()
    prog = " ".join(["diaspora-bot", *command[: 2 if command[0] != "audit" else 1]])
    assert (2, [f"{prog}: error: {error}"]) == (exited.value.code, lines)


def test_a_usage_mistake_is_one_error_line_too(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown option is refused in the same one line (``--help`` shows the usage)."""
    with pytest.raises(SystemExit) as exited:
        main(["audit", "--sinse", "7d"])

    assert (2, ["diaspora-bot: error: unrecognized arguments: --sinse 7d"]) == (
        exited.value.code,
        capsys.readouterr().err.splitlines(),
    )
