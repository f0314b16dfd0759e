from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.errors import ContentError
from scheduler.content import Content
from tests.conftest import CONTENT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT / "locales", tmp_path / "locales")
    shutil.copy(CONTENT / "programme.yaml", tmp_path / "programme.yaml")
    return tmp_path


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_edited_locale_is_reloaded_without_a_restart(folder: Path) -> None:
    """Changing a locale file changes the bot's words at the next refresh."""
    content = Content.load(folder, "en")
    path = folder / "locales" / "en.yaml"
    path.write_text(path.read_text().replace('"English"', '"English (UK)"'))
    _touch_later(path)
    content.refresh(force=True)
    assert "English (UK)" == content.text("en", "language_name")


def test_a_broken_locale_keeps_the_last_good_version_and_says_where(folder: Path) -> None:
    """Invalid YAML is reported as file:line and the previous texts stay in use."""
    content = Content.load(folder, "en")
    path = folder / "locales" / "en.yaml"
    path.write_text('language_name: "English"\nstart:\n  greeting: "unclosed\n')
    _touch_later(path)
    content.refresh(force=True)
    error = content.errors[str(path)]
    assert str(error).startswith(f"{path}:")
    assert error.line >= 3
    assert content.text("en", "controls.back") == "⬅️ Back"


def test_a_bad_placeholder_is_reported_with_its_line(folder: Path) -> None:
    """A malformed {placeholder} names the file and the line of its key."""
    path = folder / "locales" / "en.yaml"
    path.write_text('language_name: "English"\nmenu:\n  guest: "Hi {name"\n')
    content = Content(root=folder)
    content.refresh(force=True)
    assert f"{path}:3: menu.guest: bad placeholder" in str(content.errors[str(path)])


def test_an_unknown_country_in_the_programme_is_reported_with_its_line(folder: Path) -> None:
    """programme.yaml's country codes are checked, and the line is given."""
    path = folder / "programme.yaml"
    text = path.read_text().replace("top_countries: [RS,", "top_countries: [XX,")
    path.write_text(text)
    line = 1 + text.splitlines().index(next(x for x in text.splitlines() if "XX" in x))
    with pytest.raises(ContentError) as caught:
        Content.load(folder, "en")
    assert f"{path}:{line}: unknown country code 'XX'" == str(caught.value)


@pytest.mark.parametrize("value", ["-5", "3 years", "7", "true"])
def test_a_bad_retention_is_reported_with_its_line(folder: Path, value: str) -> None:
    """retention_days is a whole number of days, at least a month."""
    path = folder / "programme.yaml"
    text = path.read_text().replace("retention_days: 1095", f"retention_days: {value}")
    path.write_text(text)
    line = 1 + text.splitlines().index(f"retention_days: {value}")
    with pytest.raises(ContentError) as caught:
        Content.load(folder, "en")
    assert str(caught.value).startswith(f"{path}:{line}: retention_days: expected a whole number")


def test_a_missing_default_language_is_an_error(folder: Path) -> None:
    """The default language must have a locale file."""
    with pytest.raises(ContentError, match="default language 'de'"):
        Content.load(folder, "de")


def test_client_language_codes_map_to_shipped_languages(folder: Path) -> None:
    """Telegram's sr, hr, bs and me users get Montenegrin; unknown codes get nothing."""
    content = Content.load(folder, "en")
    assert ["cnr", "cnr", "cnr", "en", None] == [
        content.language_for_hint(code) for code in ("sr", "hr-HR", "me", "en-GB", "ja")
    ]
