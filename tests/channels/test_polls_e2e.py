"""Polls end to end: on Telegram through the fake Bot API server (inline buttons: press, change
by pressing another, closed), on WhatsApp through the fake Twilio server (a numbered list in
Montenegrin answered by number and by word; the approved template outside the 24-hour window,
then the question after the member's "zdravo"; STOP), and on the terminal (stdin and stdout)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import App
from bot.clock import FixedClock
from tests.conftest import make_settings, whatsapp_settings
from tests.content.test_polls import write_poll
from tests.fakes.bot_api import FakeBotApi, TelegramUser
from tests.fakes.twilio_api import FakeTwilioApi, WhatsAppMember
from tests.sample import add_member, content_folder

ANA = 1001
PHONE = "+38267123456"
POLL_SID = "HX" + "b2" * 16
# 11:00 in Podgorica on 27 November 2026; the poll closes on 10 December at 20:00.
SENT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CLOSED = datetime(2026, 12, 10, 19, 0, tzinfo=UTC)
FORUM = f"""
---
send_at: 2026-11-27 11:00
closes_at: 2026-12-10 20:00
topic: business
options:
  "yes": {{en: "Yes, I would come", cnr: "Da, došao/la bih"}}
  online: {{en: "Only online", cnr: "Samo onlajn"}}
  "no": {{en: "No", cnr: "Ne"}}
whatsapp_template:
  content_sid: {POLL_SID}
  variables: {{"1": "{{first_name}}"}}
---
# en
{{first_name}}, would you attend a business forum in Nikšić?
# cnr
{{first_name}}, da li biste došli na poslovni forum u Nikšiću?
"""


def _folder(tmp_path: Path) -> Path:
    folder = content_folder(tmp_path)
    write_poll(folder, "forum", FORUM)
    return folder


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def telegram_app(fake: FakeBotApi, tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    settings = make_settings(
        tmp_path,
        content_dir=_folder(tmp_path),
        telegram_bot_token=fake.token,
        telegram_api_base_url=f"{fake.url}/bot",
    )
    async with App(settings, clock=clock) as running:
        assert running.telegram is not None
        await running.telegram.start()
        try:
            yield running
        finally:
            await running.telegram.stop()


async def _send_due(app: App, clock: FixedClock) -> None:
    clock.at = SENT
    await app.planner.tick()
    await app.sender.drain()


async def test_on_telegram_a_press_answers_another_changes_it_and_closed_is_closed(
    telegram_app: App, fake: FakeBotApi, clock: FixedClock
) -> None:
    """The poll arrives with its options as inline buttons; "No" is recorded, "Yes" on the same
    message changes it, a typed word changes it again; after closing a press changes nothing."""
    app = telegram_app
    member = await add_member(app.store, f"telegram:{ANA}", clock.now(), name="Ana", country="DE")
    await _send_due(app, clock)
    [poll] = await fake.wait_for_messages(ANA, 1)
    assert "Ana, would you attend a business forum in Nikšić?" == poll.text
    assert ["Yes, I would come", "Only online", "No"] == [b["text"] for b in poll.buttons]
    assert "0:/poll forum no" == poll.callback_data("No")
    ana = TelegramUser(fake, ANA)
    thanks, _menu = await ana.press_on(poll, "No", replies=2)
    assert (
        "Thank you! Your answer: No\nYou can change it until 10 December 2026, 20:00."
        == thanks.text
    )
    changed, _menu = await ana.press_on(poll, "Yes, I would come", replies=2)
    assert changed.text.startswith("Your answer is changed: Yes, I would come")
    again, _menu = await ana.send("only online", replies=2)
    assert again.text.startswith("Your answer is changed: Only online")
    clock.at = CLOSED
    closed, _menu = await ana.press_on(poll, "No", replies=2)
    assert "This poll closed on 10 December 2026, 20:00. Thank you for taking part!" == closed.text
    answer = await app.store.polls.get("forum", member.id)
    assert answer is not None and (("online",), "telegram", 2) == (
        answer.choices,
        answer.channel,
        answer.changes,
    )


@pytest.fixture
async def whatsapp_app(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> AsyncIterator[App]:
    settings = whatsapp_settings(tmp_path, twilio, content_dir=_folder(tmp_path))
    async with App(settings, clock=clock) as running:
        yield running


@pytest.fixture
async def web(whatsapp_app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=whatsapp_app.asgi())
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.internal") as client:
        yield client


async def test_on_whatsapp_a_number_and_then_a_word_answer_in_montenegrin(
    whatsapp_app: App, twilio: FakeTwilioApi, web: httpx.AsyncClient, clock: FixedClock
) -> None:
    """Within the 24-hour window the poll is a numbered list with WhatsApp's hint in the
    member's language; "3" answers it (not the menu she saw before), the word "ne" is kept."""
    app = whatsapp_app
    jelena = WhatsAppMember(twilio, web, PHONE, profile_name="Jelena")
    member = await add_member(
        app.store, jelena.address, clock.now(), name="Jelena", country="DE", language="cnr"
    )
    clock.at = SENT.replace(hour=9)
    await jelena.send("Zdravo")
    await _send_due(app, clock)
    [poll] = await twilio.wait_for(jelena.address, 1)
    assert (
        "Jelena, da li biste došli na poslovni forum u Nikšiću?\n\n"
        "1. Da, došao/la bih\n2. Samo onlajn\n3. Ne\n\n"
        "_Odgovorite brojem ili tekstom jedne od opcija._"
    ) == poll.body
    thanks, _menu = await jelena.send("2", replies=2)
    assert (thanks.body or "").startswith("Hvala! Vaš odgovor: Samo onlajn")
    changed, _menu = await jelena.send("ne", replies=2)
    assert (changed.body or "").startswith("Vaš odgovor je promijenjen: Ne")
    answer = await app.store.polls.get("forum", member.id)
    assert answer is not None and ("no",) == answer.choices


async def test_on_whatsapp_outside_the_window_the_template_then_the_question(
    whatsapp_app: App, twilio: FakeTwilioApi, web: httpx.AsyncClient, clock: FixedClock
) -> None:
    """A member silent for days gets the approved template; her "zdravo" brings the question
    with its options, and her answer is recorded."""
    app = whatsapp_app
    jelena = WhatsAppMember(twilio, web, PHONE, profile_name="Jelena")
    days_ago = clock.now() - timedelta(days=3)
    member = await add_member(
        app.store, jelena.address, days_ago, name="Jelena", country="DE", language="cnr"
    )
    await _send_due(app, clock)
    [template] = await twilio.wait_for(jelena.address, 1)
    assert (POLL_SID, {"1": "Jelena"}) == (template.content_sid, template.content_variables)
    [question] = await jelena.send("zdravo", replies=1)
    assert (question.body or "").startswith(
        "Jelena, da li biste došli na poslovni forum u Nikšiću?\n\n1. Da, došao/la bih"
    )
    await jelena.send("1", replies=2)
    answer = await app.store.polls.get("forum", member.id)
    assert answer is not None and ("yes",) == answer.choices


async def test_stop_on_whatsapp_stops_polls_too(
    whatsapp_app: App, twilio: FakeTwilioApi, web: httpx.AsyncClient, clock: FixedClock
) -> None:
    """After STOP the poll is neither queued nor sent to her."""
    app = whatsapp_app
    jelena = WhatsAppMember(twilio, web, PHONE, profile_name="Jelena")
    await add_member(app.store, jelena.address, clock.now(), name="Jelena", country="DE")
    await jelena.send("STOP", replies=2)
    await _send_due(app, clock)
    assert {} == await app.store.outbox.counts("poll:forum")
    assert [] == twilio.unread(jelena.address)


async def test_on_the_terminal_a_number_answers(tmp_path: Path, clock: FixedClock) -> None:
    """The terminal prints the poll as a numbered list; "2" typed on stdin answers it."""
    settings = make_settings(tmp_path, content_dir=_folder(tmp_path))
    stdout = io.StringIO()
    async with App(settings, clock=clock) as app:
        terminal = app.terminal(io.StringIO("2\n"), stdout)
        member = await add_member(
            app.store, "terminal:local", clock.now(), name="Ana", country="DE"
        )
        await _send_due(app, clock)
        await terminal.run("")
        answer = await app.store.polls.get("forum", member.id)
    shown = stdout.getvalue()
    assert (
        "Ana, would you attend a business forum in Nikšić?\n"
        "  1. Yes, I would come\n  2. Only online\n  3. No"
    ) in shown
    assert "Thank you! Your answer: Only online" in shown
    assert answer is not None and ("online",) == answer.choices
