"""RSVP lists with waitlist positions, and check-in on the day of the event."""

from __future__ import annotations

from bot.app import App
from tests.sample import SUPPER
from tests.staff.dashboard.conftest import TODAY, Coordinator, People


async def test_the_events_list_counts_answers(signed_in: Coordinator) -> None:
    """Each event with going (seats), waitlist, maybe and not going."""
    page = await signed_in.get("/dashboard/events")

    assert 200 == page.status_code
    row = page.text.split(f'href="/dashboard/events/{SUPPER}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    # Ana (+1 guest) and Marko are going: 2 members, 3 seats; Jelena waits.
    assert ["2027-01-15 19:00", "Palace Bizanti, Kotor"] == cells[:2]
    assert ["3", "2 (3)", "1", "0", "0"] == cells[2:]


async def test_an_events_page_lists_going_and_the_waitlist_in_order(
    signed_in: Coordinator, people: People
) -> None:
    """Going with seats; the waitlist with positions; check-in closed before the day."""
    page = await signed_in.get(f"/dashboard/events/{SUPPER}")

    text = page.text
    going = text.split('<table id="going" class="cards">')[1].split("</table>")[0]
    waitlist = text.split('<table id="waitlist">')[1].split("</table>")[0]
    assert "Ana Marković" in going and "Marko Vuković" in going
    assert "<td>1</td>" in waitlist and "Jelena Popović" in waitlist
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
