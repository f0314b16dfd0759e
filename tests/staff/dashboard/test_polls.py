"""The dashboard's polls (exact counts by country, language and municipality; the results sent
to those who answered, confirmed and audited), delivery (what each job achieved; "resend to
those it failed for", confirmed and audited), engagement (the programme's funnel by month and
by country), and a member's timeline."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.store import Outgoing
from tests.sample import add_member
from tests.staff.dashboard.conftest import Coordinator, People

POLL = "forum-niksic"


def _rows(html: str, table: str) -> list[list[str]]:
    """A table's rows, each cell as text."""
    part = html.split(f'<table id="{table}"')[1].split("</table>")[0]
    body = part.split("<tbody>")[1]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for row in body.split("</tr>")
        if (cells := re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL))
    ]


async def _answered(app: App, clock: FixedClock, people: People, *more: str) -> None:
    """Ana (DE, Kotor) yes, Marko (US) no, Jelena (DE, cnr) online; then more members (AT)."""
    now = clock.now()
    for member, option in ((people.ana, "yes"), (people.marko, "no"), (people.jelena, "online")):
        await app.store.polls.answer(POLL, member.id, now, choices=[option])
    for number, option in enumerate(more, start=10):
        extra = await add_member(
            app.store, f"telegram:{number}", now, name=f"M{number}", country="AT"
        )
        await app.store.polls.answer(POLL, extra.id, now, choices=[option])


async def test_the_polls_page_lists_every_poll_with_its_answers(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Each shipped poll, its topic and how many answered; a poll asked only as a next step
    says so."""
    await _answered(app, clock, people)
    page = await signed_in.get("/dashboard/polls")
    assert 200 == page.status_code
    rows = {row[0]: row for row in _rows(page.text, "polls")}
    assert ["💼 Business and investment", "0", "3"] == [
        rows["Would you attend a business forum in Nikšić?"][i] for i in (1, 4, 5)
    ]
    improve = rows["Diaspora Days 2027 — what to improve (asked after the rating)"]
    assert "as a next step of another poll" == improve[2]


async def test_a_polls_page_shows_exact_counts_by_country_language_and_municipality(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Counts of one are shown as they are (coordinators see exact figures), per option and by
    each dimension; the results cannot be sent under five answers."""
    await _answered(app, clock, people)
    page = await signed_in.get(f"/dashboard/polls/{POLL}")
    text = page.text
    assert 'id="answered">3<' in text
    assert [
        ["Germany", "2", "1", "1", "0", "0"],
        ["United States", "1", "0", "0", "0", "1"],
    ] == _rows(text, "by-country")
    assert [["Crnogorski", "1", "0", "1", "0", "0"], ["English", "2", "1", "0", "0", "1"]] == (
        _rows(text, "by-language")
    )
    assert [["not given", "2", "0", "1", "0", "1"], ["Kotor", "1", "1", "0", "0", "0"]] == (
        _rows(text, "by-municipality")
    )
    assert "From 5 answers: with fewer, a member could tell" in text
    assert 'id="share-form"' not in text


async def test_the_results_go_to_those_who_answered_once_confirmed(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Without the box ticked nothing is sent; ticked, each of the five gets the results once,
    audited; the page then says they went."""
    await _answered(app, clock, people, "yes", "maybe")
    await signed_in.get(f"/dashboard/polls/{POLL}")
    refused = await signed_in.post(f"/dashboard/polls/{POLL}/share")
    assert 303 == refused.status_code
    assert {} == await app.store.outbox.counts("poll:forum-niksic:results")
    await signed_in.get(f"/dashboard/polls/{POLL}")
    sent = await signed_in.post(f"/dashboard/polls/{POLL}/share", confirm="yes")
    assert 303 == sent.status_code
    assert {"queued": 5} == await app.store.outbox.counts("poll:forum-niksic:results")
    page = await signed_in.get(f"/dashboard/polls/{POLL}")
    assert "The results are on their way to those who answered (5)." in page.text
    assert "Sent already to those who answered (5)." in page.text
    actions = [(e.actor, e.action) for e in await app.store.audit.entries()]
    assert ("dashboard", "poll.results_shared") in actions


async def test_an_unknown_poll_is_a_404(signed_in: Coordinator) -> None:
    """A poll that is not in the folder: not found."""
    assert 404 == (await signed_in.get("/dashboard/polls/nothing")).status_code


async def _poll_job(app: App, clock: FixedClock, people: People) -> None:
    """poll:forum-niksic to four members: Ana's read, Marko's gave up after timeouts, Jelena's
    refused for good, Petar turned business off."""
    now = clock.now()
    store = app.store
    job = f"poll:{POLL}"
    members = [people.ana.id, people.marko.id, people.jelena.id]
    await store.outbox.enqueue([Outgoing(job, "poll", m, "Q", now) for m in members], now)
    await store.outbox.enqueue(
        [Outgoing(job, "poll", people.petar.id, "Q", now)],
        now,
        state="skipped",
        reason="topic: business",
    )
    await store.outbox.claim([(1, "telegram:1")], now)
    await store.outbox.record_sent([(1, "wa-1")], now)
    await store.outbox.record_delivery("wa-1", "read", None, now)
    await store.outbox.mark(2, "failed", now, "gave up after 3 attempts: telegram: Timed out")
    await store.outbox.mark(3, "failed", now, "twilio 21617: The body is too long")
    await store.polls.answer(POLL, people.ana.id, now, choices=["yes"])


async def test_delivery_lists_what_each_job_achieved(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """The poll's row: queued 4, sent 1, delivered 1, read 1, failed 2, skipped for the topic
    1, answered 1."""
    await _poll_job(app, clock, people)
    page = await signed_in.get("/dashboard/reach")
    [row] = _rows(page.text, "reach")
    assert "Would you attend a business forum in Nikšić?poll:forum-niksic" == row[0]
    assert ["4", "1", "1", "1", "2", "0", "0", "1", "1"] == row[2:]


async def test_resend_to_those_it_failed_for_is_confirmed_and_audited(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """The job's page: the funnel, the reasons, one message that may pass; without the box
    nothing is resent; with it, Marko's message is queued again (Jelena's refusal is not)."""
    await _poll_job(app, clock, people)
    job = f"poll:{POLL}"
    page = await signed_in.get("/dashboard/reach/job", id=job)
    assert 200 == page.status_code
    assert [["telegram: Timed out", "1"], ["twilio 21617: The body is too long", "1"]] == sorted(
        _rows(page.text, "reasons")
    )
    assert "Failed for a reason that may pass" in page.text and ": 1. Each goes" in page.text
    await signed_in.post("/dashboard/reach/resend", job=job)
    assert {"failed": 2} == {
        k: v for k, v in (await app.store.outbox.counts(job)).items() if k == "failed"
    }
    clock.advance(minutes=5)
    answer = await signed_in.post("/dashboard/reach/resend", job=job, confirm="yes")
    assert 303 == answer.status_code
    counts = await app.store.outbox.counts(job)
    assert (1, 1) == (counts.get("queued"), counts.get("failed"))
    [entry] = [e for e in await app.store.audit.entries() if e.action == "outbox.resend_failed"]
    assert ("dashboard", job, 1) == (entry.actor, entry.subject, entry.detail["failed"])
    again = await signed_in.get("/dashboard/reach/job", id=job)
    assert "Queued again: 1. The service sends them now." in again.text
    assert 404 == (await signed_in.get("/dashboard/reach/job", id="broadcast:99")).status_code


async def test_engagement_counts_each_member_once_at_every_step(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Four registered; three RSVP'd (Petar said maybe: that counts too); Ana checked in; Jelena
    applied; by country and by month of registration."""
    store = app.store
    await store.rsvps.check_in("supper-kotor", people.ana.id, clock.now())
    page = await signed_in.get("/dashboard/engagement")
    assert 200 == page.status_code
    assert [["2026-11", "4", "4", "1", "1", "0", "0"]] == _rows(page.text, "by-month")
    assert [
        ["Germany", "2", "2", "1", "1", "0", "0"],
        ["Austria", "1", "1", "0", "0", "0", "0"],
        ["United States", "1", "1", "0", "0", "0", "0"],
    ] == _rows(page.text, "by-country")
    accepted = await store.applications.of_member(people.jelena.id)
    await store.applications.change(accepted[0].id, "accepted", clock.now(), author="t")
    page = await signed_in.get("/dashboard/engagement")
    assert ["2026-11", "4", "4", "1", "1", "1", "0"] == _rows(page.text, "by-month")[0]


async def test_a_members_page_tells_their_history_as_one_timeline(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Jelena: consent, registration, her RSVP, her application, a question answered, her poll
    answer and stopping messages — oldest first, each linking where it happened."""
    store = app.store
    jelena = people.jelena
    later = clock.now() + timedelta(hours=1)
    thread, _ = await store.questions.open_thread(jelena.id, "cnr", "Penzija?", later)
    await store.questions.add(thread.id, "answer", "Fond PIO.", later + timedelta(hours=1))
    await store.polls.answer(POLL, jelena.id, later + timedelta(hours=2), choices=["online"])
    await store.members.update(
        jelena.id, later, stopped_at=(later + timedelta(hours=3)).isoformat()
    )
    page = await signed_in.get(f"/dashboard/members/{jelena.id}")
    items = page.text.split('<ol class="timeline" id="timeline">')[1].split("</ol>")[0]
    said = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in items.split("</li>")[:-1]
    ]
    assert [
        "2026-11-27 11:00 CET Gave consent (version 2026-11-v2)",
        "2026-11-27 11:00 CET Registered on the diaspora map",
        "2026-11-27 11:00 CET Answered Diaspora supper in Kotor: On the waitlist",
        "2026-11-27 11:00 CET Applied to Digital public administration 2027",
        "2026-11-27 12:00 CET Asked question no. 1",
        "2026-11-27 13:00 CET The team answered question no. 1",
        "2026-11-27 14:00 CET Answered the poll “Would you attend a business forum in Nikšić?”:"
        " Only online",
        "2026-11-27 15:00 CET Stopped all messages",
    ] == said
    assert 'href="/dashboard/fellowship/' in items and 'href="/dashboard/questions/1"' in items


async def test_the_mapping_page_publishes_polls_with_small_counts_hidden(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Six answers to the forum poll — yes 4, no 1, online 1: each under five, hidden in a
    fixed order (by option id) so the order says nothing; the total of six is published."""
    await _answered(app, clock, people, "yes", "yes", "yes")
    page = await signed_in.get("/dashboard/mapping")
    assert "What the diaspora told us (polls)" in page.text
    assert [
        ["No", "&lt;5"],
        ["Only online", "&lt;5"],
        ["Yes, I would come", "&lt;5"],
        ["6"],
    ] == _rows(page.text, "table-poll-forum-niksic")
    assert "Members who answered: 6" in page.text
