"""One platform out of reach at start stops nothing: the service serves the other channel, the
dashboard and /healthz, retries the missing one in the background and serves it as soon as its
server answers; a refused token is one line naming the setting. Telegram and Twilio alike,
through their fake servers on ports where, at first, nothing listens."""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.app import App
from bot.channels.supervisor import State
from bot.clock import FixedClock
from bot.settings import Settings
from bot.store.outbox import Outgoing
from tests.conftest import make_settings
from tests.fakes.bot_api import TOKEN, FakeBotApi, TelegramUser
from tests.fakes.server import closed_port
from tests.fakes.twilio_api import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    NUMBER,
    PUBLIC_BASE_URL,
    FakeTwilioApi,
    WhatsAppMember,
)
from tests.sample import add_member

ANA = 1001
PHONE = "+38267123456"
PASSWORD = "correct horse battery staple"


async def quick(seconds: float) -> None:
    """The supervisor's backoff without the waiting: a short pause instead of seconds."""
    await asyncio.sleep(0.01)


def settings_for(tmp_path: Path, telegram: str, twilio: str, **overrides: object) -> Settings:
    """Telegram and WhatsApp on, each at the given server, and the dashboard."""
    values: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": f"{telegram}/bot",
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_whatsapp_number": NUMBER,
        "twilio_api_base_url": twilio,
        "public_base_url": PUBLIC_BASE_URL,
        "dashboard_password": PASSWORD,
        "dashboard_secret_key": "k" * 32,
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


@asynccontextmanager
async def serving(app: App) -> AsyncIterator[httpx.AsyncClient]:
    """Runs ``app.serve`` and yields an HTTP client of its real server."""
    stop = asyncio.Event()
    task = asyncio.create_task(app.serve(stop))
    while app.http is None or not app.http.started:
        if task.done():
            await task
        await asyncio.sleep(0.01)
    base_url = f"http://127.0.0.1:{app.http.port}"
    try:
        async with httpx.AsyncClient(base_url=base_url) as client:
            yield client
    finally:
        stop.set()
        await task


async def until(condition: Callable[[], object], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Waits until ``condition()`` (awaited, if it is a coroutine) is true."""
    async with asyncio.timeout(timeout):
        while True:
            outcome = condition()
            if inspect.isawaitable(outcome):
                outcome = await outcome
            if outcome:
                return
            await asyncio.sleep(0.01)


async def states(client: httpx.AsyncClient) -> object:
    health = await client.get("/healthz")
    assert 200 == health.status_code
    return health.json()["channels"]


def logged(caplog: pytest.LogCaptureFixture, level: int = logging.WARNING) -> list[str]:
    """Every message logged at ``level`` or above, after the garbage collector had its say (an
    unclosed aiohttp session is reported when it is collected)."""
    gc.collect()
    return [record.getMessage() for record in caplog.records if record.levelno >= level]


async def test_telegram_out_of_reach_leaves_whatsapp_and_the_dashboard_serving_until_it_answers(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens where the Bot API should be: /healthz says telegram is retrying, a
    WhatsApp member is answered and the dashboard's sign-in page is served; once the Bot API
    answers on that port, Telegram serves a member. One warning said so; no traceback, no
    unclosed session."""
    port = closed_port()
    async with FakeTwilioApi() as twilio:
        settings = settings_for(tmp_path, f"http://127.0.0.1:{port}", twilio.url)
        bot_api = FakeBotApi(port=port)
        try:
            async with (
                App(settings, clock=clock, retry_sleep=quick) as app,
                serving(app) as client,
            ):
                telegram = app.supervisors["telegram"]
                await until(lambda: telegram.state is State.RETRYING and telegram.attempts > 3)
                down = await states(client)
                signin = await client.get("/dashboard/signin")
                member = WhatsAppMember(twilio, client, PHONE)
                greeting, _ = await member.send("start", replies=2)

                await bot_api.__aenter__()
                await until(lambda: telegram.state is State.UP)
                up = await states(client)
                hello, _ = await TelegramUser(bot_api, ANA).send("/start", replies=2)
        finally:
            await bot_api.__aexit__()

    assert {"telegram": "retrying", "whatsapp": "up"} == down
    assert (200, True) == (signin.status_code, 'name="password"' in signin.text)
    assert (greeting.body or "").startswith("Welcome to Diaspora Connect")
    assert {"telegram": "up", "whatsapp": "up"} == up
    assert "Diaspora Connect" in hello.text
    [line] = logged(caplog)
    assert line.startswith(f"telegram: cannot reach the Bot API at http://127.0.0.1:{port}/bot (")
    assert line.endswith("; retrying, at most every 5 min")
    assert [] == [record for record in caplog.records if record.exc_info]


async def test_a_refused_telegram_token_is_one_line_naming_it_and_the_others_keep_serving(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The Bot API answers getMe with 401: one error line naming TELEGRAM_BOT_TOKEN (never
    its value), no retry, /healthz says refused, and WhatsApp still answers."""
    wrong = "987654:NOT-THE-TOKEN"
    async with FakeBotApi() as bot_api, FakeTwilioApi() as twilio:
        settings = settings_for(tmp_path, bot_api.url, twilio.url, telegram_bot_token=wrong)
        async with (
            App(settings, clock=clock, retry_sleep=quick) as app,
            serving(app) as client,
        ):
            await until(lambda: app.supervisors["telegram"].state is State.REFUSED)
            await asyncio.sleep(0.1)  # room for a retry, were there one
            refused = await states(client)
            greeting, _ = await WhatsAppMember(twilio, client, PHONE).send("start", replies=2)

    assert {"telegram": "refused", "whatsapp": "up"} == refused
    assert 1 == len(bot_api.calls_to("getMe"))
    assert (greeting.body or "").startswith("Welcome to Diaspora Connect")
    assert [
        "telegram: the Bot API refused TELEGRAM_BOT_TOKEN (401 Unauthorized); Telegram is off"
        " until the token is fixed"
    ] == logged(caplog)
    assert [] == [record for record in caplog.records if record.exc_info]
    assert [] == [line for line in logged(caplog, logging.DEBUG) if "NOT-THE-TOKEN" in line]


async def test_twilio_out_of_reach_leaves_telegram_serving_until_it_answers(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens where Twilio should be: /healthz says whatsapp is retrying while a
    Telegram member is answered; once Twilio answers on that port, WhatsApp serves a member."""
    port = closed_port()
    async with FakeBotApi() as bot_api:
        settings = settings_for(tmp_path, bot_api.url, f"http://127.0.0.1:{port}")
        twilio = FakeTwilioApi(port=port)
        try:
            async with (
                App(settings, clock=clock, retry_sleep=quick) as app,
                serving(app) as client,
            ):
                whatsapp = app.supervisors["whatsapp"]
                await until(lambda: whatsapp.state is State.RETRYING and whatsapp.attempts > 3)
                down = await states(client)
                hello, _ = await TelegramUser(bot_api, ANA).send("/start", replies=2)

                await twilio.__aenter__()
                await until(lambda: whatsapp.state is State.UP)
                up = await states(client)
                greeting, _ = await WhatsAppMember(twilio, client, PHONE).send("start", replies=2)
        finally:
            await twilio.__aexit__()

    assert {"telegram": "up", "whatsapp": "retrying"} == down
    assert "Diaspora Connect" in hello.text
    assert {"telegram": "up", "whatsapp": "up"} == up
    assert (greeting.body or "").startswith("Welcome to Diaspora Connect")
    [line] = logged(caplog)
    assert line.startswith(f"whatsapp: cannot reach Twilio at http://127.0.0.1:{port} (")
    assert line.endswith("; retrying, at most every 5 min")


async def test_refused_twilio_credentials_are_one_line_naming_them_and_telegram_keeps_serving(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Twilio answers the account check with 401: one error line naming TWILIO_ACCOUNT_SID and
    TWILIO_AUTH_TOKEN, no retry, /healthz says refused, and Telegram still answers."""
    async with FakeBotApi() as bot_api, FakeTwilioApi() as twilio:
        settings = settings_for(
            tmp_path, bot_api.url, twilio.url, twilio_auth_token="not-the-auth-token"
        )
        async with (
            App(settings, clock=clock, retry_sleep=quick) as app,
            serving(app) as client,
        ):
            await until(lambda: app.supervisors["whatsapp"].state is State.REFUSED)
            await asyncio.sleep(0.1)  # room for a retry, were there one
            refused = await states(client)
            hello, _ = await TelegramUser(bot_api, ANA).send("/start", replies=2)

    assert {"telegram": "up", "whatsapp": "refused"} == refused
    assert 1 == twilio.account_fetches
    assert "Diaspora Connect" in hello.text
    assert [
        "whatsapp: Twilio refused TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (401 Unauthorized);"
        " WhatsApp cannot send until they are fixed"
    ] == logged(caplog)
    assert [] == [line for line in logged(caplog, logging.DEBUG) if "not-the-auth-token" in line]


async def waiting_row(app: App) -> bool:
    """Whether the queued row was put off, waiting for its channel."""
    rows = await app.store.outbox.in_state("queued")
    return bool(rows and rows[0].error)


async def sent(app: App) -> bool:
    return {"sent": 1} == await app.store.outbox.counts()


async def test_messages_for_a_channel_out_of_reach_wait_queued_and_go_once_it_answers(
    tmp_path: Path, clock: FixedClock
) -> None:
    """An outbox message for a Telegram member while the Bot API cannot be reached is neither
    tried nor failed: it waits queued, and is sent as soon as Telegram comes up."""
    port = closed_port()
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_base_url=f"http://127.0.0.1:{port}/bot"
    )
    bot_api = FakeBotApi(port=port)
    try:
        async with App(settings, clock=clock, retry_sleep=quick) as app:
            member = await add_member(
                app.store, f"telegram:{ANA}", clock.now(), name="Ana", country="DE"
            )
            async with serving(app):
                telegram = app.supervisors["telegram"]
                await until(lambda: telegram.state is State.RETRYING)
                await app.store.outbox.enqueue(
                    [Outgoing("news-1", "broadcast", member.id, "Hello Ana", clock.now())],
                    clock.now(),
                )
                app.sender.kick()
                await until(lambda: waiting_row(app))
                [row] = await app.store.outbox.in_state("queued")
                waiting = (row.attempts, row.error)

                # Telegram answers again: the message goes at once (the clock stands still),
                # not when its wait for a channel ends.
                await bot_api.__aenter__()
                [message] = await bot_api.wait_for_messages(ANA, 1)
                await until(lambda: sent(app))
                counts = await app.store.outbox.counts()
    finally:
        await bot_api.__aexit__()

    assert (0, "waiting for a channel this process serves (telegram)") == waiting
    assert ("Hello Ana", {"sent": 1}) == (message.text, counts)


async def test_telegram_lost_after_it_was_up_is_retrying_until_it_answers_again(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The Bot API goes away while Telegram serves: /healthz says retrying (one warning, no
    traceback per failed poll) and WhatsApp still answers; when the Bot API is back on its
    port, the channel is up again and serves a member."""
    port = closed_port()
    async with FakeTwilioApi() as twilio:
        settings = settings_for(tmp_path, f"http://127.0.0.1:{port}", twilio.url)
        first = FakeBotApi(port=port)
        await first.__aenter__()
        again = FakeBotApi(port=port)
        try:
            async with (
                App(settings, clock=clock, retry_sleep=quick) as app,
                serving(app) as client,
            ):
                telegram = app.supervisors["telegram"]
                await until(lambda: telegram.state is State.UP)
                await first.__aexit__()
                await until(lambda: telegram.state is State.RETRYING, timeout=30)
                down = await states(client)
                greeting, _ = await WhatsAppMember(twilio, client, PHONE).send("start", replies=2)

                await again.__aenter__()
                await until(lambda: telegram.state is State.UP, timeout=30)
                up = await states(client)
                hello, _ = await TelegramUser(again, ANA).send("/start", replies=2)
        finally:
            await again.__aexit__()

    assert ({"telegram": "retrying", "whatsapp": "up"}, {"telegram": "up", "whatsapp": "up"}) == (
        down,
        up,
    )
    assert (greeting.body or "").startswith("Welcome to Diaspora Connect")
    assert "Diaspora Connect" in hello.text
    warnings = [line for line in logged(caplog) if line.startswith("telegram")]
    assert 1 == len(warnings), warnings
    assert warnings[0].startswith(f"telegram: cannot reach the Bot API at http://127.0.0.1:{port}")
    assert [] == [record for record in caplog.records if record.exc_info]
