"""Fellowship applications: the list, one application, status changes that tell the applicant,
and internal notes that tell nobody."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.store import OutboxRow
from tests.sample import add_member
from tests.staff.dashboard.conftest import Coordinator, People

LATER = datetime(2100, 1, 1, tzinfo=UTC)


async def outbox(app: App) -> list[OutboxRow]:
    return await app.store.outbox.due(LATER)


async def test_the_list_shows_applications_and_filters_by_status(
    signed_in: Coordinator,
) -> None:
    """Jelena's application is listed; a filter for another status hides it."""
    page = await signed_in.get("/dashboard/fellowship")
    other = await signed_in.get("/dashboard/fellowship", status="accepted")

    assert 'id="application-1"' in page.text
    assert "Jelena Popović" in page.text
    assert "Digital public administration 2027" in page.text
    assert 'id="application-1"' not in other.text
    assert "No application." in other.text


async def test_an_application_shows_the_answers_and_history(signed_in: Coordinator) -> None:
    """Labels for the answers; the motivation as text; the submission in the history."""
    page = await signed_in.get("/dashboard/fellowship/1")

    assert 200 == page.status_code
    assert "Ministry" in page.text
    assert "=1+1" in page.text
    history = page.text.split('<table id="history">')[1]
    assert "applicant" in history and "submitted" in history


async def test_changing_the_status_tells_the_applicant_in_their_language(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """Shortlisting queues Jelena's notice in Montenegrin, keeps the note in the history and
    audits the change as the dashboard."""
    await signed_in.get("/dashboard/fellowship/1")

    response = await signed_in.post(
        "/dashboard/fellowship/1/status", status="shortlisted", note="Strong CV"
    )

    assert (303, "/dashboard/fellowship/1") == (
        response.status_code,
        response.headers["location"],
    )
    [notice] = await outbox(app)
    assert ("notice", people.jelena.id) == (notice.kind, notice.member_id)
    assert notice.body.startswith("Dobre vijesti: vaša prijava na „Digitalna javna uprava 2027“")
    application = await app.store.applications.get(1)
    assert application is not None and "shortlisted" == application.status
    [*_, last] = await app.store.applications.notes(1)
    assert ("dashboard", "shortlisted", "Strong CV") == (last.author, last.status, last.note)
    [entry, *_] = await app.store.audit.entries()
    assert ("dashboard", "fellowship.status", "application:1") == (
        entry.actor,
        entry.action,
        entry.subject,
    )
    assert {"before": "submitted", "after": "shortlisted", "note": True} == entry.detail
    page = await signed_in.get("/dashboard/fellowship/1")
    assert (
        "Status changed from submitted to shortlisted; the applicant will be told in their "
        "language." in page.text
    )
    assert '<span class="status shortlisted" id="current-status">shortlisted</span>' in page.text


async def test_the_same_status_again_changes_nothing(app: App, signed_in: Coordinator) -> None:
    """Submitted → submitted is refused with the reason; nobody is told."""
    await signed_in.get("/dashboard/fellowship/1")

    await signed_in.post("/dashboard/fellowship/1/status", status="submitted")

    page = await signed_in.get("/dashboard/fellowship/1")
    assert "Not changed: application #1 is already submitted." in page.text
    assert [] == await outbox(app)


async def test_withdrawn_and_unknown_statuses_cannot_be_set(
    app: App, signed_in: Coordinator
) -> None:
    """Only the applicant withdraws; an invented status is refused."""
    await signed_in.get("/dashboard/fellowship/1")
    for status in ("withdrawn", "hired"):
        await signed_in.post("/dashboard/fellowship/1/status", status=status)

        page = await signed_in.get("/dashboard/fellowship/1")
        assert "Choose one of the statuses offered." in page.text
    assert [] == await outbox(app)


async def test_a_withdrawn_application_keeps_its_status(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """After the applicant withdrew, a decision is refused and the form is gone."""
    await app.store.applications.change(
        1, "withdrawn", datetime(2026, 11, 27, 11, tzinfo=UTC), author=f"member:{people.jelena.id}"
    )
    page = await signed_in.get("/dashboard/fellowship/1")
    assert "The applicant withdrew; only they can apply again." in page.text
    assert 'id="status-form"' not in page.text

    await signed_in.post("/dashboard/fellowship/1/status", status="accepted")

    page = await signed_in.get("/dashboard/fellowship/1")
    assert "was withdrawn; only the applicant can apply again" in page.text
    assert [] == await outbox(app)


async def test_a_note_is_kept_for_coordinators_only(app: App, signed_in: Coordinator) -> None:
    """The note is in the history and audited (without its text); nothing is sent."""
    await signed_in.get("/dashboard/fellowship/1")

    await signed_in.post("/dashboard/fellowship/1/note", note="Called her\u202e; <b>call back</b>")

    [*_, last] = await app.store.applications.notes(1)
    assert ("dashboard", None, "Called her; <b>call back</b>") == (
        last.author,
        last.status,
        last.note,
    )
    [entry, *_] = await app.store.audit.entries()
    assert ("fellowship.note", "application:1", {}) == (entry.action, entry.subject, entry.detail)
    assert [] == await outbox(app)
    page = await signed_in.get("/dashboard/fellowship/1")
    assert "Note kept (coordinators only; not sent)." in page.text
    assert "Called her; &lt;b&gt;call back&lt;/b&gt;" in page.text


async def test_an_empty_note_is_not_kept(app: App, signed_in: Coordinator) -> None:
    """Blank notes are refused."""
    await signed_in.get("/dashboard/fellowship/1")

    await signed_in.post("/dashboard/fellowship/1/note", note="   ")

    assert 1 == len(await app.store.applications.notes(1))


async def test_an_unknown_application_is_not_found(app: App, signed_in: Coordinator) -> None:
    """404 for the page; a note or a decision for it is refused."""
    assert 404 == (await signed_in.get("/dashboard/fellowship/99")).status_code
    await signed_in.get("/dashboard/fellowship")

    await signed_in.post("/dashboard/fellowship/99/note", note="hello")
    await signed_in.post("/dashboard/fellowship/99/status", status="accepted")

    assert [] == await outbox(app)
    assert {"dashboard.signin"} == {entry.action for entry in await app.store.audit.entries()}


async def test_an_application_number_past_sqlites_range_is_not_found(
    app: App, signed_in: Coordinator
) -> None:
    """The page, a note and a decision for an id SQLite cannot hold: 404 each, nothing sent."""
    huge = "99999999999999999999"
    page = await signed_in.get(f"/dashboard/fellowship/{huge}")
    await signed_in.get("/dashboard/fellowship")

    note = await signed_in.post(f"/dashboard/fellowship/{huge}/note", note="hello")
    status = await signed_in.post(f"/dashboard/fellowship/{huge}/status", status="accepted")

    assert (404, 404, 404) == (page.status_code, note.status_code, status.status_code)
    assert f"There is no fellowship application #{huge}." in page.text
    assert [] == await outbox(app)


async def test_an_application_reads_in_words_without_empty_gaps(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """Host kind ``any`` reads "No preference", the duration and status in words; an applicant
    with no sector leaves no empty "· ·" in the line about them."""
    now = app.clock.now()
    member = await add_member(
        app.store, "telegram:41", now, name="Nina Lakić", country="BA", city="Sarajevo"
    )
    application = await app.store.applications.submit(
        "digital-public-administration-2027",
        member.id,
        now,
        {"field": "law", "host_kind": "any", "duration": "6_to_12"},
    )
    assert application is not None
    page = await signed_in.get(f"/dashboard/fellowship/{application.id}")

    assert '<dd id="host-kind">No preference</dd>' in page.text
    assert "6–12 months" in page.text and "6_to_12" not in page.text
    applicant = page.text.split('<p id="applicant">')[1].split("</p>")[0]
    assert applicant.endswith(
        "Nina Lakić</a> · Bosnia and Herzegovina, Sarajevo · speaks with the bot in English"
    )
    assert "· ·" not in page.text
