"""Progress reports of broadcasts started in the chat: one message in the staff member's chat,
edited in place as the outbox sends ("sent 1,234 of 5,000 · 3 failed · 2 need a WhatsApp
template"), then a final report once nothing of the broadcast is left to send.

:meth:`BroadcastReporter.tick` runs as the scheduled job ``report-broadcasts``. The progress
message carries ``Reply.key`` ``broadcast:<id>``: Telegram edits the message sent under it.
Other channels (WhatsApp) cannot edit, so each update there is a new message: they get one a
minute at most, not one every few seconds for the length of a long broadcast. Updates go out
only when the numbers moved, and the final report at once. A report that cannot be delivered is
tried again at the next tick.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.channels.base import Channel
from bot.clock import Clock
from bot.content import Content
from bot.errors import DeliveryError
from bot.messages import Reply, channel_of
from bot.store import Broadcast, Store

log = logging.getLogger(__name__)

# Outbox states that may still change: the broadcast is not finished while any row is in one.
_OPEN = ("queued", "sending")
# Channels whose progress message is edited in place (Reply.key); the others get a new message
# for every update, so no more often than this.
EDITS_IN_PLACE = frozenset({"telegram"})
NEW_MESSAGE_INTERVAL = timedelta(minutes=1)


def number(content: Content, language: str, value: int) -> str:
    """``1234`` as ``1,234`` (or ``1.234``: the locale's ``staff.thousands``)."""
    return f"{value:,}".replace(",", content.text(language, "staff.thousands"))


def report_text(
    content: Content, language: str, broadcast_id: int, counts: Mapping[str, int]
) -> str:
    """The progress line, or the final report once nothing is queued or being sent."""
    values = {
        name: number(content, language, counts.get(name, 0))
        for name in ("sent", "failed", "needs_template", "skipped", "cancelled")
    }
    values["failed"] = number(content, language, counts.get("failed", 0) + counts.get("unknown", 0))
    values["total"] = number(content, language, sum(counts.values()))
    if any(counts.get(state) for state in _OPEN):
        key = "broadcast.progress"
    elif counts.get("cancelled"):
        key = "broadcast.report_stopped"
    else:
        key = "broadcast.report_done"
    return content.text(language, key, id=broadcast_id, **values)


class BroadcastReporter:
    """Keeps each staff chat that started a broadcast told how it goes."""

    def __init__(
        self, store: Store, channels: Mapping[str, Channel], content: Content, clock: Clock
    ) -> None:
        self.store = store
        self.channels = channels
        self.content = content
        self.clock = clock
        # The last text sent per broadcast, so an unchanged count is not sent again, and when.
        self._last: dict[int, str] = {}
        self._sent_at: dict[int, datetime] = {}

    async def tick(self) -> int:
        """Sends the progress (and final reports) of every broadcast being followed; returns
        how many messages went out."""
        sent = 0
        for broadcast in await self.store.broadcasts.reporting():
            sent += await self._report(broadcast)
        return sent

    async def _report(self, broadcast: Broadcast) -> int:
        assert broadcast.report_to is not None
        channel = self.channels.get(channel_of(broadcast.report_to))
        if channel is None:
            return 0  # the chat is on a channel another process serves
        language = broadcast.report_language or self.content.default_language
        counts = await self.store.outbox.counts(broadcast.job)
        finished = not any(counts.get(state) for state in _OPEN)
        text = report_text(self.content, language, broadcast.id, counts)
        if text == self._last.get(broadcast.id):
            return 0
        now = self.clock.now()
        last = self._sent_at.get(broadcast.id)
        if (
            not finished
            and channel.name not in EDITS_IN_PLACE
            and last is not None
            and now - last < NEW_MESSAGE_INTERVAL
        ):
            return 0
        # The final report is a new message (it should notify); progress edits one in place.
        reply = Reply(text, key=None if finished else broadcast.job, language=language)
        try:
            await channel.send(broadcast.report_to, reply)
        except DeliveryError as error:
            log.warning("broadcast %d: progress report not delivered: %s", broadcast.id, error)
            return 0
        self._last[broadcast.id], self._sent_at[broadcast.id] = text, now
        if finished:
            await self.store.broadcasts.reported(broadcast.id, now)
            self._last.pop(broadcast.id, None)
            self._sent_at.pop(broadcast.id, None)
        return 1
