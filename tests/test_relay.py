"""The relay: stored WhatsApp messages are answered in order, retried through Twilio's failures,
and given up only when the answer would come too late for WhatsApp's window."""

from __future__ import annotations

import httpx

from bot.app import App
from bot.clock import FixedClock
from bot.relay import Relay
from tests.fakes.twilio_api import FakeTwilioApi, WhatsAppMember

PHONE = "+38267123456"
ANA = f"whatsapp:{PHONE}"


def relay_of(app: App) -> Relay:
    assert app.relay is not None
    return app.relay


async def test_a_rate_limited_reply_waits_and_then_goes(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """A 429 puts the reply back for a moment; the next sweep after it sends it."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    relay = relay_of(whatsapp_app)
    twilio.fail(429, 20429, "Too Many Requests")

    await ana.post(ana.fields(Body="hi"))
    await relay.idle()
    early = await relay.sweep()
    clock.advance(seconds=1)
    due = await relay.sweep()
    [menu] = await twilio.wait_for(ANA, 1)

    assert (0, 1) == (early, due)
    assert (menu.body or "").startswith(whatsapp_app.content.text("en", "menu.guest"))


async def test_retries_back_off(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """Each failure waits longer than the one before: 2 s, 10 s, 30 s, ..."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    relay = relay_of(whatsapp_app)
    twilio.down = True
    await ana.post(ana.fields(Body="hi"))
    await relay.idle()
    waits = []
    for _ in range(3):
        row = await whatsapp_app.store.inbox.next_for(ANA)
        assert row is not None
        waits.append(row.not_before)
        clock.advance(seconds=60)
        await relay.sweep()
        await relay.idle()

    start = clock.now().replace(minute=0, second=0)
    assert [
        start.replace(second=2).isoformat(),
        start.replace(minute=1, second=10).isoformat(),
        start.replace(minute=2, second=30).isoformat(),
    ] == waits


async def test_a_reply_is_given_up_when_the_window_would_be_closed(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """After 23 hours of outage the reply is dropped (WhatsApp would refuse it anyway)."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    relay = relay_of(whatsapp_app)
    twilio.down = True
    await ana.post(ana.fields(Body="hi"))
    await relay.idle()

    clock.advance(hours=23)
    await relay.sweep()
    await relay.idle()

    assert (0, []) == (await whatsapp_app.store.inbox.waiting(), twilio.messages(ANA))


async def test_one_members_messages_are_answered_in_order(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """Webhooks posted back to back are handled one after the other, replies in order."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    for text in ("start", "1", "1"):
        await ana.post(ana.fields(Body=text))

    greeting, languages, consent, name = await twilio.wait_for(ANA, 4)

    assert [True, True, True, True] == [
        (greeting.body or "").startswith("Welcome"),
        (languages.body or "").startswith("Please choose your language."),
        (consent.body or "").startswith("Before we start"),
        (name.body or "").startswith("What is your name?"),
    ]
