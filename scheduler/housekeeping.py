"""The daily housekeeping: keeping what the consent text promises, and nothing nobody needs.

- A profile is erased ``retention_days`` (content/programme.yaml) after the member's last
  message on any channel. The consent text states the period; the erasure is the same as
  ``/delete`` (every linked row goes with the member) and is written to the audit log with the
  members' numbers only.
- Contacts imported from earlier lists (``members import``) that no member claimed within the
  same period are erased too: they never consented, and are kept only in the hope they will.
- A conversation (where someone stands in a flow, and the answers so far) expires 30 days after
  its last message (:data:`bot.store.conversations.UNFINISHED_FOR`; the consent text states
  it). That is every unfinished conversation: a newcomer's who stopped at the language or
  consent question (for them it is everything held — address, language, the name their app
  shows), a consented member's half-finished registration or form (their profile stays, under
  the retention above). A count goes to the audit log, never an address.
- Provider message ids kept to recognise a redelivered message are dropped after a week:
  Telegram and Twilio stop redelivering within hours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.content import Content
from bot.store import Store
from bot.store.conversations import UNFINISHED_FOR

log = logging.getLogger(__name__)

SEEN_FOR = timedelta(days=7)
ACTOR = "housekeeping"


@dataclass(frozen=True)
class Swept:
    """What one round of housekeeping removed."""

    erased: tuple[int, ...]
    contacts: int
    seen: int
    conversations: int = 0


class Housekeeper:
    """Runs as the scheduled job ``housekeeping``, once a day."""

    def __init__(self, store: Store, content: Content, clock: Clock) -> None:
        self.store = store
        self.content = content
        self.clock = clock

    async def sweep(self) -> Swept:
        now = self.clock.now()
        await self.content.poll()
        erased: list[int] = []
        contacts = 0
        programme = self.content.programme
        days = programme.retention_days if programme is not None else None
        if days is not None:
            cutoff = now - timedelta(days=days)
            for member_id in await self.store.members.silent_since(cutoff):
                await self.store.members.delete(member_id)
                erased.append(member_id)
            if erased:
                await self.store.audit.record(
                    ACTOR,
                    "member.erased.retention",
                    now,
                    members=erased,
                    retention_days=days,
                )
                log.info("erased %d members silent for over %d days", len(erased), days)
            contacts = await self.store.imports.forget_unlinked(cutoff)
            if contacts:
                await self.store.audit.record(
                    ACTOR, "imports.erased.retention", now, contacts=contacts, retention_days=days
                )
        expired = await self.store.conversations.expire(now - UNFINISHED_FOR)
        if expired:
            await self.store.audit.record(
                ACTOR,
                "conversations.expired",
                now,
                conversations=expired,
                days=UNFINISHED_FOR.days,
            )
        seen = await self.store.conversations.forget_seen(now - SEEN_FOR)
        return Swept(tuple(erased), contacts, seen, expired)
