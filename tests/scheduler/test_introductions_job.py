"""The ``introductions`` job: scheduled with the others when the service runs, and each run
expires what is overdue and has the sender deliver what it queued."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.clock import FixedClock
from bot.store import Business
from scheduler.jobs import INTRODUCTIONS_JOB, Jobs, follow_introductions
from tests.conftest import make_settings
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def test_the_service_schedules_the_introductions_job(tmp_path: Path) -> None:
    """Jobs given the introductions schedule them under their id, with the others."""
    async with App(make_settings(tmp_path), clock=FixedClock(NOW)) as app:
        jobs = Jobs(app.planner, app.sender, introductions=app.introductions)
        await jobs.start()
        try:
            assert INTRODUCTIONS_JOB in {job.id for job in jobs.scheduler.get_jobs()}
        finally:
            await jobs.stop()


async def test_a_run_expires_an_overdue_proposal_and_the_sender_delivers_the_notices(
    tmp_path: Path,
) -> None:
    """Fifteen days after a proposal nobody answered, a run expires it and the terminal member
    reads that it will not go ahead."""
    clock = FixedClock(NOW)
    async with App(make_settings(tmp_path), clock=clock) as app:
        shown = io.StringIO()
        app.terminal(stdout=shown)
        member = await add_member(app.store, "terminal:local", NOW, name="Ana", country="DE")
        await app.store.offers.save(
            member.id, {"gives": ["mentoring"], "mode": "remote", "hours": 4}, NOW
        )
        business = await app.store.businesses.create(
            Business(0, "Konoba Zora", "chat", municipality="Kotor", needs=["mentoring"]), NOW
        )
        await app.store.matches.propose(
            business.id, member.id, NOW, actor="t", expires_at=NOW + timedelta(days=14)
        )
        clock.advance(days=15)
        await app.sender.take_over()

        await follow_introductions(app.introductions, app.sender)
        for _ in range(200):
            if await app.store.outbox.counts() == {"sent": 1}:
                break
            await asyncio.sleep(0.01)

        [match] = await app.store.matches.all()
        assert "expired" == match.status
        assert {"sent": 1} == await app.store.outbox.counts()
        assert "will not go ahead: not both sides answered within 14 days" in shown.getvalue()
