"""The sign-in limit: five failures lock an address (or a browser that signed in before) out
for fifteen minutes, many failures across addresses slow every unknown browser down, and the
count survives a restart."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.types import ASGIApp

from bot.app import App
from bot.clock import FixedClock
from tests.staff.dashboard.conftest import PASSWORD, Coordinator, browser, dashboard_settings


async def attempt(site: ASGIApp, peer: str, password: str = "guess") -> httpx.Response:
    """One sign-in from a new browser at ``peer``."""
    async with browser(site, peer) as client:
        return await Coordinator(client).sign_in(password)


async def test_failures_survive_a_restart(tmp_path: Path, clock: FixedClock) -> None:
    """Five failures, a restart, and the address is still locked out."""
    settings = dashboard_settings(tmp_path)
    async with App(settings, clock=clock) as app:
        site = app.asgi()
        for _ in range(5):
            assert 401 == (await attempt(site, "203.0.113.7")).status_code

    async with App(settings, clock=clock) as restarted:
        refused = await attempt(restarted.asgi(), "203.0.113.7", PASSWORD)

    assert 429 == refused.status_code


async def test_rotating_addresses_meet_the_slow_down_for_everyone(
    app: App, clock: FixedClock
) -> None:
    """After twenty failures from twenty addresses within fifteen minutes, an unknown browser
    gets one attempt every thirty seconds, from whatever address, and is told to wait."""
    site = app.asgi()
    for n in range(20):
        assert 401 == (await attempt(site, f"198.51.100.{n}")).status_code

    refused = await attempt(site, "198.51.100.200", PASSWORD)
    clock.advance(seconds=29)
    still = await attempt(site, "198.51.100.201", PASSWORD)
    clock.advance(seconds=1)
    tried = await attempt(site, "198.51.100.202")
    again = await attempt(site, "198.51.100.203", PASSWORD)

    assert (429, "30") == (refused.status_code, refused.headers["retry-after"])
    assert "Too many failed sign-ins to the dashboard" in refused.text
    assert 429 == still.status_code
    assert 401 == tried.status_code
    assert 429 == again.status_code
    clock.advance(minutes=15)
    assert 303 == (await attempt(site, "198.51.100.204", PASSWORD)).status_code


async def test_a_browser_that_signed_in_before_is_not_locked_out_by_others(
    app: App, clock: FixedClock
) -> None:
    """Someone who shares a coordinator's address (an office, or a proxy not named in
    TRUSTED_PROXIES) and floods the sign-in locks out the address and slows everyone
    unknown, but not the coordinator's own browser, which has signed in here before."""
    site = app.asgi()
    async with browser(site, "127.0.0.1") as own:
        coordinator = Coordinator(own)
        assert 303 == (await coordinator.sign_in()).status_code
        await coordinator.get("/dashboard/")
        assert 303 == (await coordinator.post("/dashboard/signout")).status_code
        for n in range(25):
            clock.advance(seconds=31)
            await attempt(site, "127.0.0.1" if n < 5 else f"198.51.100.{n}")
        assert 429 == (await attempt(site, "127.0.0.1", PASSWORD)).status_code

        response = await coordinator.sign_in()

    assert 303 == response.status_code


async def test_a_known_browser_has_its_own_five_attempts(app: App) -> None:
    """A browser that signed in before is locked out after five failures of its own, even
    with the right password, while its address is not."""
    site = app.asgi()
    async with browser(site, "203.0.113.7") as own:
        coordinator = Coordinator(own)
        assert 303 == (await coordinator.sign_in()).status_code
        await coordinator.get("/dashboard/")
        assert 303 == (await coordinator.post("/dashboard/signout")).status_code
        for _ in range(5):
            assert 401 == (await coordinator.sign_in("guess")).status_code

        locked = await coordinator.sign_in()

    assert 429 == locked.status_code
    assert "from this browser" in locked.text
    assert 303 == (await attempt(site, "203.0.113.7", PASSWORD)).status_code


async def test_the_known_browser_cookie_is_http_only_and_only_for_the_dashboard(
    app: App,
) -> None:
    """The cookie that marks a browser which signed in is HttpOnly, SameSite=Strict, limited
    to /dashboard, and its value is not stored."""
    async with browser(app.asgi(), "203.0.113.7") as own:
        response = await Coordinator(own).sign_in()
        value = own.cookies["dashboard_browser"]

    [cookie] = [c for c in response.headers.get_list("set-cookie") if "dashboard_browser" in c]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard"} <= flags
    rows = await app.store.db.fetchall("SELECT * FROM dashboard_browsers")
    assert 1 == len(rows)
    assert all(value not in str(column) for column in tuple(rows[0]))
