"""``diaspora-bot export``: filters read as broadcast audiences read theirs (names, codes, any
case), an unknown value or a wrong file name refused in one line, words beside codes and times
in programme time, and a progress bar on a terminal only."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from tests.sample import add_member

NOW = datetime(2026, 11, 29, 14, 41, 26, 488906, tzinfo=UTC)


async def _fill(path: Path) -> None:
    """A member in Germany from Nikšić working in IT; one in Austria from Bar in health."""
    async with Store(path) as store:
        await add_member(
            store,
            "telegram:1",
            NOW,
            name="Ana Marković",
            country="DE",
            municipality="Nikšić",
            sector="it",
            interests=["investment"],
            phone="+491701234567",
        )
        await add_member(
            store, "telegram:2", NOW, name="Marko Ivanović", country="AT", municipality="Bar",
            sector="health",
        )  # fmt: skip


def _names(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [row["name"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))]


ANA = ["Ana Marković"]
BOTH = ["Ana Marković", "Marko Ivanović"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["--country", "Germany"], ANA),
        (["--country", "de"], ANA),
        (["--country", "DEU"], ANA),
        (["--sector", "IT"], ANA),
        (["--sector", "it and software"], ANA),
        (["--municipality", "nikšić"], ANA),
        (["--municipality", "NIKSIC"], ANA),
        (["--interest", "Investing and business"], ANA),
        (["--language", "English"], BOTH),
        (["--channel", "Telegram"], BOTH),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) and "--" in value[0] else "",
)
def test_a_filter_takes_names_and_codes_in_any_case(
    database: Path, capsys: pytest.CaptureFixture[str], filters: list[str], expected: list[str]
) -> None:
    """``--country Germany``, ``--country de``, ``--sector IT``, ``--municipality nikšić``
    each find the member they name."""
    asyncio.run(_fill(database))
    assert 0 == main(["export", "members", *filters])
    assert expected == sorted(_names(capsys))


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (["--country", "Germny"], "--country 'Germny': no such country"),
        (["--sector", "banking"], "--sector 'banking': no such sector (known: "),
        (["--municipality", "Springfield"], "--municipality 'Springfield': no such municipality"),
        (["--spoken-language", "Klingon"], "--spoken-language 'Klingon': no such language"),
        (["--channel", "fax"], "--channel 'fax': no such channel (known: telegram, whatsapp)"),
    ],
    ids=["country", "sector", "municipality", "spoken language", "channel"],
)
def test_an_unknown_filter_value_is_an_error_never_an_empty_file(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], filters: list[str],
    message: str,
) -> None:  # fmt: skip
    """One line on stderr naming the value, exit 2, and no file written."""
    asyncio.run(_fill(database))
    output = tmp_path / "members.csv"
    assert 2 == main(["export", "members", *filters, "--output", str(output)])
    captured = capsys.readouterr()
    assert [f"diaspora-bot export members: error: {message}"] == [
        line[: len(f"diaspora-bot export members: error: {message}")]
        for line in captured.err.splitlines()
    ]
    assert not output.exists()


def test_a_file_named_for_another_format_is_refused(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output x.json`` would have held CSV silently: refused, nothing written; a format
    that contradicts the name is refused too."""
    asyncio.run(_fill(database))
    assert 2 == main(["export", "members", "--output", str(tmp_path / "x.json")])
    assert "name a .csv or .xlsx file, or say --format csv|xlsx" in capsys.readouterr().err
    assert 2 == main(["export", "members", "--format", "csv", "-o", str(tmp_path / "x.xlsx")])
    assert "--format csv does not match --output" in capsys.readouterr().err
    assert [] == list(tmp_path.glob("x.*"))


def test_codes_have_words_beside_them_and_times_are_programme_time(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``country`` DE beside ``country_name`` Germany, ``sector`` it beside "IT and software";
    ``registered_at`` in ISO with the programme's offset to the second, not raw UTC with
    microseconds; the phone as it is."""
    asyncio.run(_fill(database))
    assert 0 == main(["export", "members", "--country", "DE"])
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {
        "country": "DE",
        "country_name": "Germany",
        "sector": "it",
        "sector_name": "IT and software",
        "interests": "investment",
        "interest_names": "Investing and business",
        "registered_at": "2026-11-29T15:41:26+01:00",
        "phone": "+491701234567",
    } == {key: row[key] for key in (
        "country", "country_name", "sector", "sector_name", "interests", "interest_names",
        "registered_at", "phone",
    )}  # fmt: skip


class _Terminal(io.StringIO):
    """What stderr is on a terminal, as far as a progress bar can tell."""

    def isatty(self) -> bool:
        return True


def test_a_long_export_shows_its_steps_on_a_terminal_and_is_quiet_when_piped(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal: reading, a bar while rows are prepared and written; piped: only the
    closing line."""
    asyncio.run(_fill(database))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert 0 == main(["export", "members", "--output", str(tmp_path / "x.xlsx")])
    shown = terminal.getvalue()
    assert "export members: reading the members…" in shown
    assert "export members: preparing:   0%|          | 0/2" in shown
    assert "export members: writing:   0%|          | 0/2" in shown

    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert 0 == main(["export", "members", "--output", str(tmp_path / "y.xlsx")])
    assert f"exported 2 members to {tmp_path / 'y.xlsx'}\n" == piped.getvalue()
