"""Files offered by a short-lived, unguessable link (``GET /media/<token>``).

WhatsApp cannot carry a file in the request that sends it: Twilio fetches a public ``MediaUrl``,
and only some types at that (PDF, images); anything else (a ``/mydata`` JSON file, a calendar
file) the member opens by link. The token is 256 random bits and the only key; files live in
memory for ``ttl`` and are gone on restart — the member just asks again.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.messages import Attachment

PATH = "/media/"
TTL = timedelta(hours=1)
# At most this many files are held; the oldest goes first.
LIMIT = 1000


class Files:
    """Attachments held for a while, each behind its own random token."""

    def __init__(self, base_url: str, clock: Clock, *, ttl: timedelta = TTL, limit: int = LIMIT):
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.ttl = ttl
        self.limit = limit
        self._files: OrderedDict[str, tuple[Attachment, datetime]] = OrderedDict()

    @property
    def minutes(self) -> int:
        """How long a link works, in whole minutes (members are told)."""
        return int(self.ttl.total_seconds() // 60)

    def offer(self, attachment: Attachment) -> str:
        """Keeps a file for ``ttl`` and returns its public URL."""
        self._prune()
        token = secrets.token_urlsafe(32)
        self._files[token] = (attachment, self.clock.now() + self.ttl)
        while len(self._files) > self.limit:
            self._files.popitem(last=False)
        return f"{self.base_url}{PATH}{token}"

    def get(self, token: str) -> Attachment | None:
        """The file behind a token, unless the token is unknown or expired."""
        held = self._files.get(token)
        if held is None:
            return None
        attachment, expires = held
        if self.clock.now() >= expires:
            del self._files[token]
            return None
        return attachment

    def _prune(self) -> None:
        now = self.clock.now()
        for token in [token for token, (_, expires) in self._files.items() if now >= expires]:
            del self._files[token]
