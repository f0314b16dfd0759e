"""The one place that builds the app: store, content, engine and channels, from Settings.

``async with App(settings) as app:`` opens everything and closes it again; tests build the same
app with fakes passed in (a clock, python-telegram-bot request objects).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TextIO

from telegram.request import BaseRequest

from bot.channels.telegram import TelegramChannel
from bot.channels.terminal import TerminalChannel
from bot.clock import Clock, SystemClock
from bot.countries import CountryIndex
from bot.engine import Engine
from bot.flow import FlowSettings
from bot.settings import Settings
from bot.store import Store
from handlers import COMMANDS, FLOWS, MENU_COMMANDS, STAFF_COMMANDS, menu
from scheduler.content import Content

log = logging.getLogger(__name__)


class App:
    """Diaspora Connect, wired from one Settings object."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        telegram_request: BaseRequest | None = None,
        telegram_updates_request: BaseRequest | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.telegram_request = telegram_request
        self.telegram_updates_request = telegram_updates_request
        self.store = Store(settings.database_path)
        self._content: Content | None = None
        self._engine: Engine | None = None
        self.telegram: TelegramChannel | None = None

    async def __aenter__(self) -> App:
        await self.store.open()
        try:
            self._content = Content.load(self.settings.content_dir, self.settings.default_language)
            programme = self._content.programme
            assert programme is not None
            countries = await asyncio.to_thread(CountryIndex, programme.country_aliases)
        except BaseException:
            await self.store.close()
            raise
        self._engine = Engine(
            store=self.store,
            content=self._content,
            clock=self.clock,
            countries=countries,
            settings=FlowSettings(
                consent_version=self.settings.consent_version,
                default_language=self.settings.default_language,
                timezone=self.settings.timezone,
                telegram_enabled=self.settings.telegram_enabled,
                whatsapp_enabled=self.settings.whatsapp_enabled,
            ),
            flows=FLOWS,
            commands=COMMANDS,
            menu=menu,
            hidden_commands=STAFF_COMMANDS,
        )
        if self.settings.telegram_bot_token is not None:
            self.telegram = TelegramChannel(
                self.settings.telegram_bot_token.get_secret_value(),
                self.engine.handle,
                self.clock,
                base_url=self.settings.telegram_api_base_url,
                request=self.telegram_request,
                updates_request=self.telegram_updates_request,
                webhook=self.settings.telegram_webhook,
                commands=self.command_menus(),
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.store.close()

    @property
    def content(self) -> Content:
        assert self._content is not None, "use the app inside `async with`"
        return self._content

    @property
    def engine(self) -> Engine:
        assert self._engine is not None, "use the app inside `async with`"
        return self._engine

    def command_menus(self) -> list[tuple[str, dict[str, str]]]:
        """Telegram's command menu per language code ('' is the default for everyone else)."""
        content = self.content

        def menu_in(language: str) -> dict[str, str]:
            return {name: content.text(language, f"commands.{name}") for name in MENU_COMMANDS}

        menus = [("", menu_in(content.default_language))]
        hints = content.programme.language_hints if content.programme else {}
        for language in content.languages:
            codes = [language] if len(language) == 2 else []
            codes += sorted(code for code, target in hints.items() if target == language)
            menus += [(code, menu_in(language)) for code in codes if len(code) == 2]
        return menus

    async def serve(self, stop: asyncio.Event) -> None:
        """Serves the configured channels until ``stop`` is set."""
        if self.telegram is None:
            raise RuntimeError("no channel is configured")
        await self.telegram.start()
        try:
            await stop.wait()
        finally:
            await self.telegram.stop()

    async def chat(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> None:
        """Chats on the terminal until the end of input."""
        terminal = TerminalChannel(
            self.engine.handle, self.clock, stdin=stdin, stdout=stdout, files_dir=files_dir
        )
        await terminal.run(self.content.text(self.content.default_language, "terminal.banner"))
