"""The dashboard's Questions: open / answered / closed, oldest first; one question with the
member's profile line (the member page one link away), answering through the outbox, internal
notes, close and reopen — each audited; a member outside WhatsApp's window is said to be."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.store.questions import answer_job
from tests.staff.dashboard.conftest import Coordinator, People


async def _threads(app: App, people: People, clock: FixedClock) -> None:
    """Ana asked first (in English), Jelena (WhatsApp, Montenegrin) later; Marko's is closed."""
    now = clock.now()
    store = app.store.questions
    await store.open_thread(people.ana.id, "en", "Who do I talk to about a hotel?", now)
    await store.open_thread(people.jelena.id, "cnr", "Penzija moje bake ne stiže.", now)
    closed, _ = await store.open_thread(people.marko.id, "en", "Old question", now)
    await store.set_status(closed.id, "closed", now)
    clock.advance(hours=5)


async def test_the_list_shows_open_questions_oldest_first_with_the_profile_line(
    app: App, signed_in: Coordinator, people: People, clock: FixedClock
) -> None:
    """Open by default, oldest first, how long each waits; closed ones on their own tab."""
    await _threads(app, people, clock)
    page = await signed_in.get("/dashboard/questions")
    assert 200 == page.status_code
    text = page.text
    assert text.index("Who do I talk to about a hotel?") < text.index("Penzija moje bake")
    assert "Ana Marković · Germany, Berlin · IT and software" in text
    assert "5 h" in text and "Old question" not in text
    closed = await signed_in.get("/dashboard/questions", status="closed")
    assert "Old question" in closed.text and "hotel" not in closed.text


async def test_answering_queues_the_answer_for_the_member_and_audits_it(
    app: App, signed_in: Coordinator, people: People, clock: FixedClock
) -> None:
    """The reply box: the answer waits in the outbox for Ana, framed in her language; the page
    shows it with its delivery; the audit log says the dashboard answered question 1."""
    await _threads(app, people, clock)
    page = await signed_in.get("/dashboard/questions/1")
    assert "Ana Marković · Germany, Berlin · IT and software" in page.text
    assert "/dashboard/members/1" in page.text
    assert "software engineering, cloud" not in page.text  # the profile line only

    response = await signed_in.post("/dashboard/questions/1/answer", answer="Write to MIA.")
    assert 303 == response.status_code
    page = await signed_in.get("/dashboard/questions/1")
    assert "Answer sent to the member (through the outbox)." in page.text
    assert "Write to MIA." in page.text and "Delivery: waiting to be sent" in page.text
    [row] = await app.store.outbox.due(clock.now())
    assert (answer_job(1, 4), people.ana.id) == (row.job, row.member_id)
    assert row.body.endswith("Write to MIA.")
    [entry, *_] = await app.store.audit.entries()
    assert ("dashboard", "question.answer", "question:1") == (
        entry.actor,
        entry.action,
        entry.subject,
    )
    assert "MIA" not in str(entry.detail)


async def test_outside_whatsapps_window_the_page_says_the_member_must_write_first(
    app: App, signed_in: Coordinator, people: People, clock: FixedClock
) -> None:
    """Jelena last wrote days ago: the answer is kept, and the page says why it cannot go yet
    (no template configured in the sample content; the delivery itself is
    tests/channels/test_questions_e2e.py's)."""
    await _threads(app, people, clock)
    await app.store.db.execute(
        "UPDATE addresses SET last_inbound_at = ? WHERE member_id = ?",
        ((clock.now() - timedelta(days=2)).isoformat(), people.jelena.id),
    )
    await signed_in.get("/dashboard/questions/2")
    await signed_in.post("/dashboard/questions/2/answer", answer="Javite se Fondu PIO.")
    page = await signed_in.get("/dashboard/questions/2")
    assert "outside WhatsApp&#39;s 24-hour window" in page.text
    assert "they cannot be told until they write" in page.text


async def test_notes_close_and_reopen_are_kept_and_audited(
    app: App, signed_in: Coordinator, people: People, clock: FixedClock
) -> None:
    """A note stays internal; closing hides the reply box, reopening brings it back; an empty
    note or answer is refused with the reason."""
    await _threads(app, people, clock)
    await signed_in.get("/dashboard/questions/1")
    await signed_in.post("/dashboard/questions/1/note", note="Ask MIA's Kotor office.")
    await signed_in.post("/dashboard/questions/1/note", note="  ")
    page = await signed_in.get("/dashboard/questions/1")
    assert "Not kept: the note is empty." in page.text
    assert "Ask MIA&#39;s Kotor office." in page.text
    await signed_in.post("/dashboard/questions/1/close")
    page = await signed_in.get("/dashboard/questions/1")
    assert 'id="answer-form"' not in page.text and "Question closed." in page.text
    await signed_in.post("/dashboard/questions/1/answer", answer="late")
    assert "question #1 is closed" in (await signed_in.get("/dashboard/questions/1")).text
    await signed_in.post("/dashboard/questions/1/reopen")
    page = await signed_in.get("/dashboard/questions/1")
    assert 'id="answer-form"' in page.text
    actions = [entry.action for entry in await app.store.audit.entries()][:3]
    assert ["question.reopen", "question.close", "question.note"] == actions
    assert [] == await app.store.outbox.due(clock.now() + timedelta(days=1))


async def test_an_unknown_question_is_404(signed_in: Coordinator) -> None:
    """A number no question has, or one past SQLite's range: 404, never a 500."""
    assert 404 == (await signed_in.get("/dashboard/questions/77")).status_code
    assert 404 == (await signed_in.get("/dashboard/questions/99999999999999999999")).status_code
    response = await signed_in.post("/dashboard/questions/77/answer", answer="x")
    assert 303 == response.status_code
