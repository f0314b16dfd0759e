"""The scheduler inside the running app: started by serve(), stopped with it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.clock import FixedClock
from bot.store import Store
from scheduler.jobs import PLAN_JOB, SEND_JOB, WATCH_JOB, watch_content
from tests.conftest import make_settings
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.scheduler.conftest import add_member, write_campaign


async def test_serving_plans_and_sends_a_due_campaign_and_stops_cleanly(
    folder: Path, tmp_path: Path
) -> None:
    """serve() starts the three jobs; a due campaign reaches the member; stop ends them."""
    now = datetime.now(UTC)
    write_campaign(
        folder,
        "hello",
        f"---\nsend_at: {(now - timedelta(minutes=1)).isoformat()}\nquiet_hours: null\n---\n"
        "# en\nHello {first_name}, welcome home!\n",
    )
    async with FakeBotApi() as fake:
        settings = make_settings(
            tmp_path,
            content_dir=folder,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=f"{fake.url}/bot",
        )
        async with Store(settings.database_path) as store:
            await add_member(store, "telegram:7001", registered_at=now - timedelta(days=1))
        stop = asyncio.Event()
        async with App(settings) as app:
            serving = asyncio.create_task(app.serve(stop))
            (message,) = await fake.wait_for_messages(7001, 1)
            assert app.jobs is not None
            assert {PLAN_JOB, WATCH_JOB, SEND_JOB} <= {
                job.id for job in app.jobs.scheduler.get_jobs()
            }
            stop.set()
            await serving
            assert app.jobs is None
            assert {"sent": 1} == await app.store.outbox.counts()
    assert "Hello Ana, welcome home!" == message.text


class Ticker:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


async def test_the_watch_job_reads_a_new_campaign_once_its_interval_passed_and_plans_it(
    folder: Path, tmp_path: Path, clock: FixedClock
) -> None:
    """A campaign file saved while the bot runs is read by the watch job once the content's
    interval has passed (not sooner), and planned at once."""
    ticker = Ticker()
    settings = make_settings(tmp_path, content_dir=folder)
    async with App(settings, clock=clock, monotonic=ticker) as app:
        await add_member(app.store, "telegram:7001", registered_at=clock.now() - timedelta(days=1))
        write_campaign(
            folder,
            "hello",
            f"---\nsend_at: {(clock.now() - timedelta(minutes=1)).isoformat()}\n"
            "quiet_hours: null\n---\n# en\nHello {first_name}!\n",
        )
        await watch_content(app.planner, app.sender)
        assert "hello" not in app.content.campaigns

        ticker.seconds += app.content.min_interval
        await watch_content(app.planner, app.sender)

        assert "hello" in app.content.campaigns
        assert 1 == sum((await app.store.outbox.counts("campaign:hello")).values())
