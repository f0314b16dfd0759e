"""Questions end to end: on Telegram through a fake Bot API server (the FAQ's buttons, the staff
group's posts and a staff member's reply that answers), and on WhatsApp through a fake Twilio
server (numbered options in Montenegrin, an answer outside the 24-hour window: the template,
then the answer after the member's next message)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import App
from bot.clock import FixedClock
from staff import answers
from tests.conftest import make_settings, whatsapp_settings
from tests.fakes.bot_api import FakeBotApi, TelegramUser
from tests.fakes.twilio_api import FakeTwilioApi, WhatsAppMember
from tests.sample import add_member, content_folder

ANA, STAFF, STRANGER = 1001, 900, 901
GROUP = -1001234567890
PENSION = "My grandmother's pension from Montenegro no longer arrives in Berlin."
PHONE = "+38267123456"
ANSWERS_SID = "HX" + "a1" * 16


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def app(fake: FakeBotApi, tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    settings = make_settings(
        tmp_path,
        telegram_bot_token=fake.token,
        telegram_api_base_url=f"{fake.url}/bot",
        staff_telegram_chat_id=GROUP,
        staff_telegram_ids=[str(STAFF)],
    )
    async with App(settings, clock=clock) as running:
        assert running.telegram is not None
        await running.telegram.start()
        try:
            yield running
        finally:
            await running.telegram.stop()


async def test_an_faq_answer_on_telegram_has_yes_and_no_buttons(
    app: App, fake: FakeBotApi, clock: FixedClock
) -> None:
    """A registered member's question the FAQ knows: the answer, then the question with its
    two buttons; "Yes" ends it."""
    await add_member(app.store, f"telegram:{ANA}", clock.now(), name="Ana", country="DE")
    ana = TelegramUser(fake, ANA)
    answer, helped = await ana.send("how do i delete my data?", replies=2)
    assert answer.text.startswith("Send /delete and confirm")
    assert ["👍 Yes, thanks", "🙋 No, ask the team"] == [b["text"] for b in helped.buttons]
    glad, _menu = await ana.press("👍 Yes, thanks", replies=2)
    assert "Glad it helped!" == glad.text


async def test_a_question_goes_to_the_staff_group_and_a_staff_reply_answers_it(
    app: App, fake: FakeBotApi, clock: FixedClock
) -> None:
    """The question is posted in the staff group with the member's language and profile line;
    a stranger's reply there is ignored; a staff member's reply reaches the member (through
    the outbox) without saying who wrote it, and the group is told it went."""
    await add_member(
        app.store, f"telegram:{ANA}", clock.now(), name="Ana Marković", country="DE", city="Berlin"
    )
    ana = TelegramUser(fake, ANA)
    [sent] = await ana.send(PENSION)
    assert sent.text.startswith("Thank you! Your question went to the programme team (no. 1)")

    assert 1 == await app.staff_group.post()
    [post] = await fake.wait_for_messages(GROUP, 1)
    assert post.text == (
        "❓ Question no. 1 · English\nAna Marković · Germany, Berlin\n\n"
        f"{PENSION}\n\n↩️ Reply to this message to answer."
    )
    assert 0 == await app.staff_group.post()

    fake.push_group_reply(GROUP, STRANGER, "I can help! Call me.", post.message_id)
    fake.push_group_reply(GROUP, STAFF, "Please write to the Fond PIO.", post.message_id)
    [told] = await fake.wait_for_messages(GROUP, 1)
    assert "✅ Sent to the member (question no. 1)." == told.text

    await app.sender.drain()
    [answer] = await fake.wait_for_messages(ANA, 1)
    assert "💬 The programme team about your question no. 1:\n\nPlease write to the Fond PIO." == (
        answer.text
    )
    messages = await app.store.questions.messages(1)
    assert [("member", None), ("answer", f"telegram:{STAFF}")] == [
        (message.kind, message.author) for message in messages
    ]
    assert "I can help" not in str(messages)


async def test_follow_ups_are_posted_too_and_only_replies_in_the_staff_group_count(
    app: App, fake: FakeBotApi, clock: FixedClock
) -> None:
    """A follow-up is its own post (a reply to it answers as well); a reply in another group
    is dropped."""
    await add_member(app.store, f"telegram:{ANA}", clock.now(), name="Ana", country="DE")
    ana = TelegramUser(fake, ANA)
    await ana.send(PENSION)
    await ana.send("She gets it through the Fond PIO.")
    assert 2 == await app.staff_group.post()
    _first, follow = await fake.wait_for_messages(GROUP, 2)
    assert follow.text.startswith("↪️ Question no. 1, the member adds:")
    fake.push_group_reply(-42, STAFF, "wrong group", follow.message_id)
    fake.push_group_reply(GROUP, STAFF, "We are on it.", follow.message_id)
    [told] = await fake.wait_for_messages(GROUP, 1)
    assert "✅ Sent to the member (question no. 1)." == told.text
    assert ["We are on it."] == [
        m.text for m in await app.store.questions.messages(1) if m.kind == "answer"
    ]


@pytest.fixture
async def whatsapp_app(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> AsyncIterator[App]:
    """WhatsApp through the fake Twilio API, with an approved template for waiting answers."""
    folder = content_folder(tmp_path)
    programme = folder / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    placeholder = "HX" + "x" * 32
    block = f"  answers:\n    en: {placeholder}\n    cnr: {placeholder}\n"
    assert block in text
    programme.write_text(
        text.replace(block, f"  answers:\n    en: {ANSWERS_SID}\n    cnr: {ANSWERS_SID}\n"),
        encoding="utf-8",
    )
    settings = whatsapp_settings(tmp_path, twilio, content_dir=folder)
    async with App(settings, clock=clock) as running:
        yield running


@pytest.fixture
async def web(whatsapp_app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=whatsapp_app.asgi())
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.internal") as client:
        yield client


async def test_on_whatsapp_in_montenegrin_a_typed_number_asks_the_team(
    whatsapp_app: App, twilio: FakeTwilioApi, web: httpx.AsyncClient, clock: FixedClock
) -> None:
    """The FAQ's answer in Montenegrin with numbered options; "2" sends it to the team."""
    await add_member(
        whatsapp_app.store, f"whatsapp:{PHONE}", clock.now(), name="Jelena", country="DE",
        language="cnr",
    )  # fmt: skip
    jelena = WhatsAppMember(twilio, web, PHONE)
    answer, helped = await jelena.send("kako da obrisem podatke", replies=2)
    assert (answer.body or "").startswith("Pošaljite /delete i potvrdite")
    assert (helped.body or "").startswith(
        "Da li je ovo odgovor na vaše pitanje?\n\n1. 👍 Da, hvala\n2. 🙋 Ne, pitaj tim"
    )
    [sent, _menu] = await jelena.send("2", replies=2)
    assert (sent.body or "").startswith("Hvala! Vaše pitanje je poslato timu programa (br. 1).")


async def test_an_answer_outside_the_window_waits_for_the_members_next_message(
    whatsapp_app: App, twilio: FakeTwilioApi, web: httpx.AsyncClient, clock: FixedClock
) -> None:
    """Two days later the window is closed: the approved template says an answer is waiting
    (the member's first name as {{1}}); the answer itself goes after their next message, once."""
    app = whatsapp_app
    jelena = WhatsAppMember(twilio, web, PHONE, profile_name="Jelena")
    await add_member(
        app.store, f"whatsapp:{PHONE}", clock.now(), name="Jelena Popović", country="DE",
        language="cnr",
    )  # fmt: skip
    await jelena.send(PENSION)
    clock.advance(days=2)

    done = await answers.answer(
        app.store, app.content, 1, "Javite se Fondu PIO.", clock.now(), actor="cli:t"
    )
    assert (True, True) == (done.waits_for_member, done.notice)
    await app.sender.drain()
    [template] = await twilio.wait_for(f"whatsapp:{PHONE}", 1)
    assert (ANSWERS_SID, {"1": "Jelena"}) == (template.content_sid, template.content_variables)

    await jelena.send("Zdravo", replies=1)
    await app.sender.drain()
    [answer] = await twilio.wait_for(f"whatsapp:{PHONE}", 1)
    assert "💬 Tim programa o vašem pitanju br. 1:\n\nJavite se Fondu PIO." == answer.body
    await jelena.send("hvala")
    await app.sender.drain()
    assert [] == twilio.unread(f"whatsapp:{PHONE}")
