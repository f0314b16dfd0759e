"""The engine's own rules: numbered and typed answers, multi-select, redeliveries, the menu."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.messages import Inbound
from tests.chat import Chat

MENU = "What would you like to do?"
ASK_LANGUAGE = "Please choose your language.\n\nMolimo izaberite jezik."
ASK_NAME = "What is your name?"
ASK_CITY = "Which city or town do you live in?"
ASK_MUNICIPALITY = "Which municipality in Montenegro do you or your family come from? (optional)"
ASK_YEAR = "In which year did you leave Montenegro? (optional, e.g. 2015)"
ASK_SECTOR = "Which sector do you work in?"
ASK_LANGUAGES = "Which languages do you speak? Choose all that apply, then press Done."
ASK_INTERESTS = "What would you like to take part in? Choose all that apply, then press Done."
# Typed answers that lead to the municipality question.
TO_MUNICIPALITY = ["/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"]
TO_LANGUAGES = [*TO_MUNICIPALITY, "skip", "skip", "skip", "skip"]


async def say(chat: Chat, *texts: str) -> None:
    for text in texts:
        await chat.send(text)


async def answers(app: App, chat: Chat) -> dict[str, object]:
    return (await app.store.conversations.load(chat.address)).answers


async def test_a_typed_number_picks_that_option(chat: Chat, app: App) -> None:
    """Typing "2" at the language question picks the second option, Crnogorski."""
    await chat.send("/start")

    await chat.send("2")

    assert [app.content.text("cnr", "consent.text", version="2026-11-v2")] == chat.replies()


async def test_a_number_beyond_the_options_is_re_asked(chat: Chat, app: App) -> None:
    """A number that names no option is read as text, and the question is re-asked briefly:
    what to choose, with the buttons, and not the whole consent text again."""
    await say(chat, "/start", "English")

    await chat.send("7")

    assert ["Please choose “I agree” or “No, thanks”."] == chat.replies()
    assert ["✅ I agree", "❌ No, thanks", "⬅️ Back", "✖️ Cancel"] == chat.options()


async def test_a_number_can_pick_a_control(chat: Chat) -> None:
    """The controls are numbered after the options: "1" at the city question (Back) goes back."""
    await say(chat, *TO_MUNICIPALITY[:5])
    assert ["⬅️ Back", "✖️ Cancel"] == chat.options()

    await chat.send("1")

    assert ["Which country do you live in? Choose below or type its name."] == chat.replies()


@pytest.mark.parametrize("typed", ["1, 3", "1 3", "3;1"])
async def test_several_numbers_select_several_options_at_once(
    chat: Chat, app: App, typed: str
) -> None:
    """Typing "1, 3" on a multi-select picks the first and third option and moves on."""
    await say(chat, *TO_LANGUAGES)
    assert [ASK_LANGUAGES] == chat.replies()

    await chat.send(typed)

    assert [ASK_INTERESTS] == chat.replies()
    assert ["cnr", "de"] == (await answers(app, chat))["languages"]


async def test_several_labels_separated_by_commas_select_several_options(
    chat: Chat, app: App
) -> None:
    """Typed labels separated by commas pick each of them, whatever their case."""
    await say(chat, *TO_LANGUAGES)

    await chat.send("english, GERMAN, montenegrin")

    assert [ASK_INTERESTS] == chat.replies()
    assert ["cnr", "en", "de"] == (await answers(app, chat))["languages"]


async def test_several_numbers_including_done_select_and_finish(chat: Chat, app: App) -> None:
    """Numbering Done along with the options ("1, 13") picks the options and finishes."""
    await say(chat, *TO_LANGUAGES)

    await chat.send("1, 13")

    assert [ASK_INTERESTS] == chat.replies()
    assert ["cnr"] == (await answers(app, chat))["languages"]


async def test_one_number_on_a_multi_select_toggles_that_option(chat: Chat, app: App) -> None:
    """A single number ticks one option and keeps the question open; again unticks it."""
    await say(chat, *TO_LANGUAGES)

    await chat.send("2")
    assert [ASK_LANGUAGES] == chat.replies()
    assert "✅ English" in chat.options()

    await chat.send("2")
    assert "English" in chat.options()
    assert [] == (await answers(app, chat))["languages"]


async def test_a_pressed_toggle_replaces_the_keyboard_message(chat: Chat) -> None:
    """Ticking with a button asks the channel to edit that message rather than send a new one."""
    await say(chat, *TO_LANGUAGES)

    await chat.press("English")

    assert [(ASK_LANGUAGES, True)] == [(reply.text, reply.replace) for reply in chat.last]


async def test_several_numbers_on_a_single_choice_question_are_refused(chat: Chat) -> None:
    """Typing "1, 2" where only one answer fits is re-asked with the reason."""
    await say(chat, *TO_MUNICIPALITY, "skip", "skip")
    assert [ASK_SECTOR] == chat.replies()

    await chat.send("1, 2")

    assert ["Please choose one of the options.", ASK_SECTOR] == chat.replies()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("NIKŠIĆ", "Nikšić"),
        ("niksic", "Nikšić"),
        ("  Niksic!  ", "Nikšić"),
        ("zabljak", "Žabljak"),
        ("herceg-novi", "Herceg Novi"),
    ],
)
async def test_a_typed_label_matches_without_accents_case_or_punctuation(
    chat: Chat, app: App, typed: str, stored: str
) -> None:
    """A label typed without its accents, in any case or with stray punctuation still matches."""
    await say(chat, *TO_MUNICIPALITY)
    assert [ASK_MUNICIPALITY] == chat.replies()

    await chat.send(typed)

    assert [ASK_YEAR] == chat.replies()
    assert stored == (await answers(app, chat))["municipality"]


@pytest.mark.parametrize(("typed", "question"), [("back", ASK_CITY), ("SKIP", ASK_YEAR)])
async def test_typed_control_words_work_like_the_buttons(
    chat: Chat, typed: str, question: str
) -> None:
    """Typing "back" or "skip" does what the button does."""
    await say(chat, *TO_MUNICIPALITY)

    await chat.send(typed)

    assert [question] == chat.replies()


async def test_typed_cancel_works_like_the_button(chat: Chat) -> None:
    """Typing "cancel" halfway through cancels the registration (after asking whether the
    answers given are to be thrown away: /cancel again says yes)."""
    await say(chat, *TO_MUNICIPALITY)

    await chat.send("Cancel")
    assert [
        "Cancel the registration? The answers you have given so far will be thrown away."
    ] == chat.replies()
    await chat.send("/cancel")

    assert [
        "Registration cancelled — nothing has been kept. Send /start whenever you like."
    ] == chat.replies()


@pytest.mark.parametrize("typed", ["hello", "Dobar dan", "thanks!", "👍"])
async def test_outside_a_flow_a_greeting_gets_the_menu(chat: Chat, typed: str) -> None:
    """With no question open, a greeting, a thank-you or an emoji is answered with the menu
    (any other text is a question: tests/handlers/test_questions.py)."""
    await chat.send(typed)

    assert [MENU] == chat.replies()
    assert ["📝 Register", "🗓 Events", "🎓 Fellowship", "🌐 Language", "❓ Help"] == chat.options()


async def test_a_number_typed_at_the_menu_runs_that_command(chat: Chat) -> None:
    """Typing "1" at the menu (as on WhatsApp's numbered list) starts registration."""
    await chat.send("hello")

    await chat.send("1")

    assert [ASK_LANGUAGE] == chat.replies()


async def test_a_menu_button_runs_its_command(chat: Chat, app: App) -> None:
    """Pressing "❓ Help" in the menu answers like /help."""
    await chat.send("hello")

    await chat.press("❓ Help")

    assert [app.content.text("en", "help.text"), MENU] == chat.replies()


async def test_a_command_addressed_to_the_bot_by_name_is_understood(chat: Chat) -> None:
    """Telegram group-style "/help@DiasporaBot" is the same command as /help."""
    await chat.send("/HELP@DiasporaBot")

    assert MENU == chat.replies()[-1]
    assert chat.replies()[0].startswith("Diaspora Connect keeps Montenegrins abroad")


async def test_a_redelivered_message_is_handled_once(app: App, clock: FixedClock) -> None:
    """A message delivered twice with the same provider id is answered only the first time."""
    inbound = Inbound(
        address="telegram:1001",
        received_at=clock.now(),
        text="/start",
        provider_id="update-42",
        language_hint="en",
    )

    first = await app.engine.handle(inbound)
    second = await app.engine.handle(inbound)

    assert [ASK_LANGUAGE] == [reply.text for reply in first][1:]
    assert [] == second


async def test_every_question_numbers_its_keyboard_so_old_presses_are_recognised(
    chat: Chat,
) -> None:
    """Each question carries a fresh reference; answers without buttons carry none."""
    await chat.send("/start")
    greeting, language = chat.last
    await chat.press("English")
    (consent,) = chat.last

    assert (None, 1, 2) == (greeting.ref, language.ref, consent.ref)


async def test_the_member_language_wins_over_the_app_language(app: App, clock: FixedClock) -> None:
    """A member who chose English is answered in English even though their app is Serbian."""
    chat = Chat(app.engine, clock, language_hint="sr")
    await say(chat, "/start", "English", "I agree")

    assert [ASK_NAME] == chat.replies()
