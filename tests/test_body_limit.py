"""Request bodies are capped on every route: a body announced or streamed past its route's cap is
refused with 413 at once, before any signature is checked, and the rest is never read."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot import web
from bot.app import App
from bot.clock import FixedClock
from tests.conftest import whatsapp_settings
from tests.fakes.twilio_api import PUBLIC_BASE_URL, FakeTwilioApi, WhatsAppMember, sign

PHONE = "+38267123456"
CHUNK = 16 * 1024
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Flood:
    """A chunked request body of ``total`` bytes that counts how much of it was read."""

    def __init__(self, total: int, chunk: int = CHUNK) -> None:
        self.total = total
        self.chunk = chunk
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.read < self.total:
            self.read += self.chunk
            yield b"a" * self.chunk


@pytest.mark.parametrize(
    ("path", "cap"),
    [
        ("/whatsapp/inbound", web.MAX_FORM),
        ("/whatsapp/status", web.MAX_FORM),
        ("/telegram/webhook", web.MAX_UPDATE),
        ("/dashboard/signin", web.MAX_FORM),
        ("/no/such/route", web.MAX_FORM),
    ],
)
async def test_a_chunked_body_past_the_cap_is_refused_without_reading_the_rest(
    web_client: httpx.AsyncClient, path: str, cap: int
) -> None:
    """No Content-Length and 32 MiB on offer: 413 once the cap is passed; the app read no more
    than the cap and one chunk."""
    body = Flood(32 * 1024 * 1024)

    response = await web_client.post(path, content=body, headers=FORM)

    assert (413, True) == (response.status_code, body.read <= cap + CHUNK)
    assert "close" == response.headers["connection"]


@pytest.mark.parametrize("path", ["/whatsapp/inbound", "/whatsapp/status", "/telegram/webhook"])
async def test_a_body_announced_past_the_cap_is_refused_before_a_byte_is_read(
    web_client: httpx.AsyncClient, path: str
) -> None:
    """Content-Length: 300 MB is answered 413 without reading the body at all."""
    body = Flood(300 * 1024 * 1024)
    headers = {**FORM, "Content-Length": str(body.total)}

    response = await web_client.post(path, content=body, headers=headers)

    assert (413, 0) == (response.status_code, body.read)


async def test_a_content_length_that_is_no_number_is_refused(
    web_client: httpx.AsyncClient,
) -> None:
    """400: the body's length cannot be known."""
    response = await web_client.post(
        "/whatsapp/inbound", content=b"Body=hi", headers={**FORM, "Content-Length": "ten"}
    )

    assert 400 == response.status_code


async def test_a_signed_webhook_sent_chunked_within_the_cap_is_answered(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """A form streamed in small pieces without Content-Length reaches the handler whole."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    fields = ana.fields(Body="start")
    encoded = httpx.QueryParams(fields).__str__().encode()

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(encoded), 7):
            yield encoded[start : start + 7]

    signature = sign(PUBLIC_BASE_URL + "/whatsapp/inbound", fields)
    response = await web_client.post(
        "/whatsapp/inbound", content=pieces(), headers={**FORM, "X-Twilio-Signature": signature}
    )

    assert 200 == response.status_code
    assert 1 <= len(await twilio.wait_for(ana.address, 1))


def exchange(port: int, request: bytes) -> bytes:
    """Sends ``request`` on a plain socket and returns everything received until the server
    ends the connection (closed with a body unread, the kernel resets it: that ends it too)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        with contextlib.suppress(ConnectionError):
            connection.sendall(request)
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                received += chunk
    return received


async def test_through_uvicorn_a_chunked_body_past_the_cap_gets_413_and_the_connection_ends(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> None:
    """The real server and a real chunked upload without Content-Length, 1 MiB sent and more to
    come: 413 at once, without waiting for the body's end, and the server ends the connection
    rather than read on."""
    request = (
        b"POST /whatsapp/inbound HTTP/1.1\r\nHost: bot.example.org\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (CHUNK, b"a" * CHUNK) * 64
        # No last chunk: a server that waited for the whole body would never answer.
    )
    async with App(whatsapp_settings(tmp_path, twilio), clock=clock) as app:
        stop = asyncio.Event()
        serving = asyncio.create_task(app.serve(stop))
        while app.http is None or not app.http.started:
            if serving.done():
                await serving
            await asyncio.sleep(0.01)
        received = await asyncio.to_thread(exchange, app.http.port, request)
        stop.set()
        await serving

    head, _, body = received.partition(b"\r\n\r\n")
    assert (b"HTTP/1.1 413 Request Entity Too Large", b"The request body is too large.") == (
        head.split(b"\r\n")[0],
        body,
    )
    assert b"connection: close" in head.lower()
