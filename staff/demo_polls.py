"""Polls for the demo (``diaspora-bot demo``): answers to the sample polls of content/polls/ —
the government's questions and the Diaspora Days feedback from those who came — and a few
members who turned a topic off, so the Polls, Delivery and Engagement pages have something to
show.

Written through the store only, with no outbox rows: a demo database run by ``diaspora-bot run``
must never message its fictional people.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.content import Content
from bot.store import Store

# Of the members, how many answered each poll with options (the rest never did).
ANSWERED = 0.45
# Of the members, how many turned each topic off.
TOPICS_OFF = {"news": 0.06, "business": 0.04, "fellowship": 0.02}


async def fill(
    rng: random.Random, store: Store, content: Content, members: Sequence[int], now: datetime
) -> int:
    """Answers to every sample poll with options, and topics turned off; returns the answers."""
    written = 0
    for poll in sorted(content.polls.values(), key=lambda poll: poll.id):
        if not poll.options or poll.schedule is None:
            continue
        who: Sequence[int] = members
        if poll.feedback and poll.event:
            who = sorted(await store.polls.attendees(poll.event))
        for member_id in who:
            if rng.random() > ANSWERED:
                continue
            ids = [option.id for option in poll.options]
            # Ratings lean towards the good end, as they do after a good event.
            weights = [1 + index for index in range(len(ids))] if poll.feedback else None
            count = rng.choice((1, 1, 2, 3)) if poll.multiple else 1
            chosen = set(rng.choices(ids, weights=weights, k=count))
            at = now - timedelta(days=rng.uniform(0, 20))
            await store.polls.answer(
                poll.id,
                member_id,
                at,
                choices=[option for option in ids if option in chosen],
                channel=rng.choice(("telegram", "telegram", "whatsapp")),
            )
            written += 1
    for topic, share in TOPICS_OFF.items():
        for member_id in members:
            if rng.random() < share:
                await store.topics.turn(member_id, topic, on=False, now=now)
    return written
