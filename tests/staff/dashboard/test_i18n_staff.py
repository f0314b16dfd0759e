"""What the staff modules say on a Montenegrin dashboard — the reasons of suggestions, why a
proposal or an answer was refused — and what the guard says before any page is drawn, in the
coordinator's language; the command line keeps its English."""

from __future__ import annotations

from bot.app import App
from bot.clock import FixedClock
from staff import introductions, suggestions
from staff.texts import Coded, Text
from tests.staff.dashboard.conftest import Coordinator, People
from tests.staff.dashboard.test_businesses import seed_businesses

# Words of the English reasons that a Montenegrin page must not show.
ENGLISH_REASONS = (
    "needs:",
    "covers",
    "sector:",
    "offers help",
    "works in",
    "language:",
    "none shared",
    "ties:",
    "capacity:",
    "hours a month",
    "in the request",
)


async def test_the_reasons_of_suggestions_read_in_montenegrin(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """Konoba Zora's suggestions: each reason in Montenegrin, with the needs, the sector, the
    language and the municipality named in Montenegrin, and no English reason left."""
    found = await seed_businesses(app.store, clock, people)

    page = (await signed_in.get(f"/dashboard/businesses/{found['zora'].id}", lang="cnr")).text

    reasons = page.split('id="suggestions"')[1]
    assert "+40 potrebe: pokriva 📝 Pregled biznis plana, 🧭 Mentorstvo (2 od 2)" in reasons
    assert "+20 sektor: nudi pomoć za oblast Turizam i ugostiteljstvo" in reasons
    assert "+15 jezik: oboje govore (Crnogorski)" in reasons
    assert "+10 veze: porijeklom iz opštine Kotor" in reasons
    assert "+4 kapacitet: preostaje 8 od 8 sati mjesečno" in reasons
    assert "+0 jezik: nijedan zajednički" in reasons
    assert [] == [word for word in ENGLISH_REASONS if word in reasons]


async def test_the_reasons_stay_english_on_an_english_dashboard(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """In English the reasons read as the command line's, their codes named as the rest of the
    page names them (the command line keeps its short names and codes)."""
    found = await seed_businesses(app.store, clock, people)

    page = (await signed_in.get(f"/dashboard/businesses/{found['zora'].id}", lang="en")).text

    assert "+40 needs: covers 📝 Business plan review, 🧭 Mentoring (2 of 2)" in page
    assert "+20 sector: offers help in Tourism and hospitality" in page
    assert "+15 language: both speak Montenegrin" in page


async def test_a_refused_proposal_says_why_in_montenegrin(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """Proposing Ana twice to Konoba Zora: the flash gives the reason in Montenegrin, the
    match's state named as the dashboard names it."""
    zora = (await seed_businesses(app.store, clock, people))["zora"].id
    await signed_in.get(f"/dashboard/businesses/{zora}", lang="cnr")
    ana = str(people.ana.id)
    await signed_in.post(f"/dashboard/businesses/{zora}/propose", member_id=ana)

    await signed_in.post(f"/dashboard/businesses/{zora}/propose", member_id=ana)
    page = (await signed_in.get(f"/dashboard/businesses/{zora}")).text

    assert (
        f"Nije predloženo: član br. {ana} je već bio predložen biznisu br. {zora}"
        " (povezivanje br. 1, predloženo); nikad dva puta." in page
    )
    assert "was proposed to business" not in page


async def test_a_refused_answer_says_why_in_montenegrin(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """An empty answer to a question: "Nije poslato: odgovor je prazan." in Montenegrin."""
    thread, _ = await app.store.questions.open_thread(
        people.ana.id, "en", "Who do I talk to about a hotel?", clock.now()
    )
    await signed_in.get(f"/dashboard/questions/{thread.id}", lang="cnr")

    await signed_in.post(f"/dashboard/questions/{thread.id}/answer", answer="  ")
    page = (await signed_in.get(f"/dashboard/questions/{thread.id}")).text

    assert "Nije poslato: odgovor je prazan." in page
    assert "the answer is empty" not in page


async def test_an_expired_form_in_a_montenegrin_session_answers_in_montenegrin(
    signed_in: Coordinator,
) -> None:
    """The guard answers before any page is drawn, in the session's language: an expired
    form (403) and a body that is not a form (415) read in Montenegrin."""
    await signed_in.get("/dashboard/members", lang="cnr")

    expired = await signed_in.post("/dashboard/fellowship/1/note", csrf="wrong", note="x")
    not_form = await signed_in.client.post("/dashboard/fellowship/1/note", json={"note": "x"})

    assert 403 == expired.status_code
    assert "Ovaj obrazac je istekao ili nije došao sa kontrolne table." in expired.text
    assert "expired" not in expired.text
    assert (415, "Očekivan je obrazac.") == (not_form.status_code, not_form.text)


async def test_an_expired_form_reads_in_english_in_an_english_session(
    signed_in: Coordinator,
) -> None:
    """Without a Montenegrin choice the guard's answers stay English."""
    await signed_in.get("/dashboard/members", lang="en")

    expired = await signed_in.post("/dashboard/fellowship/1/note", csrf="wrong", note="x")

    assert 403 == expired.status_code and "This form has expired" in expired.text


async def test_a_refusal_reads_as_the_command_line_prints_it(app: App, clock: FixedClock) -> None:
    """The refusal carries its message id and values; as a string it is today's English."""
    try:
        await introductions.propose(app.store, app.content, 99, 1, clock.now(), actor="cli:test")
    except introductions.ProposalRefused as refused:
        said = refused.args[0]
    assert "no business request #99" == str(said)
    assert isinstance(said, Text) and "no business request #%(business)s" == said.message


async def test_the_reasons_kept_with_a_proposal_read_in_montenegrin_on_its_page(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """The store keeps a proposal's reasons in English; the match's page reads them back and
    says them in Montenegrin, codes named in Montenegrin."""
    zora = (await seed_businesses(app.store, clock, people))["zora"].id
    match = await introductions.propose(
        app.store, app.content, zora, people.ana.id, clock.now(), actor="cli:test"
    )
    assert "+40 needs: covers business plan, mentoring (2 of 2)" == match.reasons[0]

    page = (await signed_in.get(f"/dashboard/matches/{match.id}", lang="cnr")).text

    reasons = page.split('<ul class="reasons">')[1].split("</ul>")[0]
    assert "+40 potrebe: pokriva 📝 Pregled biznis plana, 🧭 Mentorstvo (2 od 2)" in reasons
    assert "+15 jezik: oboje govore (Crnogorski)" in reasons
    assert "+10 veze: porijeklom iz opštine Kotor" in reasons
    assert [] == [word for word in ENGLISH_REASONS if word in reasons]


def test_a_kept_sentence_no_message_fits_stays_as_it_was() -> None:
    """A reason kept before reasons were messages (or written by hand) reads as written; one
    that fits reads back with its values and codes."""
    assert "picked by hand" == suggestions.stored(["picked by hand"])[0]
    [read] = suggestions.stored(["+20 sector: offers help in tourism"])
    assert isinstance(read, Text)
    assert {"points": "20", "sector": Coded("sector", "tourism", "tourism")} == dict(read.values)
