"""Who may see the dashboard: the password, the session the server keeps for each sign-in, and
the CSRF token every form carries.

:class:`Guard` wraps the whole dashboard (inside the session middleware), so no page can forget
it: a request without a signed-in session goes to the sign-in page (303, an empty body) unless
it asks for the sign-in page itself or the stylesheet; every POST is read first, and refused
with 403 unless its ``csrf`` field matches the session's token; and every answer carries
headers that keep it out of caches and frames and forbid anything from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Mapping, MutableMapping
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.clock import Clock
from bot.store import Sessions
from staff.dashboard.i18n import translations

log = logging.getLogger(__name__)

CSRF_FIELD = "csrf"
# The cookie's key for the session id (the server keeps the session itself).
SESSION_ID = "session"
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


class Keys:
    """The password, and the proof a session row keeps of having been opened with it."""

    def __init__(self, password: str, secret_key: str) -> None:
        self._digest = hashlib.sha256(password.encode()).digest()
        # A keyed digest, never the password: sessions opened with another password (or key)
        # do not match it, so changing DASHBOARD_PASSWORD ends them all.
        self.proof = hmac.new(
            secret_key.encode(), b"dashboard-password\0" + password.encode(), hashlib.sha256
        ).hexdigest()

    def matches(self, given: str) -> bool:
        """Whether ``given`` is the password, in constant time (digests of equal length, so
        not even the password's length shows in the timing)."""
        return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), self._digest)


class Access:
    """Who is signed in. The cookie (signed, but readable) carries only a random session id;
    the server keeps the session, so signing out or a new password ends it for every copy of
    the cookie, and it ends after ``lifetime`` whatever the cookie says."""

    def __init__(self, keys: Keys, sessions: Sessions, clock: Clock, lifetime: timedelta) -> None:
        self.keys = keys
        self.sessions = sessions
        self.clock = clock
        self.lifetime = lifetime
        self._swept = False

    async def signed_in(self, session: MutableMapping[str, Any]) -> bool:
        """Whether the cookie's session is open (and now seen)."""
        await self._sweep()
        token = session.get(SESSION_ID)
        if not isinstance(token, str):
            return False
        return await self.sessions.active(token, self.keys.proof, self.clock.now())

    async def sign_in(self, session: MutableMapping[str, Any]) -> None:
        """Opens a fresh session (a new id and a new CSRF token), ending the one the cookie
        named before."""
        now = self.clock.now()
        previous = session.get(SESSION_ID)
        if isinstance(previous, str):
            await self.sessions.revoke(previous, now)
        token = secrets.token_urlsafe(32)
        await self.sessions.open(token, self.keys.proof, now, now + self.lifetime)
        session.clear()
        session[SESSION_ID] = token
        session["csrf"] = secrets.token_urlsafe(32)

    async def sign_out(self, session: MutableMapping[str, Any]) -> None:
        """Ends the cookie's session on the server, and forgets it in the cookie."""
        token = session.get(SESSION_ID)
        if isinstance(token, str):
            await self.sessions.revoke(token, self.clock.now())
        session.clear()

    async def _sweep(self) -> None:
        """Once a start: ends every session opened with another password, so none comes back
        if that password is ever set again."""
        if self._swept:
            return
        self._swept = True
        ended = await self.sessions.revoke_all_but(self.keys.proof, self.clock.now())
        if ended:
            log.info("dashboard: a new password or key ended %d sessions", ended)


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
    """Sign-in, CSRF and security headers for every dashboard request (see the module); its
    refusals read in the language the session keeps (``language(session)``)."""

    def __init__(
        self, app: ASGIApp, access: Access, language: Callable[[Mapping[str, Any]], str]
    ) -> None:
        self.app = app
        self.access = access
        self.language = language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = scope.get("root_path", "")
        path = scope["path"].removeprefix(root) or "/"
        session = scope["session"]
        send = _with_headers(send, no_store=not path.startswith("/static/"))
        if not path.startswith(PUBLIC) and not await self.access.signed_in(session):
            target = root + "/signin"
            if scope["method"] == "GET" and path != "/":
                query = scope.get("query_string", b"").decode("latin-1")
                target += "?next=" + quote(root + path + (f"?{query}" if query else ""), safe="")
            await RedirectResponse(target, status_code=303)(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            gettext = translations(self.language(session)).gettext
            refused = await _checked_body(scope, receive, session, gettext)
            if isinstance(refused, Response):
                await refused(scope, receive, send)
                return
            receive = _replay(refused, receive)
        await self.app(scope, receive, send)


async def _checked_body(
    scope: Scope, receive: Receive, session: MutableMapping[str, Any], _: Callable[[str], str]
) -> bytes | Response:
    """The request's whole body when it is a form carrying the session's CSRF token; else the
    answer that refuses it, in the language of ``_``."""
    headers = Headers(scope=scope)
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        return PlainTextResponse(_("Expected a form."), status_code=415)
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
            return PlainTextResponse(_("The form is too large."), status_code=413)
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    expected = session.get("csrf")
    given = parse_form(body).get(CSRF_FIELD, "")
    if not (isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())):
        return PlainTextResponse(
            _(
                "This form has expired or did not come from the dashboard. Go back, reload the"
                " page and try again."
            ),
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
