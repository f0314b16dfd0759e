from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import Content, placeholders
from tests.conftest import CONTENT

SHIPPED = sorted(path.stem for path in (CONTENT / "locales").glob("*.yaml"))


@pytest.fixture(scope="module")
def content() -> Content:
    return Content.load(CONTENT, "en")


def test_english_and_montenegrin_are_shipped() -> None:
    """Both complete languages are in the content folder."""
    assert {"en", "cnr"} <= set(SHIPPED)


def _english_key(key: str, english: dict[str, str]) -> str:
    """The English key a key stands for: a plural form English lacks (``few``: 2–4 in
    Montenegrin) stands for English's ``other`` form of the same text."""
    group, _, form = key.rpartition(".")
    if key not in english and form in ("zero", "two", "few", "many") and group:
        return f"{group}.other"
    return key


@pytest.mark.parametrize("language", SHIPPED)
def test_every_english_key_exists_in_every_language(content: Content, language: str) -> None:
    """No key of en is missing from a shipped language (and none is left over but the plural
    forms English does not have)."""
    english, other = content.locales["en"], content.locales[language]
    left_over = {key for key in other if _english_key(key, english) not in english}
    assert ([], []) == (sorted(set(english) - set(other)), sorted(left_over))


@pytest.mark.parametrize("language", SHIPPED)
def test_every_placeholder_matches_english(content: Content, language: str) -> None:
    """Each text expects exactly the {placeholders} its English original expects."""
    english, other = content.locales["en"], content.locales[language]
    mismatched = [
        key
        for key in other
        if _english_key(key, english) in english
        and placeholders(english[_english_key(key, english)]) != placeholders(other[key])
    ]
    assert [] == mismatched


def test_the_code_uses_no_key_that_english_lacks(content: Content) -> None:
    """Every literal locale key in handlers/ and bot/ exists in en (a text in plural forms as
    its ``other`` form)."""
    import re

    root = CONTENT.parent
    used: set[str] = set()
    for folder in ("handlers", "bot"):
        for path in (root / folder).rglob("*.py"):
            used |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    english = content.locales["en"]
    assert [] == sorted(key for key in used if key not in english and f"{key}.other" not in english)


def test_a_missing_key_falls_back_to_the_default_language(tmp_path: Path) -> None:
    """A language file without a key answers with the default language's text."""
    (tmp_path / "locales").mkdir()
    (tmp_path / "programme.yaml").write_text((CONTENT / "programme.yaml").read_text())
    (tmp_path / "locales" / "en.yaml").write_text('greeting: "Hello {name}"\nbye: "Bye"\n')
    (tmp_path / "locales" / "de.yaml").write_text('greeting: "Hallo {name}"\n')
    content = Content.load(tmp_path, "en")
    assert ("Hallo Ana", "Bye") == (
        content.text("de", "greeting", name="Ana"),
        content.text("de", "bye"),
    )
