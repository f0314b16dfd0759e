from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest

from bot.content import Content
from bot.errors import ContentError
from tests.conftest import CONTENT
from tests.hostile import laughs, within


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


@pytest.mark.parametrize("value", ["-5", "3 years", "7", "true", "3651", "99999999999"])
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


class Ticker:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def _problems(content: Content) -> list[str]:
    return sorted(str(error) for error in content.errors.values())


def test_a_folder_named_like_a_campaign_is_a_problem_not_a_crash(folder: Path) -> None:
    """A directory called campaigns/x.md is reported as file:line, and everything else loads."""
    (folder / "campaigns" / "x.md").mkdir(parents=True)
    content = Content.load(folder, "en")
    assert [f"{folder}/campaigns/x.md:1: not a regular file"] == _problems(content)
    assert "⬅️ Back" == content.text("en", "controls.back")


def test_a_yaml_alias_bomb_is_refused_at_once_and_the_last_good_texts_stay(folder: Path) -> None:
    """Nine levels of "billion laughs" in a locale is refused at its first alias, without
    expanding anything; the bot keeps its last good texts."""
    content = Content.load(folder, "en")
    path = folder / "locales" / "en.yaml"
    path.write_text(laughs(9))
    _touch_later(path)
    within(20, lambda: content.refresh(force=True))
    assert [f"{path}:2: YAML aliases are not allowed"] == _problems(content)
    assert "⬅️ Back" == content.text("en", "controls.back")


def test_yaml_nested_too_deeply_is_refused_with_its_line(folder: Path) -> None:
    """Lists inside lists hundreds of levels deep are a problem, not a crash of the loader."""
    path = folder / "locales" / "de.yaml"
    path.write_text("language_name: Deutsch\nmenu:\n  guest: " + "[" * 900 + "]" * 900 + "\n")
    content = Content.load(folder, "en")
    assert [f"{path}:3: YAML nested deeper than 20 levels"] == _problems(content)
    assert "de" not in content.locales


def test_a_file_over_a_megabyte_is_refused_unread(folder: Path) -> None:
    """Content files are small texts: past 1 MB a file is refused before it is parsed."""
    path = folder / "locales" / "de.yaml"
    path.write_text("# " + "x" * 1_000_000 + "\nlanguage_name: Deutsch\n")
    content = Content.load(folder, "en")
    assert [f"{path}:1: larger than 1 MB (content files are small texts)"] == _problems(content)


def test_a_file_that_is_not_utf8_names_its_line(folder: Path) -> None:
    """Bytes that are not UTF-8 are reported with the line they are on."""
    path = folder / "locales" / "de.yaml"
    path.write_bytes(b"language_name: Deutsch\nmenu:\n  guest: \xff\n")
    content = Content.load(folder, "en")
    assert [f"{path}:3: not UTF-8 text"] == _problems(content)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(folder: Path) -> None:
    """A FIFO in the content folder would block a read for ever: it is refused unopened."""
    path = folder / "locales" / "de.yaml"
    os.mkfifo(path)
    found: list[Content] = []
    within(10, lambda: found.append(Content.load(folder, "en")))
    assert [f"{path}:1: not a regular file"] == _problems(found[0])


def test_a_folder_reads_at_most_its_cap_of_files(folder: Path) -> None:
    """Past ``max_files`` in one folder, the first by name are read and the rest reported."""
    (folder / "events").mkdir()
    event = (CONTENT / "events" / "diaspora-days-2027.yaml").read_text()
    for name in ("a", "b", "c", "d"):
        (folder / "events" / f"{name}.yaml").write_text(event)
    content = Content(root=folder, max_files=3)
    content.refresh(force=True)
    assert ["a", "b", "c"] == sorted(content.events)
    assert [f"{folder}/events:1: more than 3 *.yaml files; only the first 3 by name are read"] == (
        _problems(content)
    )


@pytest.mark.parametrize(
    "starts_at", ["9999-12-31T23:00:00+02:00", "0001-01-01T00:00:00+01:00", "1969-12-31T10:00Z"]
)
def test_an_event_date_outside_the_calendar_we_plan_in_is_a_problem(
    folder: Path, starts_at: str
) -> None:
    """Event dates are between 1970 and 2199, so no offset can push a reminder off the calendar."""
    (folder / "events").mkdir()
    path = folder / "events" / "far.yaml"
    text = (CONTENT / "events" / "diaspora-days-2027.yaml").read_text()
    text = text.replace("starts_at: 2027-07-23 18:00", f'starts_at: "{starts_at}"')
    path.write_text(text)
    line = 1 + text.splitlines().index(f'starts_at: "{starts_at}"')
    content = Content.load(folder, "en")
    assert [f"{path}:{line}: starts_at: expected a year from 1970 to 2199"] == _problems(content)


async def test_poll_reloads_in_a_worker_thread_off_the_event_loop(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The service's reload reads and parses files in a worker thread, not on the loop."""
    clock = Ticker()
    content = Content.load(folder, "en", monotonic=clock)
    path = folder / "locales" / "en.yaml"
    path.write_text(path.read_text().replace('"English"', '"English (UK)"'))
    _touch_later(path)
    clock.seconds += 60
    with caplog.at_level(logging.INFO, logger="bot.content"):
        await content.poll()
    (reloaded,) = [record for record in caplog.records if "reloaded" in record.getMessage()]
    assert threading.get_ident() != reloaded.thread
    assert "English (UK)" == content.text("en", "language_name")


async def test_poll_looks_at_the_folder_at_most_once_per_interval(folder: Path) -> None:
    """Polls within ``min_interval`` seconds of the last look do not scan the folder again."""
    clock = Ticker()
    content = Content.load(folder, "en", monotonic=clock)
    looked = content.scans
    for _ in range(5):
        await content.poll()
        clock.seconds += content.min_interval / 10
    assert looked == content.scans
    clock.seconds += content.min_interval
    await content.poll()
    assert looked + 1 == content.scans


async def test_a_broken_file_is_logged_once_not_at_every_look(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file broken by an edit is logged when the edit is seen, not again at every poll."""
    clock = Ticker()
    content = Content.load(folder, "en", monotonic=clock)
    path = folder / "locales" / "en.yaml"
    path.write_text("language_name: [unclosed\n")
    _touch_later(path)
    with caplog.at_level(logging.ERROR, logger="bot.content"):
        for _ in range(5):
            clock.seconds += 60
            await content.poll()
    assert 1 == len([record for record in caplog.records if str(path) in record.getMessage()])
    assert "⬅️ Back" == content.text("en", "controls.back")
