"""The HTTP side: one Starlette app over the services the wiring hands it (:class:`Services`),
served by uvicorn in the bot's own event loop.

| route | does |
|---|---|
| ``POST /whatsapp/inbound`` | a member's WhatsApp message (signed): stored, answered later |
| ``POST /whatsapp/status`` | a delivery status (signed): the outbox row moves on, never back |
| ``POST /telegram/webhook`` | a Telegram update in webhook mode, with the secret header |
| ``GET /healthz`` | whether the store answers, each channel's state, replies waiting |
| ``GET /media/<token>`` | a file offered to a WhatsApp member by link, for a short while |
| ``/dashboard`` | the coordinators' dashboard (:mod:`staff.dashboard`); 404 without a password |

Every body is read with a hard cap before any handler sees it (:mod:`bot.body_limit`): 64 KiB,
1 MiB for Telegram's updates; past it, 413 at once. A Telegram body that is not an update
gets 400: Telegram itself never sends one, and it will never become one.

Twilio signs the URL it called — ``PUBLIC_BASE_URL`` + path + query, not whatever a reverse
proxy passed on — with the auth token; a request without a valid signature gets 403 and leaves
no trace, and with no auth token (or no public URL) every Twilio request is refused. Other
routes (the dashboard) join through :func:`build`'s ``routes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import json
import logging
import socket
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse

from bot.body_limit import BodyLimit
from bot.channels.telegram import TelegramChannel
from bot.channels.whatsapp import WhatsAppChannel, delivery_of
from bot.clock import Clock
from bot.errors import PortUnavailable, StoreError
from bot.media import PATH as MEDIA_PATH
from bot.media import Files
from bot.relay import Relay
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Twilio's webhooks and the dashboard's forms are a few kilobytes; anything far bigger is not
# theirs.
MAX_FORM = 64 * 1024
# A Telegram update is a few kilobytes too (a message of 4,096 characters, entities and all).
MAX_UPDATE = 1024 * 1024


class _Params(dict[str, list[str]]):
    """Form fields as RequestValidator reads them (``getall``), repeated names kept."""

    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        for name, value in fields:
            self.setdefault(name, []).append(value)

    def getall(self, name: str) -> list[str]:
        return self[name]


class TwilioSignature:
    """Checks ``X-Twilio-Signature`` against the public URL Twilio called.

    Signed with the auth token (HMAC-SHA1), or — when the request names a Webhook Setting in
    ``X-Twilio-Webhooks-Signature-Settings`` — with that setting's shared key and algorithm.
    """

    def __init__(
        self, auth_token: str | None, public_base_url: str | None, shared_key: str | None = None
    ) -> None:
        self.auth_token = auth_token
        self.public_base_url = (public_base_url or "").rstrip("/")
        self.shared_key = shared_key

    def url(self, request: Request) -> str:
        """The URL Twilio signed: the public base, the path as sent, the query as sent."""
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else request.url.path
        query = request.scope.get("query_string", b"").decode("latin-1")
        return self.public_base_url + path + (f"?{query}" if query else "")

    def valid(self, request: Request, fields: Sequence[tuple[str, str]]) -> bool:
        if not self.auth_token or not self.public_base_url:
            return False
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return False
        settings = request.headers.get(SIGNATURE_SETTINGS_HEADER)
        if settings:
            if not self.shared_key:
                log.warning("twilio: a webhook signed with a shared key, but none is configured")
                return False
            secret, algorithm = self.shared_key, get_signature_algorithm(settings)
        else:
            secret, algorithm = self.auth_token, None
        validator = RequestValidator(secret)
        return bool(validator.validate(self.url(request), _Params(fields), signature, algorithm))


@dataclass(frozen=True)
class Services:
    """What the routes work with, handed over by the wiring (:mod:`bot.app`)."""

    settings: Settings
    store: Store
    clock: Clock
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    relay: Relay | None = None
    files: Files | None = None
    # Each platform channel's state by name: up, starting, retrying, refused or off.
    channel_states: Callable[[], Mapping[str, str]] | None = None


class Routes:
    """The request handlers, over the running service's store, channels and relay."""

    def __init__(self, app: Services) -> None:
        self.app = app
        settings = app.settings
        self.signature = TwilioSignature(
            settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None,
            settings.public_base_url,
            settings.twilio_webhook_shared_key.get_secret_value()
            if settings.twilio_webhook_shared_key
            else None,
        )

    async def _signed_form(self, request: Request) -> list[tuple[str, str]] | None:
        """The form fields of a request Twilio signed, or None (the body is capped already)."""
        body = await request.body()
        try:
            fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            return None
        if not self.signature.valid(request, fields):
            return None
        return fields

    async def whatsapp_inbound(self, request: Request) -> Response:
        """Stores a member's message and answers Twilio at once; replies go by REST later."""
        fields = await self._signed_form(request)
        relay = self.app.relay
        if fields is None or relay is None:
            log.warning("whatsapp: refused an inbound webhook without a valid signature")
            return Response(status_code=403)
        try:
            await relay.receive(dict(fields))
        except (StoreError, sqlite3.Error):
            log.exception("whatsapp: could not store an inbound message")
            # Not 200: Twilio may try again, and the message is not silently dropped.
            return Response(status_code=503)
        return Response(str(MessagingResponse()), media_type="text/xml")

    async def whatsapp_status(self, request: Request) -> Response:
        """Records how far a sent message got; an unreachable number is marked so."""
        fields = await self._signed_form(request)
        if fields is None or self.app.whatsapp is None:
            log.warning("whatsapp: refused a status callback without a valid signature")
            return Response(status_code=403)
        delivery = delivery_of(dict(fields))
        if delivery is not None:
            now = self.app.clock.now()
            store = self.app.store
            await store.outbox.record_delivery(
                delivery.provider_id, delivery.status, delivery.error, now
            )
            if delivery.unreachable is not None:
                await store.recipients.mark_unreachable(delivery.unreachable, now)
        return Response(status_code=200)

    async def telegram_webhook(self, request: Request) -> Response:
        """Feeds a Telegram update to the bot, if it carries the webhook's secret."""
        telegram = self.app.telegram
        if telegram is None or not self.app.settings.telegram_webhook:
            return Response(status_code=404)
        secret = self.app.settings.telegram_webhook_secret
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if secret is None or not hmac.compare_digest(
            given.encode(), secret.get_secret_value().encode()
        ):
            log.warning("telegram: refused a webhook call without the secret")
            return Response(status_code=403)
        try:
            payload = json.loads(await request.body())
        except (ValueError, RecursionError):
            payload = None
        if not isinstance(payload, dict):
            log.warning("telegram: refused a webhook call whose body is not a JSON object")
            return Response(status_code=400)
        try:
            await telegram.process(payload)
        except ValueError as error:
            log.warning("telegram: refused a webhook call that is not an update: %s", error)
            return Response(status_code=400)
        return Response(status_code=200)

    async def health(self, request: Request) -> Response:
        """Whether the store answers, where each channel is (up, starting, retrying while its
        platform cannot be reached, refused, off), and replies still waiting."""
        store = self.app.store
        try:
            await store.db.fetchone("SELECT 1")
            waiting = await store.inbox.waiting()
            reachable = True
        except (StoreError, sqlite3.Error, ValueError):
            waiting, reachable = 0, False
        body = {
            "status": "ok" if reachable else "unavailable",
            "store": reachable,
            "channels": dict(self.app.channel_states()) if self.app.channel_states else {},
            "whatsapp_waiting": waiting,
        }
        return JSONResponse(body, status_code=200 if reachable else 503)

    async def media(self, request: Request) -> Response:
        """A file offered by link, while its token lasts."""
        files = self.app.files
        attachment = files.get(request.path_params["token"]) if files is not None else None
        if attachment is None:
            return Response(status_code=404)
        filename = "".join(c for c in attachment.filename if c.isalnum() or c in "._-") or "file"
        return Response(
            attachment.content,
            media_type=attachment.mime_type,
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )


def build(services: Services, routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The Starlette app over ``services``, with any extra routes (the dashboard)."""
    handlers = Routes(services)
    return Starlette(
        routes=[
            Route("/whatsapp/inbound", handlers.whatsapp_inbound, methods=["POST"]),
            Route("/whatsapp/status", handlers.whatsapp_status, methods=["POST"]),
            Route("/telegram/webhook", handlers.telegram_webhook, methods=["POST"]),
            Route("/healthz", handlers.health, methods=["GET"]),
            Route(MEDIA_PATH + "{token}", handlers.media, methods=["GET"]),
            *routes,
        ],
        middleware=[
            Middleware(BodyLimit, default=MAX_FORM, limits={"/telegram/webhook": MAX_UPDATE})
        ],
    )


class _Uvicorn(uvicorn.Server):
    """uvicorn that leaves signal handling to the CLI (it runs inside the bot's loop)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Server:
    """Serves an ASGI app with uvicorn in the running event loop until :meth:`stop`."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            log_config=None,
            # Access lines would carry media tokens; requests are logged where they matter.
            access_log=False,
            server_header=False,
            # X-Forwarded-For is read by the dashboard alone, from TRUSTED_PROXIES only
            # (staff.dashboard.proxies): uvicorn's own reading would believe any local peer, and
            # its FORWARDED_ALLOW_IPS environment variable would trust hosts nobody set here.
            proxy_headers=False,
            timeout_graceful_shutdown=5,
        )
        self._server = _Uvicorn(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def started(self) -> bool:
        return bool(self._server.started)

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Binds the address, then serves in the background; a port it cannot have is a
        :class:`PortUnavailable` naming the setting (uvicorn's own bind would exit the process
        from inside the event loop, skipping every clean-up)."""
        listening = self._bind()
        self._task = asyncio.get_running_loop().create_task(
            self._server.serve(sockets=[listening]), name="http"
        )
        while not self._server.started:
            if self._task.done():
                await self._task
                raise RuntimeError("the HTTP server stopped before it started")
            await asyncio.sleep(0.01)
        log.info("http: serving on port %d", self.port)

    def _bind(self) -> socket.socket:
        host, port = self._server.config.host, self._server.config.port
        try:
            family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
            return socket.create_server((host, port), family=family)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortUnavailable(
                    f"HTTP_PORT {port} on {host} is in use (another program, or the bot already"
                    " running): stop it or set HTTP_PORT to a free port"
                ) from None
            reason = error.strerror or str(error)
            raise PortUnavailable(
                f"HTTP_HOST {host} with HTTP_PORT {port} cannot be served: {reason}"
            ) from None

    async def stop(self) -> None:
        if self._task is not None:
            self._server.should_exit = True
            await self._task
            self._task = None
