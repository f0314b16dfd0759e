"""Polls planned like campaigns (buttons in each member's language, once, until they close),
post-event feedback the day after to those who attended, and topics honoured wherever messages
are planned or queued: campaigns, polls, broadcasts and event reminders — while the answers to a
member's own question are replies and always go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.content import Content
from bot.content.audience import Audience
from bot.store import Store
from bot.store.polls import results_job
from scheduler import broadcast
from staff import answers, polls
from tests.conftest import CONTENT
from tests.content.test_polls import write_poll
from tests.fakes.channel import FakeChannel
from tests.scheduler.conftest import (
    NOW,
    add_member,
    make_planner,
    make_sender,
    rsvp,
    write_campaign,
)

FORUM = """
---
send_at: {moment}
closes_at: {closes}
quiet_hours: null
topic: business
options:
  "yes": {{en: "Yes, I would come", cnr: "Da, došao/la bih"}}
  "no": {{en: "No", cnr: "Ne"}}
free_text: true
---
# en
{{first_name}}, would you attend a business forum in Nikšić?
# cnr
{{first_name}}, da li biste došli na poslovni forum u Nikšiću?
"""

FEEDBACK = """
---
after: event_end
event: supper
offset: +1d
at: "11:00"
options: {good: Good, bad: Bad}
---
# en
How was {event_title}, {first_name}?
"""

SUPPER = """\
title: "Diaspora supper"
description: "An evening in Kotor."
starts_at: "2027-03-12T19:00:00+01:00"
ends_at: "2027-03-12T23:00:00+01:00"
venue: "Palace Bizanti"
city: "Kotor"
"""


async def _rows(store: Store, job: str) -> list[tuple[int, str, str | None, str]]:
    rows = await store.db.fetchall(
        "SELECT member_id, state, error, body FROM outbox WHERE job = ? ORDER BY member_id",
        (job,),
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def _forum(folder: Path, moment: datetime = NOW, closes: datetime | None = None) -> None:
    closes = closes or NOW + timedelta(days=14)
    write_poll(folder, "forum", FORUM.format(moment=moment.isoformat(), closes=closes.isoformat()))


async def test_a_poll_goes_out_once_with_its_options_as_buttons_in_each_language(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """At its moment a poll is one row per member (job poll:<id>, kind poll), the question in
    their language with the options — and "in my own words" — as /poll buttons; re-planning
    queues nothing twice."""
    ana = await add_member(store, "telegram:1", name="Ana Marković")
    marko = await add_member(store, "telegram:2", name="Marko Ivanović", language="cnr")
    _forum(folder)
    planner = make_planner(store, Content.load(folder, "en"), clock)
    assert 2 == (await planner.tick()).queued
    assert 0 == (await planner.tick()).queued
    assert [
        (ana, "queued", None, "Ana, would you attend a business forum in Nikšić?"),
        (marko, "queued", None, "Marko, da li biste došli na poslovni forum u Nikšiću?"),
    ] == await _rows(store, "poll:forum")
    [first, second] = await store.outbox.due(clock.now())
    assert "poll" == first.kind
    assert first.choices is not None and second.choices is not None
    assert [
        ("/poll forum yes", "Yes, I would come"),
        ("/poll forum no", "No"),
        ("/poll forum ~text", "✍️ In my own words"),
    ] == [(option.id, option.label) for option in first.choices.options]
    assert ("cnr", ["Da, došao/la bih", "Ne", "✍️ Svojim riječima"]) == (
        second.choices.language,
        [option.label for option in second.choices.options],
    )


async def test_the_sender_sends_a_polls_buttons(
    store: Store, folder: Path, clock: FixedClock, telegram: FakeChannel
) -> None:
    """The outbox row's options reach the channel as the reply's options."""
    await add_member(store, "telegram:1", name="Ana Marković")
    _forum(folder)
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    await make_sender(store, clock, telegram).drain()
    [(address, reply)] = telegram.sent
    assert ("telegram:1", ["Yes, I would come", "No", "✍️ In my own words"]) == (
        address,
        [option.label for option in reply.options],
    )


async def test_a_closed_poll_is_not_sent(store: Store, folder: Path, clock: FixedClock) -> None:
    """A poll whose closing time has passed is never planned, even if it was never sent."""
    await add_member(store, "telegram:1")
    _forum(folder, moment=NOW - timedelta(hours=1), closes=NOW - timedelta(minutes=1))
    assert 0 == (await make_planner(store, Content.load(folder, "en"), clock).tick()).queued
    assert [] == await _rows(store, "poll:forum")


async def test_members_who_turned_the_topic_off_are_skipped_and_recorded(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """A poll of topic business and a campaign of topic news: a member who turned business off
    gets a row skipped with "topic: business" (never sent, and not again if they turn it back
    on), and still gets the news; a member who stopped everything gets nothing at all."""
    ana = await add_member(store, "telegram:1", name="Ana")
    marko = await add_member(store, "telegram:2", name="Marko")
    stopped = await add_member(store, "telegram:3", name="Nina", stopped_at=NOW.isoformat())
    await store.topics.turn(marko, "business", on=False, now=NOW)
    _forum(folder)
    write_campaign(
        folder, "news", f"---\nsend_at: {NOW.isoformat()}\nquiet_hours: null\n---\n# en\nNews\n"
    )
    planner = make_planner(store, Content.load(folder, "en"), clock)
    report = await planner.tick()
    assert (2 + 1, 1) == (report.queued, report.skipped)
    assert [(ana, "queued", None), (marko, "skipped", "topic: business")] == [
        row[:3] for row in await _rows(store, "poll:forum")
    ]
    assert [ana, marko] == [row[0] for row in await _rows(store, "campaign:news")]
    await store.topics.turn(marko, "business", on=True, now=NOW)
    clock.advance(minutes=1)
    assert 0 == (await planner.tick()).queued
    assert stopped not in [row[0] for row in await _rows(store, "poll:forum")]


async def test_a_queued_poll_is_skipped_for_a_member_who_then_turned_its_topic_off(
    store: Store, folder: Path, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A poll of topic business queued to two members: the one who turns business off before
    it is sent gets no question (skipped with "topic: business"), the other gets it."""
    ana = await add_member(store, "telegram:1", name="Ana")
    marko = await add_member(store, "telegram:2", name="Marko")
    _forum(folder)
    assert 2 == (await make_planner(store, Content.load(folder, "en"), clock).tick()).queued
    await store.topics.turn(marko, "business", on=False, now=NOW)
    await make_sender(store, clock, telegram).drain()
    assert ["telegram:1"] == [to for to, _ in telegram.sent]
    assert [(ana, "sent", None), (marko, "skipped", "topic: business")] == [
        row[:3] for row in await _rows(store, "poll:forum")
    ]


async def test_shared_results_are_skipped_for_a_member_who_then_turned_the_topic_off(
    store: Store, folder: Path, clock: FixedClock, telegram: FakeChannel
) -> None:
    """A poll's results queued to the five who answered: one who turns the poll's topic
    (business) off before they are sent is skipped with "topic: business", the rest get them."""
    members = [await add_member(store, f"telegram:{n}", name=f"M{n}") for n in range(1, 6)]
    for member in members:
        await store.polls.answer("forum", member, NOW, choices=["yes"])
    _forum(folder)
    content = Content.load(folder, "en")
    assert 5 == await polls.share(store, content, "forum", NOW, actor="cli:test")
    await store.topics.turn(members[0], "business", on=False, now=NOW)
    await make_sender(store, clock, telegram).drain()
    assert [f"telegram:{n}" for n in range(2, 6)] == sorted(to for to, _ in telegram.sent)
    first = (await _rows(store, results_job("forum")))[0]
    assert (members[0], "skipped", "topic: business") == first[:3]


async def test_event_reminders_honour_the_events_topic(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """A reminder before an event (topic events by default) skips a member who turned events
    off, even though they said they are going."""
    ana = await add_member(store, "telegram:1")
    marko = await add_member(store, "telegram:2")
    for member in (ana, marko):
        await rsvp(store, "diaspora-days-2027", member, "going")
    await store.topics.turn(marko, "events", on=False, now=NOW)
    write_campaign(
        folder,
        "reminder",
        "---\nafter: event_start\nevent: diaspora-days-2027\noffset: -2d\nquiet_hours: null\n"
        "audience: {event: diaspora-days-2027}\n---\n# en\nSee you soon!\n",
    )
    clock.at = datetime(2027, 7, 21, 16, 0, tzinfo=UTC)
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert [(ana, "queued", None), (marko, "skipped", "topic: events")] == [
        row[:3] for row in await _rows(store, "campaign:reminder")
    ]


async def test_feedback_goes_the_day_after_the_event_to_those_checked_in(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """The day after the supper ends, at 11:00 local, the feedback poll reaches those checked
    in — not those who said they were going but never came, nor anyone else."""
    (folder / "events" / "supper.yaml").write_text(SUPPER, encoding="utf-8")
    came = await add_member(store, "telegram:1", name="Ana", country="ME")
    absent = await add_member(store, "telegram:2", name="Marko", country="ME")
    await add_member(store, "telegram:3", name="Nina", country="ME")
    for member in (came, absent):
        await rsvp(store, "supper", member, "going")
    await store.rsvps.check_in("supper", came, datetime(2027, 3, 12, 18, 30, tzinfo=UTC))
    write_poll(folder, "supper-feedback", FEEDBACK)
    clock.at = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)
    planner = make_planner(store, Content.load(folder, "en"), clock)
    assert 0 == (await planner.tick()).queued
    clock.at = datetime(2027, 3, 13, 10, 0, tzinfo=UTC)  # 11:00 in Podgorica, the day after
    assert 1 == (await planner.tick()).queued
    assert [(came, "queued", None, "How was Diaspora supper, Ana?")] == await _rows(
        store, "poll:supper-feedback"
    )


async def test_without_check_ins_feedback_goes_to_those_going(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Nobody was checked in at the door: those who said they were going get the feedback
    (not those who said maybe)."""
    (folder / "events" / "supper.yaml").write_text(SUPPER, encoding="utf-8")
    going = await add_member(store, "telegram:1", country="ME")
    maybe = await add_member(store, "telegram:2", country="ME")
    await rsvp(store, "supper", going, "going")
    await rsvp(store, "supper", maybe, "maybe")
    write_poll(folder, "supper-feedback", FEEDBACK)
    clock.at = datetime(2027, 3, 13, 10, 0, tzinfo=UTC)
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert [going] == [row[0] for row in await _rows(store, "poll:supper-feedback")]


async def test_a_broadcast_skips_members_who_turned_its_topic_off(
    store: Store, clock: FixedClock
) -> None:
    """The plan counts them apart; queueing records their rows skipped with the topic."""
    ana = await add_member(store, "telegram:1", name="Ana")
    marko = await add_member(store, "telegram:2", name="Marko")
    await store.topics.turn(marko, "fellowship", on=False, now=NOW)
    plan = await broadcast.plan(
        store, "Hi {first_name}", Audience(), "Europe/Podgorica", NOW, topic="fellowship"
    )
    assert (1, 1) == (plan.members, plan.topic_off)
    sent, queued = await broadcast.queue(store, plan, "cli:test", NOW, "Europe/Podgorica")
    assert 1 == queued
    assert [(ana, "queued", None), (marko, "skipped", "topic: fellowship")] == [
        row[:3] for row in await _rows(store, sent.job)
    ]
    [entry] = await store.audit.entries()
    assert ("fellowship", 1) == (entry.detail["topic"], entry.detail["skipped_topic"])
    news = await broadcast.plan(store, "Hi", Audience(), "Europe/Podgorica", NOW)
    assert (2, 0) == (news.members, news.topic_off)


async def test_the_answer_to_a_members_own_question_is_no_announcement(
    store: Store, clock: FixedClock
) -> None:
    """A member who turned every topic off still gets the team's answer to their question."""
    ana = await add_member(store, "telegram:1", name="Ana")
    for topic in ("events", "news", "fellowship", "business"):
        await store.topics.turn(ana, topic, on=False, now=NOW)
    thread, _ = await store.questions.open_thread(ana, "en", "Where is the pension office?", NOW)
    content = Content.load(CONTENT, "en")
    await answers.answer(store, content, thread.id, "In Podgorica.", NOW, actor="cli:t")
    rows = await store.db.fetchall("SELECT state, kind FROM outbox WHERE member_id = ?", (ana,))
    assert [("queued", "answer")] == [(row[0], row[1]) for row in rows]
