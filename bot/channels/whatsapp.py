"""The WhatsApp channel, through Twilio: webhook fields in, neutral replies out.

A webhook's form fields become an :class:`Inbound`: ``Body`` is text; a quick-reply or list
``ButtonPayload``/``ListId`` is a command when it starts with ``/`` and otherwise read as if
typed (a number or a label of the options last offered); media — a shared contact arrives as a
vCard — and locations are what they are, and the engine answers them kindly.

A :class:`Reply` becomes one or more ``messages.create`` calls (:class:`Part`): the options as
a numbered list with a line, in the member's language, on how to answer; bodies over 1,600
characters split at paragraphs; an approved template as ``content_sid`` + ``content_variables``
and no body; a file by a short-lived link (:mod:`bot.media`). Twilio's errors become the
project's own here.

:meth:`WhatsAppChannel.start` asks Twilio for the account once (one authenticated ``GET`` of
``/Accounts/<sid>.json``, the cheapest call that proves the credentials): a refusal is said at
start, in one line naming the settings, rather than in every member's failed reply later.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any, Protocol

import aiohttp
from twilio.base.domain import Domain
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.base.version import Version
from twilio.http import AsyncHttpClient
from twilio.rest import Client

from bot.errors import (
    ChannelRefused,
    ChannelUnavailable,
    DeliveryError,
    NeedsTemplate,
    PermanentDeliveryError,
    RateLimited,
    TemporaryDeliveryError,
    Unreachable,
)
from bot.logs import redact
from bot.media import Files
from bot.messages import Inbound, Kind, Reply
from bot.text import split_message

log = logging.getLogger(__name__)

PREFIX = "whatsapp:"
MESSAGE_LIMIT = 1600
TIMEOUT = 15.0
_ADDRESS = re.compile(r"^whatsapp:\+[1-9]\d{6,14}$")

# Twilio error codes (https://www.twilio.com/docs/api/errors) that mean the number cannot be
# reached: invalid 'To' number, not a mobile number, unsubscribed, not on WhatsApp, invalid
# recipient.
UNREACHABLE_CODES = frozenset({21211, 21214, 21610, 21614, 63003, 63024})
OUTSIDE_WINDOW = 63016
# Too many requests, the channel's rate limit, the account's daily limit.
RATE_CODES = frozenset({20429, 63018, 63038})
RETRY_AFTER = 1.0
# Types WhatsApp shows as an attachment; any other file goes by link in the text.
MEDIA_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


class Texts(Protocol):
    """Looks up a locale text (``Content.text``)."""

    def __call__(self, language: str, key: str, /, **values: Any) -> str: ...


@dataclass(frozen=True)
class Part:
    """One ``messages.create`` call: a body, a media URL, or a template."""

    body: str = ""
    media_url: str = ""
    content_sid: str = ""
    content_variables: str = ""

    def as_dict(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value}

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Part:
        return cls(**{name: str(data[name]) for name in cls.__dataclass_fields__ if name in data})


@dataclass(frozen=True)
class Delivery:
    """A status callback, translated: which message, how far it got, and what went wrong."""

    provider_id: str
    status: str
    error: str | None = None
    unreachable: str | None = None  # the address to mark unreachable


def address_of(fields: Mapping[str, str]) -> str | None:
    """The member's address (``whatsapp:+E164``) of a webhook, or None when it is not WhatsApp."""
    sender = fields.get("From", "").strip()
    return sender if _ADDRESS.match(sender) else None


def to_inbound(fields: Mapping[str, str], received_at: datetime) -> Inbound | None:
    """Translates a webhook's fields into the neutral inbound message (None if not WhatsApp)."""
    address = address_of(fields)
    if address is None:
        return None
    common: dict[str, Any] = {
        "address": address,
        "received_at": received_at,
        "provider_id": fields.get("MessageSid") or fields.get("SmsMessageSid") or None,
        "display_name": fields.get("ProfileName") or None,
    }
    payload = (fields.get("ButtonPayload") or fields.get("ListId") or "").strip()
    if payload.startswith("/"):
        return Inbound(kind=Kind.CHOICE, choice=payload, **common)
    if payload:
        return Inbound(kind=Kind.TEXT, text=payload, **common)
    if _count(fields.get("NumMedia")) > 0:
        return Inbound(kind=Kind.MEDIA, text=fields.get("Body", ""), **common)
    if fields.get("Latitude") and fields.get("Longitude"):
        return Inbound(kind=Kind.LOCATION, **common)
    return Inbound(kind=Kind.TEXT, text=fields.get("Body", ""), **common)


def _count(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def delivery_of(fields: Mapping[str, str]) -> Delivery | None:
    """Translates a status callback (None when it names no message or status)."""
    sid = fields.get("MessageSid") or fields.get("SmsSid") or ""
    status = (fields.get("MessageStatus") or fields.get("SmsStatus") or "").lower()
    if not sid or not status:
        return None
    code = _count(fields.get("ErrorCode"))
    error = None
    if code:
        # Twilio's texts may name the number they refused: the row and the log keep them without.
        message = redact(fields.get("ErrorMessage") or "")
        error = f"twilio {code}" + (f": {message}" if message else "")
    to = fields.get("To", "")
    failed = status in ("failed", "undelivered")
    unreachable = to if failed and code in UNREACHABLE_CODES and _ADDRESS.match(to) else None
    return Delivery(sid, status, error, unreachable)


def translate(error: Exception) -> DeliveryError:
    """Turns a Twilio (or transport) error into the project's own."""
    if isinstance(error, TwilioRestException | TwilioServiceException):
        code = int(error.code or 0)
        status = int(error.status or 0)
        if isinstance(error, TwilioRestException):
            detail = error.msg
        else:
            detail = error.detail or error.title
        # The text names the number it refused ("The 'To' number whatsapp:+382…"): the error
        # is kept on the outbox row and logged, so the number and any address are left out.
        message = f"twilio {code or status}: {redact(str(detail))}"
        if code in UNREACHABLE_CODES:
            return Unreachable(message)
        if code == OUTSIDE_WINDOW:
            return NeedsTemplate(message)
        if status == 429 or code in RATE_CODES:
            return RateLimited(RETRY_AFTER, message)
        if status >= 500 or status == 0:
            return TemporaryDeliveryError(message)
        return PermanentDeliveryError(message)
    if isinstance(error, TimeoutError):
        return TemporaryDeliveryError("twilio: timed out")
    return TemporaryDeliveryError(f"twilio: {type(error).__name__}: {redact(str(error))}")


def _status(code: int) -> str:
    """``401 Unauthorized``, or the bare number when HTTP has no name for it."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def start_error(error: Exception, base_url: str) -> ChannelRefused | ChannelUnavailable:
    """Why the account check failed: the credentials refused (401, 403, or 404 for an account
    they do not reach), or Twilio out of reach for now."""
    status = getattr(error, "status", None)
    if isinstance(error, TwilioRestException | TwilioServiceException) and status:
        answer = _status(int(status))
        if status in (401, 403, 404):
            return ChannelRefused(
                f"Twilio refused TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN ({answer}); WhatsApp "
                "cannot send until they are fixed"
            )
        reason = f"answered {answer}"
    elif isinstance(error, TimeoutError):
        reason = "timed out"
    else:
        reason = f"{type(error).__name__}: {redact(str(error))}"
    return ChannelUnavailable(f"cannot reach Twilio at {base_url} ({reason})")


class TwilioApi:
    """The two calls the channel makes on Twilio's REST API (2010-04-01) — send a message, fetch
    the account — through twilio-python's own client and its request, authentication and error
    handling (:class:`twilio.base.version.Version`). The library's generated resources are left
    alone: ``client.messages`` imports every resource of the 2010 API, 7 MB for one call."""

    PUBLIC = "https://api.twilio.com"

    def __init__(self, client: Client, base_url: str | None = None) -> None:
        self.client = client
        self.base_url = (base_url or self.PUBLIC).rstrip("/")
        self.version = Version(Domain(client, self.base_url), "2010-04-01")

    @property
    def account_sid(self) -> str:
        return str(self.client.account_sid)

    async def create_message(self, fields: Mapping[str, object]) -> str:
        """POSTs a message (fields as Twilio names them: To, From, Body…); its SID."""
        created = await self.version.create_async(
            method="POST",
            uri=f"/Accounts/{self.account_sid}/Messages.json",
            data=dict(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        return str(created["sid"])

    async def fetch_account(self) -> None:
        """GETs the account: proves the credentials (or raises Twilio's error)."""
        await self.version.fetch_async(
            method="GET",
            uri=f"/Accounts/{self.account_sid}.json",
            headers={"Accept": "application/json"},
        )


def twilio_client(
    account_sid: str, auth_token: str, http_client: AsyncHttpClient, base_url: str | None = None
) -> TwilioApi:
    """Twilio's REST API on ``http_client``, at ``base_url`` if given (a local server)."""
    client = Client(account_sid, auth_token, http_client=http_client)
    # Settings are read once, by Settings: no edge or region from the environment, which
    # would also rewrite a local base URL's host.
    client.edge = None
    client.region = None
    return TwilioApi(client, base_url)


class WhatsAppChannel:
    """Sends on one WhatsApp sender through Twilio's REST API (the async client)."""

    name = "whatsapp"

    def __init__(
        self,
        client: TwilioApi,
        sender: str,
        texts: Texts,
        default_language: str,
        *,
        status_callback: str | None = None,
        files: Files | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.client = client
        self.sender = sender if sender.startswith(PREFIX) else PREFIX + sender
        self.texts = texts
        self.default_language = default_language
        self.status_callback = status_callback
        self.files = files
        self.timeout = timeout

    def render(self, reply: Reply) -> list[Part]:
        """The REST calls a reply takes, in order."""
        if reply.template is not None:
            variables = json.dumps(reply.template.variables, ensure_ascii=False)
            return [Part(content_sid=reply.template.content_sid, content_variables=variables)]
        language = reply.language or self.default_language
        paragraphs = [reply.text] if reply.text else []
        if reply.options:
            paragraphs.append(
                "\n".join(
                    f"{number}. {option.label}"
                    for number, option in enumerate(reply.options, start=1)
                )
            )
            # A question with only back/cancel on offer waits for typed text: no hint then.
            if any(not option.id.startswith("~") for option in reply.options):
                key = "engine.choose_several" if reply.multi else "engine.choose_by_number"
                paragraphs.append(f"_{self.texts(language, key)}_")
        media = ""
        if reply.file is not None:
            if self.files is None:
                paragraphs.append(self.texts(language, "whatsapp.file_unavailable"))
            elif reply.file.mime_type in MEDIA_TYPES:
                media = self.files.offer(reply.file)
            else:
                paragraphs.append(
                    self.texts(
                        language,
                        "whatsapp.file_link",
                        filename=reply.file.filename,
                        url=self.files.offer(reply.file),
                        minutes=self.files.minutes,
                    )
                )
        text = "\n\n".join(paragraphs)
        parts = [Part(body=body) for body in split_message(text, MESSAGE_LIMIT) if body]
        if media:
            parts.append(Part(media_url=media))
        return parts

    async def start(self) -> None:
        """Checks that Twilio answers and accepts the account's credentials; raises
        ChannelRefused or ChannelUnavailable."""
        try:
            async with asyncio.timeout(self.timeout):
                await self.client.fetch_account()
        except (TwilioException, aiohttp.ClientError, TimeoutError) as error:
            raise start_error(error, self.client.base_url) from error
        log.info("whatsapp: serving %s", self.sender)

    async def deliver(self, address: str, part: Part) -> str:
        """Makes one REST call; returns Twilio's message SID or raises a delivery error."""
        fields: dict[str, Any] = {"To": address, "From": self.sender}
        if part.content_sid:
            fields["ContentSid"] = part.content_sid
            fields["ContentVariables"] = part.content_variables or "{}"
        else:
            if part.body:
                fields["Body"] = part.body
            if part.media_url:
                fields["MediaUrl"] = [part.media_url]
        if self.status_callback:
            fields["StatusCallback"] = self.status_callback
        try:
            # AsyncTwilioHttpClient applies no timeout of its own (twilio/twilio-python#925).
            async with asyncio.timeout(self.timeout):
                return await self.client.create_message(fields)
        except (TwilioException, aiohttp.ClientError, TimeoutError) as error:
            raise translate(error) from error

    async def send(self, address: str, reply: Reply) -> str:
        """Sends a message that is not a direct reply; returns the last part's SID."""
        sid = ""
        for part in self.render(reply):
            sid = await self.deliver(address, part)
        if not sid:
            raise PermanentDeliveryError("whatsapp: nothing to send")
        return sid
