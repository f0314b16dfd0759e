"""What members send that a question did not ask for: media, odd text, old buttons, bursts."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.messages import Option, Reply
from tests.chat import Chat

MENU = "What would you like to do?"
ASK_NAME = "What is your name?"
ASK_COUNTRY = "Which country do you live in? Choose below or type its name."
ASK_CITY = "Which city or town do you live in?"
ASK_SKILLS = (
    "In a few words, what do you know and do? "
    "(e.g. “software engineer, cloud infrastructure, team lead”)"
)
ASK_LANGUAGES = "Which languages do you speak? Choose all that apply, then press Done."
UNSUPPORTED = "I can only read text and buttons here. Please answer the question:"
STALE = "That button belongs to an earlier question. Here is where we are:"
INVALID_NAME = "Please type your name using letters (no links)."
SKIPS = ["skip"] * 6


async def say(chat: Chat, *texts: str) -> None:
    for text in texts:
        await chat.send(text)


async def consent(chat: Chat) -> None:
    """Starts and consents, so the name is asked next."""
    await say(chat, "/start", "English", "I agree")


async def register_as(chat: Chat, name: str) -> None:
    """Registers with the given name and the required answers only."""
    await consent(chat)
    await say(chat, name, "Germany", "Berlin", *SKIPS, "Telegram", "skip", "skip", "confirm")


async def test_media_outside_a_flow_is_thanked_for_and_answered_with_the_menu(
    chat: Chat,
) -> None:
    """A photo or sticker sent with no question open gets a polite note and the menu."""
    await chat.send_media()

    assert ["Thanks! I can only read text and buttons, though.", MENU] == chat.replies()


async def test_media_inside_a_flow_re_asks_the_question(chat: Chat) -> None:
    """A photo with a caption sent instead of an answer is not taken as the answer."""
    await consent(chat)

    await chat.send_media("Ana Marković")

    assert [UNSUPPORTED, ASK_NAME] == chat.replies()


async def test_a_location_outside_a_flow_gets_the_menu(chat: Chat) -> None:
    """A shared location with no question open gets a polite note and the menu."""
    await chat.send_location()

    assert ["Thanks! I can only read text and buttons, though.", MENU] == chat.replies()


async def test_a_location_inside_a_flow_re_asks_the_question(chat: Chat) -> None:
    """A shared location is no answer to the city question; the city is asked again."""
    await consent(chat)
    await say(chat, "Ana Marković", "Germany")

    await chat.send_location()

    assert [UNSUPPORTED, ASK_CITY] == chat.replies()


async def test_a_shared_contact_where_a_name_is_asked_is_refused(chat: Chat) -> None:
    """A shared phone number is no name: the name is asked again with the reason."""
    await consent(chat)

    await chat.share_contact("+491701234567")

    assert [INVALID_NAME, ASK_NAME] == chat.replies()


async def test_a_message_with_no_text_inside_a_flow_re_asks_the_question(chat: Chat) -> None:
    """An empty message (a service message, say) is not an answer; the question is repeated."""
    await consent(chat)

    await chat.send("")

    assert [UNSUPPORTED, ASK_NAME] == chat.replies()


async def test_a_message_with_no_text_outside_a_flow_gets_the_menu(chat: Chat) -> None:
    """An empty message with no question open is answered with the menu."""
    await chat.send("")

    assert [MENU] == chat.replies()


async def test_a_5000_character_text_outside_a_flow_is_refused_as_too_long(chat: Chat) -> None:
    """A very long text with no question open is not a question the team can take: the
    member is told the limit, and it is not echoed."""
    await chat.send("blah " * 1000)

    assert ["That is a long message: please keep it under 3000 characters."] == chat.replies()


@pytest.mark.parametrize(
    ("answers", "question", "limit"),
    [
        (["Ana Marković", "Germany"], ASK_CITY, 80),
        (["Ana Marković", "Germany", "Berlin", "skip", "skip", "skip"], ASK_SKILLS, 500),
    ],
)
async def test_a_5000_character_answer_is_refused_as_too_long(
    chat: Chat, answers: list[str], question: str, limit: int
) -> None:
    """A 5,000-character answer is refused with the limit, and the question asked again."""
    await consent(chat)
    await say(chat, *answers)

    await chat.send("word " * 1000)

    assert [
        f"That is too long — please keep it under {limit} characters.",
        question,
    ] == chat.replies()


async def test_emoji_only_text_is_no_name(chat: Chat) -> None:
    """A name made of emoji alone is refused with the reason."""
    await consent(chat)

    await chat.send("😀🎉🇲🇪")

    assert [INVALID_NAME, ASK_NAME] == chat.replies()


async def test_emoji_only_text_outside_a_flow_gets_the_menu(chat: Chat) -> None:
    """Emoji with no question open are answered with the menu."""
    await chat.send("👍")

    assert [MENU] == chat.replies()


@pytest.mark.parametrize("name", ["محمد علي", "דוד כהן"])
async def test_a_right_to_left_name_is_accepted_and_stored(chat: Chat, app: App, name: str) -> None:
    """Arabic and Hebrew names are names: accepted, shown and stored as typed."""
    await register_as(chat, name)

    members = await app.store.members.all()
    assert [name] == [member.name for member in members]


async def test_direction_override_characters_are_dropped_from_a_name(chat: Chat, app: App) -> None:
    """Invisible direction-override characters that could disguise a name are not stored.
    (A name other than the one the app shows: typed, that one would match the suggested-name
    button, whose label is clean already, and the test could not fail.)"""
    await register_as(chat, "\u202eMilena\u202c Jovanović")

    assert ["Milena Jovanović"] == [member.name for member in await app.store.members.all()]


async def test_a_name_and_city_typed_over_several_lines_are_stored_on_one(
    chat: Chat, app: App
) -> None:
    """Line breaks and runs of spaces in a name or city become single spaces."""
    await consent(chat)
    await say(chat, "Ana\n\nMarković", "Germany", "  Bad\tHomburg \n vor der Höhe ")
    await say(chat, *SKIPS, "Telegram", "skip", "skip", "confirm")

    assert [("Ana Marković", "Bad Homburg vor der Höhe")] == [
        (member.name, member.city) for member in await app.store.members.all()
    ]


async def test_sql_looking_text_is_stored_verbatim_and_the_table_survives(
    chat: Chat, app: App
) -> None:
    """A name that looks like SQL is just a name: stored as typed, and the members table stays."""
    name = "Robert'); DROP TABLE members;--"
    await consent(chat)
    await chat.send(name)
    assert [ASK_COUNTRY] == chat.replies()
    await say(chat, "Germany", "Berlin'; DELETE FROM addresses;--", *SKIPS, "Telegram")
    await say(chat, "skip", "skip", "confirm")

    members = await app.store.members.all()
    assert [(name, "Berlin'; DELETE FROM addresses;--")] == [(m.name, m.city) for m in members]
    assert ["telegram:1001"] == [a.address for a in await app.store.members.addresses(1)]


async def test_a_rapid_double_press_advances_only_once(chat: Chat, app: App) -> None:
    """The second press of the same button is recognised as an old keyboard and changes nothing."""
    await chat.send("/start")
    keyboard = chat.last[-1]

    await chat.press_old(keyboard, "English")
    await chat.press_old(keyboard, "English")

    assert [STALE, app.content.text("en", "consent.text", version="2026-11-v2")] == chat.replies()
    conversation = await app.store.conversations.load(chat.address)
    assert ("ask_consent", ["ask_language"]) == (conversation.step, conversation.history)


async def test_a_rapid_double_press_on_a_multi_select_does_not_untick(chat: Chat, app: App) -> None:
    """Pressing a language twice in a row on the same keyboard ticks it once, not on and off."""
    await consent(chat)
    await say(chat, "Ana Marković", "Germany", "Berlin", "skip", "skip", "skip", "skip")
    keyboard = chat.last[-1]

    await chat.press_old(keyboard, "German")
    await chat.press_old(keyboard, "German")

    assert [STALE, ASK_LANGUAGES] == chat.replies()
    assert "✅ German" in chat.options()
    conversation = await app.store.conversations.load(chat.address)
    assert ["de"] == conversation.answers["languages"]


async def test_a_press_on_a_much_older_keyboard_shows_where_we_are(chat: Chat, app: App) -> None:
    """A button from the first question pressed at the city question changes nothing."""
    await consent(chat)
    language_keyboard = chat.history[1]
    await say(chat, "Ana Marković", "Germany")

    await chat.press_old(language_keyboard, "Crnogorski")

    assert [STALE, ASK_CITY] == chat.replies()
    members = await app.store.members.all(registered_only=False)
    assert ["en"] == [member.language for member in members]


async def test_a_press_on_a_question_that_is_over_says_so_and_shows_the_menu(chat: Chat) -> None:
    """A button of a finished flow is not ignored silently: the member is told, then the menu."""
    await chat.send("/start")
    language_keyboard = chat.last[-1]
    await chat.press("✖️ Cancel")

    await chat.press_old(language_keyboard, "English")

    assert STALE == chat.replies()[0]
    assert ["📝 Register", "🗓 Events", "🎓 Fellowship"] == chat.options()[:3]


async def test_a_forged_button_on_the_current_keyboard_is_treated_as_old(chat: Chat) -> None:
    """A press carrying an id the question never offered is not taken as an answer."""
    await consent(chat)
    forged = Reply("", options=(Option("DE", "Germany"),), ref=chat.last[-1].ref)

    await chat.press_old(forged, "Germany")

    assert [STALE, ASK_NAME] == chat.replies()


async def test_twenty_members_registering_at_once_all_finish_consistently(
    app: App, clock: FixedClock
) -> None:
    """Twenty members registering concurrently each end with their own, complete profile."""
    chats = [Chat(app.engine, clock, address=f"telegram:{2000 + n}") for n in range(20)]

    await asyncio.gather(*(register_as(chat, f"Member {n}") for n, chat in enumerate(chats)))

    assert ["Thank you, Member! You are now on the diaspora map."] * 20 == [
        chat.history[-2].text.split(" 🇲🇪")[0] for chat in chats
    ]
    for n, chat in enumerate(chats):
        member = await app.store.members.by_address(chat.address)
        assert member is not None
        assert (f"Member {n}", "DE", "Berlin", True) == (
            member.name,
            member.country,
            member.city,
            member.registered,
        )
    assert 20 == await app.store.members.count()


async def test_two_messages_from_one_member_at_once_are_handled_in_turn(
    chat: Chat, app: App
) -> None:
    """Two answers arriving together are taken one after the other, neither lost nor mixed up."""
    await consent(chat)

    first, second = await asyncio.gather(chat.send("Ana Marković"), chat.send("Germany"))

    assert ([ASK_COUNTRY], [ASK_CITY]) == (
        [reply.text for reply in first],
        [reply.text for reply in second],
    )
    conversation = await app.store.conversations.load(chat.address)
    assert ("ask_city", "Ana Marković", "DE") == (
        conversation.step,
        conversation.answers["name"],
        conversation.answers["country"],
    )


async def test_two_presses_of_one_button_at_once_advance_only_once(chat: Chat, app: App) -> None:
    """The same button pressed twice at the same moment counts once; the other press is old."""
    await chat.send("/start")
    keyboard = chat.last[-1]

    first, second = await asyncio.gather(
        chat.press_old(keyboard, "English"), chat.press_old(keyboard, "English")
    )

    assert STALE == second[0].text
    assert first[0].text.startswith("Before we start")
    conversation = await app.store.conversations.load(chat.address)
    assert "ask_consent" == conversation.step
