"""The real app, long polling a fake Bot API server over HTTP, as a member would meet it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.clock import FixedClock
from bot.errors import RateLimited, Unreachable
from bot.messages import Reply
from tests.conftest import make_settings
from tests.fakes.bot_api import FakeBotApi, Sent, TelegramUser

ANA = 1001


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def app(fake: FakeBotApi, tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    settings = make_settings(
        tmp_path, telegram_bot_token=fake.token, telegram_api_base_url=f"{fake.url}/bot"
    )
    async with App(settings, clock=clock) as running:
        assert running.telegram is not None
        await running.telegram.start()
        try:
            yield running
        finally:
            await running.telegram.stop()


@pytest.fixture
def telegram(app: App) -> TelegramChannel:
    assert app.telegram is not None
    return app.telegram


@pytest.fixture
def ana(fake: FakeBotApi, app: App) -> TelegramUser:
    return TelegramUser(fake, ANA, first_name="Ana")


async def walk_to_phone(ana: TelegramUser) -> tuple[Sent, Sent]:
    """Answers every registration question up to the phone number; returns that question and
    the message that carries the share button."""
    greeting, languages = await ana.send("/start", replies=2)
    assert "Diaspora Connect" in greeting.text
    assert languages.text == "Please choose your language.\n\nMolimo izaberite jezik."
    [consent] = await ana.press("English")
    assert consent.text.startswith("Before we start")
    [name] = await ana.press("✅ I agree")
    assert name.text == "What is your name?"
    [country] = await ana.press("Ana")
    assert country.text.startswith("Which country do you live in?")
    [city] = await ana.press("Germany")
    assert city.text == "Which city or town do you live in?"
    [municipality] = await ana.send("Berlin")
    assert municipality.text.startswith("Which municipality")
    [year] = await ana.press("Kotor")
    assert year.text.startswith("In which year")
    [sector] = await ana.send("2015")
    assert sector.text == "Which sector do you work in?"
    [skills] = await ana.press("IT and software")
    assert skills.text.startswith("In a few words")
    [languages] = await ana.send("Software engineering")
    assert languages.text.startswith("Which languages do you speak?")
    [toggled] = await ana.press("English")
    assert ("editMessageText", languages.message_id) == (toggled.method, toggled.message_id)
    assert "✅ English" in [button["text"] for button in toggled.buttons]
    [interests] = await ana.press("done")
    [toggled] = await ana.press("events")
    assert ("editMessageText", interests.message_id) == (toggled.method, toggled.message_id)
    [contact] = await ana.press("done")
    assert contact.text == "How would you prefer us to contact you?"
    [email] = await ana.press("Telegram")
    assert email.text.startswith("What is your e-mail address?")
    phone, share = await ana.send("ana@example.com", replies=2)
    assert phone.text.startswith("What is your phone number")
    return phone, share


async def test_a_member_registers_end_to_end(ana: TelegramUser, fake: FakeBotApi, app: App) -> None:
    """Every question answered through Telegram ends in a registered member in the store."""
    await walk_to_phone(ana)
    [summary] = await ana.share_contact("38267123456")
    assert summary.text.startswith("Please check your answers")
    assert "+38267123456" in summary.text
    thanks, menu = await ana.press("✅ Confirm", replies=2)
    assert thanks.text.startswith("Thank you, Ana!")
    assert menu.text == "What would you like to do, Ana?"

    [member] = await app.store.members.all()
    expected = {
        "name": "Ana",
        "country": "DE",
        "city": "Berlin",
        "municipality": "Kotor",
        "emigration_year": 2015,
        "sector": "it",
        "skills": "Software engineering",
        "languages": ["en"],
        "interests": ["events"],
        "preferred_channel": "telegram",
        "email": "ana@example.com",
        "phone": "+38267123456",
    }
    assert expected == member.profile()
    assert member.language == "en"
    assert fake.unread(ANA) == []


async def test_every_message_and_button_is_within_telegram_limits(
    ana: TelegramUser, fake: FakeBotApi
) -> None:
    """No message passes 4096 characters and no callback_data 64 bytes, all through the flow."""
    await walk_to_phone(ana)
    await ana.share_contact("+38267123456")
    await ana.press("✅ Confirm", replies=2)

    sent = fake.messages(ANA)
    data = [
        button["callback_data"] for m in sent for button in m.buttons if "callback_data" in button
    ]
    assert len(data) > 100
    assert [value for value in data if len(value.encode("utf-8")) > 64] == []
    assert [m.text[:40] for m in sent if len(m.text) > 4096] == []
    assert [call for call in fake.calls if call.status != 200] == []


async def test_the_phone_question_offers_the_share_button_and_proves_only_ones_own_contact(
    ana: TelegramUser, app: App
) -> None:
    """The share button requests the contact; someone else's card is only a typed number (kept,
    not proved), one's own is kept and proved."""
    phone, hint = await walk_to_phone(ana)
    assert ["⏭ Skip", "⬅️ Back", "✖️ Cancel"] == [button["text"] for button in phone.buttons]
    assert hint.reply_markup is not None
    [[share]] = hint.reply_markup["keyboard"]
    assert (True, True) == (share["request_contact"], hint.reply_markup["one_time_keyboard"])

    [summary] = await ana.share_contact("+38269000000", own=False)
    assert "+38269000000" in summary.text
    [back] = await ana.press("✏️ Phone")
    assert back.text.startswith("What is your phone number")
    [_, summary] = await ana.share_contact("+382 67 123 456", replies=2)
    assert "+38267123456" in summary.text
    await ana.press("✅ Confirm", replies=2)
    [member] = await app.store.members.all()
    assert ("+38267123456", "+38267123456") == (member.phone, member.verified_phone)


@pytest.mark.parametrize("own", [None, False])
async def test_a_contact_card_of_a_whatsapp_members_number_takes_over_nobody(
    ana: TelegramUser, app: App, clock: FixedClock, own: bool | None
) -> None:
    """A card with another member's WhatsApp number (with no Telegram account behind it, or
    another user's) joins nobody: the victim keeps their profile and their one address, and the
    sharer's /mydata shows only the sharer."""
    now = clock.now()
    victim = await app.store.members.create(
        "whatsapp:+38269000000", language="en", consent_version="v", now=now
    )
    await app.store.members.update(
        victim.id, now, registered_at=now.isoformat(), name="Milena Secret", country="AT"
    )
    await walk_to_phone(ana)

    [summary] = await ana.share_contact("+38269000000", own=own)
    await ana.press("✅ Confirm", replies=2)
    mydata = await ana.send("/mydata", replies=2)

    assert "Milena" not in summary.text + "".join(message.text for message in mydata)
    addresses = [a.address for a in await app.store.members.addresses(victim.id)]
    assert ["whatsapp:+38269000000"] == addresses
    sharer = await app.store.members.by_address(f"telegram:{ANA}")
    assert sharer is not None
    assert (sharer.id != victim.id, "+38269000000", None) == (
        True,
        sharer.phone,
        sharer.verified_phone,
    )


async def test_the_command_menu_is_registered_for_every_language(
    fake: FakeBotApi, app: App
) -> None:
    """setMyCommands runs once for everyone and once per language code, in that language."""
    calls = fake.calls_to("setMyCommands")
    menus = {call.params.get("language_code"): call.params["commands"] for call in calls}
    assert {None, "en", "sr", "hr", "bs", "sh"} == set(menus)
    assert len(calls) == len(menus)
    assert '"command": "start"' in menus[None]
    assert menus[None] == menus["en"]
    assert menus["sr"] == menus["hr"] != menus["en"]


async def test_a_sticker_gets_a_sensible_reply(ana: TelegramUser) -> None:
    """A sticker is answered: mid-flow the question is asked again, otherwise the menu shows."""
    note, menu = await ana.send_sticker(replies=2)
    assert note.text == "Thanks! I can only read text and buttons, though."
    assert menu.text.startswith("What would you like to do")
    await ana.send("/start", replies=2)
    note, question = await ana.send_sticker(replies=2)
    assert note.text == "I can only read text and buttons here. Please answer the question:"
    assert question.text == "Please choose your language.\n\nMolimo izaberite jezik."


async def test_a_5000_character_text_is_answered(ana: TelegramUser, fake: FakeBotApi) -> None:
    """A text longer than a Telegram message gets an answer, itself within the limit."""
    await ana.send("/start", replies=2)
    await ana.press("English")
    await ana.press("✅ I agree")
    reason, question = await ana.send("Ana" * 1667, replies=2)
    assert reason.text.startswith("That is too long")
    assert question.text == "What is your name?"
    assert all(len(message.text) <= 4096 for message in fake.messages(ANA))


async def test_a_press_on_an_old_keyboard_gets_the_earlier_question_answer(
    ana: TelegramUser,
) -> None:
    """A button under an earlier question is not taken as an answer to the current one."""
    _, languages = await ana.send("/start", replies=2)
    [consent] = await ana.press("English")
    note, again = await ana.press_on(languages, "Crnogorski", replies=2)
    assert note.text == "That button belongs to an earlier question. Here is where we are:"
    assert again.text == consent.text
    [name] = await ana.press("✅ I agree")
    assert name.text == "What is your name?"


async def test_a_long_message_is_split_within_the_limit(
    telegram: TelegramChannel, fake: FakeBotApi
) -> None:
    """A reply longer than 4096 characters arrives as several messages, nothing lost."""
    text = "\n\n".join(f"Paragraph {number}: " + "word " * 150 for number in range(7))
    assert len(text) > 5000
    await telegram.send(f"telegram:{ANA}", Reply(text))
    parts = await fake.wait_for_messages(ANA, 2)
    assert all(len(part.text) <= 4096 for part in parts)
    assert text.split() == " ".join(part.text for part in parts).split()


async def test_sending_to_a_member_who_blocked_the_bot_raises_unreachable(
    telegram: TelegramChannel, fake: FakeBotApi
) -> None:
    """Telegram's 403 for a blocked bot becomes Unreachable, a permanent failure."""
    fake.blocked.add(ANA)
    with pytest.raises(Unreachable):
        await telegram.send(f"telegram:{ANA}", Reply("News"))


async def test_flood_control_becomes_rate_limited_with_the_wait(
    telegram: TelegramChannel, fake: FakeBotApi
) -> None:
    """Telegram's 429 becomes RateLimited carrying retry_after in seconds."""
    fake.send_limit = 1
    fake.retry_after = 3
    await telegram.send(f"telegram:{ANA}", Reply("First"))
    with pytest.raises(RateLimited) as caught:
        await telegram.send(f"telegram:{ANA}", Reply("Second"))
    assert caught.value.retry_after == 3.0
    assert [call.status for call in fake.calls_to("sendMessage")] == [200, 429]
