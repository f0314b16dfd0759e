"""Logging set-up: one format, library chatter quietened, secrets never written out."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path


class RedactSecrets(logging.Filter):
    """Replaces every known secret in a log record with ``[redacted]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret and len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "[redacted]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure(level: str, secrets: Iterable[str] = (), file: Path | None = None) -> None:
    """Logs at ``level`` to stderr, or to ``file`` with only warnings on stderr (the terminal
    chat, where log lines would interleave with the conversation). httpx's request lines, which
    carry the bot token, are off, and every known secret is redacted."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers[0].setLevel(logging.WARNING)
        handlers.append(logging.FileHandler(file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level)
    # twilio's HTTP clients log every request's headers at INFO.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "twilio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
