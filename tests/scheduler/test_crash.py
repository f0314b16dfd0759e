"""kill -9 in the middle of a large send: nothing is lost silently, nothing is sent twice.

A real ``diaspora-bot broadcast --wait`` process sends through the real Telegram stack to the
fake Bot API (each send takes 50 ms to answer, as from a distant server) and is killed with
SIGKILL once some messages arrived. What the database says must agree with what members got,
``outbox status`` must report the rows whose fate is unknown, and sending again must finish
the rest without a second copy to anyone.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.app import App
from bot.store import Store
from tests.conftest import make_settings
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.scheduler.conftest import add_member

MEMBERS = 300
FIRST_CHAT = 5_000
CONTENT = Path(__file__).resolve().parents[2] / "content"


def _environment(database: Path, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(
        DATABASE_PATH=str(database),
        CONTENT_DIR=str(CONTENT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        TELEGRAM_RATE="0",
        DEFAULT_LANGUAGE="en",
        LOG_LEVEL="WARNING",
    )
    return env


async def _cli(env: dict[str, str], cwd: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _rows(database: Path) -> dict[int, str]:
    """Each member's chat id and the state of their row."""
    async with Store(database) as store:
        rows = await store.db.fetchall(
            "SELECT a.address, o.state FROM outbox o JOIN addresses a ON a.member_id = o.member_id"
        )
    return {int(str(row[0]).split(":")[1]): str(row[1]) for row in rows}


async def test_a_send_killed_midway_loses_nothing_silently_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "diaspora.sqlite3"
    async with Store(database) as store:
        for number in range(1, MEMBERS + 1):
            await add_member(store, f"telegram:{FIRST_CHAT + number}", name=f"Member {number}")

    async with FakeBotApi(send_delay=0.05) as fake:

        def received() -> Counter[int]:
            return Counter(
                int(call.params["chat_id"])
                for call in fake.calls_to("sendMessage")
                if call.status == 200
            )

        env = _environment(database, f"{fake.url}/bot")
        sender = await _cli(
            env, tmp_path, "broadcast", "--text", "News from home", "--yes", "--wait"
        )
        async with asyncio.timeout(60):
            while len(received()) < MEMBERS // 4:
                if sender.returncode is not None:
                    raise AssertionError(await sender.communicate())
                await asyncio.sleep(0.01)
        sender.send_signal(signal.SIGKILL)
        await sender.communicate()
        assert -signal.SIGKILL == sender.returncode

        # What the database says agrees with what the members got.
        at_kill, got = await _rows(database), received()
        states = Counter(at_kill.values())
        assert MEMBERS == len(at_kill) == sum(states.values())
        assert set(states) <= {"sent", "sending", "queued"}
        assert 0 < states["sending"] <= 2 * 16  # at most two windows in flight
        assert all(got[chat] == 1 for chat, state in at_kill.items() if state == "sent")
        assert all(got[chat] == 0 for chat, state in at_kill.items() if state == "queued")
        assert all(got[chat] <= 1 for chat in at_kill)

        # outbox status reports the rows whose fate is unknown.
        status = await _cli(env, tmp_path, "outbox", "status")
        out, err = await status.communicate()
        assert 0 == status.returncode, err
        report = out.decode()
        unknown = re.search(r"^\s*unknown\s+(\d+)$", report, re.MULTILINE)
        assert unknown is not None and states["sending"] == int(unknown.group(1)), report
        assert "the bot stopped while sending; never resent" in report

        # Sending again finishes the rest; nobody gets a second copy.
        settings = make_settings(
            tmp_path,
            database_path=database,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=f"{fake.url}/bot",
            telegram_rate=0,
        )
        async with App(settings) as app, app.sending():
            report_after = await app.sender.drain()
        final, got = await _rows(database), received()

    assert states["queued"] == report_after.sent
    assert Counter({"sent": MEMBERS - states["sending"], "unknown": states["sending"]}) == Counter(
        final.values()
    )
    assert all(count == 1 for count in got.values())
    assert all(got[chat] == 1 for chat, state in final.items() if state == "sent")


LIMITED_MEMBERS = 30
# The platform allows 5 messages a second; the sender, set for Telegram's usual 25, learns it
# from 429 answers (retry_after 1 s) and waits. Rows waiting so must not look sent.
PLATFORM_RATE = 5
SENDER_RATE = "25"
# Two windows of ceil(0.3 × 25 / 2) = 4 sends are in flight at most.
IN_FLIGHT_AT_MOST = 8


async def test_a_send_killed_under_a_platform_limit_leaves_unknown_only_what_was_in_flight(
    tmp_path: Path,
) -> None:
    """kill -9 while a 5 msg/s platform keeps answering 429: every row left unknown is a
    request the platform had received (one at most may be on its way, claimed an instant before
    the kill); rows that waited for the limiter are still queued and are sent afterwards."""
    database = tmp_path / "diaspora.sqlite3"
    async with Store(database) as store:
        for number in range(1, LIMITED_MEMBERS + 1):
            await add_member(store, f"telegram:{FIRST_CHAT + number}", name=f"Member {number}")

    async with FakeBotApi(send_limit=PLATFORM_RATE, send_delay=0.05) as fake:

        def received(status: int | None = None) -> Counter[int]:
            return Counter(
                int(call.params["chat_id"])
                for call in fake.calls_to("sendMessage")
                if status is None or call.status == status
            )

        env = _environment(database, f"{fake.url}/bot") | {"TELEGRAM_RATE": SENDER_RATE}
        sender = await _cli(
            env, tmp_path, "broadcast", "--text", "News from home", "--yes", "--wait"
        )
        # Killed during a pause: a third delivered, then a 429, and the sender has had 100 ms
        # to hear it (and to stop sending for the second it was told to wait).
        async with asyncio.timeout(60):
            while (
                sum(received(200).values()) < LIMITED_MEMBERS // 3
                or fake.calls_to("sendMessage")[-1].status != 429
            ):
                if sender.returncode is not None:
                    raise AssertionError(await sender.communicate())
                await asyncio.sleep(0.005)
        await asyncio.sleep(0.1)
        sender.send_signal(signal.SIGKILL)
        answered_before_kill = len(fake.calls)
        await sender.communicate()
        await asyncio.sleep(0.3)  # requests that reached the fake before the kill are answered
        in_flight = len(fake.calls) - answered_before_kill

        status = await _cli(env, tmp_path, "outbox", "status")  # sending -> unknown
        assert 0 == (await status.wait())
        at_kill, got, delivered = await _rows(database), received(), received(200)
        unknown = {chat for chat, state in at_kill.items() if state == "unknown"}
        never_received = unknown - set(got)
        assert len(never_received) <= 1, (sorted(never_received), in_flight, at_kill)
        assert len(unknown) <= min(in_flight + 1, IN_FLIGHT_AT_MOST), (unknown, in_flight)
        assert all(delivered[chat] == 1 for chat, state in at_kill.items() if state == "sent")
        assert all(delivered[chat] == 0 for chat, state in at_kill.items() if state == "queued")

        # What waited for the limiter is sent now, once; unknown rows are not resent.
        settings = make_settings(
            tmp_path,
            database_path=database,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=f"{fake.url}/bot",
            telegram_rate=PLATFORM_RATE,
        )
        async with App(settings) as app, app.sending():
            await app.sender.drain()
        final, delivered = await _rows(database), received(200)

    assert Counter({"sent": LIMITED_MEMBERS - len(unknown), "unknown": len(unknown)}) == Counter(
        final.values()
    )
    assert all(delivered[chat] == 1 for chat, state in final.items() if state == "sent")
    assert all(delivered[chat] <= 1 for chat in final)
