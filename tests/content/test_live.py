"""The running bot and its content folder: replies come from the last good content while files
are broken, and a message never makes the bot read the folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FixedClock
from tests.chat import Chat
from tests.conftest import CONTENT, make_settings

ASK_LANGUAGE = "Please choose your language."
# Until a language is chosen, the question is asked in both.
ASKED = f"{ASK_LANGUAGE}\n\nMolimo izaberite jezik."


class Ticker:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped content in a folder the test may break."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


@pytest.fixture
async def live(
    tmp_path: Path, folder: Path, clock: FixedClock, ticker: Ticker
) -> AsyncIterator[App]:
    """The app on the copied folder, its monotonic time in the test's hands."""
    settings = make_settings(tmp_path, content_dir=folder)
    async with App(settings, clock=clock, monotonic=ticker) as app:
        yield app


def _edit(path: Path, text: str) -> None:
    """Writes ``text`` and moves the file's time on, as an editor's save would."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_the_bot_answers_from_the_last_good_content_while_files_are_broken(
    live: App, folder: Path, ticker: Ticker
) -> None:
    """A folder named like a campaign, an offset of a billion days and a broken locale are
    reported as file:line, and every message still gets its usual answer."""
    chat = Chat(live.engine, live.clock, display_name="Ana Marković")
    live.content.min_interval = 0
    (folder / "campaigns" / "x.md").mkdir()
    campaign = folder / "campaigns" / "welcome-1-next-steps.md"
    _edit(campaign, campaign.read_text().replace("offset: +1h", "offset: +99999999999d"))
    locale = folder / "locales" / "en.yaml"
    _edit(locale, locale.read_text().replace(f'ask_language: "{ASK_LANGUAGE}"', "ask_language: [x"))

    for _ in range(3):
        await chat.send("/start")
        assert ASKED == chat.question
    ticker.seconds += 60
    await live.content.poll()
    for _ in range(3):
        await chat.send("/start")
        assert ASKED == chat.question

    assert [
        f"{campaign}:4: offset: at most 3650 days (10 years) either way, not '+99999999999d'",
        f"{folder}/campaigns/x.md:1: not a regular file",
    ] == sorted(str(error) for path, error in live.content.errors.items() if "campaigns" in path)
    assert str(live.content.errors[str(locale)]).startswith(f"{locale}:")
    assert "welcome-1-next-steps" in live.content.campaigns


async def test_a_message_never_makes_the_bot_read_the_content_folder(
    live: App, folder: Path, ticker: Ticker
) -> None:
    """Fifty messages, ten seconds apart, scan nothing; an edit shows once the watcher polls."""
    chat = Chat(live.engine, live.clock, display_name="Ana Marković")
    looked = live.content.scans
    locale = folder / "locales" / "en.yaml"
    _edit(locale, locale.read_text().replace(ASK_LANGUAGE, "Choose a language."))
    for _ in range(50):
        ticker.seconds += 10
        await chat.send("/start")
        assert ASKED == chat.question
    assert looked == live.content.scans

    await live.content.poll()

    await chat.send("/start")
    assert "Choose a language.\n\nMolimo izaberite jezik." == chat.question
