"""A cap on request bodies, for every route of the HTTP app, before any handler runs.

Twilio's webhooks and the dashboard's forms are a few kilobytes and a Telegram update rarely
more, but a body can announce no length (chunked) and go on for ever. :class:`BodyLimit` reads
each body as it streams in, counting, and answers 413 at once — when ``Content-Length``
announces more than the route's cap, or when the bytes received pass it — so no more than the
cap (and the chunk that passed it) is ever held, and no signature is checked on a body that
was never wanted. A body within the cap reaches the handler whole, as one message.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: at most ``default`` bytes of body, or ``limits[path]`` for a path that
    is named there."""

    def __init__(self, app: ASGIApp, default: int, limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limits.get(scope["path"], self.default)
        announced = Headers(scope=scope).get("content-length")
        if announced is not None and not (announced.isascii() and announced.isdigit()):
            await _refuse(400, "Bad Content-Length.", scope, receive, send)
            return
        if announced is not None and int(announced) > cap:
            await _refuse(413, "The request body is too large.", scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await _refuse(413, "The request body is too large.", scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)


async def _refuse(status: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    """Answers and closes the connection, so the server stops reading what is left."""
    response = PlainTextResponse(text, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read once, whole, then waits as the server's does."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
