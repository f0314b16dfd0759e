"""The HTTP side: verified Twilio webhooks, status callbacks, Telegram's webhook, health, media
links, and the real uvicorn server in the bot's own loop."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.messages import Attachment
from bot.settings import Settings
from bot.store import Outgoing
from tests.conftest import make_settings, whatsapp_settings
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.twilio_api import PUBLIC_BASE_URL, FakeTwilioApi, WhatsAppMember, sign

PHONE = "+38267123456"
ANA = f"whatsapp:{PHONE}"
SECRET = "telegram-webhook-secret"


@pytest.fixture
def ana(twilio: FakeTwilioApi, web_client: httpx.AsyncClient) -> WhatsAppMember:
    return WhatsAppMember(twilio, web_client, PHONE)


@asynccontextmanager
async def client_of(
    settings: Settings, clock: FixedClock
) -> AsyncIterator[tuple[App, httpx.AsyncClient]]:
    """An app built from ``settings`` and an in-process HTTP client for its routes."""
    async with App(settings, clock=clock) as app:
        transport = httpx.ASGITransport(app=app.asgi())
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.internal") as client:
            yield app, client


async def traces(app: App) -> tuple[int, int, int]:
    """Rows a webhook could have left behind: inbox, conversations, members."""
    counts = []
    for table in ("inbox", "conversations", "members"):
        row = await app.store.db.fetchone(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert row is not None
        counts.append(int(row[0]))
    return counts[0], counts[1], counts[2]


# Verified inbound.


@pytest.mark.parametrize(
    "signature",
    ["", "forged", sign(PUBLIC_BASE_URL + "/whatsapp/inbound", {"Body": "hi"})],
    ids=["missing", "forged", "for-other-fields"],
)
async def test_an_unsigned_or_forged_webhook_is_refused_and_leaves_no_trace(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember, signature: str
) -> None:
    """403; nothing stored, nothing answered."""
    response = await ana.post(ana.fields(Body="hi"), signature=signature)
    assert whatsapp_app.relay is not None
    await whatsapp_app.relay.idle()

    assert (403, (0, 0, 0), 0) == (response.status_code, await traces(whatsapp_app), twilio.calls)


async def test_the_signature_covers_the_public_url_not_the_proxys(
    whatsapp_app: App, web_client: httpx.AsyncClient, ana: WhatsAppMember
) -> None:
    """Signed for the URL the reverse proxy passed on, the request is refused."""
    fields = ana.fields(Body="hi")
    internal = sign("http://bot.internal/whatsapp/inbound", fields)

    response = await ana.post(fields, signature=internal)

    assert 403 == response.status_code


async def test_a_query_string_is_part_of_what_twilio_signed(
    whatsapp_app: App, twilio: FakeTwilioApi, web_client: httpx.AsyncClient, ana: WhatsAppMember
) -> None:
    """A webhook URL configured with a query is verified with it."""
    fields = ana.fields(Body="hi")
    url = PUBLIC_BASE_URL + "/whatsapp/inbound?source=console"
    response = await web_client.post(
        "/whatsapp/inbound?source=console",
        data=fields,
        headers={"X-Twilio-Signature": sign(url, fields)},
    )

    assert 200 == response.status_code
    assert 1 == len(await twilio.wait_for(ANA, 1))


async def test_a_tampered_field_breaks_the_signature(
    whatsapp_app: App, ana: WhatsAppMember
) -> None:
    """The signature covers every field: a changed sender is refused."""
    fields = ana.fields(Body="hi")
    signature = sign(PUBLIC_BASE_URL + "/whatsapp/inbound", fields)

    response = await ana.post({**fields, "From": "whatsapp:+38267000000"}, signature=signature)

    assert 403 == response.status_code


async def test_a_replayed_webhook_is_processed_once(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember
) -> None:
    """The same signed request again (same MessageSid): 200, and no second answer."""
    fields = ana.fields(Body="start")
    for _ in range(3):
        assert 200 == (await ana.post(fields)).status_code
    assert whatsapp_app.relay is not None
    await whatsapp_app.relay.idle()

    assert 2 == len(twilio.messages(ANA))


@pytest.mark.parametrize(
    "overrides",
    [{"twilio_auth_token": None}, {"public_base_url": None}],
    ids=["no-auth-token", "no-public-url"],
)
async def test_without_an_auth_token_or_public_url_every_twilio_request_is_refused(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock, overrides: dict[str, object]
) -> None:
    """Nothing can be verified, so nothing is accepted — not even a correctly signed request."""
    settings = whatsapp_settings(tmp_path, twilio, **overrides)
    async with client_of(settings, clock) as (app, client):
        ana = WhatsAppMember(twilio, client, PHONE)
        inbound = await ana.post(ana.fields(Body="hi"))
        status = await ana.post({"MessageSid": "SM1", "MessageStatus": "read"}, "/whatsapp/status")

        assert (403, 403, (0, 0, 0)) == (
            inbound.status_code,
            status.status_code,
            await traces(app),
        )


def shared_key_signature(secret: str, url: str, fields: dict[str, str]) -> str:
    """HMAC-SHA256 over the URL and the sorted fields, as a Webhook Setting signs."""
    text = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize(("configured", "expected"), [("shared-secret", 200), (None, 403)])
async def test_webhooks_signed_with_a_shared_key(
    tmp_path: Path,
    twilio: FakeTwilioApi,
    clock: FixedClock,
    configured: str | None,
    expected: int,
) -> None:
    """A Webhook Setting's shared key and algorithm verify; without the key, refused."""
    settings = whatsapp_settings(tmp_path, twilio, twilio_webhook_shared_key=configured)
    async with client_of(settings, clock) as (_, client):
        ana = WhatsAppMember(twilio, client, PHONE)
        fields = ana.fields(Body="hi")
        url = PUBLIC_BASE_URL + "/whatsapp/inbound"
        response = await client.post(
            "/whatsapp/inbound",
            data=fields,
            headers={
                "X-Twilio-Signature": shared_key_signature("shared-secret", url, fields),
                "X-Twilio-Webhooks-Signature-Settings": "key=KS01,algorithm=HMAC_SHA256",
            },
        )

    assert expected == response.status_code


# Delivery status.


async def sent_message(app: App, twilio: FakeTwilioApi, clock: FixedClock) -> str:
    """Sends one outbox message to a WhatsApp member; returns Twilio's SID for it."""
    now = clock.now()
    member = await app.store.members.create(ANA, language="en", consent_version="v", now=now)
    outgoing = Outgoing("broadcast:1", "broadcast", member.id, "Hello", now)
    await app.store.outbox.enqueue([outgoing], now)
    assert 1 == (await app.sender.drain()).sent
    [sent] = twilio.messages(ANA)
    return sent.sid


async def post_status(ana: WhatsAppMember, sid: str, status: str, code: str = "") -> httpx.Response:
    fields = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": ana.fake.account_sid,
        "From": ana.fake.sender,
        "To": ana.address,
        "ApiVersion": "2010-04-01",
    }
    if code:
        fields["ErrorCode"] = code
    return await ana.post(fields, "/whatsapp/status")


async def delivery(app: App) -> tuple[str | None, str | None]:
    [row] = await app.store.outbox.in_state("sent")
    return row.delivery, row.error


async def test_status_callbacks_move_a_message_forward(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember, clock: FixedClock
) -> None:
    """queued → sent → delivered → read, each recorded, and the message was sent with the
    status callback URL."""
    sid = await sent_message(whatsapp_app, twilio, clock)
    seen = []
    for status in ("queued", "sent", "delivered", "read"):
        assert 200 == (await post_status(ana, sid, status)).status_code
        seen.append((await delivery(whatsapp_app))[0])

    assert ["sent", "sent", "delivered", "read"] == seen
    assert f"{PUBLIC_BASE_URL}/whatsapp/status" == twilio.messages(ANA)[0].status_callback


async def test_status_callbacks_out_of_order_never_move_back(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember, clock: FixedClock
) -> None:
    """read before delivered before sent: the record stays at read."""
    sid = await sent_message(whatsapp_app, twilio, clock)
    for status in ("read", "delivered", "sent", "queued"):
        await post_status(ana, sid, status)

    assert ("read", None) == await delivery(whatsapp_app)


async def test_a_failed_delivery_records_the_error_and_marks_a_dead_number(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember, clock: FixedClock
) -> None:
    """failed with 63003 (not on WhatsApp): the error is kept, the address unreachable."""
    sid = await sent_message(whatsapp_app, twilio, clock)
    await post_status(ana, sid, "sent")
    await post_status(ana, sid, "failed", "63003")

    member = await whatsapp_app.store.members.by_address(ANA)
    assert member is not None
    [address] = await whatsapp_app.store.members.addresses(member.id)
    assert (("failed", "twilio 63003"), clock.now().isoformat()) == (
        await delivery(whatsapp_app),
        address.unreachable_at,
    )


async def test_an_undelivered_message_outside_the_window_keeps_the_address(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember, clock: FixedClock
) -> None:
    """63016 (window closed) is no dead number: recorded, nothing marked."""
    sid = await sent_message(whatsapp_app, twilio, clock)
    await post_status(ana, sid, "undelivered", "63016")

    member = await whatsapp_app.store.members.by_address(ANA)
    assert member is not None
    [address] = await whatsapp_app.store.members.addresses(member.id)
    assert (("undelivered", "twilio 63016"), None) == (
        await delivery(whatsapp_app),
        address.unreachable_at,
    )


async def test_a_forged_status_callback_changes_nothing(
    whatsapp_app: App, twilio: FakeTwilioApi, ana: WhatsAppMember, clock: FixedClock
) -> None:
    """403, and the record stays as it was."""
    sid = await sent_message(whatsapp_app, twilio, clock)
    fields = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "63003", "To": ANA}

    response = await ana.post(fields, "/whatsapp/status", signature="forged")

    assert (403, ("sent", None)) == (response.status_code, await delivery(whatsapp_app))


# Health and media links.


async def test_health_says_the_store_answers_and_which_channels_are_on(
    whatsapp_app: App, web_client: httpx.AsyncClient
) -> None:
    """200 with JSON while the store answers; 503 once it does not. Outside serve() no channel
    was started: WhatsApp is "starting", Telegram (not configured) "off"."""
    healthy = await web_client.get("/healthz")
    await whatsapp_app.store.close()
    broken = await web_client.get("/healthz")

    assert (200, 503) == (healthy.status_code, broken.status_code)
    assert {
        "status": "ok",
        "store": True,
        "channels": {"telegram": "off", "whatsapp": "starting"},
        "whatsapp_waiting": 0,
    } == healthy.json()
    assert "unavailable" == broken.json()["status"]


async def test_a_file_link_serves_the_file_for_its_time(
    whatsapp_app: App, web_client: httpx.AsyncClient, clock: FixedClock
) -> None:
    """The link downloads the file (not cached, not sniffed); after an hour, or guessed, 404."""
    assert whatsapp_app.files is not None
    url = whatsapp_app.files.offer(Attachment("mydata-1.json", b'{"a": 1}', "application/json"))
    path = url.removeprefix(PUBLIC_BASE_URL)

    fetched = await web_client.get(path)
    guessed = await web_client.get("/media/guessed-token")
    clock.advance(hours=1)
    expired = await web_client.get(path)

    assert (200, b'{"a": 1}', 404, 404) == (
        fetched.status_code,
        fetched.content,
        guessed.status_code,
        expired.status_code,
    )
    assert ("application/json", 'attachment; filename="mydata-1.json"', "no-store") == (
        fetched.headers["content-type"],
        fetched.headers["content-disposition"],
        fetched.headers["cache-control"],
    )


# Telegram's webhook.


def telegram_update(update_id: int, text: str) -> dict[str, object]:
    user = {"id": 1001, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1790000000,
            "chat": {"id": 1001, "type": "private", "first_name": "Ana"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_telegram_webhook_mode_sets_the_webhook_and_checks_the_secret(
    tmp_path: Path, clock: FixedClock
) -> None:
    """setWebhook at start with the public URL and secret; updates without the secret: 403."""
    async with FakeBotApi() as fake:
        settings = make_settings(
            tmp_path,
            telegram_bot_token=fake.token,
            telegram_api_base_url=f"{fake.url}/bot",
            telegram_webhook=True,
            telegram_webhook_secret=SECRET,
            public_base_url=PUBLIC_BASE_URL,
        )
        async with client_of(settings, clock) as (app, client):
            assert app.telegram is not None
            await app.telegram.start()
            try:
                wrong = await client.post(
                    "/telegram/webhook",
                    json=telegram_update(1, "/start"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                )
                missing = await client.post("/telegram/webhook", json=telegram_update(2, "/help"))
                right = await client.post(
                    "/telegram/webhook",
                    json=telegram_update(3, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                [answer, _] = await fake.wait_for_messages(1001, 2)
            finally:
                await app.telegram.stop()

        [set_webhook] = [call for call in fake.calls if call.method.lower() == "setwebhook"]
        assert (403, 403, 200) == (wrong.status_code, missing.status_code, right.status_code)
        assert app.content.text("en", "help.text") == answer.text
        assert (f"{PUBLIC_BASE_URL}/telegram/webhook", SECRET) == (
            set_webhook.params["url"],
            set_webhook.params["secret_token"],
        )


CALLBACK_WITHOUT_CHAT_INSTANCE = {
    "update_id": 7,
    "callback_query": {
        "id": "1",
        "from": {"id": 1001, "is_bot": False, "first_name": "Ana"},
        "data": "1:yes",
    },
}


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        json.dumps(CALLBACK_WITHOUT_CHAT_INSTANCE).encode(),
        b'{"update_id": "7"}',
        b'{"update_id": 8, "message": {"message_id": 1}}',
        b'{"update_id": 9, "message": "hello"}',
        b'{"update_id": 10, "message": {"message_id": 1, "date": 1e30, "chat": {"id": 1}}}',
        b"[]",
        b'"an update"',
        b"not json",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=[
        "empty-object",
        "callback-without-chat-instance",
        "update-id-not-a-number",
        "message-without-date",
        "message-not-an-object",
        "date-out-of-range",
        "array",
        "string",
        "not-json",
        "not-utf-8",
        "nested-too-deep",
    ],
)
async def test_a_malformed_telegram_update_gets_400_and_no_traceback(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    """With the right secret, a body that is no update is refused with 400 and one warning —
    never a 500 or a traceback — and the next real update is answered."""
    async with FakeBotApi() as fake:
        settings = make_settings(
            tmp_path,
            telegram_bot_token=fake.token,
            telegram_api_base_url=f"{fake.url}/bot",
            telegram_webhook=True,
            telegram_webhook_secret=SECRET,
            public_base_url=PUBLIC_BASE_URL,
        )
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with client_of(settings, clock) as (app, client):
            assert app.telegram is not None
            await app.telegram.start()
            try:
                refused = await client.post("/telegram/webhook", content=body, headers=headers)
                answered = await client.post(
                    "/telegram/webhook", json=telegram_update(11, "/help"), headers=headers
                )
                [answer] = await fake.wait_for_messages(1001, 1)
            finally:
                await app.telegram.stop()

    assert (400, 200) == (refused.status_code, answered.status_code)
    assert app.content.text("en", "help.text") == answer.text
    assert [] == [record.getMessage() for record in caplog.records if record.exc_info]
    assert 1 == sum("telegram: refused a webhook call" in r.getMessage() for r in caplog.records)


def test_webhook_mode_needs_a_public_url_and_a_secret(tmp_path: Path) -> None:
    """Telegram could not reach, or prove itself to, a webhook without them."""
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK=true needs"):
        make_settings(tmp_path, telegram_bot_token="1:x", telegram_webhook=True)


# One process.


async def test_serve_runs_uvicorn_in_the_bots_loop(
    tmp_path: Path, twilio: FakeTwilioApi, clock: FixedClock
) -> None:
    """With only WhatsApp configured, serve() answers HTTP until told to stop, and /healthz
    says WhatsApp is up once Twilio accepted the credentials."""
    settings = whatsapp_settings(tmp_path, twilio)
    async with App(settings, clock=clock) as app:
        stop = asyncio.Event()
        serving = asyncio.create_task(app.serve(stop))
        while app.http is None or not app.http.started:
            if serving.done():
                await serving
            await asyncio.sleep(0.01)
        port = app.http.port
        async with asyncio.timeout(5):
            while True:
                if app.supervisors["whatsapp"].state == "up":
                    break
                await asyncio.sleep(0.01)
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
        stop.set()
        await serving

    assert (200, {"telegram": "off", "whatsapp": "up"}) == (
        health.status_code,
        health.json()["channels"],
    )
