"""Account commands as a member uses them: help, language, my data, delete, stop, unknown."""

from __future__ import annotations

import json
import logging

import pytest

from bot.app import App
from bot.clock import FixedClock
from tests.bilingual import AGREE, chat_in, texts, to_consent
from tests.chat import Chat

MENU = "What would you like to do?"
MEMBER_MENU = "What would you like to do, Ana?"
GUEST_OPTIONS = ["📝 Register", "🗓 Events", "🎓 Fellowship", "🌐 Language", "❓ Help"]
ASK_NAME = "What is your name?"
ASK_COUNTRY = "Which country do you live in? Choose below or type its name."
ASK_CITY = "Which city or town do you live in?"
ERASED = (
    "Everything we held about you has been erased. Thank you for having been part of the "
    "diaspora map — send /start if you ever want to come back."
)
GUEST_DATA = (
    "You have not registered, so we hold no profile about you. We keep only our conversation "
    "so far, and erase it 30 days after your last message:\n\n"
    "Reached at: telegram:1001\n"
    "Language chosen: {language}\n"
    "Name shown in your app: {name}\n\n"
    "The attached file has the same data in a machine-readable form; /delete erases it now."
)
GUEST_DATA_CNR = (
    "Niste registrovani, pa o vama nemamo profil. Čuvamo samo naš dosadašnji razgovor i "
    "brišemo ga 30 dana nakon vaše posljednje poruke:\n\n"
    "Kontakt: telegram:1001\n"
    "Izabrani jezik: {language}\n"
    "Ime iz vaše aplikacije: {name}\n\n"
    "Priloženi fajl sadrži iste podatke u mašinski čitljivom obliku; /delete ih odmah briše."
)
CONFIRM_GUEST = (
    "Do you want us to erase our conversation so far (your address, your language and the "
    "name your app shows)? This cannot be undone."
)
CONFIRM_GUEST_CNR = (
    "Želite li da obrišemo naš dosadašnji razgovor (vašu adresu, jezik i ime iz vaše "
    "aplikacije)? Ovo se ne može poništiti."
)
ERASED_GUEST = (
    "Our conversation has been erased; we hold nothing about you. Send /start if you ever "
    "want to begin again."
)
ERASED_GUEST_CNR = (
    "Naš razgovor je obrisan; o vama ne čuvamo ništa. Pošaljite /start ako ikada poželite "
    "da počnete iznova."
)
PROFILE = """Name: Ana Marković
Country: Germany
City: Berlin
Municipality of origin: —
Year of emigration: —
Sector: —
Skills: —
Languages: —
Interests: —
Preferred contact: Telegram
E-mail: —
Phone: —"""
TABLES = {
    "members": "SELECT count(*) FROM members",
    "addresses": "SELECT count(*) FROM addresses",
    "conversations": "SELECT count(*) FROM conversations",
}


async def rows(app: App) -> dict[str, int]:
    """How many rows each table about members holds."""
    counts = {}
    for table, sql in TABLES.items():
        row = await app.store.db.fetchone(sql)
        assert row is not None
        counts[table] = int(row[0])
    return counts


async def say(chat: Chat, *texts: str) -> None:
    for text in texts:
        await chat.send(text)


async def consent(chat: Chat) -> None:
    """Starts and consents, so the name is asked next."""
    await say(chat, "/start", "English", "I agree")


async def register(chat: Chat) -> None:
    """Registers with the required answers, skipping everything optional."""
    await consent(chat)
    await say(chat, "Ana Marković", "Germany", "Berlin", *["skip"] * 6, "Telegram")
    await say(chat, "skip", "skip", "confirm")


async def test_help_says_what_the_bot_can_do_and_shows_the_menu(chat: Chat, app: App) -> None:
    """/help lists the commands in the member's language, then offers the menu."""
    await chat.send("/help")

    assert [app.content.text("en", "help.text"), MENU] == chat.replies()
    assert "/mydata — see everything we hold about you" in chat.replies()[0]
    assert GUEST_OPTIONS == chat.options()


async def test_help_in_the_middle_of_registration_asks_the_same_question_again(
    chat: Chat, app: App
) -> None:
    """/help halfway through answers and then repeats the open question."""
    await consent(chat)
    await chat.send("/help")

    assert [app.content.text("en", "help.text"), ASK_NAME] == chat.replies()


async def test_language_mid_registration_switches_and_resumes_the_same_question(
    chat: Chat, app: App
) -> None:
    """/language halfway through switches the texts and continues at the same question."""
    await consent(chat)
    await chat.send("Ana Marković")
    await chat.send("/language")
    assert ["Which language would you like?"] == chat.replies()
    assert ["English", "Crnogorski", "✖️ Cancel"] == chat.options()

    await chat.press("Crnogorski")

    assert [
        "Gotovo — od sada ću vam se obraćati na crnogorskom.",
        "U kojoj državi živite? Izaberite ispod ili upišite njen naziv.",
    ] == chat.replies()
    assert ["Srbija", "Njemačka"] == chat.options()[:2]
    await chat.send("Njemačka")
    assert ["U kojem gradu ili mjestu živite?"] == chat.replies()
    members = await app.store.members.all(registered_only=False)
    assert ["cnr"] == [member.language for member in members]


async def test_language_before_consent_is_kept_for_the_rest_of_registration(chat: Chat) -> None:
    """A stranger who switches language at the consent question keeps it after resuming."""
    await chat.send("/start")
    await chat.press("English")
    await chat.send("/language")
    await chat.press("Crnogorski")
    assert "Da li ste saglasni?" in chat.question

    await chat.press("✅ Prihvatam")

    assert ["Kako se zovete?"] == chat.replies()


async def test_language_opened_twice_still_resumes_the_interrupted_question(chat: Chat) -> None:
    """Sending /language again while choosing the language does not lose the registration."""
    await consent(chat)
    await chat.send("Ana Marković")
    await chat.send("/language")
    await chat.send("/language")

    await chat.press("English")

    assert ["Done — I'll speak English from now on.", ASK_COUNTRY] == chat.replies()


async def test_start_while_choosing_the_language_mid_registration_keeps_the_answers(
    chat: Chat,
) -> None:
    """/start while the language question interrupts registration does not start it over."""
    await consent(chat)
    await chat.send("Ana Marković")
    await chat.send("/language")

    await chat.send("/start")
    assert ["Let's continue where you left off.", "Which language would you like?"] == (
        chat.replies()
    )
    await chat.press("English")

    assert ["Done — I'll speak English from now on.", ASK_COUNTRY] == chat.replies()


async def test_cancelling_the_language_choice_resumes_registration(chat: Chat) -> None:
    """Cancel on the language question goes back to the registration question it interrupted."""
    await consent(chat)
    await chat.send("/language")

    await chat.press("✖️ Cancel")

    assert ["Cancelled.", ASK_NAME] == chat.replies()


async def test_language_for_a_member_is_stored(chat: Chat, app: App) -> None:
    """A registered member who changes the language is answered in it from then on."""
    await register(chat)
    await chat.send("/language")
    await chat.press("Crnogorski")

    assert [
        "Gotovo — od sada ću vam se obraćati na crnogorskom.",
        "Šta želite da uradite, Ana?",
    ] == chat.replies()
    await chat.send("/help")
    assert [app.content.text("cnr", "help.text"), "Šta želite da uradite, Ana?"] == chat.replies()


async def test_mydata_shows_everything_as_text_and_as_a_json_file(chat: Chat) -> None:
    """/mydata lists the profile and the record, and attaches the same data as JSON."""
    await register(chat)

    await chat.send("/mydata")

    assert [
        "This is everything we hold about you:\n\n"
        f"{PROFILE}\n\n"
        "Language: English\n"
        "Consent: version 2026-11-v2, given 2026-11-27 10:00 UTC\n"
        "Registered: 2026-11-27 10:00 UTC\n"
        "Announcements stopped: no\n"
        "Reached at: telegram:1001\n\n"
        "The attached file has the same data in a machine-readable form.",
        MEMBER_MENU,
    ] == chat.replies()
    attachment = chat.last[0].file
    assert attachment is not None
    assert ("mydata-1.json", "application/json") == (attachment.filename, attachment.mime_type)
    data = json.loads(attachment.content.decode("utf-8"))
    assert [
        "addresses",
        "business_requests",
        "conversations",
        "fellowship_applications",
        "imported_contacts",
        "introductions",
        "member",
        "offer",
        "poll_answers",
        "questions",
        "rsvps",
        "topics_turned_off",
    ] == sorted(data)
    member = data["member"]
    assert ("Ana Marković", "DE", "Berlin", "telegram", "2026-11-v2") == (
        member["name"],
        member["country"],
        member["city"],
        member["preferred_channel"],
        member["consent_version"],
    )
    assert ["telegram:1001"] == [address["address"] for address in data["addresses"]]
    assert [] == data["conversations"]


async def test_mydata_during_registration_includes_the_unsaved_answers(chat: Chat) -> None:
    """A member halfway through is told they are not registered yet and finds the answers
    given so far in the file; then the open question is asked again."""
    await consent(chat)
    await chat.send("Ana Marković")

    await chat.send("/mydata")

    text, question = chat.replies()
    assert ASK_COUNTRY == question
    assert "\nRegistered: not yet\n" in text
    attachment = chat.last[0].file
    assert attachment is not None
    conversations = json.loads(attachment.content)["conversations"]
    assert [("registration", "ask_country", "Ana Marković")] == [
        (c["flow"], c["step"], c["answers"]["name"]) for c in conversations
    ]


async def test_mydata_of_a_stranger_stopped_at_consent_shows_the_conversation(
    chat: Chat, app: App
) -> None:
    """Someone who chose a language and stopped at the consent question is shown what the
    conversation holds (address, language, the name their app shows, how long it is kept),
    gets it as JSON, and is asked the consent question again."""
    await say(chat, "/start", "English")

    await chat.send("/mydata")

    text, question = chat.replies()
    assert GUEST_DATA.format(language="English", name="Ana Marković") == text
    assert app.content.text("en", "consent.text", version="2026-11-v2") == question
    attachment = chat.last[0].file
    assert attachment is not None
    assert ("mydata.json", "application/json") == (attachment.filename, attachment.mime_type)
    conversation = json.loads(attachment.content)["conversation"]
    assert (
        "telegram:1001",
        "registration",
        "ask_consent",
        "2026-11-27T10:00:00+00:00",
    ) == (
        conversation["address"],
        conversation["flow"],
        conversation["step"],
        conversation["updated_at"],
    )
    assert {"_lang": "en", "_suggested_name": "Ana Marković"}.items() <= conversation[
        "answers"
    ].items()


async def test_mydata_of_a_stranger_in_montenegrin_shows_the_conversation(
    app: App, clock: FixedClock
) -> None:
    """The same in Montenegrin, for someone who picked it before stopping at consent."""
    chat = Chat(app.engine, clock, language_hint="cnr", display_name="Jelena Popović")
    await chat.send("/start")
    await chat.press("Crnogorski")

    await chat.send("/mydata")

    text, question = chat.replies()
    assert GUEST_DATA_CNR.format(language="Crnogorski", name="Jelena Popović") == text
    assert app.content.text("cnr", "consent.text", version="2026-11-v2") == question
    assert chat.last[0].file is not None


async def test_mydata_for_a_stranger_who_only_said_hello_names_the_address(chat: Chat) -> None:
    """Even a bare conversation holds the address: /mydata says so, and what else is not
    known yet reads as a dash."""
    await chat.send("hello")

    await chat.send("/mydata")

    assert [GUEST_DATA.format(language="—", name="—"), MENU] == chat.replies()
    assert chat.last[0].file is not None


async def test_delete_confirmed_erases_everything_and_audits_without_personal_data(
    chat: Chat, app: App
) -> None:
    """Confirming /delete erases member, addresses and conversation; the audit entry names
    only the member's number."""
    await register(chat)
    await chat.send("/delete")
    assert [
        "Do you really want us to erase your profile and everything linked to it? "
        "This cannot be undone."
    ] == chat.replies()
    assert ["🗑 Yes, erase everything", "No, keep it"] == chat.options()

    await chat.press("🗑 Yes, erase everything")

    assert [ERASED] == chat.replies()
    assert {"members": 0, "addresses": 0, "conversations": 0} == await rows(app)
    entries = await app.store.audit.entries()
    assert [("member:1", "member.erased", "member:1", {})] == [
        (entry.actor, entry.action, entry.subject, entry.detail) for entry in entries
    ]
    assert "2026-11-27T10:00:00+00:00" == entries[0].at
    for personal in ("Ana", "Berlin", "telegram:1001", "1001"):
        assert personal not in repr(entries)


async def test_delete_no_keeps_the_member(chat: Chat, app: App) -> None:
    """Answering "No, keep it" to /delete erases nothing."""
    await register(chat)
    await chat.send("/delete")

    await chat.press("No, keep it")

    assert ["Nothing was erased.", MEMBER_MENU] == chat.replies()
    assert {"members": 1, "addresses": 1, "conversations": 1} == await rows(app)
    assert "Ana Marković" == (await app.store.members.all())[0].name


async def test_delete_no_in_the_middle_of_registration_continues_it(chat: Chat) -> None:
    """Keeping the data halfway through registration continues at the question left."""
    await consent(chat)
    await say(chat, "Ana Marković", "Germany")
    await chat.send("/delete")

    await chat.press("No, keep it")

    assert ["Nothing was erased.", ASK_CITY] == chat.replies()


async def test_delete_yes_in_the_middle_of_registration_ends_it(chat: Chat, app: App) -> None:
    """Erasing halfway through registration erases the answers too and asks nothing more."""
    await consent(chat)
    await say(chat, "Ana Marković", "Germany")
    await chat.send("/delete")

    await chat.press("🗑 Yes, erase everything")

    assert [ERASED] == chat.replies()
    assert {"members": 0, "addresses": 0, "conversations": 0} == await rows(app)
    await chat.send("hello")
    assert [MENU] == chat.replies()


async def test_delete_for_a_stranger_stopped_at_consent_erases_the_conversation(
    chat: Chat, app: App
) -> None:
    """/delete from someone who stopped at the consent question asks, then erases their
    conversation (address, language, the name their app shows): nothing is left."""
    await say(chat, "/start", "English")
    assert {"members": 0, "addresses": 0, "conversations": 1} == await rows(app)

    await chat.send("/delete")
    assert [CONFIRM_GUEST] == chat.replies()
    assert ["🗑 Yes, erase everything", "No, keep it"] == chat.options()
    await chat.press("🗑 Yes, erase everything")

    assert [ERASED_GUEST] == chat.replies()
    assert {"members": 0, "addresses": 0, "conversations": 0} == await rows(app)
    assert [] == await app.store.audit.entries()


async def test_delete_for_a_stranger_in_montenegrin_erases_the_conversation(
    app: App, clock: FixedClock
) -> None:
    """The same in Montenegrin."""
    chat = Chat(app.engine, clock, language_hint="cnr", display_name="Jelena Popović")
    await chat.send("/start")
    await chat.press("Crnogorski")

    await chat.send("/delete")
    assert [CONFIRM_GUEST_CNR] == chat.replies()
    await chat.press("🗑 Da, obriši sve")

    assert [ERASED_GUEST_CNR] == chat.replies()
    assert {"members": 0, "addresses": 0, "conversations": 0} == await rows(app)


async def test_delete_no_for_a_stranger_asks_for_consent_again(chat: Chat, app: App) -> None:
    """Keeping the conversation goes back to the consent question."""
    await say(chat, "/start", "English", "/delete")

    await chat.press("No, keep it")

    consent_text = app.content.text("en", "consent.text", version="2026-11-v2")
    assert ["Nothing was erased.", consent_text] == chat.replies()
    assert {"members": 0, "addresses": 0, "conversations": 1} == await rows(app)


async def test_delete_for_a_stranger_with_nothing_but_the_address_forgets_it(
    chat: Chat, app: App
) -> None:
    """A bare conversation (a hello and the menu) is forgotten at once: nothing to confirm."""
    await chat.send("hello")

    await chat.send("/delete")

    assert ["We hold no data about you, so there is nothing to erase."] == chat.replies()
    assert {"members": 0, "addresses": 0, "conversations": 0} == await rows(app)


async def test_stop_sets_stopped_and_start_resumes(chat: Chat, app: App) -> None:
    """/stop ends announcements (and the menu offers to resume); /start turns them back on."""
    await register(chat)

    await chat.send("/stop")

    assert [
        "You will receive no more announcements or campaign messages. "
        "You can still use the bot, and /start turns announcements back on.",
        MEMBER_MENU,
    ] == chat.replies()
    assert "🔔 Resume messages" in chat.options()
    assert "2026-11-27T10:00:00+00:00" == (await app.store.members.all())[0].stopped_at

    await chat.send("/start")

    assert ["Welcome back — announcements are on again. 🔔", MEMBER_MENU] == chat.replies()
    assert "🔕 Stop messages" in chat.options()
    assert None is (await app.store.members.all())[0].stopped_at


async def test_stop_for_a_stranger_says_nothing_is_sent(chat: Chat) -> None:
    """/stop from someone who is not registered explains that nothing is sent to them."""
    await chat.send("/stop")

    assert ["You are not registered, so we send you nothing.", MENU] == chat.replies()


async def test_start_welcomes_back_a_registered_member(chat: Chat) -> None:
    """/start from a registered member greets them by first name instead of registering again."""
    await register(chat)

    await chat.send("/start")

    assert ["Welcome back, Ana! 👋", MEMBER_MENU] == chat.replies()


async def test_an_unknown_command_is_named_and_the_menu_offered(chat: Chat) -> None:
    """An unknown command is answered with its name and the menu."""
    await chat.send("/frobnicate now")

    assert ["Sorry, I don't know the command /frobnicate.", MENU] == chat.replies()
    assert GUEST_OPTIONS == chat.options()


async def test_an_unknown_command_mid_registration_asks_the_question_again(chat: Chat) -> None:
    """An unknown command halfway through registration repeats the open question."""
    await consent(chat)

    await chat.send("/frobnicate")

    assert ["Sorry, I don't know the command /frobnicate.", ASK_NAME] == chat.replies()


async def test_cancel_outside_a_flow_says_there_is_nothing_to_cancel(chat: Chat) -> None:
    """/cancel with no question open says so and shows the menu."""
    await chat.send("/cancel")

    assert ["There is nothing to cancel.", MENU] == chat.replies()


async def test_a_staff_command_from_a_member_gets_the_unknown_command_answer(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    """/broadcast from a member who is not staff is answered like any unknown command,
    and the attempt is logged."""
    await register(chat)

    with caplog.at_level(logging.WARNING, logger="bot.engine"):
        await chat.send("/broadcast Hello everyone")

    assert ["Sorry, I don't know the command /broadcast.", MEMBER_MENU] == chat.replies()
    assert ["refused staff command /broadcast from telegram"] == [
        record.getMessage() for record in caplog.records
    ]


@pytest.mark.parametrize(
    ("language", "given"),
    [
        (
            "en",
            "Answers from the registration under way, kept with our conversation and saved to "
            "your profile when you confirm:\nName: Ana Marković\nCountry: Germany\nCity: Berlin",
        ),
        (
            "cnr",
            "Odgovori iz registracije koja je u toku, sačuvani uz naš razgovor; u profil se "
            "upisuju kada potvrdite:\nIme: Ana Marković\nDržava: Njemačka\nGrad: Berlin",
        ),
    ],
)
async def test_mydata_during_registration_shows_the_answers_given_so_far(
    app: App, clock: FixedClock, language: str, given: str
) -> None:
    """/mydata halfway through the registration shows the answers given so far in the message
    itself (not only "—" with them in the file), apart from the profile saved, and asks the
    open question again."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await say(chat, "Ana Marković", "Germany", "Berlin")

    await chat.send("/mydata")

    text, question = chat.replies()
    assert given in text
    assert f"\n{t('fields.name')}: —\n" in text
    assert t("registration.ask_municipality") == question
