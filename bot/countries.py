"""Countries by name in many languages, via pycountry and its translations; the cities of a
country by the names members type, via GeoNames (:mod:`bot.cities`)."""

from __future__ import annotations

import gettext
import re
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from bot import cities
from bot.text import fold

# Montenegrin country names are not in iso-codes; Bosnian and Croatian use the same ijekavian
# forms ("Njemačka"), Serbian Latin the ekavian ones that many members type too.
_NAME_LOCALES = {"cnr": ("bs", "hr", "sr@latin")}
# Where those catalogues give the Croatian word, or a formal name no one says, the name
# Montenegrins use (the index knows them as typed names too).
_OWN_NAMES = {
    "cnr": {
        "AM": "Jermenija",
        "CH": "Švajcarska",
        "IR": "Iran",
        "KP": "Sjeverna Koreja",
        "KR": "Južna Koreja",
        "MD": "Moldavija",
        "NL": "Holandija",
        "RU": "Rusija",
        "SY": "Sirija",
        "TZ": "Tanzanija",
        "VE": "Venecuela",
    }
}
_MO_MAGIC = 0x950412DE
_PUNCTUATION = re.compile(r"[^\w\s]")
_ALPHA_2 = re.compile(r'"alpha_2":\s*"([a-z]{2})"')
# Past Latin (up to Latin Extended-B) and Cyrillic: scripts members here do not type.
_OTHER_SCRIPT = re.compile(r"[^\u0000-\u024f\u0400-\u052f]")


@cache
def _translation(locale: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        return gettext.NullTranslations()


def _catalogues() -> list[Path]:
    """Every locale's iso3166-1.mo, in the locales' order."""
    root = Path(pycountry.LOCALES_DIR)
    return sorted(root.glob("*/LC_MESSAGES/iso3166-1.mo"), key=lambda path: path.parts[-3])


def _messages(path: Path) -> Iterator[tuple[str, str]]:
    """(English, translated) of a gettext catalogue, read straight from the .mo file (gettext's
    own reader keeps the whole catalogue, and reading 160 of them took three times as long)."""
    data = path.read_bytes()
    order = "<" if struct.unpack_from("<I", data)[0] == _MO_MAGIC else ">"
    _, count, originals, translations = struct.unpack_from(order + "4I", data, 4)
    pair = struct.Struct(order + "2I")
    for number in range(count):
        length, start = pair.unpack_from(data, originals + 8 * number)
        english = data[start : start + length]
        length, start = pair.unpack_from(data, translations + 8 * number)
        # iso-codes' catalogues are UTF-8; the header (empty msgid) and plurals are skipped.
        if english and b"\0" not in english:
            yield english.decode(), data[start : start + length].decode()


@cache
def two_letter_languages() -> frozenset[str]:
    """The ISO 639-1 language codes (``en``, ``sr``; not ``me``, a country), read once from
    pycountry's table: its own lookup keeps all 7,900 languages in memory (6 MB) to say so, and
    even parsing the file as JSON leaves 2.5 MB behind, so the codes are picked out as text."""
    path = Path(pycountry.DATABASE_DIR) / "iso639-3.json"
    return frozenset(_ALPHA_2.findall(path.read_text(encoding="utf-8")))


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (its English common name where there is none)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    if code in _OWN_NAMES.get(language, {}):
        return _OWN_NAMES[language][code]
    for locale in _NAME_LOCALES.get(language, (language,)):
        translated = _translation(locale).gettext(country.name)
        if translated != country.name:
            return str(translated)
    return str(english)


@dataclass(frozen=True)
class Match:
    """The result of looking a typed country up: an exact code, or suggestions."""

    code: str | None
    suggestions: tuple[str, ...] = ()


def _fold(name: str) -> str:
    """:func:`bot.text.fold`, the fast way for plain ASCII (most names: nothing to take off)."""
    if name.isascii():
        return " ".join(_PUNCTUATION.sub(" ", name.lower()).split())
    return fold(name)


@cache
def _all_names() -> tuple[dict[str, str], tuple[str, ...]]:
    """Folded name → country code, for every country's English names, its alpha-3 code and
    its name in every locale pycountry has, in the scripts members here type (Latin and
    Cyrillic: the others would double the table); the first locale to give a name keeps it.
    And the names, for near misses."""
    names: dict[str, str] = {}
    codes = {country.name: country.alpha_2 for country in pycountry.countries}
    for country in pycountry.countries:
        own = [
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
            country.alpha_3,
        ]
        for name in own:
            if name:
                names.setdefault(_fold(name), country.alpha_2)
    for path in _catalogues():
        for english, translated in _messages(path):
            code = codes.get(english)
            if code is None or not translated or translated == english:
                continue
            if not _OTHER_SCRIPT.search(translated):
                names.setdefault(_fold(translated), code)
    return names, tuple(names)


class CountryIndex:
    """Every country's names in every language pycountry knows (in Latin or Cyrillic script),
    folded for matching, with the programme's own aliases on top. The names are read on first
    use (a few tenths of a second; :meth:`warm` reads them ahead, in a thread) and shared by
    every index in the process."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        own = {fold(name): code for names in _OWN_NAMES.values() for code, name in names.items()}
        self._aliases = own | {fold(alias): code for alias, code in (aliases or {}).items()}
        self._choices: list[str] | None = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Reads every country's names now, so the first member to type one does not wait."""
        self._names()

    def _names(self) -> tuple[dict[str, str], list[str]]:
        names, listed = _all_names()
        with self._lock:
            if self._choices is None:
                self._choices = [*self._aliases, *listed]
            return names, self._choices

    def lookup(self, text: str) -> Match:
        """Finds the country a member typed; near misses come back as suggestions."""
        key = fold(text)
        if not key:
            return Match(None)
        if key in self._aliases:
            return Match(self._aliases[key])
        names, choices = self._names()
        if key in names:
            return Match(names[key])
        if len(key) == 2 and pycountry.countries.get(alpha_2=key.upper()) is not None:
            return Match(key.upper())
        # rapidfuzz comes with the first country typed with a typo, not at start (issue 12).
        from rapidfuzz import fuzz, process

        found = process.extract(key, choices, scorer=fuzz.ratio, limit=12, score_cutoff=75)
        suggestions: list[str] = []
        for name, _score, _index in found:
            code = self._aliases.get(name) or names[name]
            if code not in suggestions:
                suggestions.append(code)
        return Match(None, tuple(suggestions[:3]))


def city_name(country: str | None, typed: str | None) -> str | None:
    """The GeoNames name of the city a member typed, among the cities of 15,000 people or more
    of ``country`` (an ISO alpha-2 code): any case, accents optional, by its name or a known
    alternate name (``München``, ``munchen``, ``Minhen`` → ``Munich``). None when it is none
    of them. The city table (:mod:`bot.cities`) loads on first use: on the event loop, call it
    in a thread."""
    found = cities.find(country, typed)
    return found.name if found is not None else None
