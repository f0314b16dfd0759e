"""Who gets into the dashboard: sign-in, the attempts limit, the session cookie, CSRF on every
form, sign-out, and a dashboard that is off without a password."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from bot.app import App
from bot.clock import FixedClock
from staff import dashboard
from tests.staff.dashboard.conftest import (
    PASSWORD,
    TODAY,
    Coordinator,
    People,
    client_for,
    dashboard_settings,
)

SIGNIN = "/dashboard/signin"


def dashboard_routes(app: App) -> list[tuple[str, str]]:
    """Every (method, path) the dashboard answers, with sample path parameters filled in,
    except the sign-in page and the stylesheet."""
    built = dashboard.build(app.settings, app.store, app.content, app.clock)
    found = []
    for route in getattr(built, "routes", []):
        if not isinstance(route, Route) or route.path == "/signin":
            continue
        path = (
            route.path.replace("{member_id:int}", "1")
            .replace("{application_id:int}", "1")
            .replace("{slug}", TODAY)
        )
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, "/dashboard" + path))
    return found


async def outside_effects(app: App) -> tuple[int, int, str]:
    """What a request could have changed: audit entries, outbox rows, the application."""
    application = await app.store.applications.get(1)
    assert application is not None
    outbox = await app.store.db.fetchone("SELECT count(*) FROM outbox")
    assert outbox is not None
    return len(await app.store.audit.entries()), int(outbox[0]), application.status


async def test_every_page_and_download_sends_strangers_to_sign_in(
    app: App, client: httpx.AsyncClient, people: People
) -> None:
    """Each route answers 303 to the sign-in page with an empty body, and changes nothing."""
    routes = dashboard_routes(app)
    assert {"GET", "POST"} == {method for method, _ in routes}
    assert len(routes) >= 14
    before = await outside_effects(app)
    for method, path in [*routes, ("GET", "/dashboard/no-such-page")]:
        response = await client.request(
            method, path, data={"what": "members", "format": "csv", "status": "accepted"}
        )

        assert (303, b"") == (response.status_code, response.content), (method, path)
        assert response.headers["location"].startswith(SIGNIN), (method, path)
    assert before == await outside_effects(app)


async def test_the_dashboard_root_leads_to_sign_in(client: httpx.AsyncClient) -> None:
    """``/dashboard`` (no slash) ends on the sign-in form."""
    response = await client.get("/dashboard", follow_redirects=True)

    assert (200, "/dashboard/signin") == (response.status_code, response.url.path)
    assert 'type="password"' in response.text


async def test_signing_in_opens_the_page_asked_for(
    coordinator: Coordinator, people: People
) -> None:
    """A stranger sent to sign in from the members table comes back to it afterwards."""
    first = await coordinator.client.get("/dashboard/members", params={"country": "DE"})
    assert (
        "/dashboard/signin?next=%2Fdashboard%2Fmembers%3Fcountry%3DDE"
        == (first.headers["location"])
    )
    await coordinator.get(first.headers["location"])

    response = await coordinator.post(
        SIGNIN, password=PASSWORD, next="/dashboard/members?country=DE"
    )

    assert (303, "/dashboard/members?country=DE") == (
        response.status_code,
        response.headers["location"],
    )
    page = await coordinator.get("/dashboard/members", country="DE")
    assert "Ana Marković" in page.text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/elsewhere"])
async def test_sign_in_never_sends_anyone_off_the_dashboard(
    coordinator: Coordinator, target: str
) -> None:
    """``next`` outside the dashboard is ignored: the overview opens."""
    response = await coordinator.sign_in(next=target)

    assert "/dashboard/" == response.headers["location"]


async def test_a_wrong_password_is_refused(
    app: App, coordinator: Coordinator, people: People
) -> None:
    """401 with a message; the pages stay closed and nothing is audited."""
    response = await coordinator.sign_in("wrong password")

    assert 401 == response.status_code
    assert "Wrong password." in response.text
    assert "Ana" not in response.text
    assert 303 == (await coordinator.client.get("/dashboard/members")).status_code
    assert [] == await app.store.audit.entries()


async def test_signing_in_is_audited(app: App, coordinator: Coordinator) -> None:
    """A successful sign-in is in the audit log, as the dashboard."""
    await coordinator.sign_in()

    [entry] = await app.store.audit.entries()
    assert ("dashboard", "dashboard.signin") == (entry.actor, entry.action)


async def test_five_wrong_passwords_lock_that_address_out_for_fifteen_minutes(
    app: App, coordinator: Coordinator, clock: FixedClock
) -> None:
    """The sixth attempt is refused even with the right password, and says for how long;
    another address may still sign in; after the wait, the right password works again."""
    for _ in range(5):
        assert 401 == (await coordinator.sign_in("guess")).status_code

    locked = await coordinator.sign_in()

    assert 429 == locked.status_code
    assert "Too many failed sign-ins from your address. Try again in 15 minutes." in locked.text
    assert "900" == locked.headers["retry-after"]
    async with client_for(app, "198.51.100.2") as other:
        assert 303 == (await Coordinator(other).sign_in()).status_code
    clock.advance(minutes=10)
    assert "Try again in 5 minutes." in (await coordinator.sign_in()).text
    clock.advance(minutes=5)
    assert 303 == (await coordinator.sign_in()).status_code


async def test_a_successful_sign_in_clears_the_failures(
    coordinator: Coordinator,
) -> None:
    """Four mistakes, then the right password: the count starts again."""
    for _ in range(4):
        await coordinator.sign_in("guess")
    assert 303 == (await coordinator.sign_in()).status_code
    coordinator.client.cookies.clear()
    for _ in range(4):
        assert 401 == (await coordinator.sign_in("guess")).status_code


async def test_the_session_cookie_is_signed_http_only_and_same_site(
    coordinator: Coordinator,
) -> None:
    """HttpOnly, SameSite=Strict, only for /dashboard, not Secure on plain HTTP."""
    response = await coordinator.sign_in()

    [cookie] = [c for c in response.headers.get_list("set-cookie") if "dashboard_session=" in c]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard", "max-age=43200"} <= flags
    assert "secure" not in flags


async def test_the_cookie_is_secure_behind_https(tmp_path: Path, clock: FixedClock) -> None:
    """With an https PUBLIC_BASE_URL the cookie is sent over HTTPS only."""
    settings = dashboard_settings(tmp_path, public_base_url="https://bot.example.org")
    async with (
        App(settings, clock=clock) as app,
        client_for(app, base_url="https://bot.example.org") as client,
    ):
        response = await Coordinator(client).sign_in()

    assert "secure" in response.headers["set-cookie"].lower().split("; ")


async def test_a_forged_or_foreign_cookie_opens_nothing(
    tmp_path: Path, clock: FixedClock, signed_in: Coordinator
) -> None:
    """A tampered cookie, or one signed for another password, is a stranger's."""
    cookie = signed_in.client.cookies["dashboard_session"]
    signed_in.client.cookies.set("dashboard_session", cookie[:-3] + "abc", path="/dashboard")
    assert 303 == (await signed_in.client.get("/dashboard/members")).status_code

    other = dashboard_settings(tmp_path / "other", dashboard_password="another password")
    async with App(other, clock=clock) as app, client_for(app) as client:
        client.cookies.set("dashboard_session", cookie, path="/dashboard")
        assert 303 == (await client.get("/dashboard/members")).status_code


async def test_signing_out_ends_the_session(signed_in: Coordinator) -> None:
    """After signing out the pages send to sign-in again."""
    await signed_in.get("/dashboard/")

    response = await signed_in.post("/dashboard/signout")

    assert (303, SIGNIN) == (response.status_code, response.headers["location"])
    assert 303 == (await signed_in.client.get("/dashboard/members")).status_code
    assert "Signed out." in (await signed_in.get(SIGNIN)).text


@pytest.mark.parametrize("csrf", ["", "wrong-token"], ids=["missing", "wrong"])
async def test_a_form_without_the_csrf_token_is_refused(
    app: App, signed_in: Coordinator, csrf: str
) -> None:
    """403 for every POST without the session's token; nothing changes."""
    await signed_in.get("/dashboard/")
    before = await outside_effects(app)
    for path, fields in (
        ("/dashboard/fellowship/1/status", {"status": "accepted"}),
        ("/dashboard/fellowship/1/note", {"note": "hello"}),
        (f"/dashboard/events/{TODAY}/checkin", {"member_id": "1"}),
        ("/dashboard/download", {"what": "members", "format": "csv"}),
        ("/dashboard/signout", {}),
    ):
        response = await signed_in.post(path, csrf=csrf, **fields)

        assert 403 == response.status_code, path
        assert "did not come from the dashboard" in response.text
    assert before == await outside_effects(app)
    assert 200 == (await signed_in.get("/dashboard/members")).status_code


async def test_the_sign_in_form_needs_its_csrf_token(coordinator: Coordinator) -> None:
    """A sign-in posted from elsewhere (no token) is refused before the password is read."""
    await coordinator.get(SIGNIN)

    response = await coordinator.post(SIGNIN, csrf="", password=PASSWORD)

    assert 403 == response.status_code


async def test_only_forms_are_accepted(signed_in: Coordinator) -> None:
    """A JSON body is not a form: 415."""
    response = await signed_in.client.post(
        "/dashboard/fellowship/1/status", json={"status": "accepted"}
    )

    assert 415 == response.status_code


async def test_pages_forbid_caching_framing_and_anything_from_elsewhere(
    signed_in: Coordinator,
) -> None:
    """Security headers on every page; the stylesheet is ours and may be cached."""
    page = await signed_in.get("/dashboard/members")
    style = await signed_in.client.get("/dashboard/static/dashboard.css")

    assert "no-store" == page.headers["cache-control"]
    assert "DENY" == page.headers["x-frame-options"]
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'self'" in policy
    assert "script" not in policy
    assert (200, "text/css") == (style.status_code, style.headers["content-type"].split(";")[0])
    assert "no-store" != style.headers.get("cache-control")


async def test_pages_load_nothing_from_the_internet(signed_in: Coordinator) -> None:
    """No page refers to another host, and none has a script."""
    for path in (
        "/dashboard/",
        "/dashboard/members",
        "/dashboard/members/1",
        "/dashboard/events",
        f"/dashboard/events/{TODAY}",
        "/dashboard/fellowship",
        "/dashboard/fellowship/1",
        "/dashboard/mapping",
        "/dashboard/downloads",
    ):
        page = await signed_in.get(path)

        assert 200 == page.status_code, path
        assert '<meta name="viewport"' in page.text
        assert "<script" not in page.text
        # The one absolute URL is SVG's namespace name, which is never fetched.
        urls = set(re.findall(r'(?:src|href)="(https?:)?//', page.text))
        assert set() == urls, path


async def test_without_a_password_the_dashboard_is_off(tmp_path: Path, clock: FixedClock) -> None:
    """Every dashboard path answers 404 and says how to turn it on."""
    settings = dashboard_settings(tmp_path, dashboard_password="")
    async with App(settings, clock=clock) as app, client_for(app) as client:
        for path in ("/dashboard/", "/dashboard/signin", "/dashboard/members"):
            response = await client.get(path)

            assert 404 == response.status_code
            assert "set DASHBOARD_PASSWORD" in response.text
        assert 404 == (await client.post("/dashboard/signin", data={"password": ""})).status_code


async def test_without_a_secret_key_sessions_last_until_restart(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A random key is used, with a warning; a session from one build is not valid in the
    next."""
    settings = dashboard_settings(tmp_path, dashboard_secret_key=None)
    async with App(settings, clock=clock) as app:
        with caplog.at_level(logging.WARNING, logger="staff.dashboard"):
            async with client_for(app) as client:
                assert 303 == (await Coordinator(client).sign_in()).status_code
                cookie = client.cookies["dashboard_session"]
        async with client_for(app) as restarted:
            restarted.cookies.set("dashboard_session", cookie, path="/dashboard")
            assert 303 == (await restarted.get("/dashboard/members")).status_code

    assert any("DASHBOARD_SECRET_KEY is not set" in r.getMessage() for r in caplog.records)


def test_the_password_is_never_in_the_settings_repr(tmp_path: Path) -> None:
    """Both dashboard secrets are SecretStr."""
    settings = dashboard_settings(tmp_path)

    assert PASSWORD not in repr(settings)
    assert "k" * 40 not in repr(settings)
