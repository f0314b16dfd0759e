"""Who may see the dashboard: the password, the limit on sign-in attempts, the signed session
and the CSRF token every form carries.

:class:`Guard` wraps the whole dashboard (inside the session middleware), so no page can forget
it: a request without a signed-in session goes to the sign-in page (303, an empty body) unless
it asks for the sign-in page itself or the stylesheet; every POST is read first, and refused
with 403 unless its ``csrf`` field matches the session's token; and every answer carries
headers that keep it out of caches and frames and forbid anything from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf"
# Forms here are a few fields and a note; anything far bigger is not ours.
MAX_FORM = 64 * 1024
# Pages anyone may ask for (relative to the dashboard's mount point).
PUBLIC = ("/signin", "/static/")
SECURITY_HEADERS = {
    # Our own stylesheet and nothing else: no scripts at all, no assets from the internet.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:;"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Attempts:
    """Failed sign-ins per client address: after ``limit`` within ``window`` seconds, that
    address must wait until the oldest of them is ``window`` old."""

    def __init__(
        self,
        monotonic: Callable[[], float],
        *,
        limit: int = 5,
        window: float = 15 * 60.0,
        max_clients: int = 10_000,
    ) -> None:
        self.monotonic = monotonic
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        failures = self._recent(client)
        if len(failures) < self.limit:
            return 0.0
        return max(0.0, failures[0] + self.window - self.monotonic())

    def failed(self, client: str) -> None:
        if client not in self._failures and len(self._failures) >= self.max_clients:
            # Forget addresses whose failures are all old; a flood of new ones cannot grow
            # the table past its bound (the oldest entry goes).
            for known in list(self._failures):
                self._recent(known)
            if len(self._failures) >= self.max_clients:
                del self._failures[next(iter(self._failures))]
        self._failures.setdefault(client, deque()).append(self.monotonic())

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)

    def __len__(self) -> int:
        """How many addresses have failures on record."""
        return len(self._failures)

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client, deque())
        horizon = self.monotonic() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            self._failures.pop(client, None)
        return failures


class Keys:
    """The password and what the session holds to prove a sign-in with it."""

    def __init__(self, password: str, secret_key: str) -> None:
        self._digest = hashlib.sha256(password.encode()).digest()
        # A session proves it was signed in with *this* password: changing DASHBOARD_PASSWORD
        # ends every session at once, and the cookie never carries the password itself.
        self.proof = hmac.new(secret_key.encode(), password.encode(), hashlib.sha256).hexdigest()

    def matches(self, given: str) -> bool:
        """Whether ``given`` is the password, in constant time (digests of equal length, so
        not even the password's length shows in the timing)."""
        return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), self._digest)

    def signed_in(self, session: MutableMapping[str, Any]) -> bool:
        proof = session.get("proof")
        return isinstance(proof, str) and hmac.compare_digest(proof, self.proof)

    def sign_in(self, session: MutableMapping[str, Any]) -> None:
        """Starts a fresh session (a new CSRF token too)."""
        session.clear()
        session["proof"] = self.proof
        session["csrf"] = secrets.token_urlsafe(32)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def parse_form(body: bytes) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the last of a repeated name wins)."""
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


class Guard:
    """Sign-in, CSRF and security headers for every dashboard request (see the module)."""

    def __init__(self, app: ASGIApp, keys: Keys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = scope.get("root_path", "")
        path = scope["path"].removeprefix(root) or "/"
        session = scope["session"]
        send = _with_headers(send, no_store=not path.startswith("/static/"))
        if not path.startswith(PUBLIC) and not self.keys.signed_in(session):
            target = root + "/signin"
            if scope["method"] == "GET" and path != "/":
                query = scope.get("query_string", b"").decode("latin-1")
                target += "?next=" + quote(root + path + (f"?{query}" if query else ""), safe="")
            await RedirectResponse(target, status_code=303)(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            refused = await _checked_body(scope, receive, session)
            if isinstance(refused, Response):
                await refused(scope, receive, send)
                return
            receive = _replay(refused, receive)
        await self.app(scope, receive, send)


async def _checked_body(
    scope: Scope, receive: Receive, session: MutableMapping[str, Any]
) -> bytes | Response:
    """The request's whole body when it is a form carrying the session's CSRF token; else the
    answer that refuses it."""
    headers = Headers(scope=scope)
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        return PlainTextResponse("Expected a form.", status_code=415)
    chunks = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return PlainTextResponse("", status_code=400)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM:
            return PlainTextResponse("The form is too large.", status_code=413)
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    expected = session.get("csrf")
    given = parse_form(body).get(CSRF_FIELD, "")
    if not (isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())):
        return PlainTextResponse(
            "This form has expired or did not come from the dashboard. Go back, reload the "
            "page and try again.",
            status_code=403,
        )
    return body


def _replay(body: bytes, receive_more: Receive) -> Receive:
    """A receive that hands the already-read body to the app, then waits as before."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await receive_more()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_headers(send: Send, *, no_store: bool) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
            if no_store:
                headers["Cache-Control"] = "no-store"
        await send(message)

    return sending


def client_of(connection: HTTPConnection) -> str:
    """The client's address (uvicorn puts the real one here behind a trusted proxy)."""
    return connection.client.host if connection.client else "unknown"
