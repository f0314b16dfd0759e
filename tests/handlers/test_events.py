"""Events and RSVPs, as members live them on Telegram, WhatsApp and the terminal: the list,
details, going with guests and a calendar file, changing and cancelling, deadlines and past
events, the waitlist, and deep links."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.settings import Settings
from bot.store import Member
from tests.chat import Chat
from tests.conftest import make_settings
from tests.sample import SUPPER, add_member, content_folder

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SUPPER_TITLE = "Diaspora supper in Kotor"
SUPPER_DETAILS = (
    "🗓 Diaspora supper in Kotor\n\n"
    "An evening with the mayor and local entrepreneurs in the old town.\n\n"
    "🕒 15 January 2027, 19:00–22:00 (Podgorica time)\n"
    "📍 Palace Bizanti, Kotor\n"
    "{seats}\n"
    "⏳ Answer by 10 January 2027, 23:59 (Podgorica time)"
)
RSVP_OPTIONS = ["✅ Going", "🤔 Maybe", "❌ Not going"]
GUEST_OPTIONS = ["👤 Just me", "👥 +1", "👥 +2", "👥 +3", "👥 +4"]
BACK, CANCEL = "⬅️ Back", "✖️ Cancel"
ASK_LANGUAGE = "Please choose your language.\n\nMolimo izaberite jezik."
ASK_NAME = "What is your name?"
ASK_COUNTRY = "Which country do you live in? Choose below or type its name."
MENU = "What would you like to do, Ana?"
COMPLETE_PROFILE = (
    "Whenever you have two minutes, complete your profile with /register — it helps us invite "
    "you to what fits you."
)


def details(seats: str = "🎟 3 of 3 seats left", answer: str | None = None) -> str:
    text = SUPPER_DETAILS.format(seats=seats)
    if answer:
        text += f"\n✍️ Your answer: {answer}"
    return text


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, content_dir=content_folder(tmp_path))


async def member(
    app: App,
    address: str,
    name: str = "Ana Marković",
    country: str = "DE",
    language: str = "en",
    registered: bool = True,
) -> Member:
    return await add_member(
        app.store,
        address,
        NOW,
        name=name,
        country=country,
        language=language,
        registered=registered,
    )


async def going_to_supper(chat: Chat, guests: str) -> None:
    await chat.send("/events")
    await chat.press(SUPPER_TITLE)
    await chat.press("✅ Going")
    await chat.press(guests)


async def test_events_lists_upcoming_events_in_podgorica_time_and_the_members_own(
    app: App, clock: FixedClock
) -> None:
    """A member in New York sees each event in Podgorica time and in their own time zone."""
    await member(app, "telegram:1001", country="US")
    chat = Chat(app.engine, clock)

    await chat.send("/events")

    assert chat.question.startswith(
        "Upcoming events — choose one for the details and to answer:\n\n"
        "🗓 Diaspora supper in Kotor\n"
        "🕒 15 January 2027, 19:00–22:00 (Podgorica time)\n"
        "🕒 15 January 2027, 13:00–16:00 (your time, New York)\n"
        "📍 Palace Bizanti, Kotor\n\n"
        "🗓 Knowledge-transfer fellowship: online information session\n"
    )
    assert (
        "🗓 Diaspora Days 2027 — Podgorica\n"
        "🕒 23 July 2027, 18:00 – 25 July 2027, 23:00 (Podgorica time)\n"
        "🕒 23 July 2027, 12:00 – 25 July 2027, 17:00 (your time, New York)\n"
    ) in chat.question
    assert [
        SUPPER_TITLE,
        "Knowledge-transfer fellowship: online information session",
        "Diaspora Business Forum — Budva",
        "Diaspora Days 2027 — Podgorica",
        CANCEL,
    ] == chat.options()


async def test_a_member_in_podgorica_time_sees_one_time_only(app: App, clock: FixedClock) -> None:
    """Berlin keeps the same clock as Podgorica, so no second time is shown."""
    await member(app, "telegram:1001", country="DE")
    chat = Chat(app.engine, clock)

    await chat.send("/events")

    assert "your time" not in chat.question


async def test_going_with_guests_on_telegram_sends_a_calendar_file(
    app: App, clock: FixedClock
) -> None:
    """Going with two guests takes three seats, confirms, and attaches an .ics for the event."""
    ana = await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)
    await chat.send("/events")
    await chat.press(SUPPER_TITLE)
    assert [details()] == [chat.question.removesuffix("\n\nWill you come?")]
    assert [*RSVP_OPTIONS, BACK, CANCEL] == chat.options()

    await chat.press("✅ Going")
    assert ["How many guests will come with you? (at most 4)"] == chat.replies()
    assert [*GUEST_OPTIONS, BACK, CANCEL] == chat.options()

    await chat.press("👥 +2")

    assert [
        "You're going to “Diaspora supper in Kotor”! 🎉 Add it to your calendar with the "
        "attached file.",
        MENU,
    ] == chat.replies()
    rsvp = await app.store.rsvps.get(SUPPER, ana.id)
    assert rsvp is not None
    assert ("going", 2, 3) == (rsvp.status, rsvp.guests, await app.store.rsvps.taken(SUPPER))
    attachment = chat.last[0].file
    assert attachment is not None
    assert ("supper-kotor.ics", "text/calendar") == (attachment.filename, attachment.mime_type)
    entry = icalendar.Calendar.from_ical(attachment.content).events[0]
    assert (
        "supper-kotor@diaspora-connect",
        SUPPER_TITLE,
        "An evening with the mayor and local entrepreneurs in the old town.",
        "Palace Bizanti, Kotor",
        datetime(2027, 1, 15, 18, 0, tzinfo=UTC),
        datetime(2027, 1, 15, 21, 0, tzinfo=UTC),
    ) == (
        str(entry["uid"]),
        str(entry["summary"]),
        str(entry["description"]),
        str(entry["location"]),
        entry.decoded("dtstart"),
        entry.decoded("dtend"),
    )


async def test_the_same_rsvp_on_whatsapp_in_montenegrin_by_typed_numbers(
    app: App, clock: FixedClock
) -> None:
    """On WhatsApp, a Montenegrin member answers by number and gets the calendar in Montenegrin."""
    jelena = await member(app, "whatsapp:+38267111222", name="Jelena Popović", language="cnr")
    chat = Chat(app.engine, clock, address="whatsapp:+38267111222", language_hint=None)

    await chat.send("/events")
    assert chat.question.startswith(
        "Predstojeći događaji — izaberite jedan za detalje i odgovor:\n\n"
        "🗓 Večera dijaspore u Kotoru\n"
        "🕒 15. januara 2027. od 19:00 do 22:00 (po crnogorskom vremenu)\n"
    )
    await chat.send("1")
    assert chat.question.endswith(
        "🎟 Slobodnih mjesta: 3 od 3\n"
        "⏳ Odgovorite do 10. januara 2027. u 23:59 (po crnogorskom vremenu)\n\n"
        "Da li dolazite?"
    )
    await chat.send("1")
    assert ["Koliko gostiju dolazi s vama? (najviše 4)"] == chat.replies()
    assert "👤 Samo ja" == chat.options()[0]

    await chat.send("1")

    assert [
        "Dolazite na „Večera dijaspore u Kotoru“! 🎉 Dodajte događaj u kalendar pomoću priložene "
        "datoteke.",
        "Šta želite da uradite, Jelena?",
    ] == chat.replies()
    attachment = chat.last[0].file
    assert attachment is not None
    entry = icalendar.Calendar.from_ical(attachment.content).events[0]
    assert "Večera dijaspore u Kotoru" == str(entry["summary"])
    rsvp = await app.store.rsvps.get(SUPPER, jelena.id)
    assert rsvp is not None
    assert ("going", 0) == (rsvp.status, rsvp.guests)


async def test_maybe_then_not_going_then_cancel_from_my_events(app: App, clock: FixedClock) -> None:
    """My events shows the answer; it can be changed and cancelled until the deadline."""
    ana = await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)
    await chat.send("/events")
    await chat.press(SUPPER_TITLE)
    await chat.press("🤔 Maybe")
    assert [
        "Noted: maybe for “Diaspora supper in Kotor”. You can change your answer with /myevents.",
        MENU,
    ] == chat.replies()

    await chat.send("/myevents")
    assert [
        "Your answers:\n\n"
        "🗓 Diaspora supper in Kotor\n"
        "🕒 15 January 2027, 19:00–22:00 (Podgorica time)\n"
        "✍️ Your answer: maybe"
    ] == chat.replies()
    assert [SUPPER_TITLE, "🗓 All events", CANCEL] == chat.options()

    await chat.press(SUPPER_TITLE)
    assert chat.question.startswith(details(answer="maybe"))
    assert [*RSVP_OPTIONS, "🗑 Remove my answer", BACK, CANCEL] == chat.options()
    await chat.press("❌ Not going")
    assert (
        "Noted: you won't come to “Diaspora supper in Kotor”. Thank you for letting us know."
        == chat.replies()[0]
    )

    await chat.send("/myevents")
    await chat.press(SUPPER_TITLE)
    await chat.press("🗑 Remove my answer")

    assert ["Your answer for “Diaspora supper in Kotor” is removed.", MENU] == chat.replies()
    assert await app.store.rsvps.get(SUPPER, ana.id) is None
    await chat.send("/myevents")
    assert "You haven't answered for any upcoming event yet." == chat.replies()[0]


async def test_after_the_deadline_the_answer_shows_but_cannot_change(
    app: App, clock: FixedClock
) -> None:
    """Past the RSVP deadline the event says answers are closed and refuses a new one."""
    await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)
    await going_to_supper(chat, "👤 Just me")
    clock.at = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)

    await chat.send("/myevents")
    await chat.press(SUPPER_TITLE)

    closed = (
        "Answers for “Diaspora supper in Kotor” closed on 10 January 2027, 23:59 (Podgorica time)."
    )
    assert [
        details(seats="🎟 2 of 3 seats left", answer="going") + "\n\n" + closed
    ] == chat.replies()
    assert [BACK, CANCEL] == chat.options()

    await chat.send("not going")

    assert [closed, details(seats="🎟 2 of 3 seats left", answer="going") + "\n\n" + closed] == (
        chat.replies()
    )


async def test_a_deadline_passing_while_the_member_chooses_guests_is_refused(
    app: App, clock: FixedClock
) -> None:
    """The deadline is checked again when the last answer arrives."""
    ana = await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)
    await chat.send("/events")
    await chat.press(SUPPER_TITLE)
    await chat.press("✅ Going")
    clock.at = datetime(2027, 1, 12, tzinfo=UTC)

    await chat.press("👥 +1")

    assert chat.replies()[0].startswith("Answers for “Diaspora supper in Kotor” closed on")
    assert await app.store.rsvps.get(SUPPER, ana.id) is None


async def test_past_events_leave_the_list_and_their_link_says_so(
    app: App, clock: FixedClock
) -> None:
    """After an event, its deep link answers that it has taken place, then lists the others."""
    await member(app, "telegram:1001")
    clock.at = datetime(2027, 3, 1, tzinfo=UTC)
    chat = Chat(app.engine, clock)

    await chat.send("/start ev_fellowship-info-session-online")

    assert (
        "“Knowledge-transfer fellowship: online information session” has already taken place."
        == chat.replies()[0]
    )
    assert [
        "Diaspora Business Forum — Budva",
        "Diaspora Days 2027 — Podgorica",
        CANCEL,
    ] == chat.options()


async def test_with_no_upcoming_events_events_says_so(app: App, clock: FixedClock) -> None:
    """When every event is over, /events says so and shows the menu."""
    await member(app, "telegram:1001")
    clock.at = datetime(2028, 1, 1, tzinfo=UTC)
    chat = Chat(app.engine, clock)

    await chat.send("/events")

    assert [
        "There are no upcoming events at the moment. We will tell you here when new ones are "
        "announced.",
        MENU,
    ] == chat.replies()


async def test_a_full_event_waitlists_and_a_cancellation_promotes_and_tells_in_their_language(
    app: App, clock: FixedClock
) -> None:
    """Three seats: Ana takes two, Marko one; Jelena (Montenegrin) waits; Marko cancels, Jelena
    gets the seat and a notice in Montenegrin is queued in the outbox."""
    await member(app, "telegram:1001")
    await member(app, "telegram:1002", name="Marko Vuković")
    jelena = await member(app, "whatsapp:+38267111222", name="Jelena Popović", language="cnr")
    ana = Chat(app.engine, clock, address="telegram:1001")
    marko = Chat(app.engine, clock, address="telegram:1002")
    await going_to_supper(ana, "👥 +1")
    await going_to_supper(marko, "👤 Just me")

    await jelena_chat_goes(chat := Chat(app.engine, clock, address="whatsapp:+38267111222"))
    assert [
        "„Večera dijaspore u Kotoru“ je popunjen, pa ste na listi čekanja, pod brojem 1. Ako se "
        "mjesto oslobodi, vaše je i javićemo vam ovdje.",
        "Šta želite da uradite, Jelena?",
    ] == chat.replies()
    assert chat.last[0].file is None

    await marko.send("/myevents")
    await marko.press(SUPPER_TITLE)
    assert "🎟 Fully booked — new answers join the waitlist" in marko.question
    await marko.press("🗑 Remove my answer")

    rsvp = await app.store.rsvps.get(SUPPER, jelena.id)
    assert rsvp is not None
    assert ("going", 3) == (rsvp.status, await app.store.rsvps.taken(SUPPER))
    [notice] = await app.store.outbox.due(clock.now())
    assert (jelena.id, "notice") == (notice.member_id, notice.kind)
    assert (
        "Dobre vijesti: oslobodilo se mjesto za „Večera dijaspore u Kotoru“ (15. januara 2027. od "
        "19:00 do 22:00, po crnogorskom vremenu) i vaše je — dolazite! Otvorite /myevents za "
        "detalje i datoteku za kalendar, ili da promijenite odgovor." == notice.body
    )


async def jelena_chat_goes(chat: Chat) -> None:
    """Jelena, on WhatsApp, answers by number: the supper, going, just her."""
    await chat.send("/events")
    await chat.send("1")
    await chat.send("1")
    await chat.send("1")


async def test_more_guests_than_seats_left_is_refused_with_the_seats_left(
    app: App, clock: FixedClock
) -> None:
    """A member already going who asks for more seats than are free keeps the old answer."""
    ana = await member(app, "telegram:1001")
    await member(app, "telegram:1002", name="Marko Vuković")
    await going_to_supper(Chat(app.engine, clock, address="telegram:1002"), "👤 Just me")
    chat = Chat(app.engine, clock)
    await going_to_supper(chat, "👤 Just me")

    await chat.send("/myevents")
    await chat.press(SUPPER_TITLE)
    await chat.press("✅ Going")
    await chat.press("👥 +2")

    assert [
        "Sorry, only 2 seats are left, counting yours. Please choose fewer guests.",
        "How many guests will come with you? (at most 4)",
    ] == chat.replies()
    rsvp = await app.store.rsvps.get(SUPPER, ana.id)
    assert rsvp is not None
    assert ("going", 0) == (rsvp.status, rsvp.guests)
    await chat.press("👥 +1")
    assert chat.replies()[0].startswith("You're going to “Diaspora supper in Kotor”!")


@pytest.mark.parametrize("typed", ["12", "lots", "0.5"])
async def test_an_impossible_number_of_guests_is_re_asked(
    app: App, clock: FixedClock, typed: str
) -> None:
    """Guests are a number from 0 to 4; anything else is refused with the reason."""
    await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)
    await chat.send("/events")
    await chat.press(SUPPER_TITLE)
    await chat.press("✅ Going")

    await chat.send(typed)

    assert [
        "Please choose how many guests come with you: a number from 0 to 4.",
        "How many guests will come with you? (at most 4)",
    ] == chat.replies()


async def test_a_deep_link_opens_the_event_for_a_registered_member(
    app: App, clock: FixedClock
) -> None:
    """/start ev_<slug> from a member shows that event's RSVP at once, without a Back button."""
    await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)

    await chat.send(f"/start ev_{SUPPER}")

    assert [details() + "\n\nWill you come?"] == chat.replies()
    assert [*RSVP_OPTIONS, CANCEL] == chat.options()


async def test_an_unknown_deep_link_gets_a_friendly_answer_and_the_list(
    app: App, clock: FixedClock
) -> None:
    """A slug that is not an event is answered kindly, followed by the upcoming events."""
    await member(app, "telegram:1001")
    chat = Chat(app.engine, clock)

    await chat.send("/start ev_diaspora-days-1999")

    assert (
        "Sorry, I couldn't find that event — it may have been renamed or removed."
        == chat.replies()[0]
    )
    assert chat.replies()[1].startswith("Upcoming events")


async def test_a_newcomer_from_a_deep_link_gives_the_minimum_then_rsvps_on_the_terminal(
    app: App, clock: FixedClock
) -> None:
    """A newcomer is greeted, asked language, consent, name and country only, then the RSVP,
    and is invited to complete the profile."""
    chat = Chat(app.engine, clock, address="terminal:local", display_name=None)

    await chat.send(f"/start ev_{SUPPER}")
    assert [
        app.content.text("en", "start.greeting")
        + "\n\n"
        + app.content.text("cnr", "start.greeting"),
        "To answer for “Diaspora supper in Kotor”, we first need your consent, your name and the "
        "country you live in — it takes a minute.",
        ASK_LANGUAGE,
    ] == chat.replies()
    await chat.send("English")
    await chat.send("I agree")
    assert [ASK_NAME] == chat.replies()
    await chat.send("Ana Marković")
    assert [ASK_COUNTRY] == chat.replies()

    await chat.send("Austria")
    assert ["Thank you, Ana — that is all we need for now.", details() + "\n\nWill you come?"] == (
        chat.replies()
    )
    await chat.send("Going")
    await chat.send("Just me")

    assert [
        "You're going to “Diaspora supper in Kotor”! 🎉 Add it to your calendar with the "
        "attached file.",
        COMPLETE_PROFILE,
        MENU,
    ] == chat.replies()
    assert ["📝 Complete my profile", "🗓 Events", "🎓 Fellowship"] == chat.options()[:3]
    [newcomer] = await app.store.members.all(registered_only=False)
    assert ("Ana Marković", "AT", None, None) == (
        newcomer.name,
        newcomer.country,
        newcomer.city,
        newcomer.registered_at,
    )


async def test_a_guest_who_presses_going_registers_the_minimum_then_picks_guests(
    app: App, clock: FixedClock
) -> None:
    """Browsing needs no registration; answering does, and then continues where it was."""
    chat = Chat(app.engine, clock, display_name="Ana Marković")
    await chat.send("/events")
    await chat.press(SUPPER_TITLE)
    await chat.press("✅ Going")
    assert ASK_LANGUAGE == chat.question

    for answer in ("English", "✅ I agree", "Ana Marković", "Germany"):
        await chat.press(answer)

    assert [
        "Thank you, Ana — that is all we need for now.",
        "How many guests will come with you? (at most 4)",
    ] == chat.replies()


async def test_a_member_with_the_minimum_completes_the_profile_later(
    app: App, clock: FixedClock
) -> None:
    """/start welcomes them back; /register continues at the city; cancelling keeps them."""
    ana = await member(app, "telegram:1001", country="AT", registered=False)
    await app.store.rsvps.answer(SUPPER, ana.id, "going", NOW, capacity=3)
    chat = Chat(app.engine, clock)

    await chat.send("/start")
    assert ["Welcome back, Ana! 👋", MENU] == chat.replies()

    await chat.press("📝 Complete my profile")
    assert ["Which city or town do you live in?"] == chat.replies()
    await chat.press(CANCEL)

    assert "Changes discarded; your profile is as it was." == chat.replies()[0]
    assert await app.store.rsvps.get(SUPPER, ana.id) is not None


async def test_events_in_the_middle_of_registration_continues_the_registration(
    app: App, clock: FixedClock
) -> None:
    """/events does not throw away a registration half done."""
    chat = Chat(app.engine, clock)
    await chat.send("/start")
    await chat.send("English")

    await chat.send("/events")

    assert "Let's continue where you left off." == chat.replies()[0]


@pytest.mark.parametrize(
    "address", ["whatsapp:+38267111222", "telegram:1001", "terminal:local"], ids=str
)
@pytest.mark.parametrize("typed", [f"EVENT {SUPPER}", f"event {SUPPER.upper()}"])
async def test_typing_event_and_a_slug_opens_it_like_the_deep_link(
    app: App, clock: FixedClock, address: str, typed: str
) -> None:
    """Typing EVENT and a slug (as WhatsApp posters print it) works in any case, anywhere."""
    await member(app, address)
    chat = Chat(app.engine, clock, address=address)

    await chat.send(typed)

    assert [details() + "\n\nWill you come?"] == chat.replies()


async def test_typing_event_and_a_real_slug_in_the_middle_of_a_question_opens_it(
    app: App, clock: FixedClock
) -> None:
    """A poster scanned halfway through another question still opens the event."""
    await member(app, "whatsapp:+38267111222")
    chat = Chat(app.engine, clock, address="whatsapp:+38267111222")
    await chat.send("/fellowship")

    await chat.send(f"Event {SUPPER}")

    assert [details() + "\n\nWill you come?"] == chat.replies()


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        (
            "en",
            ["📍 Hotel Avala, congress hall, Budva", "💻 Online", "(your time, New York)"],
            ["Zoom, Online"],
        ),
        (
            "cnr",
            ["📍 Hotel Avala, kongresna sala, Budva", "💻 Onlajn", "(po vašem vremenu, Njujork)"],
            ["Zoom, Online", "congress hall", "New York"],
        ),
    ],
)
async def test_venues_and_the_members_city_read_in_the_members_language(
    app: App, clock: FixedClock, language: str, shown: list[str], not_shown: list[str]
) -> None:
    """The events list names each venue in the member's language (an online event as online,
    not "Zoom, Online") and the member's own time by their city's name in that language."""
    await member(app, "telegram:1001", country="US", language=language)
    chat = Chat(app.engine, clock, language_hint=None)

    await chat.send("/events")

    assert [True] * len(shown) == [text in chat.question for text in shown]
    assert [False] * len(not_shown) == [text in chat.question for text in not_shown]


@pytest.mark.parametrize(
    ("language", "going", "saved"),
    [
        ("en", "✅ Going", "You're going to “Knowledge-transfer fellowship: online"),
        ("cnr", "✅ Dolazim", "Dolazite na „Stipendijski program za transfer znanja: onlajn"),
    ],
)
async def test_going_to_an_online_event_asks_no_guests(
    app: App, clock: FixedClock, language: str, going: str, saved: str
) -> None:
    """An online event has no seats for guests: "going" is saved at once, without asking how
    many guests come, and the calendar file carries the link."""
    ana = await member(app, "telegram:1001", language=language)
    chat = Chat(app.engine, clock, language_hint=None)
    await chat.send("/events")
    await chat.send("2")
    assert "🔗 https://example.org/diaspora-fellowship-session" in chat.question

    await chat.press(going)

    assert chat.replies()[0].startswith(saved)
    rsvp = await app.store.rsvps.get("fellowship-info-session-online", ana.id)
    assert rsvp is not None
    assert ("going", 0) == (rsvp.status, rsvp.guests)
    attachment = chat.last[0].file
    assert attachment is not None
    entry = icalendar.Calendar.from_ical(attachment.content).events[0]
    assert "https://example.org/diaspora-fellowship-session" == str(entry["location"])


@pytest.mark.parametrize(
    ("language", "options"),
    [
        ("en", ["✅ Going", "🤔 Maybe", "❌ Not going", "🗑 Remove my answer", BACK, CANCEL]),
        (
            "cnr",
            [
                "✅ Dolazim",
                "🤔 Možda",
                "❌ Ne dolazim",
                "🗑 Ukloni moj odgovor",
                "⬅️ Nazad",
                "✖️ Odustani",
            ],
        ),
    ],
)
async def test_removing_an_answer_is_not_called_cancel_beside_cancel(
    app: App, clock: FixedClock, language: str, options: list[str]
) -> None:
    """Next to the Cancel that leaves the question, taking one's answer back says "remove", and
    "just me" comes first among the guests."""
    await member(app, "telegram:1001", language=language)
    chat = Chat(app.engine, clock, language_hint=None)
    await chat.send("/events")
    await chat.send("1")
    await chat.send("1")
    assert {"en": "👤 Just me", "cnr": "👤 Samo ja"}[language] == chat.options()[0]
    await chat.press({"en": "👤 Just me", "cnr": "👤 Samo ja"}[language])
    await chat.send("/myevents")

    await chat.send("1")

    assert options == chat.options()
