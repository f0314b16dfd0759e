"""What time does to introductions between businesses and members (the job ``introductions``):

- A proposal that has not had both answers within 14 days expires, with the reason saying who
  did not answer; each side that has not declined is told it will not go ahead.
- Two weeks and two months after an introduction, both sides are asked how it went — in their
  language, within the programme's quiet hours in their own time zone, as campaigns are — and
  answer with ``/intro`` (:mod:`handlers.introductions`).

Everything goes through the outbox; each run is audited with counts only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import notices
from bot.clock import Clock
from bot.content import Content
from bot.content.schedule import QuietHours
from bot.store import Match, Outgoing, Store
from bot.store.matches import EXPIRED, MEMBER

log = logging.getLogger(__name__)

ACTOR = "scheduler"
# Follow-up rounds and how long after the introduction each is asked.
FOLLOW_UPS = (("2w", timedelta(days=14)), ("2m", timedelta(days=60)))


@dataclass(frozen=True)
class Tick:
    """What one run did: proposals expired, follow-up questions queued."""

    expired: int = 0
    asked: int = 0


def expiry_reason(match: Match) -> str:
    """Who did not answer in time, for the coordinators."""
    silent = [
        side
        for side, answer in (("business", match.business_answer), ("member", match.member_answer))
        if answer is None
    ]
    if len(silent) == 2:
        return "no answer from either side within 14 days"
    return f"no answer from the {silent[0]} within 14 days" if silent else "expired"


class Introductions:
    """Runs as the scheduled job ``introductions``."""

    def __init__(
        self,
        store: Store,
        content: Content,
        clock: Clock,
        *,
        timezone: str,
        quiet_hours: QuietHours | None = None,
    ) -> None:
        self.store = store
        self.content = content
        self.clock = clock
        self.timezone = timezone
        self.quiet_hours = quiet_hours or QuietHours()

    async def tick(self) -> Tick:
        """Expires what is overdue and queues the follow-ups that are due."""
        now = self.clock.now()
        expired = await self._expire(now)
        asked = await self._follow_up(now)
        if expired or asked:
            await self.store.audit.record(
                ACTOR, "matches.tick", now, expired=expired, follow_ups=asked
            )
            log.info("introductions: %d expired, %d follow-ups queued", expired, asked)
        return Tick(expired, asked)

    async def _expire(self, now: datetime) -> int:
        expired = 0
        for match in await self.store.matches.due_to_expire(now):
            closed = await self.store.matches.close(
                match.id, EXPIRED, now, actor=ACTOR, reason=expiry_reason(match)
            )
            if closed is None:
                continue
            expired += 1
            await notices.tell_closed(self.store, self.content, closed, now, why=EXPIRED)
            await self.store.audit.record(ACTOR, "match.expired", now, subject=f"match:{match.id}")
        return expired

    async def _follow_up(self, now: datetime) -> int:
        messages: list[Outgoing] = []
        for round_, after in FOLLOW_UPS:
            for match in await self.store.outcomes.due(round_, now - after):
                people = await notices.sides(self.store, match)
                helper = people[MEMBER][0]
                for side, (person, business) in people.items():
                    if person is None or business is None:
                        continue
                    if not await self.store.outcomes.ask(match.id, side, round_, now):
                        continue
                    other = business.name if side == MEMBER else (helper.name if helper else "")
                    zone = person.timezone or self.timezone
                    messages.append(
                        notices.notice(
                            self.content,
                            person,
                            f"match:{match.id}:follow-up:{round_}",
                            "intro.notice.follow_up",
                            now,
                            not_before=self.quiet_hours.next_allowed(now, zone),
                            other=other or "-",
                        )
                    )
        await self.store.outbox.enqueue(messages, now)
        return len(messages)
