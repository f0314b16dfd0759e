"""The dashboard's local businesses: requests with the funnel, one request's offers ranked with
their reasons and proposed from there (both sides asked), offers, matches and withdrawing, and
the two exports — safe and audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.store import Business, Member, Store
from tests.staff.dashboard.conftest import Coordinator, People

LATER = datetime(2100, 1, 1, tzinfo=UTC)


async def seed_businesses(store: Store, clock: FixedClock, people: People) -> dict[str, Business]:
    """Ana offers a business plan and mentoring (tourism, from Kotor); Marko offers mentoring
    in health; Konoba Zora (Kotor) asks in the chat; a Bar winery was imported and never wrote;
    a request whose name would be a formula."""
    now = clock.now()
    await store.members.update(people.ana.id, now, skills="hotel marketing, cloud")
    await store.offers.save(
        people.ana.id,
        {"gives": ["business_plan", "mentoring"], "sectors": ["tourism"],
         "languages": ["cnr", "en"], "mode": "remote", "hours": 8, "contact": "ana@example.org"},
        now,
    )  # fmt: skip
    await store.offers.save(
        people.marko.id,
        {"gives": ["mentoring"], "sectors": ["health"], "languages": ["en"], "mode": "hybrid",
         "hours": 4, "contact": "+13125550100"},
        now,
    )  # fmt: skip
    vesna = await store.members.create(
        "telegram:77", language="cnr", consent_version="2026-11-v2", now=now
    )
    await store.members.update(vesna.id, now, name="Vesna Lakić")
    zora = await store.businesses.create(
        Business(
            0, "Konoba Zora", "chat", member_id=vesna.id, municipality="Kotor", sector="tourism",
            stage="starting", needs=["business_plan", "mentoring"], languages=["cnr"],
            description="Guesthouse in the old town; a hotel plan and marketing.",
            contact_name="Vesna Lakić", phone="+38267123456",
        ),
        now,
        consent_version="2026-11-v2",
    )  # fmt: skip
    winery = Business(
        0, "Vinarija Crmnica", "bar-2026.csv", source_row=3, phone="+38268000111",
        municipality="Bar", sector="agriculture", needs=["market_access", "mentoring"],
    )  # fmt: skip
    formula = Business(0, '=HYPERLINK("x")', "bar-2026.csv", source_row=4, phone="+38268000222")
    await store.businesses.save_imported([winery, formula], [], now)
    return {"zora": zora, "winery": winery, "formula": formula}


async def test_the_requests_page_shows_the_funnel_and_each_requests_best_offer(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """Every request is listed with its state and where its contact person is; the funnel
    counts the requests and those with a suggestion."""
    await seed_businesses(app.store, clock, people)

    page = await signed_in.get("/dashboard/businesses")

    assert 200 == page.status_code
    assert "Konoba Zora" in page.text and "Vinarija Crmnica" in page.text
    assert "imported, not yet in the bot" in page.text
    assert "From requests to investment" in page.text
    # The formula-named request names no needs, so every offer is a suggestion for it.
    assert "Requests: 3" in page.text and "Suggested: 3" in page.text
    assert "Ana Marković</a> (99)" in page.text


async def test_a_request_ranks_the_offers_and_a_coordinator_proposes_one(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """Ana, who covers both needs in tourism, ranks first with her reasons; proposing her
    creates the match, asks both sides through the outbox and is audited."""
    found = await seed_businesses(app.store, clock, people)
    zora = found["zora"]

    page = await signed_in.get(f"/dashboard/businesses/{zora.id}")
    assert page.text.index(f'id="suggestion-{people.ana.id}"') < page.text.index(
        f'id="suggestion-{people.marko.id}"'
    )
    assert "+40 needs: covers 📝 Business plan review, 🧭 Mentoring (2 of 2)" in page.text
    assert "+20 sector: offers help in Tourism and hospitality" in page.text

    response = await signed_in.post(
        f"/dashboard/businesses/{zora.id}/propose", member_id=str(people.ana.id)
    )

    assert 303 == response.status_code
    [match] = await app.store.matches.all()
    assert response.headers["location"] == f"/dashboard/matches/{match.id}"
    assert (zora.id, people.ana.id, "proposed", "dashboard") == (
        match.business_id,
        match.member_id,
        match.status,
        match.proposed_by,
    )
    queued = await app.store.outbox.due(LATER)
    assert {people.ana.id, zora.member_id} == {row.member_id for row in queued}
    [entry, *_] = await app.store.audit.entries()
    assert ("dashboard", "match.proposed", f"match:{match.id}") == (
        entry.actor,
        entry.action,
        entry.subject,
    )
    shown = await signed_in.get(f"/dashboard/matches/{match.id}")
    assert "Proposed: both sides are asked" in shown.text
    again = await signed_in.get(f"/dashboard/businesses/{zora.id}")
    assert f'id="suggestion-{people.ana.id}"' not in again.text


async def test_proposals_are_refused_with_the_reason(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """An imported request nobody claimed, a member proposed before and a bad member number
    are refused with a message, and nothing is sent."""
    found = await seed_businesses(app.store, clock, people)
    await signed_in.get(f"/dashboard/businesses/{found['winery'].id}")
    imported = await signed_in.post(
        f"/dashboard/businesses/{found['winery'].id}/propose", member_id=str(people.ana.id)
    )
    page = await signed_in.get(f"/dashboard/businesses/{found['winery'].id}")
    assert "its contact person has not written to the bot yet" in page.text
    assert 'id="propose-' not in page.text

    zora = found["zora"].id
    await signed_in.post(f"/dashboard/businesses/{zora}/propose", member_id=str(people.ana.id))
    await signed_in.get(f"/dashboard/businesses/{zora}")
    await signed_in.post(f"/dashboard/businesses/{zora}/propose", member_id=str(people.ana.id))
    twice = await signed_in.get(f"/dashboard/businesses/{zora}")
    assert "was proposed to business" in twice.text and "never twice" in twice.text
    await signed_in.post(f"/dashboard/businesses/{zora}/propose", member_id="x")
    bad = await signed_in.get(f"/dashboard/businesses/{zora}")

    assert 303 == imported.status_code
    assert "Choose a member to propose." in bad.text
    assert 1 == len(await app.store.matches.all())


async def test_a_match_shows_its_history_and_a_proposal_can_be_withdrawn(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """The match page shows each state; withdrawing tells both sides and is audited."""
    found = await seed_businesses(app.store, clock, people)
    zora = found["zora"].id
    await signed_in.get(f"/dashboard/businesses/{zora}")
    await signed_in.post(f"/dashboard/businesses/{zora}/propose", member_id=str(people.ana.id))
    [match] = await app.store.matches.all()
    page = await signed_in.get(f"/dashboard/matches/{match.id}")
    assert 'id="withdraw-form"' in page.text

    await signed_in.post(f"/dashboard/matches/{match.id}/withdraw", reason="found a mentor")

    withdrawn = await app.store.matches.get(match.id)
    assert withdrawn is not None
    assert ("withdrawn", "found a mentor") == (withdrawn.status, withdrawn.reason)
    page = await signed_in.get(f"/dashboard/matches/{match.id}")
    assert "Withdrawn; both sides are told it will not go ahead." in page.text
    assert ["proposed", "withdrawn"] == [
        event.status for event in await app.store.matches.events(match.id)
    ]
    closing = [row for row in await app.store.outbox.due(LATER) if "withdrawn" in row.job]
    assert 2 == len(closing)
    listing = await signed_in.get("/dashboard/matches", status="withdrawn")
    assert f'id="match-{match.id}"' in listing.text


async def test_the_offers_page_lists_each_offer_with_its_member(
    signed_in: Coordinator, app: App, clock: FixedClock, people: People
) -> None:
    """Offers with what each gives, in which languages and how many hours."""
    await seed_businesses(app.store, clock, people)

    page = await signed_in.get("/dashboard/offers")

    assert "Ana Marković" in page.text and "Marko Vuković" in page.text
    assert "Business plan review" in page.text


async def test_the_exports_are_formula_safe_and_audited(
    app: App, signed_in: Coordinator, clock: FixedClock, people: People
) -> None:
    """The businesses CSV keeps a formula-like name as text; the matches XLSX downloads; each
    download is audited."""
    await seed_businesses(app.store, clock, people)
    await signed_in.get("/dashboard/businesses")

    response = await signed_in.post(
        "/dashboard/businesses/download", what="businesses", format="csv"
    )
    workbook = await signed_in.post("/dashboard/businesses/download", what="matches", format="xlsx")
    refused = await signed_in.post("/dashboard/businesses/download", what="members", format="csv")

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert ["Konoba Zora", "Vinarija Crmnica", '\'=HYPERLINK("x")'] == [r["name"] for r in rows]
    assert ("yes", "no") == (rows[0]["in_bot"], rows[1]["in_bot"])
    assert workbook.content.startswith(b"PK")
    assert 303 == refused.status_code
    actions = [entry.action for entry in await app.store.audit.entries()][:2]
    assert ["export.matches", "export.businesses"] == actions


async def test_unknown_requests_and_matches_are_not_found(signed_in: Coordinator) -> None:
    """A number no record has answers 404, even one past SQLite's range."""
    for path in (
        "/dashboard/businesses/999",
        "/dashboard/matches/999",
        f"/dashboard/matches/{2**64}",
    ):
        assert 404 == (await signed_in.get(path)).status_code


async def _member(store: Store, member_id: int) -> Member:
    found = await store.members.get(member_id)
    assert found is not None
    return found
