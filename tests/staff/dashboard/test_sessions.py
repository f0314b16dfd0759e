"""Dashboard sessions live on the server: signing out, a new password and time end them, even
for a copy of the cookie."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from pydantic import SecretStr

from bot.app import App
from bot.clock import FixedClock
from tests.staff.dashboard.conftest import PASSWORD, Coordinator, client_for, dashboard_settings

COOKIE = "dashboard_session"


async def opens_members(app: App, cookie: str) -> bool:
    """Whether a fresh browser holding only ``cookie`` sees the members table."""
    async with client_for(app, "192.0.2.50") as stranger:
        stranger.cookies.set(COOKIE, cookie, path="/dashboard")
        return 200 == (await stranger.get("/dashboard/members")).status_code


async def cookie_of_a_sign_in(app: App) -> str:
    """The session cookie a coordinator's browser gets by signing in."""
    async with client_for(app) as browser:
        assert 303 == (await Coordinator(browser).sign_in()).status_code
        return browser.cookies[COOKIE]


async def test_a_copied_cookie_no_longer_opens_the_dashboard_after_sign_out(
    app: App, signed_in: Coordinator
) -> None:
    """Someone who copied the session cookie is let in before sign-out and not after it."""
    copied = signed_in.client.cookies[COOKIE]
    assert await opens_members(app, copied)
    await signed_in.get("/dashboard/")

    response = await signed_in.post("/dashboard/signout")

    assert 303 == response.status_code
    assert not await opens_members(app, copied)


async def test_signing_out_ends_only_that_session(app: App, signed_in: Coordinator) -> None:
    """Another coordinator's session stays open when one signs out."""
    other = await cookie_of_a_sign_in(app)
    await signed_in.get("/dashboard/")

    await signed_in.post("/dashboard/signout")

    assert await opens_members(app, other)


async def test_a_new_password_ends_every_session(tmp_path: Path, clock: FixedClock) -> None:
    """After a restart with another DASHBOARD_PASSWORD (same key, same database), the old
    session is over, and stays over when the first password comes back."""
    settings = dashboard_settings(tmp_path)
    async with App(settings, clock=clock) as app:
        copied = await cookie_of_a_sign_in(app)
        assert await opens_members(app, copied)
    changed = settings.model_copy(update={"dashboard_password": SecretStr("a new passphrase")})
    async with App(changed, clock=clock) as restarted:
        assert not await opens_members(restarted, copied)

    async with App(settings, clock=clock) as back:
        assert not await opens_members(back, copied)


async def test_a_session_survives_a_restart_with_the_same_password(
    tmp_path: Path, clock: FixedClock
) -> None:
    """With DASHBOARD_SECRET_KEY set, a restart does not sign coordinators out."""
    settings = dashboard_settings(tmp_path)
    async with App(settings, clock=clock) as app:
        copied = await cookie_of_a_sign_in(app)

    async with App(settings, clock=clock) as restarted:
        assert await opens_members(restarted, copied)


async def test_a_session_ends_after_twelve_hours(
    app: App, clock: FixedClock, signed_in: Coordinator
) -> None:
    """The server ends the session after 12 hours, whatever the cookie says."""
    copied = signed_in.client.cookies[COOKIE]
    clock.advance(hours=11, minutes=59)
    assert await opens_members(app, copied)

    clock.advance(minutes=1)

    assert not await opens_members(app, copied)


async def test_the_database_holds_no_usable_session_id(app: App, signed_in: Coordinator) -> None:
    """Only a digest of each session id is stored, so a copy of the database opens nothing."""
    # The cookie is signed, not encrypted: its first part is the session as base64 JSON.
    payload = signed_in.client.cookies[COOKIE].split(".")[0]
    session_id = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["session"]

    rows = await app.store.db.fetchall("SELECT * FROM dashboard_sessions")

    assert 1 == len(rows)
    assert 43 == len(session_id)
    assert all(session_id not in str(value) for value in tuple(rows[0]))


async def test_signing_in_again_ends_the_session_the_browser_had(
    app: App, signed_in: Coordinator
) -> None:
    """A browser that signs in anew gets a new session id, and the old one opens nothing."""
    copied = signed_in.client.cookies[COOKIE]
    await signed_in.get("/dashboard/")

    assert 303 == (await signed_in.post("/dashboard/signin", password=PASSWORD)).status_code

    assert not await opens_members(app, copied)
    assert await opens_members(app, signed_in.client.cookies[COOKIE])
