"""The logging set-up: secrets, phone numbers and e-mail addresses never reach a log line — not
in the message, not in its arguments, not in a traceback — while ids and times stay readable."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import logs
from bot.app import App
from tests.fakes.twilio_api import FakeTwilioApi, WhatsAppMember

PHONE = "+38267123456"
ANA = f"whatsapp:{PHONE}"
TWILIO_ERROR = f"The 'To' number {ANA} is not a valid phone number."
QUIETENED = ("httpx", "httpcore", "apscheduler", "aiosqlite", "twilio")


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The bot's own logging set-up, writing to a file; pytest's handlers and levels restored
    after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIETENED}
    path = tmp_path / "diaspora.log"
    logs.configure("INFO", ["fake-auth-token-0123456789abcdef"], path)
    try:
        yield path
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


def written(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TWILIO_ERROR, "The 'To' number whatsapp:[phone] is not a valid phone number."),
        ("call +382 67 123 456 today", "call [phone] today"),
        ("call +382 (0)67/123-456.", "call [phone]."),
        ("dial 0038267123456", "dial [phone]"),
        ("WaId=38267123456", "WaId=[phone]"),
        ("national 067123456 or 069 123 456", "national [phone] or [phone]"),
        ("write to ana.markovic+bot@example.co.me", "write to [email]"),
        ("Ana <ana@example.org>, +49 30 1234567", "Ana <[email]>, [phone]"),
    ],
)
def test_phone_numbers_and_e_mail_addresses_are_redacted(text: str, expected: str) -> None:
    """E.164, ``whatsapp:+…``, 00-prefixed, bare international and national numbers, with or
    without spaces, and e-mail addresses all become placeholders."""
    assert expected == logs.redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "telegram: reply to telegram:123456789 failed: Forbidden",
        "chat -1001234567890 (a group) and update 987654321",
        "2026-11-27 10:00:00,123 INFO at 2026-11-27T10:00:00.123456+00:00",
        "whatsapp: inbox row 12345: trying again in 0.00123457s",
        "sent SM0000000112345678901234567890abcd to MG1234567890123456",
        "broadcast 3: 150000 of 2000000 sent, 1790000000 epoch, 01.02.2026",
        "serving @DiasporaBot, mention @ana in the group",
    ],
)
def test_ids_times_and_counts_are_left_alone(text: str) -> None:
    """Telegram chat and update ids, timestamps, Twilio SIDs, counts, dates and @usernames are
    not phone numbers or e-mail addresses."""
    assert text == logs.redact(text)


def test_the_logging_setup_redacts_messages_arguments_and_tracebacks(log_file: Path) -> None:
    """A Twilio error text as an argument, an address in the message itself, a phone number in
    an exception's text and in a stack's source line, and a secret: none is written out."""
    log = logging.getLogger("bot.test")
    log.warning("whatsapp: reply refused: twilio 21211: %s", TWILIO_ERROR)
    log.info("imported milena@example.org with token fake-auth-token-0123456789abcdef")
    try:
        raise ValueError(f"no member with phone {PHONE} or e-mail milena@example.org")
    except ValueError:
        log.exception("lookup failed for %s", {"phone": PHONE})
    log.warning("where is %s", "+382 67 123 456", stack_info=True)

    text = written(log_file)

    assert [] == [
        leak
        for leak in ("38267123456", "382 67 123 456", "milena@", "fake-auth-token")
        if leak in text
    ]
    expected = [
        "twilio 21211: The 'To' number whatsapp:[phone] is not a valid phone number.",
        "imported [email] with token [redacted]",
        "lookup failed for {'phone': '[phone]'}",
        "ValueError: no member with phone [phone] or e-mail [email]",
        'log.warning("where is %s", "[phone]", stack_info=True)',
    ]
    assert expected == [line for line in expected if line in text]


def test_a_record_whose_arguments_do_not_fit_its_message_does_not_break_the_caller(
    log_file: Path,
) -> None:
    """A malformed call is the logging module's to report, not an exception in the bot."""
    logging.getLogger("bot.test").warning("%d rows", "not a number")

    assert "not a number" not in written(log_file)


async def test_a_number_twilio_refuses_is_logged_without_it(
    log_file: Path,
    whatsapp_app: App,
    twilio: FakeTwilioApi,
    web_client: httpx.AsyncClient,
) -> None:
    """Twilio's 21211 names the number; the reply's failure is logged, the number is not."""
    twilio.fail_to(ANA, 400, 21211, TWILIO_ERROR)
    ana = WhatsAppMember(twilio, web_client, PHONE)

    assert 200 == (await ana.post(ana.fields(Body="hi"))).status_code
    assert whatsapp_app.relay is not None
    await whatsapp_app.relay.idle()

    text = written(log_file)
    [line] = [line for line in text.splitlines() if "twilio 21211" in line]
    assert line.endswith("The 'To' number whatsapp:[phone] is not a valid phone number.")
    assert "38267123456" not in text
