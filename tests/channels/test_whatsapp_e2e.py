"""WhatsApp end to end: signed webhooks into the Starlette app, replies out through the real
twilio-python async client to a fake Twilio REST server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.app import App
from bot.clock import FixedClock
from bot.messages import Reply, Template
from bot.relay import Relay
from bot.store import Member, Outgoing
from tests.chat import Chat
from tests.conftest import whatsapp_settings
from tests.fakes.twilio_api import BODY_LIMIT, FakeTwilioApi, Sent, WhatsAppMember

PHONE = "+38267123456"
ANA = f"whatsapp:{PHONE}"


def relay_of(app: App) -> Relay:
    assert app.relay is not None
    return app.relay


def bodies(sent: list[Sent]) -> list[str]:
    return [message.body or "" for message in sent]


async def member_at(app: App, address: str = ANA) -> Member:
    member = await app.store.members.by_address(address)
    assert member is not None
    return member


async def test_a_whole_registration_over_whatsapp(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """Numbers and labels answer the numbered lists; the member ends up on the map."""
    ana = WhatsAppMember(twilio, web_client, PHONE, profile_name="Ana Marković")
    text = whatsapp_app.content.text

    greeting, languages = await ana.send("START", replies=2)
    assert text("en", "start.greeting") + "\n\n" + text("cnr", "start.greeting") == greeting.body
    assert (
        "Please choose your language.\n\nMolimo izaberite jezik.\n\n"
        "1. English\n2. Crnogorski\n3. ✖️ Cancel\n\n"
        "_Reply with a number or the text of an option._"
    ) == languages.body

    [consent] = await ana.send("1")
    assert (consent.body or "").startswith("Before we start")
    [name] = await ana.send("i agree")
    assert (name.body or "").startswith("What is your name?\n\n1. Ana Marković\n")
    [country] = await ana.send("1")
    assert "2. Germany" in (country.body or "")
    for answer in (
        "germany",
        "Berlin",
        "niksic",
        "2015",
        "it and software",
        "Software engineer, cloud",
        "1, 3",
        "events in montenegro, FELLOWSHIP and knowledge transfer",
        "whatsapp",
        "skip",
    ):
        await ana.send(answer)
    [summary] = await ana.send("+382 67 123 456")
    assert "Phone: +38267123456" in (summary.body or "")
    assert "Preferred contact: WhatsApp" in (summary.body or "")
    thanks, menu = await ana.send("confirm", replies=2)

    assert text("en", "registration.thanks", name="Ana") == thanks.body
    assert (menu.body or "").startswith(text("en", "menu.member", name="Ana"))
    member = await member_at(whatsapp_app)
    assert (True, "whatsapp", "+38267123456", "Berlin", "Nikšić") == (
        member.registered,
        member.preferred_channel,
        member.phone,
        member.city,
        member.municipality,
    )
    everything = twilio.messages(ANA)
    assert all(len(message.body or "") <= BODY_LIMIT for message in everything)
    assert {f"whatsapp:{twilio.sender.removeprefix('whatsapp:')}"} == {
        message.from_ for message in everything
    }
    [address] = await whatsapp_app.store.members.addresses(member.id)
    assert whatsapp_app.clock.now().isoformat() == address.last_inbound_at


async def test_stop_and_start_over_whatsapp(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """STOP ends announcements and says so; START turns them back on."""
    now = clock.now()
    created = await whatsapp_app.store.members.create(
        ANA, language="en", consent_version="v", now=now
    )
    await whatsapp_app.store.members.update(created.id, now, name="Ana", registered_at="x")
    ana = WhatsAppMember(twilio, web_client, PHONE)
    text = whatsapp_app.content.text

    stopped, _ = await ana.send("STOP", replies=2)
    stopped_at = (await member_at(whatsapp_app)).stopped_at
    resumed, _ = await ana.send("start", replies=2)

    assert [text("en", "stop.done"), text("en", "stop.resumed")] == bodies([stopped, resumed])
    assert (now.isoformat(), None) == (stopped_at, (await member_at(whatsapp_app)).stopped_at)


async def test_a_quick_reply_button_is_understood(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """A template's quick reply with the payload ``/events`` opens the events."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    by_button = await ana.press("/events", text="See events")
    await ana.send("/events")
    by_typing = twilio.messages(ANA)[-1]

    assert by_typing.body == by_button[-1].body


async def test_photos_contacts_and_locations_get_a_friendly_answer(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """Outside a question: thanks, and the menu; inside one: the question again."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    text = whatsapp_app.content.text

    thanks, menu = await ana.send_media("image/jpeg", caption="me in Berlin", replies=2)
    located, _ = await ana.send_location(52.52, 13.40, replies=2)
    await ana.send("start", replies=2)
    unsupported, question = await ana.send_media("text/vcard", replies=2)

    assert [text("en", "engine.unsupported_outside_flow")] * 2 == bodies([thanks, located])
    assert (menu.body or "").startswith(text("en", "menu.guest"))
    assert text("en", "engine.unsupported") == unsupported.body
    assert (question.body or "").startswith(text("en", "registration.ask_language"))


async def test_a_repeated_webhook_is_answered_once(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """Twilio retrying the same MessageSid gets 200 again and no second answer."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    fields = ana.fields(Body="hi")

    first = await ana.post(fields)
    await twilio.wait_for(ANA, 1)
    second = await ana.post(fields)
    await relay_of(whatsapp_app).idle()

    assert (200, 200, []) == (first.status_code, second.status_code, twilio.unread(ANA))
    assert "text/xml" in first.headers["content-type"]


async def test_a_twilio_outage_loses_no_message(
    whatsapp_app: App,
    twilio: FakeTwilioApi,
    web_client: httpx.AsyncClient,
    clock: FixedClock,
) -> None:
    """Messages that came while Twilio failed are answered, in order, once it is back."""
    ana = WhatsAppMember(twilio, web_client, PHONE)
    relay = relay_of(whatsapp_app)
    twilio.down = True

    first = await ana.post(ana.fields(Body="start"))
    second = await ana.post(ana.fields(Body="1"))
    await relay.idle()
    waiting = await whatsapp_app.store.inbox.waiting()
    health = (await web_client.get("/healthz")).json()
    twilio.down = False
    clock.advance(seconds=3)
    await relay.sweep()
    greeting, languages, consent = await twilio.wait_for(ANA, 3)

    assert (200, 200, 2, 2) == (
        first.status_code,
        second.status_code,
        waiting,
        health["whatsapp_waiting"],
    )
    assert (greeting.body or "").startswith("Welcome to Diaspora Connect")
    assert (languages.body or "").startswith("Please choose your language.")
    assert (consent.body or "").startswith("Before we start")
    assert 0 == await whatsapp_app.store.inbox.waiting()


async def test_a_message_stored_before_a_restart_is_answered_after_it(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> None:
    """The webhook's 200 comes after the message is in SQLite; the next run answers it."""
    settings = whatsapp_settings(tmp_path, twilio)
    twilio.down = True
    async with App(settings, clock=clock) as first:
        transport = httpx.ASGITransport(app=first.asgi())
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            ana = WhatsAppMember(twilio, client, PHONE)
            assert 200 == (await ana.post(ana.fields(Body="hi"))).status_code
    twilio.down = False

    async with App(settings, clock=clock) as second:
        await relay_of(second).start()
        [menu] = await twilio.wait_for(ANA, 1)

    assert (menu.body or "").startswith(second.content.text("en", "menu.guest"))


async def test_a_number_not_on_whatsapp_is_marked_unreachable(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """Twilio's 63003 on a reply marks the address; the message is not retried."""
    await whatsapp_app.store.members.create(
        ANA, language="en", consent_version="v", now=clock.now()
    )
    twilio.fail_to(ANA, 400, 63003, "Channel could not find To address")
    ana = WhatsAppMember(twilio, web_client, PHONE)

    await ana.post(ana.fields(Body="hi"))
    await relay_of(whatsapp_app).idle()

    member = await member_at(whatsapp_app)
    [address] = await whatsapp_app.store.members.addresses(member.id)
    assert (clock.now().isoformat(), 0) == (
        address.unreachable_at,
        await whatsapp_app.store.inbox.waiting(),
    )


class Recorder:
    """A channel that keeps what it was asked to send."""

    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, address: str, reply: Reply) -> str:
        self.sent.append((address, reply))
        return f"tg-{len(self.sent)}"


async def test_one_member_on_telegram_and_whatsapp_gets_each_message_once(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> None:
    """Registered on Telegram with the shared number, then writing from WhatsApp: one member,
    no second registration, and a broadcast goes once, to the channel they prefer."""
    telegram = Recorder()
    settings = whatsapp_settings(tmp_path, twilio)
    async with App(settings, clock=clock, channels={"telegram": telegram}) as app:
        on_telegram = Chat(app.engine, clock, "telegram:1001", display_name="Ana Marković")
        for text in ["/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"]:
            await on_telegram.send(text)
        for _ in range(6):
            await on_telegram.send("skip")
        await on_telegram.send("WhatsApp")
        await on_telegram.send("skip")
        await on_telegram.share_contact("+38267123456")
        await on_telegram.send("confirm")
        transport = httpx.ASGITransport(app=app.asgi())
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            ana = WhatsAppMember(twilio, client, PHONE)
            linked, menu = await ana.send("hi", replies=2)
            member = await member_at(app, "telegram:1001")
            await app.store.outbox.enqueue(
                [Outgoing("broadcast:1", "broadcast", member.id, "Hello!", clock.now())],
                clock.now(),
            )
            report = await app.sender.drain()

        assert app.content.text("en", "engine.linked") == linked.body
        assert (menu.body or "").startswith(app.content.text("en", "menu.member", name="Ana"))
        assert (member.id, 1) == ((await member_at(app)).id, await app.store.members.count())
        assert (1, [], ["Hello!"]) == (
            report.sent,
            telegram.sent,
            bodies(twilio.unread(ANA)),
        )


async def test_the_window_rule_over_whatsapp(
    whatsapp_app: App, twilio: FakeTwilioApi, clock: FixedClock
) -> None:
    """Free text inside 24 hours of the member's last message; after it only the template
    (content SID and variables, no body), or nothing and ``needs_template``."""
    app = whatsapp_app
    member = await app.store.members.create(
        ANA, language="en", consent_version="v", now=clock.now()
    )
    await app.store.members.update(member.id, clock.now(), name="Ana", registered_at="x")
    template = Template("HX0123456789", {"1": "Ana"})

    async def send(job: str, template: Template | None = None) -> None:
        outgoing = Outgoing(job, "campaign", member.id, "Hello Ana", clock.now(), template)
        await app.store.outbox.enqueue([outgoing], clock.now())
        await app.sender.drain()

    await send("campaign:inside", template)
    clock.advance(hours=25)
    await send("campaign:plain")
    await send("campaign:templated", template)

    inside, templated = twilio.messages(ANA)
    assert ("Hello Ana", None) == (inside.body, inside.content_sid)
    assert (None, "HX0123456789", {"1": "Ana"}) == (
        templated.body,
        templated.content_sid,
        templated.content_variables,
    )
    counts = await app.store.outbox.counts()
    assert {"sent": 2, "needs_template": 1} == counts


async def test_a_typo_over_whatsapp_is_asked_about_as_a_numbered_list_in_montenegrin(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """ "turizm" at the sector comes back as "Da li ste mislili na …?" with the option numbered
    first; "1" takes it. "preskoči" skips and "da" agrees, in Montenegrin words."""
    ana = WhatsAppMember(twilio, web_client, PHONE, profile_name="Ana Marković")
    await ana.send("START", replies=2)
    await ana.send("2")
    for answer in ("da", "1", "Njemačka", "Berlin", "preskoči", "preskoči"):
        await ana.send(answer)

    [question] = await ana.send("turizm")

    assert (
        "Da li ste mislili na „Turizam i ugostiteljstvo“?\n\n"
        "1. Turizam i ugostiteljstvo\n2. ⏭ Preskoči\n3. ⬅️ Nazad\n4. ✖️ Odustani\n\n"
    ) in (question.body or "")
    [skills] = await ana.send("1")
    assert (skills.body or "").startswith("Ukratko, šta znate i čime se bavite?")


async def test_menu_inside_a_question_over_whatsapp_lists_the_way_back(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient
) -> None:
    """MENU while the city is asked lists the menu with "Back to the question" numbered last;
    its number asks the city again."""
    ana = WhatsAppMember(twilio, web_client, PHONE, profile_name="Ana Marković")
    await ana.send("START", replies=2)
    for answer in ("1", "yes", "1", "Germany"):
        await ana.send(answer)

    [menu] = await ana.send("MENU")
    body = menu.body or ""
    assert body.startswith("What would you like to do?\n\n1. 📝 Register\n")
    last = body.split("\n\n")[1].splitlines()[-1]
    assert last.endswith(". ↩️ Back to the question")

    [city] = await ana.send(last.split(".")[0])
    assert (city.body or "").startswith("Which city or town do you live in?")
