from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot import cities
from bot.app import App
from bot.clock import FixedClock
from bot.settings import Settings
from tests.chat import Chat
from tests.fakes.twilio_api import NUMBER, PUBLIC_BASE_URL, FakeTwilioApi

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# python-telegram-bot's non-deprecated time periods (as bot.cli sets for the real process).
os.environ["PTB_TIMEDELTA"] = "1"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Starts building the GeoNames city table (seconds, in a process of its own) while the
    first tests run: the app builds it when a member first needs it, and the first test to
    finish a registration would otherwise wait for it past a fake's five-second reply deadline
    on a busy machine. (tests/test_lazy_loading.py checks the laziness in fresh interpreters.)

    Not under ``make mutate``: mutmut reaps its workers with ``os.wait()``, which would take the
    builder's process for one of them and stop the whole run."""
    if os.environ.get("DIASPORA_MUTATING"):
        return
    threading.Thread(target=cities.table, daemon=True).start()


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test: nothing from the environment or .env, a database in tmp_path."""
    values: dict[str, object] = {
        "database_path": tmp_path / "diaspora.sqlite3",
        "content_dir": CONTENT,
        "telegram_bot_token": None,
        "twilio_account_sid": None,
        "twilio_auth_token": None,
        "twilio_whatsapp_number": None,
        "default_language": "en",
        # serve() starts the HTTP server: any free port, never a fixed one.
        "http_port": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line's environment for a test: a database in tmp_path, no credentials from
    the machine, quiet logs; the path of the database."""
    path = tmp_path / "db.sqlite3"
    monkeypatch.chdir(ROOT)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))


@pytest.fixture
async def app(settings: Settings, clock: FixedClock) -> AsyncIterator[App]:
    async with App(settings, clock=clock) as running:
        yield running


@pytest.fixture
def chat(app: App, clock: FixedClock) -> Chat:
    return Chat(app.engine, clock, display_name="Ana Marković")


def whatsapp_settings(tmp_path: Path, twilio: FakeTwilioApi, **overrides: object) -> Settings:
    """Settings for WhatsApp through the fake Twilio API, with a public URL for webhooks."""
    values: dict[str, object] = {
        "twilio_account_sid": twilio.account_sid,
        "twilio_auth_token": twilio.auth_token,
        "twilio_whatsapp_number": NUMBER,
        "twilio_api_base_url": twilio.url,
        "public_base_url": PUBLIC_BASE_URL,
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilioApi]:
    async with FakeTwilioApi() as fake:
        yield fake


@pytest.fixture
async def whatsapp_app(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> AsyncIterator[App]:
    """The app with WhatsApp on, sending through the fake Twilio API."""
    async with App(whatsapp_settings(tmp_path, twilio), clock=clock) as running:
        yield running


@pytest.fixture
async def web_client(whatsapp_app: App) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the app's Starlette routes, in process."""
    transport = httpx.ASGITransport(app=whatsapp_app.asgi())
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.internal") as client:
        yield client
