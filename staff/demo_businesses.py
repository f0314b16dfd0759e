"""Local businesses for the demo (``diaspora-bot demo``): offers of help from the members who
chose mentoring or investing, requests asked in the chat (their contact persons consented in
Montenegrin) and imported from municipalities' lists, and introductions in every state — some
waiting, some declined or expired, some introduced with their follow-ups answered.

Written through the store only, with no outbox rows: a demo database run by ``diaspora-bot run``
must never message its fictional people.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.content import Content
from bot.store import Business, Store
from bot.store.businesses import NEEDS, STAGES
from bot.store.offers import INVESTMENT_RANGES, MODES
from staff import demo_people as people
from staff import suggestions

# Businesses in the municipalities, by sector, with what they would write about themselves.
BUSINESSES = (
    ("Konoba Zora", "Kotor", "tourism", "A family guesthouse and restaurant in the old town; "
     "we want a business plan for a small hotel and guests from Germany."),
    ("Vinarija Crmnica", "Bar", "agriculture", "A family winery; we look for buyers and a "
     "partner for export to Austria and Switzerland."),
    ("Pekara Žito", "Nikšić", "agriculture", "A bakery with two shops; we need a plan to open "
     "a third and help with bank credit."),
    ("IT Studio Lovćen", "Cetinje", "it", "Four developers making web shops; we want mentoring "
     "on sales to clients abroad."),
    ("Apartmani Mogren", "Budva", "tourism", "Eight apartments by the sea; online bookings and "
     "marketing outside the summer season."),
    ("Med sa Durmitora", "Žabljak", "agriculture", "Mountain honey from our own hives; "
     "packaging, certification and export."),
    ("Stolarija Lim", "Bijelo Polje", "construction", "A joinery making furniture from local "
     "wood; an investor for new machines."),
    ("Eko selo Bjelasica", "Kolašin", "tourism", "An eco village with cabins; a business plan "
     "for hiking and adventure tourism."),
    ("Maslinjak Valdanos", "Ulcinj", "agriculture", "Olive oil from old groves; market access "
     "in Germany and quality certification."),
    ("Print Podgorica", "Podgorica", "arts", "A print and design studio; branding and "
     "management advice to grow."),
)  # fmt: skip
# Shares of the requests: imported from a municipality's list (no contact in the bot yet).
IMPORTED = 0.3
ACTOR = "cli:jelena"

Record = Callable[..., Awaitable[None]]


async def fill(
    rng: random.Random,
    store: Store,
    content: Content,
    now: datetime,
    phones: people.Phones,
    record: Record,
    *,
    requests: int = 12,
) -> tuple[int, int, int]:
    """Writes offers, ``requests`` business requests and their matches; returns how many of
    each."""
    offers = await _offers(rng, store, now)
    businesses = await _businesses(rng, store, now, phones, requests)
    matches = await _matches(rng, store, now, businesses, record)
    return offers, len(businesses), matches


async def _offers(rng: random.Random, store: Store, now: datetime) -> int:
    """An offer from most registered members who chose mentoring or investing."""
    count = 0
    for member in await store.members.all():
        if not {"mentoring", "investment"} & set(member.interests) or rng.random() < 0.2:
            continue
        gives = ["mentoring", "business_plan"] if "mentoring" in member.interests else []
        if "investment" in member.interests:
            gives.append("investment")
        gives += rng.sample([n for n in NEEDS if n not in gives], rng.randint(0, 1))
        answers: dict[str, Any] = {
            "gives": [need for need in NEEDS if need in gives],
            "sectors": [member.sector] if member.sector not in (None, "student", "retired") else [],
            "languages": member.languages or ["cnr"],
            "mode": rng.choice(MODES),
            "hours": rng.choice([2, 4, 4, 8, 8, 12, 20]),
            "investment": rng.choice(INVESTMENT_RANGES) if "investment" in gives else None,
            "contact": member.email or member.phone,
        }
        await store.offers.save(member.id, answers, now - timedelta(days=rng.randint(20, 200)))
        count += 1
    return count


async def _businesses(
    rng: random.Random, store: Store, now: datetime, phones: people.Phones, requests: int
) -> list[Business]:
    """Requests asked in the chat (a contact person each) or imported from a list."""
    made = []
    for number in range(requests):
        name, municipality, sector, description = BUSINESSES[number % len(BUSINESSES)]
        if number >= len(BUSINESSES):
            name = f"{name} {number // len(BUSINESSES) + 1}"
        at = now - timedelta(days=rng.randint(30, 120))
        business = Business(
            0,
            name,
            "chat",
            municipality=municipality,
            sector=sector,
            stage=rng.choice(STAGES),
            needs=rng.sample(list(NEEDS), rng.randint(1, 3)),
            description=description,
            languages=["cnr"] + (["en"] if rng.random() < 0.5 else []),
            contact_name=people.name(rng),
            phone=phones.take(),
        )
        if rng.random() < IMPORTED:
            business.source, business.source_row = f"{municipality.lower()}-2026.xlsx", number + 2
            await store.businesses.save_imported([business], [], at)
            made.append(business)
            continue
        contact = await store.members.create(
            f"telegram:{9_950_000_000 + number}", language="cnr", consent_version="2026-11-v2",
            now=at,
        )  # fmt: skip
        await store.members.update(contact.id, at, name=business.contact_name)
        business.member_id = contact.id
        made.append(await store.businesses.create(business, at, consent_version="2026-11-v2"))
    return made


async def _matches(
    rng: random.Random, store: Store, now: datetime, businesses: list[Business], record: Record
) -> int:
    """Each reachable request's best offers proposed; their states drawn, follow-ups answered."""
    ranked = await suggestions.index(store)
    count = 0
    for business in businesses:
        if business.member_id is None:
            continue
        for suggestion in await suggestions.suggest(store, business, limit=2, ranked=ranked):
            at = now - timedelta(days=rng.randint(3, 80))
            match = await store.matches.propose(
                business.id, suggestion.member_id, at, actor=ACTOR,
                expires_at=at + timedelta(days=14), score=suggestion.score,
                reasons=suggestion.reasons,
            )  # fmt: skip
            if match is None:
                continue
            count += 1
            await record(ACTOR, "match.proposed", at, subject=f"match:{match.id}")
            await _answer(rng, store, match.id, at, now)
    return count


async def _answer(
    rng: random.Random, store: Store, match_id: int, at: datetime, now: datetime
) -> None:
    """What became of one proposal: both accepted (and told how it went), one declined, no
    answer in time, or still waiting."""
    fate = rng.choices(("introduced", "declined", "expired", "waiting"), weights=(5, 2, 1, 2))[0]
    if fate in ("waiting", "expired") and now - at < timedelta(days=14):
        return
    if fate == "declined":
        side = rng.choice(("business", "member"))
        await store.matches.answer(match_id, side, False, at + timedelta(days=2), note="no_time")
        return
    if fate != "introduced":
        await store.matches.answer(match_id, "member", True, at + timedelta(days=1))
        await store.matches.close(
            match_id, "expired", at + timedelta(days=14), actor="scheduler",
            reason="no answer from the business within 14 days",
        )  # fmt: skip
        return
    await store.matches.answer(match_id, "member", True, at + timedelta(days=1))
    await store.matches.answer(match_id, "business", True, at + timedelta(days=2))
    asked = at + timedelta(days=16)
    if asked > now:
        return
    for side in ("business", "member"):
        await store.outcomes.ask(match_id, side, "2w", asked)
    for follow_up in await store.outcomes.of_match(match_id):
        if rng.random() < 0.8:
            await store.outcomes.record(
                follow_up.id,
                {
                    "met": rng.choice(("yes", "yes", "not_yet")),
                    "plan": rng.choice(("none", "drafted", "completed")),
                    "investment": rng.choice(("no", "no", "yes")),
                    "continues": rng.choice(("yes", "yes", "no")),
                },
                asked + timedelta(days=1),
            )
