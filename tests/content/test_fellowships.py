"""Fellowship programme files (and event files): the shipped ones load, every problem names its
file and line, a broken file keeps its last good version, and `campaigns check` reports it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.content import Content
from bot.content.check import check
from bot.store import Store
from tests.conftest import CONTENT
from tests.sample import content_folder

PROGRAMME = """\
title:
  en: "Digital public administration 2027"
  cnr: "Digitalna javna uprava 2027"
description:
  en: "Three to six months with ministries."
  cnr: "Tri do šest mjeseci u ministarstvima."
fields:
  cybersecurity:
    en: "Cybersecurity"
    cnr: "Sajber bezbjednost"
hosts:
  - name:
      en: "Ministry of Public Administration"
      cnr: "Ministarstvo javne uprave"
    kind: ministry
    city: Podgorica
duration_months: [3, 6]
deadline: "2027-03-31T23:59:00+02:00"
work_modes: [on_site, hybrid]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return content_folder(tmp_path)


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_the_shipped_programmes_load() -> None:
    """The sample programmes are valid: public administration, health, university."""
    content = Content.load(CONTENT, "en")
    assert [] == [str(error) for error in content.errors.values()]
    assert {
        "digital-public-administration-2027": ("ministry", "agency", "municipality"),
        "health-clinical-2027": ("hospital", "agency"),
        "university-teaching-research-2027": ("university", "agency", "ministry"),
    } == {slug: programme.host_kinds for slug, programme in content.fellowships.items()}


def test_a_programme_is_read_in_full(folder: Path) -> None:
    """Fields, hosts, duration, deadline and ways of working come through as written."""
    (folder / "fellowships" / "digital.yaml").write_text(PROGRAMME, encoding="utf-8")
    programme = Content.load(folder, "en").fellowships["digital"]
    assert (
        "Sajber bezbjednost",
        "Ministarstvo javne uprave",
        "Podgorica",
        (3, 6),
        "2027-03-31T23:59:00+02:00",
        ("on_site", "hybrid"),
    ) == (
        programme.field_name("cybersecurity", "cnr", "en"),
        programme.hosts[0].text("cnr", "en"),
        programme.hosts[0].city,
        programme.duration_months,
        programme.deadline.isoformat(),
        programme.work_modes,
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("    kind: ministry", "    kind: embassy", 15, "hosts: kind 'embassy' is not one of"),
        ("duration_months: [3, 6]", "duration_months: [6, 3]", 17, "duration_months: expected"),
        ('deadline: "2027-03-31T23:59:00+02:00"', 'deadline: "2027-03-31"', 18, "deadline: needs"),
        ("work_modes: [on_site, hybrid]", "work_modes: [on_site, sofa]", 19, "'sofa' is not one"),
        ("  cybersecurity:", "  Cyber Security:", 8, "fields: 'Cyber Security' is not an id"),
        ('    cnr: "Sajber bezbjednost"', '    de: "Cybersicherheit"', 10, "unknown language 'de'"),
        (
            '      cnr: "Ministarstvo javne uprave"',
            "      cnr: ''",
            14,
            "hosts.0.name.cnr: expected",
        ),
        ("title:", "titel:", 1, "unknown key 'titel'"),
    ],
)
def test_each_problem_names_its_file_and_line(
    folder: Path, old: str, new: str, line: int, message: str
) -> None:
    """A mistake in a programme file is reported as file:line: message."""
    path = folder / "fellowships" / "digital.yaml"
    assert PROGRAMME.count(old) == 1
    path.write_text(PROGRAMME.replace(old, new), encoding="utf-8")

    content = Content.load(folder, "en")

    error = content.errors[str(path)]
    assert (str(path), line) == (error.path, error.line)
    assert message in error.message
    assert "digital" not in content.fellowships


def test_a_broken_edit_keeps_the_last_good_programme(folder: Path) -> None:
    """The bot keeps offering the programme as it was until the file is fixed."""
    path = folder / "fellowships" / "digital.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    content = Content.load(folder, "en")
    path.write_text(PROGRAMME.replace("kind: ministry", "kind: [ministry"), encoding="utf-8")
    _touch_later(path)

    content.refresh(force=True)

    assert str(content.errors[str(path)]).startswith(f"{path}:16: invalid YAML")
    assert "Digital public administration 2027" == content.fellowships["digital"].title["en"]


def test_an_edited_programme_is_reloaded_without_a_restart(folder: Path) -> None:
    """A new deadline is in use at the next refresh."""
    path = folder / "fellowships" / "digital.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    content = Content.load(folder, "en")
    path.write_text(PROGRAMME.replace("2027-03-31", "2027-04-30"), encoding="utf-8")
    _touch_later(path)

    content.refresh(force=True)

    assert "2027-04-30" == content.fellowships["digital"].deadline.date().isoformat()


async def test_campaigns_check_reports_broken_programmes_and_events(
    folder: Path, tmp_path: Path
) -> None:
    """`diaspora-bot campaigns check` lists a broken programme and a broken event with lines."""
    programme = folder / "fellowships" / "digital.yaml"
    programme.write_text(PROGRAMME.replace("kind: ministry", "kind: embassy"), encoding="utf-8")
    event = folder / "events" / "supper-kotor.yaml"
    event.write_text(
        event.read_text(encoding="utf-8").replace("capacity: 3", "capacity: lots"),
        encoding="utf-8",
    )
    content = Content.load(folder, "en")

    async with Store(tmp_path / "db.sqlite3") as store:
        problems = [str(error) for error in await check(content, store, whatsapp_enabled=False)]

    assert f"{event}:11: capacity: expected a whole number of seats, 1 or more" in problems
    assert any(problem.startswith(f"{programme}:15: hosts: kind 'embassy'") for problem in problems)
