"""RSVPs on a real SQLite file: capacity, the waitlist and its order, and races for the last
seats, from one process and from two."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Outcome, Store
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
EVENT = "supper-kotor"


async def members(store: Store, count: int) -> list[int]:
    return [
        (await add_member(store, f"telegram:{n}", NOW, name=f"Member {n}", country="DE")).id
        for n in range(1, count + 1)
    ]


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


async def test_two_members_racing_for_the_last_seat_one_gets_it(tmp_path: Path) -> None:
    """Going at the same moment with one seat left: exactly one goes, the other waits."""
    async with Store(tmp_path / "db.sqlite3") as store:
        first, second = await members(store, 2)

        outcomes = await asyncio.gather(
            store.rsvps.answer(EVENT, first, "going", NOW, capacity=1),
            store.rsvps.answer(EVENT, second, "going", NOW, capacity=1),
        )

        assert ["going", "waitlisted"] == sorted(
            outcome.rsvp.status for outcome in outcomes if outcome.rsvp
        )
        assert 1 == await store.rsvps.taken(EVENT)


async def test_two_processes_racing_for_the_last_seat_one_gets_it(tmp_path: Path) -> None:
    """Two connections to one file (two processes) cannot both take the last seat either."""
    path = tmp_path / "db.sqlite3"
    async with Store(path) as store:
        first, second = await members(store, 2)
    async with Store(path) as one, Store(path) as other:
        outcomes = await asyncio.gather(
            one.rsvps.answer(EVENT, first, "going", NOW, capacity=1),
            other.rsvps.answer(EVENT, second, "going", NOW, capacity=1),
        )

        assert ["going", "waitlisted"] == sorted(
            outcome.rsvp.status for outcome in outcomes if outcome.rsvp
        )
        assert 1 == await one.rsvps.taken(EVENT)


async def test_many_parties_at_once_never_overbook(tmp_path: Path) -> None:
    """Thirty members with guests rushing ten seats fill at most ten; the rest wait in order."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ids = await members(store, 30)

        outcomes: list[Outcome] = await asyncio.gather(
            *(
                store.rsvps.answer(EVENT, member_id, "going", NOW, guests=n % 3, capacity=10)
                for n, member_id in enumerate(ids)
            )
        )

        taken = await store.rsvps.taken(EVENT)
        waiting = [o.rsvp for o in outcomes if o.rsvp and o.rsvp.status == "waitlisted"]
        assert taken <= 10
        assert sorted(r.position for r in waiting if r.position) == list(range(1, len(waiting) + 1))
        assert 30 == len(await store.rsvps.listing(EVENT))


async def test_a_cancellation_promotes_the_first_waiting_party_that_fits(tmp_path: Path) -> None:
    """Two seats free up: a party of three waiting first stays, the single behind it gets in."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ana, marko, jelena, petar = await members(store, 4)
        await store.rsvps.answer(EVENT, ana, "going", at(0), guests=1, capacity=3)
        await store.rsvps.answer(EVENT, marko, "going", at(1), capacity=3)
        big = await store.rsvps.answer(EVENT, jelena, "going", at(2), guests=2, capacity=3)
        small = await store.rsvps.answer(EVENT, petar, "going", at(3), capacity=3)
        assert [(1, "waitlisted"), (2, "waitlisted")] == [
            (o.rsvp.position, o.rsvp.status) for o in (big, small) if o.rsvp
        ]

        outcome = await store.rsvps.cancel(EVENT, ana, at(4), capacity=3)

        assert [petar] == [rsvp.member_id for rsvp in outcome.promoted]
        assert 1 == outcome.free
        jelena_now = await store.rsvps.get(EVENT, jelena)
        assert jelena_now is not None
        assert ("waitlisted", 1) == (jelena_now.status, jelena_now.position)


async def test_changing_to_maybe_frees_the_seats_for_the_waitlist(tmp_path: Path) -> None:
    """Going → maybe gives the seat to the first waiting, in the same change."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ana, marko = await members(store, 2)
        await store.rsvps.answer(EVENT, ana, "going", at(0), capacity=1)
        await store.rsvps.answer(EVENT, marko, "going", at(1), capacity=1)

        outcome = await store.rsvps.answer(EVENT, ana, "maybe", at(2), capacity=1)

        assert outcome.rsvp is not None
        assert ("maybe", [marko]) == (outcome.rsvp.status, [r.member_id for r in outcome.promoted])


async def test_a_waiting_member_keeps_their_place_when_answering_again(tmp_path: Path) -> None:
    """Pressing going again (with other guests) while waiting does not send one to the back."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ana, marko, jelena = await members(store, 3)
        await store.rsvps.answer(EVENT, ana, "going", at(0), capacity=1)
        await store.rsvps.answer(EVENT, marko, "going", at(1), capacity=1)
        await store.rsvps.answer(EVENT, jelena, "going", at(2), capacity=1)

        again = await store.rsvps.answer(EVENT, marko, "going", at(3), guests=1, capacity=1)

        assert again.rsvp is not None
        assert ("waitlisted", 1, 1) == (again.rsvp.status, again.rsvp.position, again.rsvp.guests)


async def test_a_member_going_cannot_take_more_seats_than_are_free(tmp_path: Path) -> None:
    """Asking for more guests than the seats left is refused and changes nothing."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ana, marko = await members(store, 2)
        await store.rsvps.answer(EVENT, ana, "going", at(0), capacity=3)
        await store.rsvps.answer(EVENT, marko, "going", at(1), guests=1, capacity=3)

        refused = await store.rsvps.answer(EVENT, ana, "going", at(2), guests=1, capacity=3)

        assert (True, 1) == (refused.refused, refused.free)
        assert 3 == await store.rsvps.taken(EVENT)


async def test_without_capacity_everyone_goes(tmp_path: Path) -> None:
    """An event with no capacity has no waitlist."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ids = await members(store, 5)

        outcomes = [
            await store.rsvps.answer(EVENT, member_id, "going", NOW, guests=4) for member_id in ids
        ]

        assert {"going"} == {o.rsvp.status for o in outcomes if o.rsvp}
        assert 25 == await store.rsvps.taken(EVENT)


async def test_erasing_a_member_erases_their_rsvps_and_applications(tmp_path: Path) -> None:
    """/delete leaves no RSVP, application or note behind."""
    async with Store(tmp_path / "db.sqlite3") as store:
        [ana] = await members(store, 1)
        await store.rsvps.answer(EVENT, ana, "going", NOW)
        application = await store.applications.submit("digital", ana, NOW, {"field": "it"})
        assert application is not None
        await store.applications.change(application.id, "screening", NOW, author="cli:x", note="ok")

        await store.members.delete(ana)

        counts = []
        for table in ("rsvps", "fellowship_applications", "application_notes"):
            row = await store.db.fetchone(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert row is not None
            counts.append(int(row[0]))
        assert [0, 0, 0] == counts
