"""Questions for the demo (``diaspora-bot demo``): what members asked the team, in their own
language — waiting, answered, followed up, closed, one after an FAQ answer that did not help,
one with an internal note — so the Questions page, its figures (time to first answer, waiting
by age) and a member's timeline have something to show.

Written through the store only, with no outbox rows: a demo database run by ``diaspora-bot run``
must never message its fictional people.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.store import Store
from bot.store.questions import ANSWER, CLOSED, MEMBER, NOTE

Record = Callable[..., Awaitable[None]]
COORDINATOR = "dashboard"
STAFF_GROUP = "telegram:staff-group"


@dataclass(frozen=True)
class _Sample:
    """One question and what became of it: ``said`` holds (hours after the question, kind,
    text) of each later message; ``closed`` the hours after which staff closed it."""

    language: str
    question: str
    days_ago: float
    said: tuple[tuple[float, str, str], ...] = ()
    faq: str | None = None
    closed: float | None = None


SAMPLES = (
    _Sample(
        "en",
        "How can I invest in a small hotel in Kotor? Who should I talk to first?",
        12,
        (
            (
                5,
                ANSWER,
                "The Investment and Development Fund advises on tourism projects; we"
                " have asked their desk for Kotor to write to you this week.",
            ),
            (30, MEMBER, "Thank you, they called me. Very helpful."),
            (31, ANSWER, "Glad to hear it — tell us how it goes."),
        ),
        faq="invest",
        closed=48,
    ),
    _Sample(
        "cnr",
        "Da li mogu da upišem dijete u školu u Baru ako smo se vratili iz Njemačke usred godine?",
        6,
        (
            (3, NOTE, "Pitati Ministarstvo prosvjete za nostrifikaciju svjedočanstva."),
            (
                26,
                ANSWER,
                "Možete: škola upisuje dijete odmah, a svjedočanstvo iz Njemačke se"
                " priznaje u Ministarstvu prosvjete. Poslali smo vam spisak dokumenata.",
            ),
        ),
        faq="schools",
    ),
    _Sample(
        "en",
        "Is the fellowship open to people who left Montenegro as children?",
        4,
        ((20, ANSWER, "Yes — what counts is your tie to Montenegro, not where you studied."),),
    ),
    _Sample(
        "cnr",
        "Kome da se obratim za prepis stana na moje ime, vlasnik je bio pokojni otac?",
        2.5,
    ),
    _Sample(
        "en",
        "My company in Vienna wants to partner with a winery near Podgorica. Can you connect us?",
        1.6,
        ((2, NOTE, "A match for the Businesses page: ask the chamber of commerce."),),
    ),
    _Sample("cnr", "Kad je sljedeći susret dijaspore u Nikšiću?", 0.4),
    _Sample(
        "en",
        "Can I vote in the elections from Germany, or do I have to travel home?",
        0.2,
        faq="documents",
    ),
    _Sample(
        "cnr",
        "Da li postoji podrška za mlade koji žele da se vrate i pokrenu posao?",
        9,
        (
            (
                50,
                ANSWER,
                "Postoji: Fond za inovacije i opštinski programi za mlade"
                " preduzetnike. Javićemo vam kad bude otvoren sljedeći poziv.",
            ),
            (60, MEMBER, "Hvala, čekam."),
        ),
    ),
)


async def fill(
    rng: random.Random,
    store: Store,
    members: Sequence[tuple[int, str]],
    now: datetime,
    record: Record,
) -> int:
    """Writes the sample questions, each asked by a registered member of its language, with
    the audit entries staff's answers, notes and closings leave; returns how many."""
    by_language: dict[str, list[int]] = {}
    for member_id, language in members:
        by_language.setdefault(language, []).append(member_id)
    written = 0
    for sample in SAMPLES:
        askers = by_language.get(sample.language)
        if not askers:
            continue
        asked = now - timedelta(days=sample.days_ago)
        thread, _ = await store.questions.open_thread(
            rng.choice(askers), sample.language, sample.question, asked, faq=sample.faq
        )
        subject = f"question:{thread.id}"
        for hours, kind, text in sample.said:
            at = asked + timedelta(hours=hours)
            author = None if kind == MEMBER else rng.choice((COORDINATOR, STAFF_GROUP))
            await store.questions.add(thread.id, kind, text, at, author=author)
            if author is not None:
                detail: dict[str, Any] = {"member": thread.member_id} if kind == ANSWER else {}
                await record(author, f"question.{kind}", at, subject=subject, **detail)
        if sample.closed is not None:
            at = asked + timedelta(hours=sample.closed)
            await store.questions.set_status(thread.id, CLOSED, at)
            await record(COORDINATOR, "question.close", at, subject=subject)
        written += 1
    return written
