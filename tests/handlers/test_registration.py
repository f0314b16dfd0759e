"""Registration, as a member lives it: transcripts of the happy path and of every escape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.store import Member
from tests.bilingual import AGREE, chat_in, texts, to_consent
from tests.chat import Chat
from tests.conftest import make_settings

CONSENT_VERSION = "2026-11-v2"
NOW = "2026-11-27T10:00:00+00:00"
ASK_LANGUAGE = "Please choose your language.\n\nMolimo izaberite jezik."
ASK_NAME = "What is your name?"
ASK_COUNTRY = "Which country do you live in? Choose below or type its name."
ASK_CITY = "Which city or town do you live in?"
ASK_MUNICIPALITY = "Which municipality in Montenegro do you or your family come from? (optional)"
ASK_YEAR = "In which year did you leave Montenegro? (optional, e.g. 2015)"
ASK_SECTOR = "Which sector do you work in?"
ASK_SKILLS = (
    "In a few words, what do you know and do? "
    "(e.g. “software engineer, cloud infrastructure, team lead”)"
)
ASK_LANGUAGES = "Which languages do you speak? Choose all that apply, then press Done."
ASK_INTERESTS = "What would you like to take part in? Choose all that apply, then press Done."
ASK_CONTACT = "How would you prefer us to contact you?"
ASK_EMAIL = "What is your e-mail address? (optional)"
ASK_PHONE = "What is your phone number, with the country code? (optional, e.g. +49 1512 3456789)"
CANCELLED = "Registration cancelled — nothing has been kept. Send /start whenever you like."
CONFIRM_CANCEL = "Cancel the registration? The answers you have given so far will be thrown away."
DISCARD, GO_ON = "🗑 Yes, throw them away", "↩️ No, go on"

BACK, SKIP, CANCEL, DONE = "⬅️ Back", "⏭ Skip", "✖️ Cancel", "✔️ Done"
COUNTRIES = [
    "Serbia",
    "Germany",
    "United States",
    "Luxembourg",
    "Bosnia and Herzegovina",
    "Croatia",
    "Switzerland",
    "Austria",
    "France",
    "Sweden",
    "Türkiye",
    "Argentina",
    "Canada",
    "Australia",
    "United Kingdom",
]
SPOKEN = [
    "Montenegrin",
    "English",
    "German",
    "French",
    "Italian",
    "Spanish",
    "Swedish",
    "Turkish",
    "Albanian",
    "Russian",
    "Luxembourgish",
    "Dutch",
]
INTERESTS = [
    "Events in Montenegro",
    "Investing and business",
    "Mentoring local businesses",
    "Fellowship and knowledge transfer",
    "Volunteering",
    "Culture and community",
]
CHANGE = [
    f"✏️ {field}"
    for field in (
        "Name",
        "Country",
        "City",
        "Municipality of origin",
        "Year of emigration",
        "Sector",
        "Skills",
        "Languages",
        "Interests",
        "Preferred contact",
        "E-mail",
        "Phone",
    )
]
FULL_PROFILE: dict[str, Any] = {
    "name": "Ana Marković",
    "country": "DE",
    "city": "Berlin",
    "municipality": "Nikšić",
    "emigration_year": 2015,
    "sector": "it",
    "skills": "Software engineer, cloud",
    "languages": ["cnr", "de"],
    "interests": ["events", "fellowship"],
    "preferred_channel": "telegram",
    "email": "ana@example.com",
    "phone": "+491701234567",
}
FULL_SUMMARY = """Please check your answers:

Name: Ana Marković
Country: Germany
City: Berlin
Municipality of origin: Nikšić
Year of emigration: 2015
Sector: IT and software
Skills: Software engineer, cloud
Languages: Montenegrin, German
Interests: Events in Montenegro, Fellowship and knowledge transfer
Preferred contact: Telegram
E-mail: ana@example.com
Phone: +491701234567"""
# Typed answers that reach each question with only the required answers given.
REQUIRED = ["/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"]
OPTIONAL_SKIPS = ["skip"] * 6
TABLES = {
    "members": "SELECT count(*) FROM members",
    "addresses": "SELECT count(*) FROM addresses",
    "conversations": "SELECT count(*) FROM conversations",
}
NOTHING = {"members": 0, "addresses": 0, "conversations": 0}


def consent_text(app: App) -> str:
    return app.content.text("en", "consent.text", version=CONSENT_VERSION)


async def rows(app: App) -> dict[str, int]:
    """How many rows each table about members holds."""
    counts = {}
    for table, sql in TABLES.items():
        row = await app.store.db.fetchone(sql)
        assert row is not None
        counts[table] = int(row[0])
    return counts


async def only_member(app: App) -> Member:
    members = await app.store.members.all(registered_only=False)
    assert len(members) == 1
    return members[0]


async def say(chat: Chat, *texts: str) -> None:
    for text in texts:
        await chat.send(text)


async def agree(chat: Chat) -> None:
    """Starts and consents, so the name is asked next."""
    await say(chat, "/start", "English", "I agree")


async def register(chat: Chat) -> None:
    """Registers with the required answers, skipping everything optional."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip", "skip", "confirm")


async def test_start_greets_a_newcomer_and_asks_for_the_language_first(
    chat: Chat, app: App
) -> None:
    """/start greets a newcomer and asks for the language before anything else, without Back;
    both in English and in Montenegrin, since no language is chosen yet (English first, as the
    app suggests)."""
    await chat.send("/start")

    greeting = "\n\n".join(app.content.text(code, "start.greeting") for code in ("en", "cnr"))
    assert [greeting, ASK_LANGUAGE] == chat.replies()
    assert ["English", "Crnogorski", CANCEL] == chat.options()


async def test_consent_is_asked_before_any_profile_question_and_nothing_is_stored_yet(
    chat: Chat, app: App
) -> None:
    """Choosing the language shows the consent text with its version; nothing is stored yet."""
    await chat.send("/start")
    await chat.press("English")

    assert [consent_text(app)] == chat.replies()
    assert ["✅ I agree", "❌ No, thanks", BACK, CANCEL] == chat.options()
    assert 0 == (await rows(app))["members"]


async def test_happy_path_by_buttons_stores_every_field_and_the_consent(
    chat: Chat, app: App
) -> None:
    """Answering every question with buttons, a shared contact and text stores the full profile."""
    await chat.send("/start")
    await chat.press("English")
    await chat.press("✅ I agree")
    assert [ASK_NAME] == chat.replies()
    assert ["Ana Marković", BACK, CANCEL] == chat.options()

    await chat.press("Ana Marković")
    assert [ASK_COUNTRY] == chat.replies()
    assert [*COUNTRIES, BACK, CANCEL] == chat.options()

    await chat.press("Germany")
    assert [ASK_CITY] == chat.replies()
    assert [BACK, CANCEL] == chat.options()

    await chat.send("Berlin")
    assert [ASK_MUNICIPALITY] == chat.replies()
    assert ["Andrijevica", "Bar", "Berane"] == chat.options()[:3]
    assert [SKIP, BACK, CANCEL] == chat.options()[-3:]

    await chat.press("Nikšić")
    assert [ASK_YEAR] == chat.replies()
    assert [SKIP, BACK, CANCEL] == chat.options()

    await chat.send("2015")
    assert [ASK_SECTOR] == chat.replies()

    await chat.press("IT and software")
    assert [ASK_SKILLS] == chat.replies()

    await chat.send("Software engineer, cloud")
    assert [ASK_LANGUAGES] == chat.replies()
    assert [*SPOKEN, DONE, SKIP, BACK, CANCEL] == chat.options()

    await chat.press("Montenegrin")
    await chat.press("German")
    assert [ASK_LANGUAGES] == chat.replies()
    assert ["✅ Montenegrin", "English", "✅ German"] == chat.options()[:3]

    await chat.press(DONE)
    assert [ASK_INTERESTS] == chat.replies()
    assert [*INTERESTS, DONE, SKIP, BACK, CANCEL] == chat.options()

    await chat.press("Events in Montenegro")
    await chat.press("Fellowship and knowledge transfer")
    await chat.press(DONE)
    assert [ASK_CONTACT] == chat.replies()
    assert ["Telegram", "WhatsApp", "E-mail", BACK, CANCEL] == chat.options()

    await chat.press("Telegram")
    assert [ASK_EMAIL] == chat.replies()

    await chat.send("ana@example.com")
    assert [ASK_PHONE] == chat.replies()
    assert (True, "📱 Share my phone number") == (
        chat.last[0].request_phone,
        chat.last[0].phone_label,
    )

    await chat.share_contact("491701234567")
    assert [FULL_SUMMARY] == chat.replies()
    assert ["✅ Confirm", *CHANGE, CANCEL] == chat.options()

    await chat.press("✅ Confirm")
    assert [
        "Thank you, Ana! You are now on the diaspora map. 🇲🇪 "
        "We will keep you posted about events and opportunities.",
        "What would you like to do, Ana?",
    ] == chat.replies()

    member = await only_member(app)
    assert FULL_PROFILE == member.profile()
    assert ("en", CONSENT_VERSION, NOW, NOW, "Europe/Berlin") == (
        member.language,
        member.consent_version,
        member.consent_at,
        member.registered_at,
        member.timezone,
    )
    addresses = await app.store.members.addresses(member.id)
    assert ["telegram:1001"] == [address.address for address in addresses]


async def test_happy_path_by_typed_numbers_and_labels_stores_the_same_profile(
    chat: Chat, app: App
) -> None:
    """Typed numbers, labels without accents and names in other languages answer like buttons."""
    await say(
        chat,
        "/start",
        "1",
        "i AGREE",
        "Ana Marković",
        "Njemačka",
        "Berlin",
        "niksic",
        "2015",
        "it and software",
        "Software engineer, cloud",
        "1, 3",
        "events in montenegro, FELLOWSHIP and knowledge transfer",
        "telegram",
        "ana@example.com",
        "+49 170 1234567",
    )
    assert [FULL_SUMMARY] == chat.replies()

    await chat.send("confirm")

    assert FULL_PROFILE == (await only_member(app)).profile()


@pytest.mark.parametrize("typed", ["Njemačka", "Deutschland", "germany", "Allemagne"])
async def test_a_typed_country_is_recognised_in_any_language(
    chat: Chat, app: App, typed: str
) -> None:
    """Germany typed in Montenegrin, German, lower-case English or French is Germany."""
    await say(chat, *REQUIRED[:4], typed)

    assert [ASK_CITY] == chat.replies()
    assert "DE" == (await app.store.conversations.load(chat.address)).answers["country"]


async def test_a_misspelt_country_offers_a_suggestion_that_can_be_pressed(chat: Chat) -> None:
    """A near miss such as "germny" is answered with "did you mean" buttons; pressing one counts."""
    await say(chat, *REQUIRED[:4], "germny")

    assert [
        "I'm not sure which country you mean.",
        "Which of these did you mean? Or type the name again.",
    ] == chat.replies()
    assert ["Germany", BACK, CANCEL] == chat.options()

    await chat.press("Germany")

    assert [ASK_CITY] == chat.replies()


async def test_back_from_the_name_returns_to_consent_and_keeps_one_consent_record(
    chat: Chat, app: App
) -> None:
    """Back from the first question after consent shows the consent again; agreeing again
    continues without a second member."""
    await agree(chat)
    await chat.press(BACK)

    assert [consent_text(app)] == chat.replies()

    await chat.press(BACK)
    assert ["Please choose your language."] == chat.replies()

    await chat.press("English")
    await chat.press("✅ I agree")
    assert [ASK_NAME] == chat.replies()
    assert 1 == (await rows(app))["members"]


async def test_back_re_asks_the_previous_question_and_keeps_the_other_answers(
    chat: Chat,
) -> None:
    """Back walks one question at a time; new answers replace old ones, earlier ones are kept."""
    await say(chat, *REQUIRED)
    assert [ASK_MUNICIPALITY] == chat.replies()

    await chat.press(BACK)
    assert [ASK_CITY] == chat.replies()
    await chat.send("Munich")
    assert [ASK_MUNICIPALITY] == chat.replies()

    await chat.press(BACK)
    await chat.press(BACK)
    assert [ASK_COUNTRY] == chat.replies()
    await chat.press("Austria")
    assert [ASK_CITY] == chat.replies()
    await say(chat, "Vienna", *OPTIONAL_SKIPS, "Telegram", "skip", "skip")

    assert chat.question.startswith(
        "Please check your answers:\n\nName: Ana Marković\nCountry: Austria\nCity: Vienna\n"
    )


async def test_back_to_a_multi_select_shows_the_earlier_choices_ticked(chat: Chat) -> None:
    """Going back to a question with several answers shows what was picked, ticked."""
    await say(chat, *REQUIRED, "skip", "skip", "skip", "skip", "Montenegrin", "English", "done")
    assert [ASK_INTERESTS] == chat.replies()

    await chat.press(BACK)

    assert [ASK_LANGUAGES] == chat.replies()
    assert ["✅ Montenegrin", "✅ English", "German"] == chat.options()[:3]


async def test_every_optional_question_can_be_skipped(chat: Chat, app: App) -> None:
    """Each optional question offers Skip; skipping them all stores only the required answers."""
    await say(chat, *REQUIRED)
    for question in (ASK_MUNICIPALITY, ASK_YEAR, ASK_SECTOR, ASK_SKILLS, ASK_LANGUAGES):
        assert [question] == chat.replies()
        await chat.press(SKIP)
    assert [ASK_INTERESTS] == chat.replies()
    await chat.press(SKIP)

    assert [ASK_CONTACT] == chat.replies()
    assert SKIP not in chat.options()
    await chat.press("Telegram")
    await chat.press(SKIP)
    assert [ASK_PHONE] == chat.replies()
    await chat.press(SKIP)
    await chat.press("✅ Confirm")

    assert {
        "name": "Ana Marković",
        "country": "DE",
        "city": "Berlin",
        "municipality": None,
        "emigration_year": None,
        "sector": None,
        "skills": None,
        "languages": [],
        "interests": [],
        "preferred_channel": "telegram",
        "email": None,
        "phone": None,
    } == (await only_member(app)).profile()


async def test_skip_on_a_multi_select_keeps_nothing_ticked(chat: Chat) -> None:
    """Skip after ticking some languages means "not answered", like Skip everywhere else."""
    await say(chat, *REQUIRED, "skip", "skip", "skip", "skip", "English")
    await chat.press(SKIP)
    await chat.press(BACK)

    assert "English" in chat.options()
    assert [] == [label for label in chat.options() if label.startswith("✅")]


async def test_cancel_before_consent_stores_nothing(chat: Chat, app: App) -> None:
    """Cancelling at the language question ends politely and leaves no trace."""
    await chat.send("/start")
    await chat.press(CANCEL)

    assert [CANCELLED] == chat.replies()
    assert NOTHING == await rows(app)


async def test_cancel_after_consent_erases_the_member(chat: Chat, app: App) -> None:
    """Cancelling after consent but before confirming erases the member and their answers,
    once the member confirms that the answers given are to be thrown away."""
    await say(chat, *REQUIRED)
    assert 1 == (await rows(app))["members"]

    await chat.press(CANCEL)
    assert [CONFIRM_CANCEL] == chat.replies()
    await chat.press(DISCARD)

    assert [CANCELLED] == chat.replies()
    assert NOTHING == await rows(app)


async def test_cancel_while_editing_the_profile_leaves_it_unchanged(chat: Chat, app: App) -> None:
    """Cancelling changes to a registered profile discards them and keeps the saved profile."""
    await register(chat)
    await chat.send("/profile")
    await chat.press("✏️ Country")
    await chat.press("France")
    assert "Country: France" in chat.question

    await chat.press(CANCEL)
    assert ["Discard the changes you made to your profile?"] == chat.replies()
    await chat.send("yes")

    assert [
        "Changes discarded; your profile is as it was.",
        "What would you like to do, Ana?",
    ] == chat.replies()
    member = await only_member(app)
    assert ("DE", NOW) == (member.country, member.registered_at)


@pytest.mark.parametrize(
    ("question", "typed", "reason"),
    [
        (ASK_NAME, "12345", "Please type your name using letters (no links)."),
        (ASK_NAME, "...", "Please type your name using letters (no links)."),
        (ASK_NAME, "Ana https://spam.example", "Please type your name using letters (no links)."),
        (ASK_NAME, "www.spam.me", "Please type your name using letters (no links)."),
        (ASK_NAME, "A" * 5000, "That is too long — please keep it under 100 characters."),
        (ASK_CITY, "1010", "Please type the name of your city."),
        (ASK_YEAR, "abc", "Please type a year with four digits, e.g. 2015, or skip."),
        (ASK_YEAR, "2099", "That year has not come yet — please type 2026 or earlier."),
        (ASK_YEAR, "1900", "Please type a year from 1940 onwards."),
        (ASK_MUNICIPALITY, "Paris", "Please choose a municipality from the list, or skip."),
        (
            ASK_COUNTRY,
            "Atlantis",
            "I don't recognise that country. Please type its name in English or Montenegrin, "
            "e.g. Germany or Njemačka.",
        ),
        (
            ASK_EMAIL,
            "ana@",
            "That doesn't look like an e-mail address (e.g. ana@example.com). Please try again.",
        ),
        (
            ASK_EMAIL,
            "ana at example.com",
            "That doesn't look like an e-mail address (e.g. ana@example.com). Please try again.",
        ),
        (
            ASK_PHONE,
            "12345",
            "That is not a valid phone number. Please include the country code, "
            "e.g. +49 1512 3456789.",
        ),
        (
            ASK_PHONE,
            "call me maybe",
            "That is not a valid phone number. Please include the country code, "
            "e.g. +49 1512 3456789.",
        ),
    ],
)
async def test_an_invalid_answer_is_re_asked_with_the_reason(
    chat: Chat, question: str, typed: str, reason: str
) -> None:
    """An answer that cannot be used is refused with the reason, and the same question asked."""
    answers = [*REQUIRED[1:], "skip", "skip", "skip", "skip", "skip", "skip", "Telegram", "skip"]
    await chat.send("/start")
    for answer in answers:
        if chat.question == question:
            break
        await chat.send(answer)
    assert question == chat.question

    await chat.send(typed)

    assert [reason, question] == chat.replies()


async def test_a_phone_number_in_local_format_is_read_with_the_members_country(
    chat: Chat, app: App
) -> None:
    """A number without country code is read in the format of the country the member lives in."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip", "0170 1234567", "confirm")

    assert "+491701234567" == (await only_member(app)).phone


async def test_a_shared_contact_is_stored_as_the_phone_number(chat: Chat, app: App) -> None:
    """A phone number shared with the app's button is stored in E.164."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip")
    await chat.share_contact("+38267123456")
    assert "Phone: +38267123456" in chat.question

    await chat.send("confirm")

    assert "+38267123456" == (await only_member(app)).phone


async def test_email_is_required_when_it_is_the_preferred_channel(chat: Chat) -> None:
    """Choosing e-mail as the channel makes the address required: no Skip, and "skip" is refused."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS)
    await chat.press("E-mail")

    assert ["What is your e-mail address?"] == chat.replies()
    assert [BACK, CANCEL] == chat.options()

    await chat.send("skip")
    assert [
        "This question can't be skipped, sorry. Please answer it:",
        "What is your e-mail address?",
    ] == chat.replies()

    await chat.send("ana@example.com")
    assert [ASK_PHONE] == chat.replies()


async def test_phone_is_required_when_whatsapp_is_the_preferred_channel(chat: Chat) -> None:
    """Choosing WhatsApp as the channel makes the number required: no Skip."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "WhatsApp", "skip")

    assert [
        "What is your WhatsApp number, with the country code? (e.g. +49 1512 3456789)"
    ] == chat.replies()
    assert [BACK, CANCEL] == chat.options()


async def test_declining_consent_ends_politely_and_stores_nothing(chat: Chat, app: App) -> None:
    """Pressing "No, thanks" ends politely, and no table holds anything about the member."""
    await chat.send("/start")
    await chat.press("English")
    await chat.press("❌ No, thanks")

    assert [
        "Understood — nothing has been stored. If you change your mind, send /start."
    ] == chat.replies()
    assert NOTHING == await rows(app)


async def test_declining_after_going_back_to_consent_erases_the_member(
    chat: Chat, app: App
) -> None:
    """Agreeing, going back and then declining withdraws the consent: the member is erased."""
    await agree(chat)
    await chat.press(BACK)
    await chat.press("❌ No, thanks")

    assert NOTHING == await rows(app)


async def test_registration_resumes_at_the_same_question_after_a_restart(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A restart between two answers loses nothing: the member continues at the same question."""
    async with App(make_settings(tmp_path), clock=clock) as before:
        chat = Chat(before.engine, clock)
        await say(chat, "/start", "English", "I agree", "Ana Marković", "Germany")
        assert [ASK_CITY] == chat.replies()

    async with App(make_settings(tmp_path), clock=clock) as after:
        chat.engine = after.engine
        await chat.send("/start")
        assert ["Let's continue where you left off.", ASK_CITY] == chat.replies()

        await say(chat, "Berlin", *OPTIONAL_SKIPS, "Telegram", "skip", "skip")
        assert chat.question.startswith(
            "Please check your answers:\n\nName: Ana Marković\nCountry: Germany\nCity: Berlin\n"
        )


async def test_a_button_sent_before_a_restart_still_works_after_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The keyboard of the last question stays valid across a restart."""
    async with App(make_settings(tmp_path), clock=clock) as before:
        chat = Chat(before.engine, clock)
        await say(chat, "/start", "English", "I agree", "Ana Marković")

    async with App(make_settings(tmp_path), clock=clock) as after:
        chat.engine = after.engine
        await chat.press("Germany")

        assert [ASK_CITY] == chat.replies()


async def test_changing_one_answer_from_the_summary_returns_to_the_summary(chat: Chat) -> None:
    """Pressing "✏️ City" asks the city again, then shows the summary with the new city."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip", "skip")
    await chat.press("✏️ City")
    assert [ASK_CITY] == chat.replies()
    assert [BACK, CANCEL] == chat.options()

    await chat.send("Munich")

    assert chat.question.startswith("Please check your answers:")
    assert "City: Munich" in chat.question
    assert "City: Berlin" not in chat.question


async def test_back_from_a_change_returns_to_the_summary_unchanged(chat: Chat) -> None:
    """Back from the question opened from the summary returns to the summary as it was."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip", "skip")
    summary = chat.question
    await chat.press("✏️ Country")

    await chat.press(BACK)

    assert [summary] == chat.replies()


async def test_changing_a_multi_select_from_the_summary_returns_after_done(chat: Chat) -> None:
    """Ticking languages from the summary stays on the question until Done, then returns."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip", "skip")
    await chat.press("✏️ Languages")
    await chat.press("German")
    assert [ASK_LANGUAGES] == chat.replies()

    await chat.press(DONE)

    assert "Languages: German" in chat.question


async def test_changing_the_channel_to_email_asks_for_the_missing_address(chat: Chat) -> None:
    """Switching to e-mail from the summary with no e-mail given asks for it before returning."""
    await say(chat, *REQUIRED, *OPTIONAL_SKIPS, "Telegram", "skip", "skip")
    await chat.press("✏️ Preferred contact")
    await chat.press("E-mail")

    assert ["What is your e-mail address?"] == chat.replies()

    await say(chat, "ana@example.com", "skip")
    assert "Preferred contact: E-mail\nE-mail: ana@example.com" in chat.question


async def test_profile_shows_the_summary_and_saving_updates_the_same_member(
    chat: Chat, app: App
) -> None:
    """/profile for a registered member shows the profile; saving a change keeps one member."""
    await register(chat)
    await chat.send("/profile")

    assert chat.question.startswith("Your profile:\n\nName: Ana Marković\nCountry: Germany\n")
    assert ["💾 Save", *CHANGE, CANCEL] == chat.options()

    await chat.press("✏️ Year of emigration")
    await chat.send("2011")
    assert "Year of emigration: 2011" in chat.question
    await chat.press("💾 Save")

    assert ["Your profile is saved, Ana.", "What would you like to do, Ana?"] == chat.replies()
    member = await only_member(app)
    assert (2011, NOW) == (member.emigration_year, member.registered_at)


async def test_register_while_registered_opens_the_profile(chat: Chat, app: App) -> None:
    """/register from a registered member opens their profile instead of a second registration."""
    await register(chat)
    await chat.send("/register")

    assert chat.question.startswith("Your profile:")
    await chat.press("💾 Save")
    assert 1 == (await rows(app))["members"]


async def test_start_in_the_middle_of_registration_continues_at_the_same_question(
    chat: Chat,
) -> None:
    """/start halfway through says so and asks the same question again."""
    await say(chat, *REQUIRED[:5])

    await chat.send("/start")

    assert ["Let's continue where you left off.", ASK_CITY] == chat.replies()


async def test_a_serbian_app_language_greets_in_montenegrin(app: App, clock: FixedClock) -> None:
    """A Telegram app set to Serbian ("sr") is greeted in Montenegrin first (then English, as no
    language is chosen yet)."""
    chat = Chat(app.engine, clock, language_hint="sr")

    await chat.send("/start")

    greeting = "\n\n".join(app.content.text(code, "start.greeting") for code in ("cnr", "en"))
    assert [greeting, "Molimo izaberite jezik.\n\nPlease choose your language."] == chat.replies()
    assert ["English", "Crnogorski", "✖️ Odustani"] == chat.options()


async def test_choosing_crnogorski_switches_the_texts(chat: Chat, app: App) -> None:
    """Choosing Crnogorski asks for consent, and everything after, in Montenegrin."""
    await chat.send("/start")
    await chat.press("Crnogorski")

    assert [app.content.text("cnr", "consent.text", version=CONSENT_VERSION)] == chat.replies()

    await chat.press("✅ Prihvatam")
    assert ["Kako se zovete?"] == chat.replies()
    assert "cnr" == (await only_member(app)).language


async def test_changing_the_language_after_consent_switches_the_member_too(
    chat: Chat, app: App
) -> None:
    """Going back to the language after consenting and choosing another one sticks."""
    await agree(chat)
    await chat.press(BACK)
    await chat.press(BACK)
    await chat.press("Crnogorski")
    await chat.press("✅ Prihvatam")

    assert ["Kako se zovete?"] == chat.replies()
    assert "cnr" == (await only_member(app)).language


@pytest.mark.parametrize(
    ("language", "switzerland", "netherlands"),
    [("en", "Switzerland", "Netherlands"), ("cnr", "Švajcarska", "Holandija")],
)
async def test_countries_are_named_as_members_say_them(
    app: App, clock: FixedClock, language: str, switzerland: str, netherlands: str
) -> None:
    """The country buttons say Švajcarska in Montenegrin (not the Croatian Švicarska), and a
    country typed so is stored and shown by that name."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await chat.send("Ana Marković")
    assert switzerland in chat.options()
    assert "Švicarska" not in chat.options()

    await chat.send(netherlands)
    await chat.send("Amsterdam")

    assert [t("registration.ask_municipality")] == chat.replies()
    answers = (await app.store.conversations.load(chat.address)).answers
    assert "NL" == answers["country"]


async def test_the_phone_example_is_in_the_format_of_the_members_country(chat: Chat) -> None:
    """A member in the United States is shown +1 201-555-0123, not a German number; a
    number that cannot be read is asked again with the same example."""
    await say(chat, "/start", "English", "I agree", "Ana Marković", "United States", "Chicago")
    await say(chat, *OPTIONAL_SKIPS, "WhatsApp", "skip")
    assert [
        "What is your WhatsApp number, with the country code? (e.g. +1 201-555-0123)"
    ] == chat.replies()
    await chat.send("12")
    assert chat.replies()[0] == (
        "That is not a valid phone number. Please include the country code, e.g. +1 201-555-0123."
    )
