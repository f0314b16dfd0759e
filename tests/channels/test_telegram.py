"""The Telegram channel's translations: updates in, keyboards out, library errors to ours."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import (
    CallbackQuery,
    Chat,
    Contact,
    InlineKeyboardMarkup,
    Location,
    Message,
    PhotoSize,
    Sticker,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram import keyboard, phone_keyboard, to_inbound, translate
from bot.errors import (
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    TemporaryDeliveryError,
    Unreachable,
)
from bot.messages import Inbound, Kind, Option, Reply

NOW = dtm.datetime(2026, 11, 27, 10, 0, tzinfo=dtm.UTC)
ANA = User(id=7, first_name="Ana", last_name="Marković", is_bot=False, language_code="sr")
PRIVATE = Chat(id=7, type=Chat.PRIVATE)


def message(**content: object) -> Message:
    return Message(message_id=1, date=NOW, chat=PRIVATE, from_user=ANA, **content)  # type: ignore[arg-type]


def inbound(update: Update) -> Inbound:
    translated = to_inbound(update, NOW)
    assert translated is not None
    return translated


def test_a_text_message_becomes_a_text_inbound_from_the_chat() -> None:
    """Address, provider id, language hint and display name all come from the update."""
    expected = Inbound(
        address="telegram:7",
        received_at=NOW,
        kind=Kind.TEXT,
        text="Zdravo",
        provider_id="tg-42",
        language_hint="sr",
        display_name="Ana Marković",
    )
    assert expected == to_inbound(Update(42, message=message(text="Zdravo")), NOW)


def test_an_edited_message_is_read_like_a_new_one() -> None:
    """A member who corrects a typo by editing is answered as if they had sent it."""
    edited = inbound(Update(43, edited_message=message(text="Berlin")))
    assert (edited.kind, edited.text) == (Kind.TEXT, "Berlin")


def test_a_button_press_carries_the_question_ref_and_the_option() -> None:
    """callback_data ``<ref>:<option>`` splits into the question's ref and the option id."""
    query = CallbackQuery("q1", ANA, "ci", data="12:edit:name", message=message(text="Summary"))
    pressed = inbound(Update(44, callback_query=query))
    assert (pressed.kind, pressed.choice, pressed.ref) == (Kind.CHOICE, "edit:name", 12)


def test_a_press_with_foreign_data_has_no_ref() -> None:
    """Data that is not ours (an old bot version's) cannot match the current question."""
    query = CallbackQuery("q2", ANA, "ci", data="legacy", message=message(text="Old"))
    pressed = inbound(Update(45, callback_query=query))
    assert (pressed.ref, pressed.choice) == (None, "")


def test_ones_own_shared_contact_carries_the_phone_as_proved() -> None:
    """The share-my-number button sends the member's own contact: Telegram vouches for it."""
    contact = Contact("38267123456", "Ana", user_id=7)
    shared = inbound(Update(46, message=message(contact=contact)))
    assert (Kind.CONTACT, "38267123456", True) == (
        shared.kind,
        shared.contact_phone,
        shared.contact_own,
    )


def test_someone_elses_contact_proves_nothing() -> None:
    """A contact card of another Telegram user is never taken as the member's own number."""
    contact = Contact("38269000000", "Marko", user_id=8)
    shared = inbound(Update(47, message=message(contact=contact)))
    assert (Kind.CONTACT, "38269000000", False) == (
        shared.kind,
        shared.contact_phone,
        shared.contact_own,
    )


def test_a_contact_without_a_telegram_account_proves_nothing() -> None:
    """Telegram leaves user_id out for a number with no account: such a card is not the
    sender's own (the profile takeover an adversarial review found)."""
    contact = Contact("38269000000", "Marko")
    shared = inbound(Update(49, message=message(contact=contact)))
    assert (Kind.CONTACT, False) == (shared.kind, shared.contact_own)


def test_a_location_is_a_location() -> None:
    """A shared location is its own kind, so flows can say they cannot use it."""
    located = inbound(Update(48, message=message(location=Location(19.26, 42.44))))
    assert located.kind == Kind.LOCATION


def test_a_sticker_or_photo_is_media_with_its_caption() -> None:
    """Stickers and photos are media; a photo's caption comes along as text."""
    sticker = Sticker("s", "su", 512, 512, False, False, Sticker.REGULAR)
    photo = [PhotoSize("p", "pu", 90, 90)]
    stuck = inbound(Update(49, message=message(sticker=sticker)))
    assert (stuck.kind, stuck.text) == (Kind.MEDIA, "")
    captioned = inbound(Update(50, message=message(photo=photo, caption="Our team")))
    assert (captioned.kind, captioned.text) == (Kind.MEDIA, "Our team")


def test_groups_and_updates_without_a_user_are_ignored() -> None:
    """The bot talks to members one to one; group messages and channel posts get no answer."""
    group = Message(
        message_id=1,
        date=NOW,
        chat=Chat(id=-100, type=Chat.SUPERGROUP),
        from_user=ANA,
        text="/start",
    )
    post = Message(message_id=2, date=NOW, chat=Chat(id=-200, type=Chat.CHANNEL), text="News")
    assert (
        to_inbound(Update(51, message=group), NOW),
        to_inbound(Update(52, channel_post=post), NOW),
    ) == (None, None)


def test_options_become_an_inline_keyboard_with_controls_on_the_last_row() -> None:
    """Choices fill ``columns`` a row; back and cancel share the last; data is ref:option."""
    reply = Reply(
        "Which country?",
        options=(
            Option("RS", "Serbia"),
            Option("DE", "Germany"),
            Option("US", "United States"),
            Option("~back", "Back"),
            Option("~cancel", "Cancel"),
        ),
        ref=4,
        columns=2,
    )
    markup = _inline(reply)
    rows = [
        [(button.text, button.callback_data) for button in row] for row in markup.inline_keyboard
    ]
    expected = [
        [("Serbia", "4:RS"), ("Germany", "4:DE")],
        [("United States", "4:US")],
        [("Back", "4:~back"), ("Cancel", "4:~cancel")],
    ]
    assert expected == rows


def _inline(reply: Reply) -> InlineKeyboardMarkup:
    """The reply's keyboard, read back as python-telegram-bot reads the Bot API's JSON."""
    markup = keyboard(reply)
    assert markup is not None
    return InlineKeyboardMarkup.de_json(markup, None)


def test_the_phone_question_keeps_inline_controls_and_a_share_only_keyboard() -> None:
    """The controls stay inline; the share keyboard holds the share button and nothing else."""
    reply = Reply(
        "Your phone?",
        options=(Option("~skip", "Skip"), Option("~cancel", "Cancel")),
        ref=9,
        request_phone=True,
        phone_label="Share my phone number",
    )
    inline = _inline(reply)
    assert [["9:~skip", "9:~cancel"]] == [
        [button.callback_data for button in row] for row in inline.inline_keyboard
    ]
    markup = phone_keyboard(reply)
    [[share]] = markup["keyboard"]
    assert {"text": "Share my phone number", "request_contact": True} == share
    assert markup["one_time_keyboard"] is True


def test_a_reply_without_options_has_no_keyboard() -> None:
    """Plain messages carry no markup at all."""
    assert keyboard(Reply("Thanks!")) is None


def test_an_option_id_too_long_for_callback_data_is_refused() -> None:
    """callback_data over 64 bytes would be rejected by Telegram; it fails loudly here first."""
    with pytest.raises(ValueError, match="too long"):
        keyboard(Reply("Pick", options=(Option("x" * 70, "X"),), ref=1))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), Unreachable),
        (BadRequest("Chat not found"), Unreachable),
        (BadRequest("Message is too long"), PermanentDeliveryError),
        (TimedOut(), TemporaryDeliveryError),
        (NetworkError("Bad Gateway"), TemporaryDeliveryError),
        (RetryAfter(dtm.timedelta(seconds=7)), RateLimited),
    ],
)
def test_library_errors_become_ours(error: TelegramError, expected: type[DeliveryError]) -> None:
    """Each python-telegram-bot error maps to the one class that says what to do next."""
    assert expected is type(translate(error))


def test_flood_control_keeps_the_seconds_to_wait() -> None:
    """RetryAfter's wait survives as RateLimited.retry_after, in seconds."""
    translated = translate(RetryAfter(dtm.timedelta(seconds=7)))
    assert isinstance(translated, RateLimited)
    assert translated.retry_after == 7.0
