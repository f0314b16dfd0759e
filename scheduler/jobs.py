"""The scheduled jobs and the APScheduler that runs them inside the bot's event loop.

| id | runs | does |
|---|---|---|
| ``plan-campaigns`` | at start, then every minute | queues due campaign messages |
| ``watch-content`` | every 2 seconds | reloads changed content files off the loop; re-plans then |
| ``send-outbox`` | every 2 seconds | drains the outbox (in the background; one drain at a time) |
| ``report-broadcasts`` | every 3 seconds | edits the progress of chat broadcasts, then reports |
| ``housekeeping`` | daily | erases profiles past their retention, forgets old message ids |
| ``post-questions`` | every 3 seconds | shows the staff group members' new questions |
| ``introductions`` | every 10 minutes | expires unanswered proposals, queues follow-ups |
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.housekeeping import Housekeeper
from scheduler.introductions import Introductions
from scheduler.planner import Planner
from scheduler.progress import BroadcastReporter
from scheduler.sender import Sender

log = logging.getLogger(__name__)

PLAN_JOB = "plan-campaigns"
WATCH_JOB = "watch-content"
SEND_JOB = "send-outbox"
REPORT_JOB = "report-broadcasts"
HOUSEKEEPING_JOB = "housekeeping"
POST_QUESTIONS_JOB = "post-questions"
INTRODUCTIONS_JOB = "introductions"


async def plan_campaigns(planner: Planner, sender: Sender) -> None:
    """Queues the campaign messages that are due, tick after tick while there is more."""
    async with planner.lock:
        while True:
            report = await planner.tick()
            if report.queued:
                sender.kick()
            if not report.more:
                return
            await asyncio.sleep(0)


async def watch_content(planner: Planner, sender: Sender) -> None:
    """Reloads the content files that changed (in a worker thread: the bot reads the folder
    only here, never while it answers), and re-plans as soon as one did."""
    await planner.content.poll()
    if planner.content_changed() and not planner.lock.locked():
        await plan_campaigns(planner, sender)


async def send_outbox(sender: Sender) -> None:
    """Starts draining the outbox unless a drain is still running."""
    sender.kick()


async def report_broadcasts(reporter: BroadcastReporter) -> None:
    """Tells the staff chats following broadcasts how far they got."""
    await reporter.tick()


async def follow_introductions(introductions: Introductions, sender: Sender) -> None:
    """Expires unanswered proposals and queues the follow-ups that are due."""
    done = await introductions.tick()
    if done.expired or done.asked:
        sender.kick()


async def post_questions(post: Callable[[], Awaitable[int]]) -> None:
    """Shows the staff group the members' new questions and follow-ups."""
    await post()


async def keep_house(housekeeper: Housekeeper) -> None:
    """Erases profiles past their retention and forgets old message ids."""
    await housekeeper.sweep()


class Jobs:
    """Owns the AsyncIOScheduler: :meth:`start` inside the running loop, :meth:`stop` after."""

    def __init__(
        self,
        planner: Planner,
        sender: Sender,
        reporter: BroadcastReporter | None = None,
        housekeeper: Housekeeper | None = None,
        post_questions: Callable[[], Awaitable[int]] | None = None,
        introductions: Introductions | None = None,
    ) -> None:
        self.planner = planner
        self.sender = sender
        self.reporter = reporter
        self.housekeeper = housekeeper
        # Posts members' questions to the staff group (staff.questions.StaffGroup.post).
        self.post_questions = post_questions
        self.introductions = introductions
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self) -> None:
        """Takes over sending (recovering interrupted sends), then schedules the jobs (planning
        runs at once). While another process sends, this one plans and queues, and its send
        job tries again every time."""
        if not await self.sender.take_over():
            lock = self.sender.lock
            log.warning(
                "another process (%s) is sending from this database: this one sends once it stops",
                lock.holder() if lock is not None else "?",
            )
        options = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        self.scheduler.add_job(
            plan_campaigns,
            IntervalTrigger(minutes=1),
            args=(self.planner, self.sender),
            id=PLAN_JOB,
            next_run_time=datetime.now(UTC),
            **options,
        )
        self.scheduler.add_job(
            watch_content,
            IntervalTrigger(seconds=2),
            args=(self.planner, self.sender),
            id=WATCH_JOB,
            **options,
        )
        self.scheduler.add_job(
            send_outbox, IntervalTrigger(seconds=2), args=(self.sender,), id=SEND_JOB, **options
        )
        if self.reporter is not None:
            self.scheduler.add_job(
                report_broadcasts,
                IntervalTrigger(seconds=3),
                args=(self.reporter,),
                id=REPORT_JOB,
                **options,
            )
        if self.housekeeper is not None:
            # Daily; the first a few minutes after the start, once the channels are up.
            self.scheduler.add_job(
                keep_house,
                IntervalTrigger(hours=24),
                args=(self.housekeeper,),
                id=HOUSEKEEPING_JOB,
                next_run_time=datetime.now(UTC) + timedelta(minutes=5),
                **options,
            )
        if self.introductions is not None:
            self.scheduler.add_job(
                follow_introductions,
                IntervalTrigger(minutes=10),
                args=(self.introductions, self.sender),
                id=INTRODUCTIONS_JOB,
                next_run_time=datetime.now(UTC) + timedelta(minutes=1),
                **options,
            )
        if self.post_questions is not None:
            self.scheduler.add_job(
                post_questions,
                IntervalTrigger(seconds=3),
                args=(self.post_questions,),
                id=POST_QUESTIONS_JOB,
                **options,
            )
        self.scheduler.start()

    async def stop(self) -> None:
        """Stops scheduling, lets a running plan finish, and waits for the send in flight."""
        if self.scheduler.running:
            self.scheduler.pause()
            async with self.planner.lock:
                self.scheduler.shutdown(wait=False)
                await asyncio.sleep(0)  # the scheduler shuts down on the loop's next turn
        await self.sender.close()
