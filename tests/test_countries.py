from __future__ import annotations

import pytest

from bot.countries import CountryIndex, country_name

ALIASES = {"USA": "US", "SAD": "US", "UK": "GB"}


@pytest.fixture(scope="module")
def index() -> CountryIndex:
    return CountryIndex(ALIASES)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Njemačka", "DE"),
        ("Deutschland", "DE"),
        ("germany", "DE"),
        ("njemacka", "DE"),
        ("Švajcarska", "CH"),
        ("Schweiz", "CH"),
        ("Luksemburg", "LU"),
        ("SAD", "US"),
        ("uk", "GB"),
        ("Österreich", "AT"),
        ("Bosna i Hercegovina", "BA"),
        ("Srbija", "RS"),
        ("Türkiye", "TR"),
    ],
)
def test_a_country_typed_in_any_language_is_found(
    index: CountryIndex, typed: str, code: str
) -> None:
    """English, Montenegrin and the country's own name all lead to the same code."""
    assert code == index.lookup(typed).code


def test_a_near_miss_gets_suggestions(index: CountryIndex) -> None:
    """A typo is not guessed silently: it comes back as suggestions."""
    match = index.lookup("Germny")
    assert (None, "DE") == (match.code, match.suggestions[0])


def test_nonsense_gets_neither_a_country_nor_suggestions(index: CountryIndex) -> None:
    """Text that is no country is not matched to one."""
    assert (None, ()) == (index.lookup("xyzzy").code, index.lookup("xyzzy").suggestions)


def test_country_names_are_shown_in_the_members_language() -> None:
    """Montenegrin members read ijekavian names; others English common names."""
    assert ["Njemačka", "SAD", "Germany", "United Kingdom"] == [
        country_name("DE", "cnr"),
        country_name("US", "cnr"),
        country_name("DE", "en"),
        country_name("GB", "en"),
    ]
