"""RSVP lists with waitlist positions, and check-in on the day of the event."""

from __future__ import annotations

import re

from bot.app import App
from tests.sample import SUPPER, add_member
from tests.staff.dashboard.conftest import TODAY, Coordinator, People


async def test_the_events_list_counts_answers(signed_in: Coordinator) -> None:
    """Each event with its start in programme time with the zone's name, going (seats),
    waitlist, maybe and not going."""
    page = await signed_in.get("/dashboard/events")

    assert 200 == page.status_code
    row = page.text.split(f'href="/dashboard/events/{SUPPER}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    # Ana (+1 guest) and Marko are going: 2 members, 3 seats; Jelena waits.
    assert ["2027-01-15 19:00 CET", "Palace Bizanti, Kotor"] == cells[:2]
    assert ["3", "2 (3)", "1", "0", "0"] == cells[2:]


async def test_an_events_page_lists_going_and_the_waitlist_in_order(
    signed_in: Coordinator, people: People
) -> None:
    """Going with seats; the waitlist with positions; check-in closed before the day."""
    page = await signed_in.get(f"/dashboard/events/{SUPPER}")

    text = page.text
    going = text.split('<table id="going" class="cards">')[1].split("</table>")[0]
    waitlist = text.split('<table id="waitlist" class="cards">')[1].split("</table>")[0]
    assert "Ana Marković" in going and "Marko Vuković" in going
    assert '<td data-label="Position">1</td>' in waitlist and "Jelena Popović" in waitlist
    assert "3</strong> seats taken of 3" in text
    assert "Check-in opens on the day of the event (2027-01-15)." in text
    assert "Check in</button>" not in text


async def test_checking_in_on_the_day_is_recorded_and_audited(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """The button checks Ana in; the time shows; undoing takes it back; both audited."""
    page = await signed_in.get(f"/dashboard/events/{TODAY}")
    assert "Check in</button>" in page.text

    response = await signed_in.post(
        f"/dashboard/events/{TODAY}/checkin", member_id=str(people.ana.id)
    )

    assert 303 == response.status_code
    rsvp = await app.store.rsvps.get(TODAY, people.ana.id)
    assert rsvp is not None and "2026-11-27T10:00:00+00:00" == rsvp.checked_in_at
    page = await signed_in.get(f"/dashboard/events/{TODAY}")
    assert "Ana Marković is checked in." in page.text
    assert "✔ 2026-11-27 11:00" in page.text
    assert '<strong id="checked-in-count">1</strong>' in page.text

    await signed_in.post(
        f"/dashboard/events/{TODAY}/checkin", member_id=str(people.ana.id), undo="1"
    )

    rsvp = await app.store.rsvps.get(TODAY, people.ana.id)
    assert rsvp is not None and rsvp.checked_in_at is None
    entries = await app.store.audit.entries()
    assert [
        ("rsvp.check_in_undone", f"rsvp:{rsvp.id}", {"event": TODAY}),
        ("rsvp.check_in", f"rsvp:{rsvp.id}", {"event": TODAY}),
    ] == [(e.action, e.subject, e.detail) for e in entries if e.action.startswith("rsvp.")]
    assert {"dashboard"} == {entry.actor for entry in entries}


async def test_only_members_going_can_be_checked_in(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """Petar only said maybe: refused with a message, nothing recorded."""
    await signed_in.get(f"/dashboard/events/{TODAY}")

    await signed_in.post(f"/dashboard/events/{TODAY}/checkin", member_id=str(people.petar.id))

    page = await signed_in.get(f"/dashboard/events/{TODAY}")
    assert "Only a member who is going can be checked in." in page.text
    rsvp = await app.store.rsvps.get(TODAY, people.petar.id)
    assert rsvp is not None and rsvp.checked_in_at is None


async def test_check_in_is_refused_before_the_day(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """A forged check-in for the supper (in January) changes nothing."""
    await signed_in.get(f"/dashboard/events/{SUPPER}")

    await signed_in.post(f"/dashboard/events/{SUPPER}/checkin", member_id=str(people.ana.id))

    rsvp = await app.store.rsvps.get(SUPPER, people.ana.id)
    assert rsvp is not None and rsvp.checked_in_at is None
    page = await signed_in.get(f"/dashboard/events/{SUPPER}")
    assert "Check-in is open only on the day of the event." in page.text
    assert [] == [e for e in await app.store.audit.entries() if e.action.startswith("rsvp.")]


async def test_an_unknown_event_is_not_found(signed_in: Coordinator) -> None:
    """404 for an event with neither a file nor RSVPs."""
    assert 404 == (await signed_in.get("/dashboard/events/no-such-event")).status_code


async def _at_the_door(app: App, people: People) -> None:
    """Today's meetup: Ana already going, then Zoran, Bojana and Đorđe answer in that order."""
    now = app.clock.now()
    for address, name in (("telegram:31", "Zoran Zec"), ("telegram:32", "Bojana Šćepanović"),
                          ("telegram:33", "Đorđe Abramović")):  # fmt: skip
        member = await add_member(app.store, address, now, name=name, country="DE")
        await app.store.rsvps.answer(TODAY, member.id, "going", now, capacity=50)


def _going(page: str) -> list[str]:
    going = page.split('<table id="going" class="cards">')[1].split("</table>")[0]
    return re.findall(r'<a href="/dashboard/members/\d+">([^<]+)</a>', going)


async def test_at_the_door_the_going_list_reads_a_to_z_or_in_answer_order(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """A to Z by name (accents ignored: Đorđe among the Ds) unless the order in which they
    answered is asked for."""
    await _at_the_door(app, people)
    page = await signed_in.get(f"/dashboard/events/{TODAY}")
    assert ["Ana Marković", "Bojana Šćepanović", "Đorđe Abramović", "Zoran Zec"] == _going(
        page.text
    )
    page = await signed_in.get(f"/dashboard/events/{TODAY}", order="answered")
    assert ["Ana Marković", "Zoran Zec", "Bojana Šćepanović", "Đorđe Abramović"] == _going(
        page.text
    )


async def test_a_name_search_finds_the_party_at_the_door_and_survives_the_check_in(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """``scepan`` finds Bojana Šćepanović alone (case and accents ignored); checking her in
    comes back to the same search, with the totals still of everyone."""
    await _at_the_door(app, people)
    page = await signed_in.get(f"/dashboard/events/{TODAY}", q="scepan")
    assert ["Bojana Šćepanović"] == _going(page.text)
    assert "1 going matches “scepan”." in page.text
    assert '<strong id="checked-in-count">0</strong> of 4 checked in' in page.text
    member_id = re.search(r'name="member_id" value="(\d+)"', page.text)
    assert member_id is not None
    response = await signed_in.post(
        f"/dashboard/events/{TODAY}/checkin", member_id=member_id.group(1), q="scepan",
        order="name",
    )  # fmt: skip
    assert 303 == response.status_code
    assert response.headers["location"].startswith(
        f"/dashboard/events/{TODAY}?q=scepan&order=name#member-"
    )
    page = await signed_in.get(f"/dashboard/events/{TODAY}", q="scepan")
    assert "Bojana Šćepanović is checked in." in page.text
    assert '<strong id="checked-in-count">1</strong> of 4 checked in' in page.text
    assert [] == _going((await signed_in.get(f"/dashboard/events/{TODAY}", q="nobody")).text)
