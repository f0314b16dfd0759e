"""The local businesses and questions pages in Montenegrin (``?lang=cnr``): their own words,
the states and the stored codes all read in the coordinator's language."""

from __future__ import annotations

from bot.app import App
from bot.clock import FixedClock
from tests.staff.dashboard.conftest import Coordinator, People
from tests.staff.dashboard.test_businesses import seed_businesses


async def test_the_business_pages_read_in_montenegrin(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """Businesses, a request, its proposal's flash, the match, Matches and Offers: headings,
    columns, states, sectors, needs and the funnel in Montenegrin, no English left."""
    found = await seed_businesses(app.store, clock, people)
    zora = found["zora"].id

    listing = (await signed_in.get("/dashboard/businesses", lang="cnr")).text
    assert "<h1>Lokalni biznisi</h1>" in listing
    assert "Od zahtjeva do investicije" in listing and "Zahtjevi: 3" in listing
    assert "Turizam i ugostiteljstvo" in listing and "Mentorstvo" in listing
    assert "uvezen, još nije u botu" in listing and "3 zahtjeva" in listing
    assert 'data-label="Opština"' in listing and ">otvoren</span>" in listing
    assert "Local businesses" not in listing and "imported, not yet" not in listing

    page = (await signed_in.get(f"/dashboard/businesses/{zora}")).text
    assert "<h2>Zahtjev</h2>" in page and "<h2>Prijedlozi</h2>" in page
    assert "Predloži upoznavanje" in page and "zatraženo u četu" in page
    assert "Propose an introduction" not in page

    proposed = await signed_in.post(
        f"/dashboard/businesses/{zora}/propose", member_id=str(people.ana.id)
    )
    match = (await signed_in.get(proposed.headers["location"])).text
    assert "Predloženo: obje strane su zamoljene" in match
    assert "Povezivanje br. 1" in match and ">predloženo</span>" in match
    assert "Odgovor biznisa" in match and "čeka" in match and "kontrolna tabla" in match
    assert "Business's answer" not in match and "waiting" not in match

    matches = (await signed_in.get("/dashboard/matches")).text
    assert "<h1>Povezivanja</h1>" in matches and "1 povezivanje" in matches
    assert "Preuzmite sva povezivanja:" in matches

    offers = (await signed_in.get("/dashboard/offers")).text
    assert "<h1>Ponude pomoći</h1>" in offers and "2 ponude" in offers
    assert "Sati mjesečno" in offers and "aktivna" in offers and "Na daljinu" in offers


async def test_the_question_pages_read_in_montenegrin(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """Questions and a question: tabs with Montenegrin plurals, the profile line's country and
    sector, the forms, an answer's delivery and the flash, all in Montenegrin."""
    now = clock.now()
    thread, _ = await app.store.questions.open_thread(
        people.ana.id, "en", "Who do I talk to about a hotel?", now
    )
    clock.advance(hours=5)

    listing = (await signed_in.get("/dashboard/questions", lang="cnr")).text
    assert "<h1>Pitanja</h1>" in listing and "<strong>1</strong> otvoreno" in listing
    assert "<strong>0</strong> zatvorenih" in listing
    assert "Ana Marković · Njemačka, Berlin · IT i softver · English" in listing
    assert "Members' questions" not in listing

    await signed_in.get(f"/dashboard/questions/{thread.id}")
    await signed_in.post(f"/dashboard/questions/{thread.id}/answer", answer="Write to MIA.")
    page = (await signed_in.get(f"/dashboard/questions/{thread.id}")).text
    assert "Odgovor je poslat članu (preko reda za slanje)." in page
    assert "Pitanje br. 1" in page and ">odgovoreno</span>" in page
    assert "Odgovor: kontrolna tabla" in page and "Isporuka: čeka slanje" in page
    assert "Pošalji odgovor" in page and "Zatvori pitanje" in page
    assert "Send answer" not in page and "Delivery:" not in page

    missing = await signed_in.get("/dashboard/questions/99")
    assert 404 == missing.status_code and "Ne postoji: pitanje br. 99." in missing.text
