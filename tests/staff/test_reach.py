"""What a poll achieved, from WhatsApp's status callbacks through the fake Twilio server: queued,
sent, delivered, read, failed with its reasons, skipped (stopped, topic), answered — in the
store's funnel and in ``outbox status`` — and "resend to those it failed for", which queues
again only what may pass, audited."""

from __future__ import annotations

import httpx

from bot.app import App
from bot.clock import FixedClock
from bot.store import Outgoing
from scheduler.report import outbox_status
from staff import reach
from tests.fakes.twilio_api import FakeTwilioApi, WhatsAppMember
from tests.sample import add_member
from tests.test_web import post_status

JOB = "poll:forum-niksic"
PHONES = {name: f"+3826700000{number}" for number, name in enumerate("abcdefg", start=1)}


async def _poll_sent(app: App, twilio: FakeTwilioApi, clock: FixedClock) -> dict[str, int]:
    """The forum poll to seven WhatsApp members in the window: e's sends keep failing with a
    5xx (given up on after three tries), d's are refused for good, f stopped messages, g turned
    business off."""
    now = clock.now()
    ids = {}
    for name, phone in PHONES.items():
        member = await add_member(app.store, f"whatsapp:{phone}", now, name=name, country="DE")
        await app.store.members.touch_address(f"whatsapp:{phone}", now)
        ids[name] = member.id
    await app.store.members.update(ids["f"], now, stopped_at=now.isoformat())
    twilio.fail_to(f"whatsapp:{PHONES['d']}", 400, 21617, "The body is too long")
    twilio.fail_to(f"whatsapp:{PHONES['e']}", 503, 20500, "Service unavailable")
    outbox = app.store.outbox
    await outbox.enqueue(
        [Outgoing(JOB, "poll", ids[n], "Would you come?", now) for n in "abcdef"], now
    )
    await outbox.enqueue(
        [Outgoing(JOB, "poll", ids["g"], "Would you come?", now)],
        now,
        state="skipped",
        reason="topic: business",
    )
    for _attempt in range(3):
        await app.sender.drain()
        clock.advance(seconds=31)
    return ids


async def test_the_funnel_follows_whatsapps_status_callbacks(
    whatsapp_app: App,
    twilio: FakeTwilioApi,
    web_client: httpx.AsyncClient,
    clock: FixedClock,
) -> None:
    """a read it, b got it, c's phone was unreachable (30003): counted along the way, failures
    with their reasons, the two that may pass offered for resending, and the answers."""
    app = whatsapp_app
    ids = await _poll_sent(app, twilio, clock)
    members = {n: WhatsAppMember(twilio, web_client, phone) for n, phone in PHONES.items()}
    sids = {n: twilio.messages(members[n].address)[0].sid for n in "abc"}
    for name, statuses in (("a", ["delivered", "read"]), ("b", ["delivered"])):
        for status in statuses:
            assert 200 == (await post_status(members[name], sids[name], status)).status_code
    await post_status(members["c"], sids["c"], "undelivered", "30003")
    for name in "ab":
        await app.store.polls.answer("forum-niksic", ids[name], clock.now(), choices=["yes"])

    found = await reach.one(app.store, app.content, JOB, "en")
    assert found is not None
    funnel = found.funnel
    assert (7, 3, 2, 1, 3) == (
        funnel.total,
        funnel.sent,
        funnel.delivered,
        funnel.read,
        funnel.failed,
    )
    assert (1, 1, 0, 2, 2) == (
        funnel.skipped_stopped,
        funnel.skipped_topic,
        funnel.needs_template,
        funnel.retryable,
        found.answers,
    )
    assert {
        "twilio 30003": 1,
        "twilio 21617: Unable to create record: The body is too long": 1,
        "twilio 20500: Unable to create record: Service unavailable": 1,
    } == dict(funnel.reasons)
    assert "Would you attend a business forum in Nikšić?" == found.title

    lines = await outbox_status(app.store)
    assert (
        "  poll:forum-niksic: queued 7 · sent 3 · delivered 2 · read 1 · failed 3 (2 may be"
        " resent) · needs template 0 · skipped: stopped 1, topic 1, other 0 · answered 2"
    ) in lines


async def test_resending_queues_again_only_what_may_pass_and_is_audited(
    whatsapp_app: App,
    twilio: FakeTwilioApi,
    web_client: httpx.AsyncClient,
    clock: FixedClock,
) -> None:
    """c (unreachable for now) and e (the provider kept failing) are queued again, once each;
    d (refused for good) is not. The audit log says how many; a second resend finds none."""
    app = whatsapp_app
    ids = await _poll_sent(app, twilio, clock)
    c = WhatsAppMember(twilio, web_client, PHONES["c"])
    await post_status(c, twilio.messages(c.address)[0].sid, "undelivered", "30003")

    assert 2 == await reach.resend_failed(app.store, JOB, clock.now(), actor="dashboard")
    rows = await app.store.db.fetchall(
        "SELECT member_id, state, delivery, attempts FROM outbox WHERE job = ? ORDER BY member_id",
        (JOB,),
    )
    states = {row[0]: (row[1], row[2], row[3]) for row in rows}
    assert ("queued", None, 0) == states[ids["c"]] == states[ids["e"]]
    assert "failed" == states[ids["d"]][0]
    [entry] = [e for e in await app.store.audit.entries() if e.action == "outbox.resend_failed"]
    assert (JOB, 2) == (entry.subject, entry.detail["failed"])
    assert 0 == await reach.resend_failed(app.store, JOB, clock.now(), actor="dashboard")
    await app.sender.drain()
    assert 2 == len(twilio.messages(c.address))
