"""The store of businesses, offers and matches: a member proposed once per business, the move to
"introduced" made exactly once, closing only what is open, follow-up answers adding up to the
best outcome, claiming an imported request only with its phone, and everything going with the
person it belongs to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Business, Member, Store
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=14)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "db.sqlite3") as opened:
        yield opened


async def people(store: Store) -> tuple[Member, Member, Business]:
    """Ana (who offers help), Vesna (a business's contact person) and her business."""
    ana = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
    await store.offers.save(ana.id, {"gives": ["mentoring"], "mode": "remote", "hours": 4}, NOW)
    vesna = await store.members.create("telegram:2", language="cnr", consent_version="v", now=NOW)
    business = await store.businesses.create(
        Business(0, "Konoba Zora", "chat", member_id=vesna.id, municipality="Kotor"),
        NOW,
        consent_version="v",
    )
    return ana, vesna, business


async def test_a_member_is_proposed_to_a_business_once(store: Store) -> None:
    """The second proposal of the same pair is refused (None), whatever became of the first."""
    ana, _, business = await people(store)
    first = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    assert first is not None
    await store.matches.close(first.id, "withdrawn", NOW, actor="t", reason="r")

    assert (
        await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER) is None
    )


async def test_the_second_acceptance_introduces_exactly_once(store: Store) -> None:
    """One side's acceptance waits; the other's introduces; no side answers twice; a late
    decline changes nothing."""
    ana, _, business = await people(store)
    match = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    assert match is not None

    first = await store.matches.answer(match.id, "member", True, NOW)
    twice = await store.matches.answer(match.id, "member", True, NOW)
    second = await store.matches.answer(match.id, "business", True, NOW)
    late = await store.matches.answer(match.id, "business", False, NOW)

    assert first is not None and second is not None
    assert (None, "introduced") == (first.moved_to, second.moved_to)
    assert (twice, late) == (None, None)
    assert ("introduced", NOW.isoformat()) == (second.match.status, second.match.introduced_at)


async def test_a_decline_closes_it_with_who_and_why(store: Store) -> None:
    """A decline is final, with the side and the reason; the other side can no longer answer."""
    ana, _, business = await people(store)
    match = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    assert match is not None

    declined = await store.matches.answer(match.id, "member", False, NOW, note="no_time")

    assert declined is not None
    assert ("declined", "declined", "declined by the member: no_time") == (
        declined.moved_to,
        declined.match.status,
        declined.match.reason,
    )
    assert await store.matches.answer(match.id, "business", True, NOW) is None
    with pytest.raises(ValueError, match="not a side"):
        await store.matches.answer(match.id, "coordinator", True, NOW)


async def test_only_open_proposals_expire_and_closing_needs_a_closing_state(store: Store) -> None:
    """due_to_expire lists proposals past their time; close leaves other states alone."""
    ana, _, business = await people(store)
    match = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    assert match is not None

    assert [] == await store.matches.due_to_expire(LATER - timedelta(seconds=1))
    assert [match.id] == [m.id for m in await store.matches.due_to_expire(LATER)]
    assert await store.matches.close(match.id, "ended", NOW, actor="t", reason="r") is None
    with pytest.raises(ValueError, match="cannot be closed as introduced"):
        await store.matches.close(match.id, "introduced", NOW, actor="t", reason="r")
    expired = await store.matches.close(match.id, "expired", LATER, actor="s", reason="late")
    assert expired is not None and "expired" == expired.status
    assert [] == await store.matches.due_to_expire(LATER)


async def test_follow_up_answers_add_up_to_the_best_outcome(store: Store) -> None:
    """A plan completed by one side stays completed when the other says drafted; an investment
    reported once stays; an answer is recorded once; a bad answer is refused."""
    ana, _, business = await people(store)
    match = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    assert match is not None
    await store.matches.answer(match.id, "member", True, NOW)
    await store.matches.answer(match.id, "business", True, NOW)
    assert [match.id] == [m.id for m in await store.outcomes.due("2w", NOW)]
    assert await store.outcomes.ask(match.id, "member", "2w", NOW)
    assert not await store.outcomes.ask(match.id, "member", "2w", NOW)
    await store.outcomes.ask(match.id, "business", "2w", NOW)
    assert [] == await store.outcomes.due("2w", NOW)
    member_side, business_side = await store.outcomes.of_match(match.id)

    await store.outcomes.record(
        member_side.id, {"met": "yes", "plan": "completed", "investment": "yes"}, NOW
    )
    after = await store.outcomes.record(
        business_side.id, {"met": "no", "plan": "drafted", "investment": "no"}, NOW
    )

    assert after is not None
    assert (True, "completed", True, "introduced") == (
        after.met,
        after.plan,
        after.investment,
        after.status,
    )
    assert await store.outcomes.record(member_side.id, {"met": "yes"}, NOW) is None
    with pytest.raises(ValueError, match="not a follow-up answer"):
        await store.outcomes.record(business_side.id, {"plan": "maybe"}, NOW)


async def test_an_imported_request_is_claimed_only_with_its_phone(store: Store) -> None:
    """Claiming needs the request's own phone and an unclaimed request; the answers given win
    over the imported ones, the phone stays the proved one."""
    vesna = await store.members.create("whatsapp:+38267123456", language="cnr",
                                       consent_version="v", now=NOW)  # fmt: skip
    imported = Business(0, "Zora", "kotor.xlsx", phone="+38267123456", municipality="Kotor")
    await store.businesses.save_imported([imported], [], NOW)

    wrong = await store.businesses.claim(imported.id, vesna.id, "+38267000000", NOW,
                                         consent_version="v")  # fmt: skip
    claimed = await store.businesses.claim(
        imported.id, vesna.id, "+38267123456", NOW, consent_version="v",
        answers={"name": "Konoba Zora", "phone": "+1555", "needs": ["mentoring"]},
    )  # fmt: skip
    again = await store.businesses.claim(imported.id, vesna.id, "+38267123456", NOW,
                                         consent_version="v")  # fmt: skip

    assert (wrong, again) == (None, None)
    assert claimed is not None
    assert ("Konoba Zora", "+38267123456", True, vesna.id, ["mentoring"], "Kotor") == (
        claimed.name,
        claimed.phone,
        claimed.proved_phone,
        claimed.member_id,
        claimed.needs,
        claimed.municipality,
    )
    assert [] == await store.businesses.unclaimed_with_phone("+38267123456")


async def test_everything_goes_with_the_person_it_belongs_to(store: Store) -> None:
    """Erasing the member erases their offer and matches (with history and follow-ups);
    erasing a contact person erases their business request."""
    ana, vesna, business = await people(store)
    match = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    assert match is not None
    await store.outcomes.ask(match.id, "member", "2w", NOW)

    await store.members.delete(ana.id)
    assert (None, [], []) == (
        await store.offers.of_member(ana.id),
        await store.matches.all(),
        await store.matches.events(match.id),
    )
    await store.members.delete(vesna.id)
    assert [] == await store.businesses.all()


async def test_the_funnel_counts_each_request_once_per_step(store: Store) -> None:
    """Two proposals to one request count it once; introduced, met, plan and investment follow
    the matches' outcomes."""
    ana, _, business = await people(store)
    other = await add_member(store, "telegram:3", NOW, name="Marko", country="US")
    await store.businesses.create(Business(0, "Second", "chat"), NOW)
    first = await store.matches.propose(business.id, ana.id, NOW, actor="t", expires_at=LATER)
    await store.matches.propose(business.id, other.id, NOW, actor="t", expires_at=LATER)
    assert first is not None
    await store.matches.answer(first.id, "member", True, NOW)
    await store.matches.answer(first.id, "business", True, NOW)
    await store.outcomes.ask(first.id, "member", "2w", NOW)
    [asked] = await store.outcomes.of_match(first.id)
    await store.outcomes.record(asked.id, {"met": "yes", "plan": "completed"}, NOW)

    assert {
        "requests": 2,
        "proposed": 1,
        "introduced": 1,
        "met": 1,
        "plan_completed": 1,
        "investment": 0,
    } == await store.outcomes.funnel()
