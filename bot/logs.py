"""Logging set-up: one format, library chatter quietened, and no secret, phone number or e-mail
address ever written out.

Providers put personal data in their error texts (Twilio's 21211: ``The 'To' number
whatsapp:+382… is not a valid phone number``), and exceptions carry them into tracebacks, so
every handler gets :class:`Redact`, which cleans a record's message (its arguments merged in),
its traceback and its stack before any formatter sees them. What counts as a phone number is
drawn narrowly enough to leave ids and times readable:

- redacted as ``[phone]``: ``+38267123456``, ``whatsapp:+382 67 123 456``, ``0038267123456``;
  bare international digits, 11 to 15 of them (``38267123456``); national numbers
  (``067123456``, ``069 123 456``);
- left alone: ``telegram:123456789`` (a chat id, not a number), ``-1001234567890`` (a group's),
  update ids and epoch seconds (10 digits at most), dates and times, ``SM…`` SIDs, counts.

E-mail addresses become ``[email]``; known secrets ``[redacted]``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

PHONE = "[phone]"
EMAIL = "[email]"
SECRET = "[redacted]"

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Not inside a word or a decimal; bare digits also not in a negative number (a group's chat
# id), a path or a ``telegram:`` id.
_AFTER = r"(?<![\w+.])"
_BARE = _AFTER + r"(?<![/-])(?<!telegram:)"
_PHONES = (
    # ``+`` or ``00``, then 7 to 15 digits with single separators: ``+382 (0)67/123-456``.
    re.compile(_AFTER + r"(?:\+|00)\d(?:[ ./-]?(?:\(\d{1,3}\))?[ ./-]?\d){6,14}(?!\w)"),
    # Bare international digits, 11 to 15 (Telegram's user ids and epoch seconds have 10).
    re.compile(_BARE + r"[1-9]\d{10,14}(?!\w)"),
    # A national number: 0, then at least two digits together, 8 to 11 in all.
    re.compile(_BARE + r"0[1-9]\d(?: ?\d){6,9}(?!\w)"),
)
# Every handler formats tracebacks alike, so a record's is formatted once, here, to be cleaned.
_TRACEBACKS = logging.Formatter()


def redact(text: str) -> str:
    """``text`` with phone numbers and e-mail addresses replaced by placeholders."""
    text = _EMAIL.sub(EMAIL, text)
    for pattern in _PHONES:
        text = pattern.sub(PHONE, text)
    return text


class Redact(logging.Filter):
    """Cleans a log record of known secrets, phone numbers and e-mail addresses: its message
    with its arguments, its traceback and its stack."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret and len(secret) >= 6]

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, SECRET)
        return redact(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # Arguments that do not fit the message: the message alone, said so, rather than
            # the logging module's own report, which would print the arguments as they are.
            record.msg = f"{self.clean(str(record.msg))} (arguments that do not fit left out)"
            record.args = None
            return True
        cleaned = self.clean(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


def configure(level: str, secrets: Iterable[str] = (), file: Path | None = None) -> None:
    """Logs at ``level`` to stderr, or to ``file`` with only warnings on stderr (the terminal
    chat, where log lines would interleave with the conversation). httpx's request lines, which
    carry the bot token, are off, and every record is cleaned by :class:`Redact`."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers[0].setLevel(logging.WARNING)
        handlers.append(logging.FileHandler(file, encoding="utf-8"))
    redacting = Redact(secrets)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redacting)
    root = logging.getLogger()
    # Configured again (a test, or the CLI run twice in one process): a log file the replaced
    # handlers held is closed, not left open.
    for replaced in root.handlers:
        if isinstance(replaced, logging.FileHandler) and replaced not in handlers:
            replaced.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    # twilio's HTTP clients log every request's headers at INFO.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "twilio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
