"""Countries by name in many languages, via pycountry and its translations."""

from __future__ import annotations

import gettext
import os
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
