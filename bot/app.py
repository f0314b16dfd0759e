"""The one place that builds the app: store, content, engine, channels and the scheduler, from
Settings.

``async with App(settings) as app:`` opens everything and closes it again; :meth:`App.serve`
and :meth:`App.chat` run the channels with the scheduler (campaign planner and outbox sender)
inside the running loop, and the HTTP server (:mod:`bot.web`: WhatsApp's and Telegram's
webhooks, the health check) with uvicorn in the same loop. Tests build the same app with fakes
passed in (a clock, python-telegram-bot request objects, a Twilio HTTP client, extra channels,
a sleep for the rate limiters).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from starlette.applications import Starlette
from starlette.routing import Mount
from telegram.request import BaseRequest
from twilio.http import AsyncHttpClient
from twilio.http.async_http_client import AsyncTwilioHttpClient

import handlers
import staff
from bot import web
from bot.channels.base import Channel
from bot.channels.supervisor import Backoff, Serving, State, Supervisor
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_transport import AiohttpRequest
from bot.channels.terminal import TerminalChannel
from bot.channels.whatsapp import WhatsAppChannel, twilio_client
from bot.clock import Clock, SystemClock
from bot.content import Content
from bot.countries import CountryIndex, two_letter_languages
from bot.engine import Engine
from bot.errors import ChannelRefused, ChannelUnavailable
from bot.flow import FlowSettings
from bot.media import Files
from bot.relay import Relay
from bot.roles import Roles
from bot.settings import Settings
from bot.store import Store
from scheduler.housekeeping import Housekeeper
from scheduler.introductions import Introductions
from scheduler.jobs import Jobs
from scheduler.planner import Planner
from scheduler.progress import BroadcastReporter
from scheduler.ratelimit import Monotonic, RateLimiter, Sleep
from scheduler.render import Links
from scheduler.sender import Sender
from scheduler.sendlock import SendLock
from staff import dashboard
from staff.questions import StaffGroup

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
        channels: Mapping[str, Channel] | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        twilio_http_client: AsyncHttpClient | None = None,
        retry_sleep: Sleep = asyncio.sleep,
        backoff: Backoff | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.telegram_request = telegram_request
        self.telegram_updates_request = telegram_updates_request
        self.sleep = sleep
        self.monotonic = monotonic
        self.store = Store(settings.database_path)
        self._content: Content | None = None
        self._engine: Engine | None = None
        self.telegram: TelegramChannel | None = None
        # Every channel the outbox can send on, by name; tests may add their own.
        self.channels: dict[str, Channel] = dict(channels or {})
        # Each platform channel's start, tried in the background by serve() until it answers.
        self.supervisors: dict[str, Supervisor] = {}
        self.retry_sleep = retry_sleep
        self.backoff = backoff
        self._planner: Planner | None = None
        self._sender: Sender | None = None
        self._reporter: BroadcastReporter | None = None
        # The scheduled jobs while serve() or chat() runs.
        self.jobs: Jobs | None = None
        # WhatsApp through Twilio: the channel, the relay that answers webhooks, files by link.
        self.twilio_http_client = twilio_http_client
        self._own_twilio_http_client: AsyncTwilioHttpClient | None = None
        self.whatsapp: WhatsAppChannel | None = None
        self.relay: Relay | None = None
        self.files: Files | None = None
        # The HTTP server while serve() runs.
        self.http: web.Server | None = None

    async def __aenter__(self) -> App:
        await self.store.open()
        self._warming: asyncio.Future[None] | None = None
        try:
            self._content = Content.load(
                self.settings.content_dir,
                self.settings.default_language,
                monotonic=self.monotonic,
                timezone=self.settings.timezone,
            )
            programme = self._content.programme
            assert programme is not None
            countries = CountryIndex(programme.country_aliases)
        except BaseException:
            await self.store.close()
            raise
        # Every country's names take a moment to read: read them now, off the loop, so the
        # first member to type a country does not hold it up. (The city table, 6 MB, is built
        # when a member first needs it, off the loop too: bot.cities.)
        self._warming = asyncio.ensure_future(asyncio.to_thread(countries.warm))
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
                data_dir=self.settings.database_path.parent,
            ),
            flows={**handlers.FLOWS, **staff.FLOWS},
            commands=handlers.COMMANDS,
            menu=handlers.menu,
            fallback=handlers.fallback,
            arrival=handlers.arrival,
            offers=handlers.offers,
            hidden_commands=staff.STAFF_COMMANDS,
            staff_commands=staff.STAFF_HANDLERS,
            roles=Roles.from_ids(
                staff_telegram_ids=self.settings.staff_telegram_ids,
                coordinator_telegram_ids=self.settings.coordinator_telegram_ids,
                staff_whatsapp_numbers=self.settings.staff_whatsapp_numbers,
            ),
            shortcuts=handlers.SHORTCUTS,
            keyword_channels=frozenset({"whatsapp"}),
            phone_channels=frozenset({"whatsapp"}),
        )
        # Members' questions in the staff Telegram group: posted by a job, a reply answers.
        self.staff_group = StaffGroup(
            self.store,
            self._content,
            self.clock,
            self.channels,
            self.settings.staff_telegram_chat_id,
            self.engine.roles,
        )
        if self.settings.telegram_bot_token is not None:
            self.telegram = TelegramChannel(
                self.settings.telegram_bot_token.get_secret_value(),
                self.engine.handle,
                self.clock,
                base_url=self.settings.telegram_api_base_url,
                request=self.telegram_request or AiohttpRequest(),
                # Long polling on the same light transport: one connection is enough.
                updates_request=self.telegram_updates_request or AiohttpRequest(connections=1),
                webhook=self.settings.telegram_webhook,
                webhook_url=self._public_url("/telegram/webhook"),
                webhook_secret=self.settings.telegram_webhook_secret.get_secret_value()
                if self.settings.telegram_webhook_secret
                else None,
                commands=self.command_menus(),
                staff_chat=self.settings.staff_telegram_chat_id,
                on_staff_reply=self.staff_group.on_reply,
            )
            self.channels.setdefault("telegram", self.telegram)
            supervisor = self._supervise("telegram", self.telegram.start, self.telegram.ping)
            self.telegram.on_lost = supervisor.lost
        if self.settings.whatsapp_enabled:
            self._open_whatsapp()
        settings = self.settings
        self._planner = Planner(
            self.store,
            self._content,
            self.clock,
            timezone=settings.timezone,
            grace=timedelta(hours=settings.missed_grace_hours),
            links=self.links,
        )
        self._sender = Sender(
            self.store,
            # A channel known down is left out, so its messages wait instead of failing.
            Serving(self.channels, self.supervisors),
            self.clock,
            limits={
                "telegram": RateLimiter(
                    settings.telegram_rate,
                    per_chat=settings.telegram_chat_interval,
                    monotonic=self.monotonic,
                    sleep=self.sleep,
                ),
                "whatsapp": RateLimiter(
                    settings.whatsapp_rate, monotonic=self.monotonic, sleep=self.sleep
                ),
            },
            lock=SendLock.of(settings.database_path),
        )
        for supervisor in self.supervisors.values():
            # Messages that waited for a channel go as soon as it is up, not minutes later.
            supervisor.on_up = self._sender.channel_up
        return self

    def _open_whatsapp(self) -> None:
        """The WhatsApp channel on Twilio's async client, and the relay that answers webhooks."""
        settings = self.settings
        assert settings.twilio_account_sid and settings.twilio_auth_token
        assert settings.twilio_whatsapp_number
        http_client = self.twilio_http_client
        if http_client is None:
            # Created here, inside the running loop (aiohttp needs one); closed in __aexit__.
            http_client = self._own_twilio_http_client = AsyncTwilioHttpClient()
        client = twilio_client(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            http_client,
            settings.twilio_api_base_url,
        )
        if settings.public_base_url:
            self.files = Files(settings.public_base_url, self.clock)
        else:
            log.warning("PUBLIC_BASE_URL is not set: WhatsApp webhooks will all be refused")
        self.whatsapp = WhatsAppChannel(
            client,
            settings.twilio_whatsapp_number,
            self.content.text,
            self.content.default_language,
            status_callback=self._public_url("/whatsapp/status"),
            files=self.files,
        )
        self.channels.setdefault("whatsapp", self.whatsapp)
        self._supervise("whatsapp", self.whatsapp.start)
        self.relay = Relay(self.store, self.whatsapp, self.engine.handle, self.clock)

    def _supervise(
        self,
        name: str,
        start: Callable[[], Awaitable[None]],
        probe: Callable[[], Awaitable[None]] | None = None,
    ) -> Supervisor:
        supervisor = self.supervisors[name] = Supervisor(
            name, start, probe=probe, sleep=self.retry_sleep, backoff=self.backoff
        )
        return supervisor

    def channel_states(self) -> dict[str, str]:
        """Each platform channel's state, for /healthz: up, starting, retrying, refused or off."""
        return {
            name: self.supervisors[name].state if name in self.supervisors else State.OFF
            for name in ("telegram", "whatsapp")
        }

    def _public_url(self, path: str) -> str | None:
        base = self.settings.public_base_url
        return base.rstrip("/") + path if base else None

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._sender is not None:
                await self._sender.close()
            if self.relay is not None:
                await self.relay.close()
            if self._own_twilio_http_client is not None:
                await self._own_twilio_http_client.close()
        finally:
            if self._warming is not None:
                await self._warming
            await self.store.close()

    @property
    def housekeeper(self) -> Housekeeper:
        """Erases profiles past their retention; run daily by the jobs."""
        return Housekeeper(self.store, self.content, self.clock)

    @property
    def introductions(self) -> Introductions:
        """Expires unanswered introductions and queues their follow-ups; run by the jobs."""
        return Introductions(self.store, self.content, self.clock, timezone=self.settings.timezone)

    @property
    def planner(self) -> Planner:
        assert self._planner is not None, "use the app inside `async with`"
        return self._planner

    @property
    def reporter(self) -> BroadcastReporter:
        """Reports the progress of broadcasts started in the chat (scheduler.progress)."""
        if self._reporter is None:
            self._reporter = BroadcastReporter(self.store, self.channels, self.content, self.clock)
        return self._reporter

    @property
    def sender(self) -> Sender:
        assert self._sender is not None, "use the app inside `async with`"
        return self._sender

    def links(self) -> Links:
        """What campaign deep links need (the bot's username is known once Telegram started;
        until then, or without Telegram here, TELEGRAM_BOT_USERNAME tells it)."""
        running = self.telegram.bot_username if self.telegram else None
        return Links(
            telegram_username=running or self.settings.telegram_bot_username,
            whatsapp_number=self.settings.twilio_whatsapp_number,
        )

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
            return {
                name: content.text(language, f"commands.{name}") for name in handlers.MENU_COMMANDS
            }

        menus = [("", menu_in(content.default_language))]
        hints = content.programme.language_hints if content.programme else {}
        for language in content.languages:
            codes = [language] if len(language) == 2 else []
            codes += sorted(code for code, target in hints.items() if target == language)
            # Telegram takes ISO 639-1 codes only (``me`` is a country hint, not a language).
            menus += [(code, menu_in(language)) for code in codes if code in two_letter_languages()]
        return menus

    def asgi(self) -> Starlette:
        """The HTTP app: the webhooks, the health check, media links and the dashboard."""
        services = web.Services(
            settings=self.settings,
            store=self.store,
            clock=self.clock,
            telegram=self.telegram,
            whatsapp=self.whatsapp,
            relay=self.relay,
            files=self.files,
            channel_states=self.channel_states,
        )
        board = dashboard.build(self.settings, self.store, self.content, self.clock)
        return web.build(services, [Mount(dashboard.PATH, app=board)])

    @asynccontextmanager
    async def sending(
        self, channels: Collection[str] = ("telegram", "whatsapp")
    ) -> AsyncIterator[None]:
        """Connects those of ``channels`` configured here for sending only (no polling), for
        ``broadcast --wait``. Raises ChannelUnavailable or ChannelRefused, the channel's name
        first, when a platform cannot be reached or refuses the credentials: nothing is tried
        then, so nothing fails."""
        checks: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        if self.telegram is not None and "telegram" in channels:
            checks.append(("telegram", self.telegram.connect))
        if self.whatsapp is not None and "whatsapp" in channels:
            checks.append(("whatsapp", self.whatsapp.start))
        try:
            for name, connect in checks:
                try:
                    await connect()
                except (ChannelUnavailable, ChannelRefused) as error:
                    raise type(error)(f"{name}: {error}") from None
            yield
        finally:
            if self.telegram is not None:
                await self.telegram.stop()

    async def serve(self, stop: asyncio.Event, terminal: TerminalChannel | None = None) -> None:
        """Serves the HTTP server (webhooks, health, dashboard), plans and sends campaigns, and
        starts each configured channel in the background — retried while its platform cannot be
        reached, without holding up the others — until ``stop`` is set (or, with a ``terminal``,
        chatting on it too, until its input ends)."""
        self.http = web.Server(self.asgi(), self.settings.http_host, self.settings.http_port)
        await self.http.start()
        self._announce(self.http.port)
        chatting: asyncio.Task[None] | None = None
        try:
            for supervisor in self.supervisors.values():
                supervisor.begin()
            if self.relay is not None:
                await self.relay.start()
            self.jobs = Jobs(
                self.planner,
                self.sender,
                self.reporter,
                self.housekeeper,
                introductions=self.introductions,
                post_questions=self.staff_group.post,
            )
            try:
                await self.jobs.start()
                if terminal is not None:
                    chatting = asyncio.create_task(terminal.run(self._banner()), name="chat")
                    chatting.add_done_callback(lambda _: stop.set())
                await stop.wait()
            finally:
                if chatting is not None:
                    chatting.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await chatting
                await self.jobs.stop()
                self.jobs = None
        finally:
            # No more webhooks first; then the rest stops.
            await self.http.stop()
            self.http = None
            for supervisor in self.supervisors.values():
                await supervisor.stop()
            if self.telegram is not None:
                await self.telegram.stop()

    def _announce(self, port: int) -> None:
        """Says where the dashboard is, and when no channel is configured, that only it serves."""
        if self.settings.dashboard_password is None:
            if not self.supervisors:
                log.warning("no channel and no dashboard configured: serving /healthz only")
            return
        where = f"http://{self.settings.http_host}:{port}{dashboard.PATH}"
        if self.supervisors:
            log.info("dashboard: %s", where)
        else:
            log.info("serving the dashboard on %s; no channel configured", where)

    async def chat(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> None:
        """Chats on the terminal until the end of input."""
        terminal = self.terminal(stdin, stdout, files_dir)
        self.jobs = Jobs(
            self.planner,
            self.sender,
            self.reporter,
            self.housekeeper,
            introductions=self.introductions,
            post_questions=self.staff_group.post,
        )
        await self.jobs.start()
        try:
            await terminal.run(self._banner())
        finally:
            await self.jobs.stop()
            self.jobs = None

    def terminal(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> TerminalChannel:
        """The terminal channel (stdin and stdout unless given), which the outbox sends on too."""
        terminal = TerminalChannel(
            self.engine.handle, self.clock, stdin=stdin, stdout=stdout, files_dir=files_dir
        )
        self.channels["terminal"] = terminal
        return terminal

    def _banner(self) -> str:
        return self.content.text(self.content.default_language, "terminal.banner")
