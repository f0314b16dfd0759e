from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.content import Content
from bot.store import Store
from tests.scheduler.conftest import NOW, add_member, make_planner, rsvp, states, write_campaign

ONCE = """
---
send_at: {moment}
{extra}
---
# en
Hello {{first_name}}!
# cnr
Zdravo {{first_name}}!
"""


def _once(folder: Path, moment: datetime, name: str = "once", extra: str = "") -> None:
    write_campaign(folder, name, ONCE.format(moment=moment.isoformat(), extra=extra))


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def _rows(store: Store, job: str) -> list[tuple[int, str, str, str]]:
    rows = await store.db.fetchall(
        "SELECT member_id, state, not_before, body FROM outbox WHERE job = ? ORDER BY member_id",
        (job,),
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


async def test_a_send_at_campaign_is_queued_when_due_in_each_members_language(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Nothing before the moment; at it, one row per member, rendered in their language."""
    ana = await add_member(store, "telegram:1", name="Ana Marković")
    marko = await add_member(store, "telegram:2", name="Marko Ivanović", language="cnr")
    _once(folder, NOW + timedelta(minutes=1), extra="quiet_hours: null")
    planner = make_planner(store, Content.load(folder, "en"), clock)

    await planner.tick()
    assert {} == await states(store)

    clock.advance(minutes=1)
    report = await planner.tick()
    moment = (NOW + timedelta(minutes=1)).isoformat()
    assert 2 == report.queued
    assert [
        (ana, "queued", moment, "Hello Ana!"),
        (marko, "queued", moment, "Zdravo Marko!"),
    ] == await _rows(store, "campaign:once")


async def test_quiet_hours_hold_messages_until_morning_in_each_members_zone(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """At 09:00 UTC Berlin is awake; New York waits for 09:00; a member's own zone wins."""
    berlin = await add_member(store, "telegram:1", country="DE")
    new_york = await add_member(store, "telegram:2", country="US")
    sydney = await add_member(store, "telegram:3", country="US", timezone="Australia/Sydney")
    _once(folder, NOW)
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert [
        (berlin, NOW.isoformat()),
        (new_york, datetime(2027, 3, 10, 14, 0, tzinfo=UTC).isoformat()),
        (sydney, datetime(2027, 3, 10, 22, 0, tzinfo=UTC).isoformat()),  # 09:00 next day
    ] == [(m, not_before) for m, _, not_before, _ in await _rows(store, "campaign:once")]


async def test_audience_filters_narrow_who_gets_a_campaign(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Each filter narrows; stopped members never get anything."""
    await add_member(store, "telegram:1", country="DE", language="cnr", sector="it")
    wanted = await add_member(
        store,
        "telegram:2",
        country="AT",
        language="cnr",
        sector="it",
        municipality="Nikšić",
        interests=["investment", "events"],
    )
    await add_member(store, "telegram:3", country="AT", language="en", sector="it")
    await add_member(store, "telegram:4", country="AT", language="cnr", sector="health")
    await add_member(
        store,
        "telegram:5",
        country="AT",
        language="cnr",
        sector="it",
        municipality="Nikšić",
        interests=["investment"],
        stopped_at=NOW.isoformat(),
    )
    late = NOW + timedelta(days=1)
    await add_member(
        store,
        "telegram:6",
        country="AT",
        language="cnr",
        sector="it",
        municipality="Nikšić",
        interests=["investment"],
        registered_at=late,
    )
    _once(
        folder,
        NOW,
        extra="audience:\n  countries: [AT, CH]\n  languages: [cnr]\n  sectors: [it]\n"
        "  municipalities: [niksic]\n  interests: [investment, mentoring]\n"
        "  registered_before: 2027-03-10",
    )
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert [wanted] == [m for m, *_ in await _rows(store, "campaign:once")]


async def test_re_planning_restarting_and_editing_never_queue_twice(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Ticks, a new planner (a restart) and an edited file leave one row per member."""
    await add_member(store, "telegram:1")
    await add_member(store, "telegram:2")
    _once(folder, NOW, extra="quiet_hours: null")
    content = Content.load(folder, "en")
    content.min_interval = 0
    planner = make_planner(store, content, clock)
    await planner.tick()
    await planner.tick()
    path = folder / "campaigns" / "once.md"
    path.write_text(path.read_text().replace("Hello", "Hi"))
    _touch_later(path)
    clock.advance(minutes=5)
    await planner.tick()
    restarted = make_planner(store, Content.load(folder, "en"), clock)
    report = await restarted.tick()
    assert (0, {"queued": 2}) == (report.queued, await states(store))


async def test_a_send_at_missed_by_less_than_the_grace_is_still_sent(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """The bot was down at the moment; five hours later the message still goes out."""
    await add_member(store, "telegram:1")
    _once(folder, NOW - timedelta(hours=5), extra="quiet_hours: null")
    report = await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert (1, []) == (report.queued, report.missed_runs)


async def test_a_send_at_missed_by_more_than_the_grace_is_recorded_as_missed(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Seven hours late: nothing is queued, the occurrence is recorded as missed, once."""
    await add_member(store, "telegram:1")
    await add_member(store, "telegram:2")
    _once(folder, NOW - timedelta(hours=7))
    planner = make_planner(store, Content.load(folder, "en"), clock)
    first = await planner.tick()
    second = await planner.tick()
    missed = await store.runs.missed()
    assert (["campaign:once"], [], {}) == (
        first.missed_runs,
        second.missed_runs,
        await states(store),
    )
    assert [("campaign:once", 2)] == [(run.job, run.members) for run in missed]


async def test_a_registration_campaign_follows_each_member_at_their_local_time(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """+3d at 10:00: due three days after registering, at 10:00 where the member lives."""
    write_campaign(
        folder,
        "welcome",
        """
        ---
        after: registration
        offset: +3d
        at: "10:00"
        ---
        # en
        Welcome, {first_name}!
        """,
    )
    planner = make_planner(store, Content.load(folder, "en"), clock)
    await planner.tick()  # the planner has seen the campaign before anyone registers
    member = await add_member(store, "telegram:1", country="DE", registered_at=NOW)
    clock.at = datetime(2027, 3, 13, 8, 59, tzinfo=UTC)  # 09:59 in Berlin, three days on
    await planner.tick()
    assert {} == await states(store)
    clock.advance(minutes=1)
    await planner.tick()
    assert [(member, "queued", clock.at.isoformat(), "Welcome, Ana!")] == await _rows(
        store, "campaign:welcome"
    )


async def test_a_registration_message_due_while_the_bot_was_down_too_long_is_missed(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Due during a long downtime: recorded for the member as missed, not sent late."""
    write_campaign(folder, "welcome", "---\nafter: registration\noffset: +1h\n---\n# en\nHi\n")
    planner = make_planner(store, Content.load(folder, "en"), clock)
    member = await add_member(store, "telegram:1", registered_at=NOW)
    await planner.tick()
    clock.advance(hours=10)  # down from just after registering until now
    await planner.tick()
    assert [(member, "missed")] == [
        (m, state) for m, state, *_ in await _rows(store, "campaign:welcome")
    ]


REMINDER = """
---
after: event_start
event: diaspora-days-2027
offset: -2d
at: "10:00"
audience:
  event: diaspora-days-2027
  rsvp: [going, maybe]
---
# en
{first_name}, {event_title} starts on {event_date} at {event_time}.
# cnr
{first_name}, {event_title}: početak je {event_date} u {event_time}.
"""


async def test_an_event_reminder_goes_to_those_who_said_they_would_come(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Two days before, at 10:00 local, to going and maybe; not to not_going."""
    write_campaign(folder, "reminder", REMINDER)
    going = await add_member(store, "telegram:1", country="ME", language="cnr")
    maybe = await add_member(store, "telegram:2", country="ME")
    no = await add_member(store, "telegram:3", country="ME")
    for member, status in ((going, "going"), (maybe, "maybe"), (no, "not_going")):
        await rsvp(store, "diaspora-days-2027", member, status)
    clock.at = datetime(2027, 7, 21, 8, 0, tzinfo=UTC)  # 10:00 in Podgorica
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert [
        (going, "Ana, Dani dijaspore 2027 — Podgorica: početak je 23. jula 2027. u 18:00."),
        (maybe, "Ana, Diaspora Days 2027 — Podgorica starts on 23 July 2027 at 18:00."),
    ] == [(m, body) for m, _, _, body in await _rows(store, "campaign:reminder")]


async def test_when_an_event_moves_its_reminders_move_and_sent_ones_are_not_resent(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Reminders planned, one sent; the event moves a week: the waiting one follows it."""
    write_campaign(folder, "reminder", REMINDER)
    berlin = await add_member(store, "telegram:1", country="DE")
    sydney = await add_member(store, "telegram:2", country="AU")
    for member in (berlin, sydney):
        await rsvp(store, "diaspora-days-2027", member, "going")
    content = Content.load(folder, "en")
    content.min_interval = 0
    planner = make_planner(store, content, clock)
    clock.at = datetime(2027, 7, 22, 0, 0, tzinfo=UTC)  # 10:00 in Sydney; Berlin was at 08:00
    await planner.tick()
    rows = await _rows(store, "campaign:reminder")
    assert [berlin, sydney] == [m for m, *_ in rows]
    first = await store.db.fetchone(
        "SELECT id FROM outbox WHERE job = 'campaign:reminder' AND member_id = ?", (berlin,)
    )
    assert first is not None
    await store.outbox.mark_sending(int(first[0]), "telegram:1", clock.now())
    await store.outbox.mark_sent(int(first[0]), "tg-1", clock.now())
    # Sydney's is still waiting (say, for the sender); now the event moves a week later.
    event = folder / "events" / "diaspora-days-2027.yaml"
    event.write_text(
        event.read_text()
        .replace("2027-07-23 18:00", "2027-07-30 18:00")
        .replace("2027-07-25 23:00", "2027-08-01 23:00")
        .replace("rsvp_deadline: 2027-07-16", "rsvp_deadline: 2027-07-23")
    )
    _touch_later(event)
    clock.advance(minutes=1)
    report = await planner.tick()
    assert 1 == report.moved
    assert [
        (berlin, "sent", rows[0][2]),
        (sydney, "queued", datetime(2027, 7, 29, 0, 0, tzinfo=UTC).isoformat()),
    ] == [
        (m, state, not_before)
        for m, state, not_before, _ in await _rows(store, "campaign:reminder")
    ]
    clock.at = datetime(2027, 7, 28, 8, 0, tzinfo=UTC)  # the new 10:00 in Berlin
    await planner.tick()
    assert {"sent": 1, "queued": 1} == await states(store, "campaign:reminder")


async def test_a_cron_campaign_queues_each_occurrence_once(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """The 1st of each month at 10:00 Podgorica time: one job per occurrence."""
    write_campaign(folder, "monthly", '---\ncron: "0 10 1 * *"\n---\n# en\nNews, {first_name}.\n')
    await add_member(store, "telegram:1")
    planner = make_planner(store, Content.load(folder, "en"), clock)
    clock.at = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
    await planner.tick()
    await planner.tick()
    clock.at = datetime(2027, 5, 1, 8, 30, tzinfo=UTC)
    await planner.tick()
    assert {
        "campaign:monthly@2027-04-01T08:00Z": {"queued": 1},
        "campaign:monthly@2027-05-01T08:00Z": {"queued": 1},
    } == await store.outbox.by_job("campaign:")


async def test_a_large_plan_is_queued_a_budget_at_a_time(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """A tick queues at most its budget and says there is more; the next tick goes on."""
    for number in range(5):
        await add_member(store, f"telegram:{number}")
    _once(folder, NOW)
    planner = make_planner(store, Content.load(folder, "en"), clock, budget=3)
    first = await planner.tick()
    second = await planner.tick()
    assert [(3, True), (2, False)] == [(first.queued, first.more), (second.queued, second.more)]


async def test_a_large_roster_is_first_loaded_over_several_ticks_before_planning(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """No tick reads more members than its load budget and nothing is planned from a part of
    them; the tick after the one that read the last of them queues the campaign for all."""
    for number in range(5):
        await add_member(store, f"telegram:{number}")
    _once(folder, NOW)
    planner = make_planner(store, Content.load(folder, "en"), clock, load_budget=2)
    loaded, reports = [], []
    for _ in range(4):
        reports.append(await planner.tick())
        loaded.append(len(planner.roster.people))
    assert [2, 4, 5, 5] == loaded
    assert [(0, True), (0, True), (0, True), (5, False)] == [(r.queued, r.more) for r in reports]


async def test_an_event_reminder_reaches_a_member_who_came_through_the_events_link(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """A member who gave only consent, name and country to RSVP still gets the reminder."""
    write_campaign(folder, "reminder", REMINDER)
    minimal = await store.members.create(
        "telegram:7", language="en", consent_version="v1", now=NOW - timedelta(days=3)
    )
    await store.members.update(minimal.id, NOW, name="Vuk Raičević", country="AT")
    await rsvp(store, "diaspora-days-2027", minimal.id, "going")
    clock.at = datetime(2027, 7, 21, 8, 0, tzinfo=UTC)
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    assert [minimal.id] == [m for m, _, _, _ in await _rows(store, "campaign:reminder")]


async def test_a_placeholder_template_sid_is_never_queued_as_a_template(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """A sample's ``HX`` and 32 x's is no template: rows carry none, a real SID is carried."""
    await add_member(store, "whatsapp:+38267000001")
    template = 'whatsapp_template:\n  content_sid: {sid}\n  variables: {{"1": "{{first_name}}"}}'
    _once(folder, NOW, "sample", "quiet_hours: null\n" + template.format(sid="HX" + "x" * 32))
    _once(folder, NOW, "real", "quiet_hours: null\n" + template.format(sid="HX" + "0a" * 16))
    await make_planner(store, Content.load(folder, "en"), clock).tick()
    rows = await store.db.fetchall("SELECT job, template FROM outbox ORDER BY job")
    assert [("campaign:real", True), ("campaign:sample", False)] == [
        (row[0], row[1] is not None) for row in rows
    ]
