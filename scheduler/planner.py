"""The planner: which (campaign occurrence, member) pairs are due, queued in the outbox once.

Every campaign has one outbox job (``campaign:<id>``), a cron campaign one per occurrence
(``campaign:<id>@<UTC moment>``), and a poll with a schedule one too (``poll:<id>``: the
question with its options as buttons, planned like a campaign until the poll closes). A poll
``after: event_end`` goes to those who attended the event (checked in, or going when nobody was
checked in). A member who turned the message's topic off gets a row ``skipped`` with the reason
``topic: <topic>``, so it is counted and never sent — not even if they turn it back on later.
Every row carries its topic: one who turns it off after the row was queued is skipped by the
sender, with the same reason.

A member's message for a job is queued when it falls due —
at that moment, or a little later (up to ``grace``) when the bot was not running — with
``not_before`` moved into the member's quiet hours. The outbox is unique per (job, member), so
no amount of re-planning, restarting or editing queues a message twice. What falls due while
the bot is down for longer than ``grace`` is recorded as missed, never sent.

When an event (or a ``send_at``) moves, rows still waiting are given the new time; rows already
sent stay sent and are not queued again, since the job's id does not change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.clock import Clock
from bot.content import Content
from bot.content.campaigns import Campaign
from bot.content.events import Event
from bot.content.polls import Poll
from bot.content.schedule import After, Cron, SendAt
from bot.messages import Template
from bot.store import Choices, Outgoing, Run, Store
from bot.store.polls import KIND as POLL_KIND
from bot.store.polls import poll_job
from scheduler.render import Calendar, Links, escape, event_values, member_values
from scheduler.roster import Person, Roster

log = logging.getLogger(__name__)

# Rows queued per tick at most, so a tick never holds the event loop for long; the rest follow
# at the next tick, which the scheduler runs at once when a tick says there is more.
BUDGET = 10_000
# Members read per tick while the roster first loads them (a few tenths of a second's work).
LOAD_BUDGET = 25_000
# A member's local ``at`` time can move a due moment by up to a day either way.
_DAY = timedelta(days=1)
# What the planner sends: a campaign's message, or a poll's question.
Source = Campaign | Poll


@dataclass
class PlanReport:
    """What one tick did."""

    queued: int = 0
    # Members who turned the message's topic off: recorded, never sent.
    skipped: int = 0
    missed: int = 0
    missed_runs: list[str] = field(default_factory=list)
    moved: int = 0
    more: bool = False


@dataclass(frozen=True)
class _Job:
    id: str
    campaign: Source
    # The moment the job is due (for schedules that count from registration: None).
    due_at: datetime | None


def job_id(campaign: Source, occurrence: datetime | None = None) -> str:
    """The outbox job of a campaign (of one occurrence, for cron campaigns) or of a poll."""
    if isinstance(campaign, Poll):
        return poll_job(campaign.id)
    if occurrence is None:
        return f"campaign:{campaign.id}"
    return f"campaign:{campaign.id}@{occurrence.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def run_key(campaign: Source) -> str:
    """What the campaign runs are kept under: a campaign's id, ``poll:<id>`` for a poll."""
    return poll_job(campaign.id) if isinstance(campaign, Poll) else campaign.id


async def audience_of(campaign: Source, roster: Roster, store: Store) -> frozenset[int]:
    """The members a campaign or poll is for; post-event feedback only for those who
    attended."""
    audience = roster.select(campaign.audience, campaign.channels)
    if isinstance(campaign, Poll) and campaign.feedback and campaign.event:
        audience &= await store.polls.attendees(campaign.event)
    return audience


def anchor_moment(schedule: After, event: Event) -> datetime:
    """The moment an event schedule counts from: the event's start, or its end."""
    return event.ends_at if schedule.anchor == "event_end" else event.starts_at


def calendar(content: Content, language: str) -> Calendar:
    """Month names and the date pattern in ``language`` (locale keys ``calendar.*``)."""
    return Calendar(
        tuple(content.text(language, f"calendar.month_{month}") for month in range(1, 13)),
        content.text(language, "calendar.date", day="{day}", month="{month}", year="{year}"),
    )


class Planner:
    """Turns the content folder's campaigns and polls into outbox rows."""

    def __init__(
        self,
        store: Store,
        content: Content,
        clock: Clock,
        *,
        timezone: str,
        grace: timedelta,
        links: Callable[[], Links] = Links,
        budget: int = BUDGET,
        load_budget: int = LOAD_BUDGET,
    ) -> None:
        self.store = store
        self.content = content
        self.clock = clock
        self.timezone = timezone
        self.grace = grace
        self.links = links
        self.budget = budget
        self.load_budget = load_budget
        self.roster = Roster(store.recipients, timezone, store.topics)
        self.lock = asyncio.Lock()
        self._planned: dict[str, set[int]] = {}
        self._generation = -1

    def content_changed(self) -> bool:
        """Whether a content file changed since the last tick (as far as the last look at the
        folder saw)."""
        return self.content.generation != self._generation

    async def tick(self) -> PlanReport:
        """Queues what is due now; records what was missed; moves what moved."""
        now = self.clock.now()
        await self.content.poll()
        self._generation = self.content.generation
        report = PlanReport()
        resumed = self.roster.loading
        await self.roster.refresh(self.load_budget)
        if resumed or not self.roster.complete:
            # Nothing is planned from a part of the members; when loading them takes more than
            # one tick, the one that reads the last of them (and every address) has done
            # enough, and the next one plans.
            report.more = True
            return report
        touched: set[str] = set()
        sources: list[Source] = [*self.content.campaigns.values()]
        sources += [
            poll
            for poll in self.content.polls.values()
            if poll.schedule is not None and not poll.closed(now)
        ]
        for campaign in sources:
            runs = await self.store.runs.of(run_key(campaign))
            try:
                for job in self._jobs(campaign, runs, now):
                    touched.add(job.id)
                    await self._plan(job, runs.get(job.id), now, report)
                    if report.more:
                        break
            except Exception:
                # One campaign's trouble must not stop the others.
                log.exception("planning campaign %s failed", campaign.id)
            if report.more:
                break
        for stale in [name for name in self._planned if name not in touched]:
            del self._planned[stale]
        if report.queued or report.missed or report.moved:
            log.info(
                "planned %d messages, %d missed, %d moved%s",
                report.queued,
                report.missed,
                report.moved,
                " (more to come)" if report.more else "",
            )
        return report

    def _jobs(self, campaign: Source, runs: dict[str, Run], now: datetime) -> Iterator[_Job]:
        schedule = campaign.schedule
        if schedule is None:
            return
        if isinstance(schedule, SendAt):
            yield _Job(job_id(campaign), campaign, schedule.moment.astimezone(UTC))
        elif isinstance(schedule, Cron):
            checked = [datetime.fromisoformat(run.checked_at) for run in runs.values()]
            start = min(now - self.grace, max(checked)) if checked else now - self.grace
            for moment in schedule.between(start, now, self.timezone):
                yield _Job(job_id(campaign, moment), campaign, moment)
        elif schedule.anchor != "registration":
            event = self.content.events.get(schedule.event or "")
            if event is None:
                log.warning("campaign %s: event %s is gone", campaign.id, schedule.event)
                return
            yield _Job(
                job_id(campaign),
                campaign,
                (anchor_moment(schedule, event) + schedule.offset).astimezone(UTC),
            )
        else:
            yield _Job(job_id(campaign), campaign, None)

    def _due(self, job: _Job, person: Person) -> datetime:
        """When ``person``'s message of ``job`` is due (before quiet hours)."""
        schedule = job.campaign.schedule
        if isinstance(schedule, After):
            if schedule.anchor == "registration":
                return schedule.due(person.registered_at, person.zone)
            event = self.content.events[schedule.event or ""]
            return schedule.due(anchor_moment(schedule, event), person.zone)
        assert job.due_at is not None
        return job.due_at

    def _not_before(self, campaign: Source, due: datetime, person: Person) -> datetime:
        if campaign.quiet_hours is None:
            return due
        return campaign.quiet_hours.next_allowed(due, person.zone)

    async def _plan(self, job: _Job, run: Run | None, now: datetime, report: PlanReport) -> None:
        campaign = job.campaign
        schedule = campaign.schedule
        if run is not None and run.state == "missed":
            return
        earliest = now - self.grace
        if run is not None and job.due_at is not None and run.due_at != job.due_at.isoformat():
            await self._move(job, earliest, now, report)
            await self.store.runs.save(job.id, run_key(campaign), "planned", job.due_at, now)
        if job.due_at is not None:
            # Members' local ``at`` times spread an event reminder over a day either way.
            spread = (
                _DAY if isinstance(schedule, After) and schedule.at is not None else timedelta()
            )
            if job.due_at - spread > now:
                return
            if job.due_at + spread < earliest:
                if run is None:
                    await self._missed(job, now, report)
                return
        # Up to when the planner already looked: what fell due before then was dealt with.
        if run is not None:
            looked = datetime.fromisoformat(run.checked_at)
        elif job.due_at is not None:
            looked = job.due_at - _DAY
        else:
            looked = now  # a new registration campaign: nobody registered earlier is owed it
        audience = await self._audience(campaign)
        due_now: list[tuple[Person, datetime]] = []
        missed: list[Person] = []
        people = self.roster.people
        if isinstance(schedule, After) and schedule.anchor == "registration":
            registered = [
                person
                for person in self.roster.registered_between(
                    min(earliest, looked) - schedule.offset - _DAY, now - schedule.offset + _DAY
                )
                if person.id in audience
            ]
            planned = await self.store.outbox.planned_among(job.id, [p.id for p in registered])
            groups = [
                (self._due(job, person), [person.id])
                for person in registered
                if person.id not in planned
            ]
        else:
            cached = self._planned.get(job.id)
            if cached is None:
                cached = self._planned[job.id] = await self.store.outbox.planned(job.id)
            waiting = audience - cached
            if isinstance(schedule, After) and schedule.at is not None:
                # Due at a local time: one moment per time zone.
                event = self.content.events[schedule.event or ""]
                groups = [
                    (schedule.due(anchor_moment(schedule, event), zone_name), sorted(ids))
                    for zone_name, ids in self.roster.in_zones(waiting).items()
                ]
            else:
                assert job.due_at is not None
                groups = [(job.due_at, sorted(waiting))]
        room = self.budget - report.queued
        for due, ids in sorted(groups, key=lambda group: group[0]):
            if earliest <= due <= now:
                if len(ids) > room - len(due_now):
                    ids, report.more = ids[: max(room - len(due_now), 0)], True
                due_now += [(people[member_id], due) for member_id in ids]
            elif looked < due < earliest:
                missed += [people[member_id] for member_id in ids]
        off = self.roster.topic_off(campaign.topic)
        skipped = [(person, moment) for person, moment in due_now if person.id in off]
        if skipped:
            due_now = [(person, moment) for person, moment in due_now if person.id not in off]
            await self.store.outbox.enqueue(
                self._messages(job, skipped),
                now,
                state="skipped",
                reason=f"topic: {campaign.topic}",
            )
        queued = await self.store.outbox.enqueue(self._messages(job, due_now), now)
        recorded = await self.store.outbox.enqueue(
            self._messages(job, [(person, now) for person in missed]), now, state="missed"
        )
        if job.id in self._planned:
            self._planned[job.id].update(person.id for person, _ in due_now)
            self._planned[job.id].update(person.id for person, _ in skipped)
            self._planned[job.id].update(person.id for person in missed)
        report.queued += queued
        report.skipped += len(skipped)
        report.missed += recorded
        await self.store.runs.save(
            job.id, run_key(campaign), "planned", job.due_at, now, members=queued
        )

    async def _audience(self, campaign: Source) -> frozenset[int]:
        return await audience_of(campaign, self.roster, self.store)

    async def _missed(self, job: _Job, now: datetime, report: PlanReport) -> None:
        """Records an occurrence that fell due (and out of grace) while the bot was down."""
        campaign = job.campaign
        audience = await self._audience(campaign)
        await self.store.runs.save(
            job.id, run_key(campaign), "missed", job.due_at, now, members=len(audience)
        )
        report.missed_runs.append(job.id)
        log.warning("campaign %s: %s was missed (due %s)", campaign.id, job.id, job.due_at)

    async def _move(self, job: _Job, earliest: datetime, now: datetime, report: PlanReport) -> None:
        """The job's moment changed: rows still queued get the new time (or are missed)."""
        moves: list[tuple[int, datetime]] = []
        late: list[tuple[int, str | None]] = []
        for row_id, member_id in await self.store.outbox.queued_of(job.id):
            person = self.roster.people.get(member_id)
            if person is None:
                continue
            due = self._due(job, person)
            if due < earliest:
                late.append((row_id, "the event moved; the new time has passed"))
            else:
                moves.append((row_id, self._not_before(job.campaign, due, person)))
        await self.store.outbox.reschedule(moves, now)
        await self.store.outbox.finish(late, "missed", now)
        report.moved += len(moves)
        report.missed += len(late)
        log.info(
            "campaign %s moved to %s: %d waiting messages follow",
            job.campaign.id,
            job.due_at,
            len(moves),
        )

    def _messages(self, job: _Job, due: list[tuple[Person, datetime]]) -> Iterator[Outgoing]:
        campaign = job.campaign
        links = self.links()
        event = self.content.events.get(campaign.event or "")
        default = self.content.default_language
        # Event values, escaped, per (language, channel): the same for every member.
        shared: dict[tuple[str, str], dict[str, str]] = {}
        raw: dict[str, dict[str, str]] = {}
        # A poll's buttons per language: the same for every member.
        buttons: dict[str, Choices] = {}
        for person, moment in due:
            channel = self.roster.channel_for(person, campaign.channels) or "telegram"
            language, text = campaign.text(person.language, default)
            values = shared.get((language, channel))
            if values is None:
                if event is not None and language not in raw:
                    raw[language] = event_values(
                        event, language, default, calendar(self.content, language)
                    )
                values = shared[(language, channel)] = {
                    name: escape(value, channel) for name, value in raw.get(language, {}).items()
                }
                if event is not None:
                    values["event_link"] = links.event(event.slug, channel)
            member = member_values(person.name)
            template: Template | None = None
            if campaign.usable_template is not None:
                filled = {**raw.get(language, {}), **member}
                if event is not None:
                    filled["event_link"] = links.event(event.slug, "whatsapp")
                template = campaign.usable_template.build(language, default, filled)
            body = text.format_map(
                {**values, **{name: escape(value, channel) for name, value in member.items()}}
            )
            choices = None
            if isinstance(campaign, Poll):
                choices = buttons.get(language)
                if choices is None:
                    own_words = self.content.text(language, "polls.own_words")
                    options = campaign.buttons(language, default, own_words)
                    choices = buttons[language] = Choices(options, language, campaign.multiple)
            yield Outgoing(
                job=job.id,
                kind=POLL_KIND if isinstance(campaign, Poll) else "campaign",
                member_id=person.id,
                body=body,
                not_before=self._not_before(campaign, moment, person),
                template=template,
                channels=campaign.channels,
                choices=choices,
                topic=campaign.topic,
            )
