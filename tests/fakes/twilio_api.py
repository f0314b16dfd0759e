"""A fake Twilio REST API on 127.0.0.1, and a WhatsApp member who writes to the bot through it.

The real twilio-python client (``AsyncTwilioHttpClient``) talks to the fake over HTTP through
the API domain's base URL (``TWILIO_API_BASE_URL=fake.url``), as it would talk to
api.twilio.com. ``POST /2010-04-01/Accounts/<sid>/Messages.json`` is checked the way Twilio
checks it (Basic auth, our sender, a WhatsApp recipient, a body, media or a template — never a
body *and* a template — at most 1,600 characters), recorded, and answered with Twilio's JSON and
a new ``SM…`` SID. Failures can be injected: the next calls, one recipient for good, or a whole
outage::

    async with FakeTwilioApi() as fake:
        fake.fail(500)                                   # the next call
        fake.fail_to("whatsapp:+38267000001", 400, 63003)  # that number, every time
        fake.down = True                                 # every call: 503
        fake.delay = 2.0                                 # answers after 2 s
        [reply] = await fake.wait_for("whatsapp:+38267123456", 1)

:class:`WhatsAppMember` posts webhooks signed with ``RequestValidator.compute_signature`` to
the bot's HTTP app (an ``httpx.AsyncClient``: in-process ASGI or a real server) and waits on
the fake for the replies. uvicorn runs in the caller's event loop and leaves signals alone.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import secrets
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from tests.fakes.server import LocalServer

JSON = dict[str, Any]

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
NUMBER = "+14155238886"
PUBLIC_BASE_URL = "https://bot.example.org"
BODY_LIMIT = 1600


@dataclass(frozen=True)
class Sent:
    """A message the bot asked Twilio to send, as the fake received it."""

    sid: str
    to: str
    from_: str
    body: str | None
    content_sid: str | None
    content_variables: dict[str, str] | None
    media_urls: list[str]
    status_callback: str | None
    at: float  # time.perf_counter() when the fake received it


@dataclass(frozen=True)
class Failure:
    """An error answer: Twilio's legacy JSON, or RFC 9457 problem details with ``problem``."""

    status: int
    code: int | None = None
    message: str = "injected failure"
    problem: bool = False

    def response(self) -> JSONResponse:
        code = self.code or self.status
        if self.problem:
            body: JSON = {
                "type": f"https://www.twilio.com/docs/errors/{code}",
                "title": self.message,
                "status": self.status,
                "code": code,
                "detail": self.message,
            }
        else:
            body = {
                "code": code,
                "message": self.message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": self.status,
            }
        return JSONResponse(body, status_code=self.status)


class FakeTwilioApi:
    """Twilio's Messages resource for one account; ``async with`` serves it on a free port."""

    def __init__(
        self,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        number: str = NUMBER,
        *,
        port: int = 0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = f"whatsapp:{number}"
        self.sent: list[Sent] = []
        self.calls = 0
        self.refused = 0
        # GETs of the account (the bot's credential check at start), apart from ``calls``.
        self.account_fetches = 0
        self.down = False
        # Seconds to wait before answering (a slow Twilio, for timeouts).
        self.delay = 0.0
        self.port = port
        self._failures: list[Failure] = []
        self._failing: dict[str, Failure] = {}
        self._by_recipient: defaultdict[str, list[Sent]] = defaultdict(list)
        self._read: defaultdict[str, int] = defaultdict(int)
        self._arrived: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._sids = itertools.count(1)
        self._server: LocalServer | None = None

    @property
    def url(self) -> str:
        """What ``TWILIO_API_BASE_URL`` is set to."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeTwilioApi:
        app = Starlette(
            routes=[
                Route(
                    "/2010-04-01/Accounts/{account}/Messages.json",
                    self._create_message,
                    methods=["POST"],
                ),
                Route("/2010-04-01/Accounts/{account}.json", self._fetch_account, methods=["GET"]),
            ]
        )
        # A test is over when this stops: no grace period for requests still open.
        self._server = LocalServer(app, "fake Twilio API", abrupt=True, port=self.port)
        await self._server.start()
        self.port = self._server.port
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            await self._server.stop()

    # Failure injection.

    def fail(
        self,
        status: int,
        code: int | None = None,
        message: str = "injected failure",
        *,
        times: int = 1,
        problem: bool = False,
    ) -> None:
        """The next ``times`` calls fail with ``status`` (and Twilio error ``code``)."""
        self._failures += [Failure(status, code, message, problem)] * times

    def fail_to(self, to: str, status: int, code: int, message: str = "injected failure") -> None:
        """Every message to ``to`` fails from now on."""
        self._failing[to] = Failure(status, code, message)

    # What tests read.

    def messages(self, to: str) -> list[Sent]:
        """Everything sent to ``to`` so far."""
        return list(self._by_recipient[to])

    async def wait_for(
        self,
        to: str,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is this helper's contract
    ) -> list[Sent]:
        """Waits for the next ``count`` messages to ``to`` not returned before."""
        deadline = time.monotonic() + timeout
        while len(self._by_recipient[to]) - self._read[to] < count:
            event = self._arrived[to]
            event.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = len(self._by_recipient[to]) - self._read[to]
                raise TimeoutError(f"{to}: {got} of {count} messages after {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        start = self._read[to]
        self._read[to] = start + count
        return self._by_recipient[to][start : start + count]

    def unread(self, to: str) -> list[Sent]:
        """Messages to ``to`` that :meth:`wait_for` has not returned yet."""
        return self._by_recipient[to][self._read[to] :]

    # The endpoint.

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("authorization", "") == f"Basic {expected}"

    async def _fetch_account(self, request: Request) -> JSONResponse:
        """The Account resource, as Twilio answers an authenticated GET of it."""
        self.account_fetches += 1
        if not self._authorised(request) or request.path_params["account"] != self.account_sid:
            return Failure(401, 20003, "Authenticate").response()
        if self.down:
            return Failure(503, 20500, "Service Unavailable").response()
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return JSONResponse(
            {
                "sid": self.account_sid,
                "friendly_name": "Diaspora Connect",
                "status": "active",
                "type": "Full",
                "date_created": now,
                "date_updated": now,
                "uri": f"/2010-04-01/Accounts/{self.account_sid}.json",
            }
        )

    async def _create_message(self, request: Request) -> JSONResponse:
        at = time.perf_counter()
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self._authorised(request) or request.path_params["account"] != self.account_sid:
            self.refused += 1
            return Failure(401, 20003, "Authenticate").response()
        if self.down:
            self.refused += 1
            return Failure(503, 20500, "Service Unavailable").response()
        if self._failures:
            self.refused += 1
            return self._failures.pop(0).response()
        pairs = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True)
        form: dict[str, str] = {}
        media: list[str] = []
        for name, value in pairs:
            if name == "MediaUrl":
                media.append(value)
            else:
                form[name] = value
        problem = self._check(form, media)
        if problem is not None:
            self.refused += 1
            return problem.response()
        to = form["To"]
        failing = self._failing.get(to)
        if failing is not None:
            self.refused += 1
            return failing.response()
        variables = json.loads(form["ContentVariables"]) if "ContentVariables" in form else None
        sent = Sent(
            sid=f"SM{next(self._sids):08x}{secrets.token_hex(12)}",
            to=to,
            from_=form["From"],
            body=form.get("Body"),
            content_sid=form.get("ContentSid"),
            content_variables=variables,
            media_urls=media,
            status_callback=form.get("StatusCallback"),
            at=at,
        )
        self.sent.append(sent)
        self._by_recipient[to].append(sent)
        self._arrived[to].set()
        return JSONResponse(self._resource(sent), status_code=201)

    def _check(self, form: Mapping[str, str], media: list[str]) -> Failure | None:
        """What Twilio would refuse about a request, if anything."""
        to, sender = form.get("To", ""), form.get("From", "")
        if not to.startswith("whatsapp:+"):
            return Failure(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if sender != self.sender:
            return Failure(400, 63007, "Twilio could not find a Channel with the From address")
        body, content_sid = form.get("Body"), form.get("ContentSid")
        if not body and not content_sid and not media:
            return Failure(400, 21619, "A text message body or media urls must be specified.")
        if body and content_sid:
            return Failure(400, 21619, "Send either a Body or a ContentSid, not both.")
        if body and len(body) > BODY_LIMIT:
            return Failure(400, 21617, "The concatenated message body exceeds the 1600 limit.")
        if "ContentVariables" in form:
            try:
                variables = json.loads(form["ContentVariables"])
            except ValueError:
                variables = None
            if not isinstance(variables, dict):
                return Failure(400, 21656, "The ContentVariables Parameter is invalid.")
        return None

    def _resource(self, sent: Sent) -> JSON:
        """The Message resource Twilio answers a create with."""
        now = format_datetime(datetime.now(UTC), usegmt=True)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sent.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": sent.body or "",
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sent.from_,
            "messaging_service_sid": None,
            "num_media": str(len(sent.media_urls)),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sent.sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": sent.to,
            "uri": f"{uri}.json",
        }


def sign(url: str, fields: Mapping[str, str], auth_token: str = AUTH_TOKEN) -> str:
    """The ``X-Twilio-Signature`` Twilio would send with ``fields`` posted to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(fields)))


_message_ids = itertools.count(1)


def message_sid() -> str:
    """A new inbound MessageSid."""
    return f"SM{next(_message_ids):08x}{secrets.token_hex(12)}"


@dataclass
class WhatsAppMember:
    """A WhatsApp user writing to the bot: signed webhooks in, replies read off the fake.

    Each action posts one webhook and waits for ``replies`` messages on the fake;
    ``reply_times`` keeps, per action, the seconds from posting to the fake receiving the last.
    """

    fake: FakeTwilioApi
    http: httpx.AsyncClient
    phone: str
    profile_name: str = "Ana"
    auth_token: str = AUTH_TOKEN
    public_base_url: str = PUBLIC_BASE_URL
    timeout: float = 5.0
    reply_times: list[float] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"whatsapp:{self.phone}"

    def fields(self, **values: str) -> dict[str, str]:
        """A webhook's fields as Twilio posts them for a WhatsApp message."""
        sid = message_sid()
        fields = {
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ProfileName": self.profile_name,
            "MessageType": "text",
            "SmsSid": sid,
            "WaId": self.phone.lstrip("+"),
            "SmsStatus": "received",
            "Body": "",
            "To": self.fake.sender,
            "NumSegments": "1",
            "ReferralNumMedia": "0",
            "MessageSid": sid,
            "AccountSid": self.fake.account_sid,
            "From": self.address,
            "ApiVersion": "2010-04-01",
        }
        fields.update(values)
        return fields

    async def post(
        self,
        fields: Mapping[str, str],
        path: str = "/whatsapp/inbound",
        signature: str | None = None,
    ) -> httpx.Response:
        """Posts a webhook signed for the public URL (or with the given ``signature``)."""
        url = self.public_base_url + path
        headers = {"X-Twilio-Signature": sign(url, fields, self.auth_token)}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return await self.http.post(path, data=dict(fields), headers=headers)

    async def send(self, text: str, replies: int = 1) -> list[Sent]:
        """Types ``text``."""
        return await self._exchange(self.fields(Body=text), replies)

    async def press(self, payload: str, text: str = "", replies: int = 1) -> list[Sent]:
        """Taps a quick-reply button of a template."""
        fields = self.fields(
            Body=text or payload, ButtonText=text or payload, ButtonPayload=payload
        )
        fields["MessageType"] = "button"
        return await self._exchange(fields, replies)

    async def send_media(
        self, content_type: str = "image/jpeg", caption: str = "", replies: int = 1
    ) -> list[Sent]:
        """Sends a photo (or, with ``text/vcard``, a contact card)."""
        fields = self.fields(
            Body=caption,
            NumMedia="1",
            MediaContentType0=content_type,
            MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/{self.fake.account_sid}"
            f"/Messages/{message_sid()}/Media/ME{secrets.token_hex(16)}",
            MessageType="image" if content_type.startswith("image/") else "document",
        )
        return await self._exchange(fields, replies)

    async def send_location(
        self, latitude: float, longitude: float, replies: int = 1
    ) -> list[Sent]:
        """Shares a location."""
        fields = self.fields(
            Latitude=str(latitude), Longitude=str(longitude), MessageType="location"
        )
        return await self._exchange(fields, replies)

    async def _exchange(self, fields: Mapping[str, str], replies: int) -> list[Sent]:
        started = time.perf_counter()
        response = await self.post(fields)
        assert 200 == response.status_code, response.text
        sent = await self.fake.wait_for(self.address, replies, self.timeout)
        self.reply_times.append(sent[-1].at - started)
        return sent
