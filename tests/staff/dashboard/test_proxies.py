"""Whose address the sign-in limit counts: the connecting peer, or — only when that peer is a
proxy named in TRUSTED_PROXIES — the right-most address in X-Forwarded-For it does not trust."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from bot import web
from bot.app import App
from bot.clock import FixedClock
from tests.conftest import make_settings
from tests.staff.dashboard.conftest import (
    PASSWORD,
    Coordinator,
    browser,
    client_for,
    dashboard_settings,
)


async def guess(coordinator: Coordinator, forwarded_for: str, password: str = "guess") -> int:
    """One sign-in with ``password`` carrying ``X-Forwarded-For: forwarded_for``; the status."""
    coordinator.client.headers["X-Forwarded-For"] = forwarded_for
    return (await coordinator.sign_in(password)).status_code


@pytest.fixture
async def served(tmp_path: Path, clock: FixedClock) -> AsyncIterator[str]:
    """The dashboard served by uvicorn on 127.0.0.1 as the service runs it (no
    TRUSTED_PROXIES); its base URL."""
    async with App(dashboard_settings(tmp_path), clock=clock) as app:
        server = web.Server(app.asgi(), "127.0.0.1", 0)
        await server.start()
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            await server.stop()


async def test_rotating_forwarded_for_headers_do_not_escape_the_limit(served: str) -> None:
    """Served by uvicorn without TRUSTED_PROXIES, a client on 127.0.0.1 that sends a new
    X-Forwarded-For with each guess is still one address: the sixth attempt is refused."""
    async with httpx.AsyncClient(base_url=served) as client:
        coordinator = Coordinator(client)
        statuses = [await guess(coordinator, f"198.51.100.{n}") for n in range(1, 6)]

        refused = await guess(coordinator, "198.51.100.6", PASSWORD)

    assert [401] * 5 == statuses
    assert 429 == refused


async def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored_and_explained(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Without TRUSTED_PROXIES the header counts for nothing, and the log says once how to
    name the proxy."""
    async with (
        App(dashboard_settings(tmp_path), clock=clock) as app,
        client_for(app, "127.0.0.1") as client,
    ):
        coordinator = Coordinator(client)
        with caplog.at_level(logging.WARNING, logger="staff.dashboard"):
            statuses = [await guess(coordinator, f"198.51.100.{n}") for n in range(1, 7)]

    assert [401] * 5 + [429] == statuses
    hints = [r.getMessage() for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert 1 == len(hints)


async def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Behind a proxy on 127.0.0.1 named in TRUSTED_PROXIES, the limit counts the address the
    proxy appended (right-most), never what the client wrote before it; another client behind
    the same proxy still signs in."""
    settings = dashboard_settings(tmp_path, trusted_proxies="127.0.0.1, ::1")
    async with App(settings, clock=clock) as app:
        site = app.asgi()
        async with browser(site, "127.0.0.1") as client, browser(site, "127.0.0.1") as other:
            attacker = Coordinator(client)
            statuses = [await guess(attacker, f"10.9.9.{n}, 203.0.113.66") for n in range(1, 7)]
            colleague = await guess(Coordinator(other), "203.0.113.67", PASSWORD)

    assert [401] * 5 + [429] == statuses
    assert 303 == colleague


async def test_trusted_hops_are_skipped_from_the_right(tmp_path: Path, clock: FixedClock) -> None:
    """With two trusted proxies in a row, the client is the first untrusted address from the
    right, whatever the client put on the left."""
    settings = dashboard_settings(tmp_path, trusted_proxies="127.0.0.1,10.0.0.0/8")
    async with App(settings, clock=clock) as app:
        site = app.asgi()
        async with browser(site, "127.0.0.1") as client, browser(site, "127.0.0.1") as other:
            attacker = Coordinator(client)
            statuses = [
                await guess(attacker, f"192.0.2.{n}, 203.0.113.66, 10.1.2.3") for n in range(1, 7)
            ]
            colleague = await guess(Coordinator(other), "203.0.113.67, 10.1.2.3", PASSWORD)

    assert [401] * 5 + [429] == statuses
    assert 303 == colleague


async def test_a_direct_client_cannot_claim_another_address(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A client that is not a trusted proxy is counted by its own address, header or not."""
    settings = dashboard_settings(tmp_path, trusted_proxies="127.0.0.1")
    async with App(settings, clock=clock) as app, client_for(app, "203.0.113.5") as client:
        attacker = Coordinator(client)
        statuses = [await guess(attacker, f"198.51.100.{n}") for n in range(1, 7)]

    assert [401] * 5 + [429] == statuses


def test_trusted_proxies_are_addresses_or_networks(tmp_path: Path) -> None:
    """TRUSTED_PROXIES takes addresses and networks, comma-separated; unset, it trusts none;
    anything else is a clear settings error."""
    settings = make_settings(tmp_path, trusted_proxies="127.0.0.1, ::1 ,10.0.0.0/8")

    assert [ip_network("127.0.0.1/32"), ip_network("::1/128"), ip_network("10.0.0.0/8")] == (
        settings.trusted_proxies
    )
    assert [] == make_settings(tmp_path).trusted_proxies
    with pytest.raises(ValidationError, match="not an IP address or network: 'localhost'"):
        make_settings(tmp_path, trusted_proxies="127.0.0.1,localhost")
