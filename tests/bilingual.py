"""A member chatting in English or in Montenegrin: how each language is chosen and how its
words answer, so one transcript runs in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.app import App
from bot.clock import FixedClock
from tests.chat import Chat
from tests.sample import add_member

# How each language is chosen, and the answers that reach the contact question with only the
# required ones given (the optional ones skipped in that language's word).
LANGUAGE = {"en": "English", "cnr": "Crnogorski"}
HINT = {"en": "en", "cnr": "sr"}
SKIP = {"en": "skip", "cnr": "preskoči"}
AGREE = {"en": "✅ I agree", "cnr": "✅ Prihvatam"}
Text = Callable[..., str]


def texts(app: App, language: str) -> Text:
    """The locale's text in ``language``, to read transcripts in either language alike."""

    def text(key: str, **values: Any) -> str:
        return app.content.text(language, key, **values)

    return text


def chat_in(app: App, clock: FixedClock, language: str, address: str = "telegram:1001") -> Chat:
    """Ana on Telegram, her app set to English or to Serbian (which means Montenegrin here)."""
    return Chat(
        app.engine, clock, address, language_hint=HINT[language], display_name="Ana Marković"
    )


async def say(chat: Chat, *typed: str) -> None:
    """Types each text in turn."""
    for text in typed:
        await chat.send(text)


async def to_consent(chat: Chat, language: str) -> None:
    """Starts and chooses the language, so the consent is asked next."""
    await say(chat, "/start", LANGUAGE[language])


async def to_contact(chat: Chat, language: str) -> None:
    """Registers up to the preferred contact, skipping all that is optional."""
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await say(chat, "Ana Marković", "Germany", "Berlin", *[SKIP[language]] * 6)


async def member(app: App, language: str, address: str = "telegram:1001") -> None:
    """Ana, registered, in Germany, speaking ``language``."""
    await add_member(
        app.store, address, app.clock.now(), name="Ana Marković", country="DE", language=language
    )
