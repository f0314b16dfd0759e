"""The dashboard under test: the app with a password, sample members, RSVPs and applications,
and an in-process HTTP client that signs in like a coordinator's browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

from bot.app import App
from bot.clock import FixedClock
from bot.settings import Settings
from bot.store import Member, Store
from tests.conftest import make_settings
from tests.sample import SUPPER, add_member, content_folder

PASSWORD = "correct horse battery staple"
SECRET_KEY = "k" * 40
BASE_URL = "http://bot.internal"
TODAY = "meetup-podgorica"
DIGITAL = "digital-public-administration-2027"
# An evening meetup on the day the test clock stands at (27 November 2026).
TODAY_YAML = """\
title:
  en: "Diaspora meetup in Podgorica"
  cnr: "Susret dijaspore u Podgorici"
description:
  en: "Drinks with the team."
  cnr: "Piće sa timom."
starts_at: "2026-11-27T18:00:00+01:00"
ends_at: "2026-11-27T21:00:00+01:00"
venue: "Hotel Podgorica"
city: "Podgorica"
capacity: 50
"""
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def dashboard_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings with the dashboard on, and a content folder with today's meetup."""
    folder = content_folder(tmp_path)
    (folder / "events" / f"{TODAY}.yaml").write_text(TODAY_YAML, encoding="utf-8")
    values: dict[str, object] = {
        "dashboard_password": PASSWORD,
        "dashboard_secret_key": SECRET_KEY,
        "content_dir": folder,
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


@dataclass
class People:
    ana: Member
    marko: Member
    jelena: Member
    petar: Member


async def seed(store: Store, clock: FixedClock) -> People:
    """Ana (Germany, IT) goes to the supper with a guest and to today's meetup; Marko goes to
    the supper; Jelena (WhatsApp, Montenegrin) waits for it and applies for the fellowship;
    Petar's name would be a formula in a spreadsheet."""
    now = clock.now()
    ana = await add_member(
        store,
        "telegram:1",
        now,
        name="Ana Marković",
        country="DE",
        city="Berlin",
        municipality="Kotor",
        sector="it",
        interests=["events", "investment"],
        skills="software engineering, cloud",
        email="ana@example.org",
    )
    marko = await add_member(
        store,
        "telegram:2",
        now,
        name="Marko Vuković",
        country="US",
        city="Chicago",
        sector="health",
    )
    jelena = await add_member(
        store,
        "whatsapp:+38267111222",
        now,
        name="Jelena Popović",
        country="DE",
        city="Munich",
        language="cnr",
        sector="it",
        interests=["fellowship"],
    )
    petar = await add_member(
        store, "telegram:4", now, name='=HYPERLINK("x")', country="AT", city="Vienna"
    )
    rsvps = store.rsvps
    await rsvps.answer(SUPPER, ana.id, "going", now, guests=1, capacity=3)
    await rsvps.answer(SUPPER, marko.id, "going", now, capacity=3)
    await rsvps.answer(SUPPER, jelena.id, "going", now, capacity=3)
    await rsvps.answer(TODAY, ana.id, "going", now, capacity=50)
    await rsvps.answer(TODAY, petar.id, "maybe", now, capacity=50)
    await store.applications.submit(
        DIGITAL,
        jelena.id,
        now,
        {"field": "cybersecurity", "host_kind": "ministry", "motivation": "=1+1"},
    )
    return People(ana, marko, jelena, petar)


class Coordinator:
    """An HTTP client that keeps the session cookie and sends the page's CSRF token back."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token = ""

    async def get(self, path: str, **params: str) -> httpx.Response:
        response = await self.client.get(path, params=params)
        found = _CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    async def post(self, path: str, *, csrf: str | None = None, **fields: str) -> httpx.Response:
        """Posts a form with the last page's CSRF token (or the one given)."""
        data = {"csrf": self.token if csrf is None else csrf, **fields}
        return await self.client.post(path, data=data)

    async def sign_in(self, password: str = PASSWORD, **fields: str) -> httpx.Response:
        await self.get("/dashboard/signin")
        return await self.post("/dashboard/signin", password=password, **fields)


@pytest.fixture
async def app(tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    async with App(dashboard_settings(tmp_path), clock=clock) as running:
        yield running


@pytest.fixture
async def people(app: App, clock: FixedClock) -> People:
    return await seed(app.store, clock)


def client_for(
    app: App, client: str = "203.0.113.7", base_url: str = BASE_URL
) -> httpx.AsyncClient:
    """An in-process client for the app's HTTP routes, from one client address."""
    transport = httpx.ASGITransport(app=app.asgi(), client=(client, 50000))
    return httpx.AsyncClient(transport=transport, base_url=base_url)


def browser(site: ASGIApp, peer: str) -> httpx.AsyncClient:
    """A browser whose requests reach ``site`` (one built app, so every browser meets the same
    dashboard) from the address ``peer``."""
    transport = httpx.ASGITransport(app=site, client=(peer, 50000))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


@pytest.fixture
def coordinator(client: httpx.AsyncClient) -> Coordinator:
    return Coordinator(client)


@pytest.fixture
async def signed_in(coordinator: Coordinator, people: People) -> Coordinator:
    """A coordinator signed in, with the sample data in the store."""
    response = await coordinator.sign_in()
    assert 303 == response.status_code
    return coordinator
