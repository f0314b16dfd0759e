from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.content.audience import Audience
from bot.store import Store
from scheduler.roster import Roster
from tests.scheduler.conftest import NOW, add_member, rsvp

AUDIENCES = [
    Audience(),
    Audience(languages=("cnr",)),
    Audience(countries=("AT", "CH"), sectors=("it",)),
    Audience(municipalities=("Nikšić",), interests=("investment", "mentoring")),
    Audience(event="diaspora-days-2027", rsvp=("going", "maybe")),
    Audience(registered_after=NOW - timedelta(days=10), registered_before=NOW),
]


@pytest.mark.parametrize("audience", AUDIENCES, ids=lambda audience: audience.describe())
async def test_the_roster_and_one_member_at_a_time_agree(store: Store, audience: Audience) -> None:
    """Set algebra over the roster's indexes selects exactly who ``matches`` lets through."""
    specs: list[dict[str, Any]] = [
        {"country": "AT", "language": "cnr", "sector": "it", "municipality": "Nikšić"},
        {"country": "CH", "language": "en", "sector": "it", "interests": ["mentoring"]},
        {"country": "DE", "language": "cnr", "interests": ["investment", "events"]},
        {"country": "AT", "language": "cnr", "sector": "it", "stopped_at": NOW.isoformat()},
        {"country": "US", "language": "en", "municipality": "Nikšić", "interests": ["investment"]},
    ]
    ids = []
    for number, spec in enumerate(specs):
        registered = datetime(2027, 3, 1, tzinfo=UTC) - timedelta(days=5 * number)
        ids.append(await add_member(store, f"telegram:{number}", registered_at=registered, **spec))
    await rsvp(store, "diaspora-days-2027", ids[0], "going")
    await rsvp(store, "diaspora-days-2027", ids[1], "not_going")
    await rsvp(store, "diaspora-days-2027", ids[4], "maybe")
    roster = Roster(store.recipients, "Europe/Podgorica")
    await roster.refresh()
    going = await store.recipients.rsvp_members("diaspora-days-2027", audience.rsvp)
    one_by_one = {p.id for p in roster.people.values() if audience.matches(p, going)}
    assert one_by_one == set(roster.select(audience))


async def test_the_first_load_goes_a_budget_at_a_time_and_misses_no_change_made_meanwhile(
    store: Store,
) -> None:
    """Loaded over several calls, the roster still ends up with exactly what the database
    holds: a member changed after being read, one deleted, one added while it loaded."""
    ids = [
        await add_member(store, f"telegram:{number}", language="en", registered_at=NOW)
        for number in range(7)
    ]
    roster = Roster(store.recipients, "Europe/Podgorica")

    await roster.refresh(budget=3)
    assert (False, sorted(roster.people)) == (roster.complete, ids[:3])
    await store.members.update(ids[0], NOW + timedelta(minutes=1), language="cnr")
    await store.members.delete(ids[1])
    await roster.refresh(budget=3)
    added = await add_member(store, "telegram:99", language="en", registered_at=NOW)
    assert not roster.complete
    await roster.refresh(budget=3)

    assert roster.complete
    assert [ids[0], *ids[2:], added] == sorted(roster.people)
    assert "cnr" == roster.people[ids[0]].language
    assert {ids[0]} == set(roster.select(Audience(languages=("cnr",))))
