"""The WhatsApp channel's translation: Twilio's webhook fields in, REST calls out, errors ours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.channels.whatsapp import (
    MESSAGE_LIMIT,
    Delivery,
    Part,
    TwilioApi,
    WhatsAppChannel,
    delivery_of,
    to_inbound,
    twilio_client,
)
from bot.clock import FixedClock
from bot.content import Content
from bot.errors import (
    DeliveryError,
    NeedsTemplate,
    PermanentDeliveryError,
    RateLimited,
    TemporaryDeliveryError,
    Unreachable,
)
from bot.media import Files
from bot.messages import Attachment, Inbound, Kind, Option, Reply, Template
from tests.conftest import CONTENT
from tests.fakes.twilio_api import ACCOUNT_SID, NUMBER, PUBLIC_BASE_URL, FakeTwilioApi

ANA = "whatsapp:+38267123456"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def webhook(**values: str) -> dict[str, str]:
    """A WhatsApp message's webhook fields, as Twilio posts them."""
    fields = {
        "MessageSid": "SM0001",
        "SmsMessageSid": "SM0001",
        "AccountSid": "AC0001",
        "From": ANA,
        "To": f"whatsapp:{NUMBER}",
        "Body": "",
        "NumMedia": "0",
        "ProfileName": "Ana Marković",
        "WaId": "38267123456",
        "MessageType": "text",
    }
    fields.update(values)
    return fields


@pytest.fixture(scope="module")
def content() -> Content:
    return Content.load(CONTENT, "en")


@pytest.fixture
async def channel(twilio: FakeTwilioApi, content: Content) -> AsyncIterator[WhatsAppChannel]:
    async with AsyncTwilioHttpClient() as http_client:
        client = twilio_client(twilio.account_sid, twilio.auth_token, http_client, twilio.url)
        yield WhatsAppChannel(
            client,
            NUMBER,
            content.text,
            "en",
            status_callback=f"{PUBLIC_BASE_URL}/whatsapp/status",
            files=Files(PUBLIC_BASE_URL, FixedClock(NOW)),
        )


# Webhook fields in.


def test_a_text_message_becomes_text_with_its_message_sid() -> None:
    """Body is the text; MessageSid dedupes; ProfileName is the name the app shows."""
    expected = Inbound(
        address=ANA,
        received_at=NOW,
        kind=Kind.TEXT,
        text="Nikšić",
        provider_id="SM0001",
        display_name="Ana Marković",
    )
    assert expected == to_inbound(webhook(Body="Nikšić"), NOW)


def test_a_quick_reply_payload_is_read_as_if_typed() -> None:
    """A template's button payload is matched like a typed number or label."""
    inbound = to_inbound(webhook(Body="Yes", ButtonText="Yes", ButtonPayload="2"), NOW)
    assert inbound is not None
    assert (Kind.TEXT, "2") == (inbound.kind, inbound.text)


def test_a_quick_reply_payload_with_a_slash_is_a_command() -> None:
    """A button whose payload is ``/events`` opens the events, whatever was asked before."""
    inbound = to_inbound(webhook(ButtonText="Events", ButtonPayload="/events"), NOW)
    assert inbound is not None
    assert (Kind.CHOICE, "/events") == (inbound.kind, inbound.choice)


@pytest.mark.parametrize("content_type", ["image/jpeg", "text/vcard", "application/pdf"])
def test_photos_files_and_contact_cards_are_media(content_type: str) -> None:
    """NumMedia > 0 is media, the caption kept; a shared contact arrives as a vCard."""
    fields = webhook(
        Body="my card", NumMedia="1", MediaContentType0=content_type, MediaUrl0="https://x/1"
    )
    inbound = to_inbound(fields, NOW)
    assert inbound is not None
    assert (Kind.MEDIA, "my card") == (inbound.kind, inbound.text)


def test_a_shared_location_is_a_location() -> None:
    """Latitude and Longitude make a location."""
    inbound = to_inbound(webhook(Latitude="42.43", Longitude="19.26"), NOW)
    assert inbound is not None
    assert Kind.LOCATION == inbound.kind


def test_an_sms_to_the_same_number_is_not_whatsapp() -> None:
    """Only ``whatsapp:+E164`` senders are members of this channel."""
    assert None is to_inbound(webhook(From="+38267123456"), NOW)


def test_status_callbacks_translate_to_deliveries() -> None:
    """Status, error code and, for numbers that cannot be reached, the address to mark."""
    delivered = {"MessageSid": "SM1", "MessageStatus": "delivered", "To": ANA}
    failed = {**delivered, "MessageStatus": "failed", "ErrorCode": "63003"}
    window = {**delivered, "MessageStatus": "undelivered", "ErrorCode": "63016"}
    assert [
        Delivery("SM1", "delivered"),
        Delivery("SM1", "failed", "twilio 63003", ANA),
        Delivery("SM1", "undelivered", "twilio 63016", None),
        None,
    ] == [delivery_of(fields) for fields in (delivered, failed, window, {"MessageSid": "SM1"})]


def test_a_status_callbacks_error_text_keeps_no_phone_number_or_e_mail() -> None:
    """Twilio's ErrorMessage is kept as the row's error without the number it names."""
    fields = {
        "MessageSid": "SM1",
        "MessageStatus": "failed",
        "To": ANA,
        "ErrorCode": "21211",
        "ErrorMessage": f"The 'To' number {ANA} is not valid (ana@example.org)",
    }
    assert Delivery(
        "SM1",
        "failed",
        "twilio 21211: The 'To' number whatsapp:[phone] is not valid ([email])",
        ANA,
    ) == delivery_of(fields)


# Replies out.


def test_options_are_a_numbered_list_with_a_hint_in_the_members_language(
    channel: WhatsAppChannel,
) -> None:
    """Each option on its own numbered line, and how to answer, in Montenegrin."""
    reply = Reply(
        "Kojim sektorom se bavite?",
        options=(Option("it", "IT i softver"), Option("~cancel", "✖️ Odustani")),
        language="cnr",
    )
    expected = [
        Part(
            body="Kojim sektorom se bavite?\n\n1. IT i softver\n2. ✖️ Odustani\n\n"
            "_Odgovorite brojem ili tekstom jedne od opcija._"
        )
    ]
    assert expected == channel.render(reply)


def test_a_multiple_choice_question_says_several_numbers_may_be_sent(
    channel: WhatsAppChannel,
) -> None:
    """Several options may be sent at once, e.g. 1, 3."""
    reply = Reply("Languages?", options=(Option("de", "German"),), multi=True, language="en")
    [part] = channel.render(reply)
    assert part.body.endswith("_You can send several numbers at once, e.g. 1, 3._")


def test_a_question_waiting_for_text_gets_no_hint(channel: WhatsAppChannel) -> None:
    """With only Back and Cancel on offer, the member is to type the answer."""
    reply = Reply("Which city?", options=(Option("~back", "⬅️ Back"),), language="en")
    assert [Part(body="Which city?\n\n1. ⬅️ Back")] == channel.render(reply)


async def test_a_long_body_goes_in_parts_of_at_most_1600_characters(
    channel: WhatsAppChannel, twilio: FakeTwilioApi
) -> None:
    """Split at paragraphs, in order, nothing lost."""
    paragraphs = [f"Paragraph {number}: " + " ".join(["word"] * 60) for number in range(12)]
    sid = await channel.send(ANA, Reply("\n\n".join(paragraphs)))
    sent = twilio.messages(ANA)
    assert 2 <= len(sent)
    assert all(len(message.body or "") <= MESSAGE_LIMIT for message in sent)
    assert paragraphs == [p for m in sent for p in (m.body or "").split("\n\n")]
    assert sid == sent[-1].sid


async def test_a_template_goes_as_content_sid_and_variables_without_a_body(
    channel: WhatsAppChannel, twilio: FakeTwilioApi
) -> None:
    """Outside the 24-hour window only the approved template may go."""
    reply = Reply("", template=Template("HX0123", {"1": "Ana", "2": "Budva"}))
    await channel.send(ANA, reply)
    [sent] = twilio.messages(ANA)
    assert (None, "HX0123", {"1": "Ana", "2": "Budva"}) == (
        sent.body,
        sent.content_sid,
        sent.content_variables,
    )
    assert f"{PUBLIC_BASE_URL}/whatsapp/status" == sent.status_callback


def test_a_json_file_goes_by_a_short_lived_link(channel: WhatsAppChannel) -> None:
    """WhatsApp carries no JSON: the member gets a link that works for an hour."""
    reply = Reply("Your data.", file=Attachment("mydata-1.json", b"{}", "application/json"))
    [part] = channel.render(reply)
    assert part.body.startswith(f"Your data.\n\n📎 mydata-1.json: {PUBLIC_BASE_URL}/media/")
    assert part.body.endswith("(The link works for 60 minutes.)")


def test_a_pdf_goes_as_media(channel: WhatsAppChannel) -> None:
    """A type WhatsApp shows is attached by its public MediaUrl."""
    reply = Reply("Programme.", file=Attachment("programme.pdf", b"%PDF", "application/pdf"))
    text, media = channel.render(reply)
    assert "Programme." == text.body
    assert media.media_url.startswith(f"{PUBLIC_BASE_URL}/media/")


def test_without_a_public_url_a_file_becomes_a_note(content: Content) -> None:
    """No public URL, no link: the member is told instead."""
    unused = TwilioApi(Client(ACCOUNT_SID, "token"))  # nothing is sent: no HTTP client
    channel = WhatsAppChannel(unused, NUMBER, content.text, "en")
    reply = Reply("Your data.", file=Attachment("mydata-1.json", b"{}", "application/json"))
    expected = (
        "Your data.\n\n(The file that belongs to this message cannot be sent on WhatsApp at the"
        " moment.)"
    )
    assert [Part(body=expected)] == channel.render(reply)


# Twilio's errors, ours.


@pytest.mark.parametrize(
    ("status", "code", "problem", "expected"),
    [
        (400, 21211, False, Unreachable),
        (400, 21614, False, Unreachable),
        (400, 63003, False, Unreachable),
        (400, 63016, False, NeedsTemplate),
        (429, 20429, False, RateLimited),
        (500, None, False, TemporaryDeliveryError),
        (503, 20500, True, TemporaryDeliveryError),
        (400, 21617, False, PermanentDeliveryError),
        (400, 63003, True, Unreachable),
    ],
)
async def test_twilio_errors_become_ours(
    channel: WhatsAppChannel,
    twilio: FakeTwilioApi,
    status: int,
    code: int | None,
    problem: bool,
    expected: type[DeliveryError],
) -> None:
    """Dead numbers are unreachable, 63016 needs a template, 429 waits, 5xx is temporary."""
    twilio.fail(status, code, problem=problem)
    with pytest.raises(DeliveryError) as raised:
        await channel.send(ANA, Reply("Hello"))
    assert expected is type(raised.value)


async def test_a_twilio_error_text_loses_the_phone_number_it_names(
    channel: WhatsAppChannel, twilio: FakeTwilioApi
) -> None:
    """21211 names the number it refused; the error the outbox keeps and logs does not."""
    twilio.fail(400, 21211, f"The 'To' number {ANA} is not a valid phone number.")
    with pytest.raises(Unreachable) as raised:
        await channel.send(ANA, Reply("Hello"))
    assert str(raised.value).endswith(
        "The 'To' number whatsapp:[phone] is not a valid phone number."
    )


async def test_a_wrong_auth_token_is_permanent(twilio: FakeTwilioApi, content: Content) -> None:
    """A misconfigured account is no member's fault and not worth retrying."""
    async with AsyncTwilioHttpClient() as http_client:
        client = twilio_client(twilio.account_sid, "wrong", http_client, twilio.url)
        channel = WhatsAppChannel(client, NUMBER, content.text, "en")
        with pytest.raises(PermanentDeliveryError) as raised:
            await channel.send(ANA, Reply("Hello"))
    assert PermanentDeliveryError is type(raised.value)


async def test_a_slow_twilio_times_out_as_temporary(
    channel: WhatsAppChannel, twilio: FakeTwilioApi
) -> None:
    """The async client has no timeout of its own; the channel gives up and says try later."""
    twilio.delay = 0.5
    channel.timeout = 0.05
    with pytest.raises(TemporaryDeliveryError):
        await channel.send(ANA, Reply("Hello"))


async def test_twilio_unreachable_is_temporary(content: Content) -> None:
    """Connection refused: try again later."""
    async with FakeTwilioApi() as gone:
        url = gone.url
    async with AsyncTwilioHttpClient() as http_client:
        client = twilio_client(gone.account_sid, gone.auth_token, http_client, url)
        channel = WhatsAppChannel(client, NUMBER, content.text, "en")
        with pytest.raises(TemporaryDeliveryError):
            await channel.send(ANA, Reply("Hello"))


async def test_edge_and_region_from_the_environment_do_not_redirect_the_client(
    twilio: FakeTwilioApi, monkeypatch: pytest.MonkeyPatch, content: Content
) -> None:
    """Settings are read once, by Settings: TWILIO_EDGE would rewrite the local base URL."""
    monkeypatch.setenv("TWILIO_EDGE", "dublin")
    monkeypatch.setenv("TWILIO_REGION", "ie1")
    async with AsyncTwilioHttpClient() as http_client:
        client = twilio_client(twilio.account_sid, twilio.auth_token, http_client, twilio.url)
        sid = await WhatsAppChannel(client, NUMBER, content.text, "en").send(ANA, Reply("Hi"))
    assert [sid] == [sent.sid for sent in twilio.messages(ANA)]


def test_links_expire(content: Content) -> None:
    """A file's link works for its time, then never again."""
    clock = FixedClock(NOW)
    files = Files(PUBLIC_BASE_URL, clock, ttl=timedelta(minutes=5))
    url = files.offer(Attachment("a.json", b"{}", "application/json"))
    token = url.rsplit("/", 1)[1]
    found = files.get(token)
    clock.advance(minutes=5)
    assert (b"{}", None, None) == (
        found.content if found else None,
        files.get(token),
        files.get("guess"),
    )
