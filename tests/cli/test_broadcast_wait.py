"""``broadcast --wait`` when it cannot send from here: a platform out of reach or refusing the
token is one clear line, the broadcast stays queued for the service and the exit code is 1; an
audience that no channel configured here reaches is said up front, before anything is queued."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from scheduler.sendlock import SendLock
from tests.conftest import ROOT
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.server import closed_port
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, NUMBER
from tests.scheduler.conftest import add_member

WAIT = ["broadcast", "--text", "Hello {first_name}", "--yes", "--wait"]


@pytest.fixture
def database(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment: a database in tmp_path, the test's content, no channel yet."""
    path = tmp_path / "cli.sqlite3"
    monkeypatch.chdir(ROOT)
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE_URL",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_WHATSAPP_NUMBER",
        "TWILIO_API_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("CONTENT_DIR", str(folder))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return path


def members(path: Path, *addresses: str) -> None:
    async def add() -> None:
        async with Store(path) as store:
            for address in addresses:
                await add_member(store, address, registered_at=datetime.now(UTC))

    asyncio.run(add())


def outbox(path: Path) -> dict[str, int]:
    async def counts() -> dict[str, int]:
        async with Store(path) as store:
            return await store.outbox.counts()

    return asyncio.run(counts())


def test_telegram_out_of_reach_is_one_line_and_the_broadcast_stays_queued(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listens where the Bot API should be: exit 1, one line saying Telegram cannot be
    reached and that the queued job waits for the service; the rows stay queued, the send lock
    is free again, and no traceback."""
    port = closed_port()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{port}/bot")
    members(database, "telegram:501", "telegram:502")

    code = main(WAIT)

    err = capsys.readouterr().err.splitlines()
    assert 1 == code
    [line] = [line for line in err if line.startswith("diaspora-bot:")]
    assert line.startswith(
        f"diaspora-bot: telegram: cannot reach the Bot API at http://127.0.0.1:{port}/bot ("
    )
    assert line.endswith(
        "; the broadcast is queued as broadcast:1 and `diaspora-bot run` sends it once the"
        " platform answers (`diaspora-bot outbox status` shows it)"
    )
    assert [] == [line for line in err if line.startswith(("Traceback", "  File", "telegram."))]
    assert {"queued": 2} == outbox(database)
    assert SendLock.of(database).acquire()


async def test_a_refused_telegram_token_is_one_line_naming_it(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Bot API answers 401: exit 1, one line naming TELEGRAM_BOT_TOKEN and not its value;
    the broadcast stays queued."""
    async with FakeBotApi() as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "987654:NOT-THE-TOKEN")
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"{fake.url}/bot")
        await asyncio.to_thread(members, database, "telegram:501")

        code = await asyncio.to_thread(main, WAIT)

    err = capsys.readouterr().err
    assert 1 == code
    assert (
        "diaspora-bot: telegram: the Bot API refused TELEGRAM_BOT_TOKEN (401 Unauthorized);"
        " Telegram is off until the token is fixed; the broadcast is queued as broadcast:1"
    ) in err
    assert "NOT-THE-TOKEN" not in err
    assert {"queued": 1} == await asyncio.to_thread(outbox, database)


def test_twilio_out_of_reach_is_one_line_too_and_nothing_fails(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """WhatsApp members and Twilio out of reach: one line naming Twilio, exit 1, and the rows
    stay queued rather than failing their attempts one by one."""
    port = closed_port()
    for name, value in {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": NUMBER,
        "TWILIO_API_BASE_URL": f"http://127.0.0.1:{port}",
    }.items():
        monkeypatch.setenv(name, value)
    members(database, "whatsapp:+38267000001")

    code = main(WAIT)

    err = capsys.readouterr().err
    assert 1 == code
    assert f"diaspora-bot: whatsapp: cannot reach Twilio at http://127.0.0.1:{port} (" in err
    assert "the broadcast is queued as broadcast:1" in err
    assert {"queued": 1} == outbox(database)


def test_an_audience_no_configured_channel_reaches_is_refused_up_front(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only WhatsApp members and no Twilio settings: --wait says so before queuing, names the
    settings, queues nothing and exits 1."""
    members(database, "whatsapp:+38267000001", "whatsapp:+38267000002")

    code = main(WAIT)

    assert 1 == code
    assert (
        "diaspora-bot: no channel configured here reaches this audience (WhatsApp 2: set"
        " TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_NUMBER); nothing queued"
    ) in capsys.readouterr().err
    assert {} == outbox(database)


async def test_members_on_a_channel_not_configured_here_are_named_up_front_and_stay_queued(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Telegram configured, one member only on WhatsApp: before sending, a line says their
    message waits for a service with WhatsApp; the Telegram member gets it, theirs stays
    queued."""
    async with FakeBotApi() as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"{fake.url}/bot")
        monkeypatch.setenv("TELEGRAM_CHAT_INTERVAL", "0")
        await asyncio.to_thread(members, database, "telegram:501", "whatsapp:+38267000001")

        code = await asyncio.to_thread(main, WAIT)
        got = [message.text for message in fake.messages(501)]

    out = capsys.readouterr().out
    assert (0, ["Hello Ana"]) == (code, got)
    assert (
        "WhatsApp 1: not configured here (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and"
        " TWILIO_WHATSAPP_NUMBER): those stay queued for a service that has it."
    ) in out
    assert "still queued 1." in out
    assert {"queued": 1, "sent": 1} == await asyncio.to_thread(outbox, database)
