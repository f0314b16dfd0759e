"""The fellowship, as members live it on Telegram, WhatsApp and the terminal: the programmes,
a short application with a summary to check, the deep link, and seeing and withdrawing
applications."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.store import Application, Member
from tests.chat import Chat
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
DIGITAL = "digital-public-administration-2027"
DIGITAL_TITLE = "Digital public administration 2027"
HEALTH_TITLE = "Health and clinical practice 2027"
UNIVERSITY_TITLE = "University teaching and research 2027"
BACK, SKIP, CANCEL = "⬅️ Back", "⏭ Skip", "✖️ Cancel"
MENU = "What would you like to do, Ana?"
ASK_FIELD = (
    "What is your field of expertise? Choose one the programme looks for, or describe yours in "
    "a few words."
)
ASK_HOST = "Which kind of host institution would you prefer?"
ASK_DURATION = "For how long could you take part?"
ASK_START = "From which month could you start?"
ASK_MODE = "How would you like to work?"
ASK_MOTIVATION = (
    "In a few sentences: what would you like to bring, and why this programme? "
    "(up to 1000 characters)"
)
ASK_LINK = (
    "Send a link to your CV or LinkedIn profile (optional), e.g. "
    "https://www.linkedin.com/in/your-name"
)
MOTIVATION = "I led the security team of a German federal registry for six years."
SUMMARY = f"""Your application to “Digital public administration 2027” — please check it:

Field of expertise: Cybersecurity
Preferred host: Ministry
Available for: 4 months
From: March 2027
Way of working: 🔀 Hybrid
Motivation: {MOTIVATION}
CV or LinkedIn: https://linkedin.com/in/ana-markovic"""
SUMMARY_OPTIONS = [
    "📨 Submit",
    "✏️ Field of expertise",
    "✏️ Preferred host",
    "✏️ Available for",
    "✏️ From",
    "✏️ Way of working",
    "✏️ Motivation",
    "✏️ CV or LinkedIn",
    CANCEL,
]
INVALID_LINK = (
    "That doesn't look like a web link. Please send an https:// link, e.g. "
    "https://www.linkedin.com/in/your-name, or skip."
)


async def member(
    app: App, address: str = "telegram:1001", name: str = "Ana Marković", language: str = "en"
) -> Member:
    return await add_member(app.store, address, NOW, name=name, country="DE", language=language)


async def only_application(app: App) -> Application:
    [application] = await app.store.applications.all()
    return application


async def answer_up_to_the_summary(chat: Chat) -> None:
    await chat.send("/fellowship")
    for label in (
        DIGITAL_TITLE,
        "🙋 I'm interested",
        "Cybersecurity",
        "Ministry",
        "4 months",
        "March 2027",
        "🔀 Hybrid",
    ):
        await chat.press(label)
    await chat.send(MOTIVATION)
    await chat.send("linkedin.com/in/ana-markovic")


async def test_happy_path_on_telegram_files_the_application(app: App, clock: FixedClock) -> None:
    """Every question, answered with buttons and text, ends in the summary and a submission."""
    ana = await member(app)
    chat = Chat(app.engine, clock)

    await chat.send("/fellowship")
    assert chat.question.startswith(
        "Knowledge-transfer fellowship — programmes open for applications:\n\n"
        "🎓 Digital public administration 2027\n"
        "🏛 Ministry of Public Administration, Revenue and Customs Administration, Capital City "
        "of Podgorica, Municipality of Nikšić\n"
        "🗓 Placement: 3 to 6 months\n"
        "⏳ Apply by 31 March 2027, 23:59 (Podgorica time)\n\n"
    )
    assert [DIGITAL_TITLE, HEALTH_TITLE, UNIVERSITY_TITLE, CANCEL] == chat.options()

    await chat.press(DIGITAL_TITLE)
    assert (
        "🧠 Fields of expertise: E-services and user-centred design, Cybersecurity, Data "
        "exchange and interoperability, Process redesign and project management\n"
        "🏛 Host institutions:\n"
        "• Ministry of Public Administration, Podgorica\n"
        "• Revenue and Customs Administration, Podgorica\n"
        "• Capital City of Podgorica\n"
        "• Municipality of Nikšić, Nikšić\n"
        "🗓 Placement: 3 to 6 months\n"
        "💻 Ways of working: 🏢 On site in Montenegro, 🏠 Remote, 🔀 Hybrid\n"
        "⏳ Apply by 31 March 2027, 23:59 (Podgorica time)"
    ) in chat.question
    assert ["🙋 I'm interested", BACK, CANCEL] == chat.options()

    await chat.press("🙋 I'm interested")
    assert [ASK_FIELD] == chat.replies()
    assert [
        "E-services and user-centred design",
        "Cybersecurity",
        "Data exchange and interoperability",
        "Process redesign and project management",
        BACK,
        CANCEL,
    ] == chat.options()
    await chat.press("Cybersecurity")
    assert [ASK_HOST] == chat.replies()
    assert ["Ministry", "Public agency", "Municipality", "No preference", BACK, CANCEL] == (
        chat.options()
    )
    await chat.press("Ministry")
    assert [ASK_DURATION] == chat.replies()
    # The programme lasts 3 to 6 months: nothing shorter or longer is offered.
    assert ["3 months", "4 months", "5 months", "6 months", BACK, CANCEL] == chat.options()
    await chat.press("4 months")
    assert [ASK_START] == chat.replies()
    assert ["December 2026", "January 2027"] == chat.options()[:2]
    assert ["November 2027", BACK, CANCEL] == chat.options()[-3:]
    await chat.press("March 2027")
    assert [ASK_MODE] == chat.replies()
    await chat.press("🔀 Hybrid")
    assert [ASK_MOTIVATION] == chat.replies()
    await chat.send(MOTIVATION)
    assert [ASK_LINK] == chat.replies()
    assert [SKIP, BACK, CANCEL] == chat.options()
    await chat.send("linkedin.com/in/ana-markovic")
    assert [SUMMARY] == chat.replies()
    assert SUMMARY_OPTIONS == chat.options()

    await chat.press("📨 Submit")

    assert [
        "Thank you! Your application to “Digital public administration 2027” is in (number 1). "
        "The coordinators will review it, and we'll tell you here when its status changes.",
        MENU,
    ] == chat.replies()
    application = await only_application(app)
    assert (
        DIGITAL,
        ana.id,
        "cybersecurity",
        "ministry",
        "4",
        "2027-03",
        "hybrid",
        MOTIVATION,
        "https://linkedin.com/in/ana-markovic",
        "submitted",
    ) == (
        application.programme,
        application.member_id,
        application.field,
        application.host_kind,
        application.duration,
        application.available_from,
        application.work_mode,
        application.motivation,
        application.link,
        application.status,
    )


async def test_on_whatsapp_in_montenegrin_by_numbers_with_an_own_field_and_no_link(
    app: App, clock: FixedClock
) -> None:
    """A Montenegrin member on WhatsApp answers by number, types a field of their own, skips the
    link, and reads everything in Montenegrin."""
    await member(app, "whatsapp:+38267111222", name="Jelena Popović", language="cnr")
    chat = Chat(app.engine, clock, address="whatsapp:+38267111222", language_hint=None)

    await chat.send("/fellowship")
    assert chat.question.startswith("Stipendijski program za transfer znanja — otvoreni pozivi:")
    await chat.send("2")
    assert "🗓 Trajanje boravka: 1–3 mj.\n" in chat.question
    await chat.send("1")
    assert [
        "Koja je vaša oblast stručnosti? Izaberite jednu koju program traži ili je opišite sa "
        "nekoliko riječi."
    ] == chat.replies()
    await chat.send("Pedijatrijska kardiohirurgija")
    assert ["Koju vrstu institucije domaćina biste željeli?"] == chat.replies()
    assert ["Bolnica ili klinika", "Javna agencija ili uprava", "Svejedno mi je"] == (
        chat.options()[:3]
    )
    for number in ("3", "1", "2", "1"):
        await chat.send(number)
    await chat.send("Želim da prenesem iskustvo iz bečke bolnice na mlade ljekare.")
    await chat.send("preskoči")
    assert chat.replies()[0].startswith("Vaša prijava na „Zdravstvo i klinička praksa 2027“")
    assert "Oblast stručnosti: Pedijatrijska kardiohirurgija\n" in chat.question
    assert "Od: januar 2027.\n" in chat.question
    assert chat.question.endswith("CV ili LinkedIn: —")

    await chat.send("1")

    assert chat.replies()[0].startswith("Hvala! Vaša prijava na „Zdravstvo i klinička praksa 2027“")
    application = await only_application(app)
    assert ("Pedijatrijska kardiohirurgija", "any", "1", "2027-01", "on_site", None) == (
        application.field,
        application.host_kind,
        application.duration,
        application.available_from,
        application.work_mode,
        application.link,
    )


async def test_a_field_that_starts_with_event_is_an_answer_not_a_link(
    app: App, clock: FixedClock
) -> None:
    """A field typed as Event management stays the field: no event has that name."""
    await member(app)
    chat = Chat(app.engine, clock)
    await chat.send("/fellowship")
    await chat.press(DIGITAL_TITLE)
    await chat.press("🙋 I'm interested")

    await chat.send("Event management")

    assert [ASK_HOST] == chat.replies()


async def test_an_invalid_link_and_a_short_motivation_are_re_asked(
    app: App, clock: FixedClock
) -> None:
    """A motivation of a few words and an http:// link are refused with the reason."""
    await member(app)
    chat = Chat(app.engine, clock)
    await chat.send("/fellowship")
    for label in (DIGITAL_TITLE, "🙋 I'm interested", "Cybersecurity", "Ministry"):
        await chat.press(label)
    for label in ("4 months", "March 2027", "🔀 Hybrid"):
        await chat.press(label)

    await chat.send("I'd like to.")
    assert ["Please write a little more — at least 20 characters.", ASK_MOTIVATION] == (
        chat.replies()
    )
    await chat.send(MOTIVATION)
    await chat.send("http://example.org/cv")
    assert [INVALID_LINK, ASK_LINK] == chat.replies()


async def test_changing_an_answer_from_the_summary_returns_to_the_summary(
    app: App, clock: FixedClock
) -> None:
    """✏️ From asks the month again, then shows the summary with the new month."""
    await member(app)
    chat = Chat(app.engine, clock)
    await answer_up_to_the_summary(chat)

    await chat.press("✏️ From")
    assert [ASK_START] == chat.replies()
    await chat.press("May 2027")

    assert [SUMMARY.replace("From: March 2027", "From: May 2027")] == chat.replies()


async def test_back_walks_to_the_previous_question(app: App, clock: FixedClock) -> None:
    """Back from the motivation asks the way of working again."""
    await member(app)
    chat = Chat(app.engine, clock)
    await chat.send("/fellowship")
    for label in (DIGITAL_TITLE, "🙋 I'm interested", "Cybersecurity", "Ministry"):
        await chat.press(label)
    for label in ("4 months", "March 2027", "🔀 Hybrid", BACK):
        await chat.press(label)

    assert [ASK_MODE] == chat.replies()


async def test_cancel_keeps_no_application(app: App, clock: FixedClock) -> None:
    """Cancelling at the summary files nothing."""
    await member(app)
    chat = Chat(app.engine, clock)
    await answer_up_to_the_summary(chat)

    await chat.press(CANCEL)

    assert ["Cancelled.", MENU] == chat.replies()
    assert [] == await app.store.applications.all()


async def test_the_deep_link_takes_a_newcomer_through_the_minimum_to_the_application(
    app: App, clock: FixedClock
) -> None:
    """/start fellowship shows the programmes to a newcomer; "I'm interested" asks consent, name
    and country, then goes straight on with the application."""
    chat = Chat(app.engine, clock, address="terminal:local")

    await chat.send("/start fellowship")
    assert chat.replies()[0].startswith(app.content.text("en", "start.greeting"))
    assert chat.replies()[1].startswith("Knowledge-transfer fellowship")
    await chat.send(UNIVERSITY_TITLE)
    await chat.send("I'm interested")
    assert [
        "To apply to “University teaching and research 2027”, we first need your consent, your "
        "name and the country you live in — it takes a minute.",
        "Please choose your language.\n\nMolimo izaberite jezik.",
    ] == chat.replies()
    for answer in ("English", "I agree", "Ana Marković"):
        await chat.send(answer)
    await chat.send("Switzerland")

    assert ["Thank you, Ana — that is all we need for now.", ASK_FIELD] == chat.replies()
    for answer in ("Guest lecturing", "University", "3 months", "October 2027", "Remote"):
        await chat.send(answer)
    await chat.send(MOTIVATION)
    await chat.send("skip")
    await chat.send("Submit")
    assert [
        "Thank you! Your application to “University teaching and research 2027” is in (number "
        "1). The coordinators will review it, and we'll tell you here when its status changes.",
        "Whenever you have two minutes, complete your profile with /register — it helps us "
        "invite you to what fits you.",
        MENU,
    ] == chat.replies()


async def test_my_applications_show_the_status_and_withdraw_after_confirming(
    app: App, clock: FixedClock
) -> None:
    """The member sees their application and its status, and withdraws it after a yes."""
    await member(app)
    chat = Chat(app.engine, clock)
    await answer_up_to_the_summary(chat)
    await chat.press("📨 Submit")

    await chat.send("/fellowship")
    await chat.press("📄 My applications")
    assert [
        "Your applications:\n\n"
        "🎓 Digital public administration 2027 (#1)\n"
        "Status: submitted · sent 27 November 2026"
    ] == chat.replies()
    assert ["↩️ Withdraw: Digital public administration 2027", "🎓 All programmes", BACK] == (
        chat.options()[:3]
    )
    await chat.press("↩️ Withdraw: Digital public administration 2027")
    assert [
        "Withdraw your application to “Digital public administration 2027”? The coordinators will "
        "no longer consider it. You can apply again while the call is open."
    ] == chat.replies()
    await chat.press("No, keep it")
    assert ["Your application stays as it is.", MENU] == chat.replies()

    await chat.send("/fellowship")
    await chat.press(DIGITAL_TITLE)
    assert "📄 Your application: submitted" in chat.question
    await chat.press("↩️ Withdraw my application")
    await chat.press("↩️ Yes, withdraw it")

    assert [
        "Your application to “Digital public administration 2027” is withdrawn.",
        MENU,
    ] == chat.replies()
    application = await only_application(app)
    assert "withdrawn" == application.status
    assert [("submitted", "member:1"), ("withdrawn", "member:1")] == [
        (note.status, note.author) for note in await app.store.applications.notes(application.id)
    ]


async def test_a_withdrawn_application_can_be_filed_again(app: App, clock: FixedClock) -> None:
    """After withdrawing, "I'm interested" is offered again and reopens the same application."""
    ana = await member(app)
    await app.store.applications.submit(DIGITAL, ana.id, NOW, {"field": "cybersecurity"})
    first = await only_application(app)
    await app.store.applications.change(first.id, "withdrawn", NOW, author="member:1")
    chat = Chat(app.engine, clock)

    await answer_up_to_the_summary(chat)
    await chat.press("📨 Submit")

    application = await only_application(app)
    assert (first.id, "submitted", "ministry") == (
        application.id,
        application.status,
        application.host_kind,
    )


async def test_an_open_application_cannot_be_filed_twice(app: App, clock: FixedClock) -> None:
    """A programme already applied to offers withdrawal instead of "I'm interested"."""
    ana = await member(app)
    await app.store.applications.submit(DIGITAL, ana.id, NOW, {"field": "cybersecurity"})
    chat = Chat(app.engine, clock)

    await chat.send("/fellowship")
    await chat.press(DIGITAL_TITLE)
    assert ["↩️ Withdraw my application", BACK, CANCEL] == chat.options()

    await chat.send("I'm interested")
    assert chat.replies()[0].startswith("Please choose one of the options.")


async def test_after_the_deadline_a_programme_is_closed(app: App, clock: FixedClock) -> None:
    """Past its deadline a programme leaves the list; one in progress refuses the submission."""
    await member(app)
    chat = Chat(app.engine, clock)
    await answer_up_to_the_summary(chat)
    clock.at = datetime(2027, 4, 2, tzinfo=UTC)

    await chat.press("📨 Submit")

    assert "Applications closed on 31 March 2027, 23:59 (Podgorica time)." == chat.replies()[0]
    assert [] == await app.store.applications.all()
    await chat.send("/fellowship")
    assert [HEALTH_TITLE, UNIVERSITY_TITLE, CANCEL] == chat.options()


async def test_with_no_open_programme_fellowship_says_so(app: App, clock: FixedClock) -> None:
    """When every call has closed, /fellowship says so and shows the menu."""
    await member(app)
    clock.at = datetime(2028, 1, 1, tzinfo=UTC)
    chat = Chat(app.engine, clock)

    await chat.send("/fellowship")

    assert [
        "No fellowship programme is taking applications at the moment. We will announce the next "
        "call here.",
        MENU,
    ] == chat.replies()


async def test_durations_offered_fit_the_programme_in_montenegrin(
    app: App, clock: FixedClock
) -> None:
    """A programme of 3 to 6 months offers 3 to 6 months, in Montenegrin forms ("3 mjeseca",
    "5 mjeseci"), and the summary reads the choice the same way."""
    await member(app, language="cnr")
    chat = Chat(app.engine, clock, language_hint=None)
    await chat.send("/fellowship")
    for answer in ("1", "1", "2", "1"):
        await chat.send(answer)
    assert ["Koliko dugo biste mogli da učestvujete?"] == chat.replies()

    assert ["3 mjeseca", "4 mjeseca", "5 mjeseci", "6 mjeseci", "⬅️ Nazad", "✖️ Odustani"] == (
        chat.options()
    )
    for answer in ("5 mjeseci", "1", "1", MOTIVATION, "preskoči"):
        await chat.send(answer)
    assert "\nDostupnost: 5 mjeseci\n" in chat.question


def test_the_fellowship_has_one_name_in_montenegrin(app: App) -> None:
    """Members and staff read one name for the fellowship in Montenegrin: "stipendijski program
    (za transfer znanja)", never "program razmjene znanja"."""
    texts = app.content.locales["cnr"]
    assert [] == [key for key, text in texts.items() if "razmjene znanja" in text.lower()]
    assert "Stipendijski program za transfer znanja" == texts["interests.fellowship"]
