"""Sample data for trying the dashboard (``diaspora-bot demo``): members across the diaspora in
both languages, RSVPs with waitlists, fellowship applications in every status with their notes,
imported contacts (some linked by a proved phone), local businesses with offers and
introductions (:mod:`staff.demo_businesses`), questions to the team (:mod:`staff.demo_questions`),
poll answers (:mod:`staff.demo_polls`) and the audit entries staff would have left.

Everything is written through the store, as the bot would write it, and is the same from one
seed and one moment. Who the people are is in :mod:`staff.demo_people`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import zones
from bot.content import Content
from bot.store import Contact, Store
from bot.store.fellowship import STATUSES as APPLICATION_STATUSES
from bot.store.rsvps import GOING, MAYBE, NOT_GOING
from handlers.application_form import DURATIONS
from staff import demo_businesses, demo_polls, demo_questions
from staff import demo_people as people

# Members registered over this time, most of them recently.
HISTORY = timedelta(days=730)
# Shares of the members: still registering (consented from an event link), who stopped all
# messages, on WhatsApp only, on both apps, who typed a phone on Telegram, who applied for a
# fellowship.
UNREGISTERED = 0.04
STOPPED = 0.03
WHATSAPP_ONLY = 0.15
BOTH_CHANNELS = 0.25
TYPED_PHONE = 0.15
APPLICANTS = 0.12
# Contacts imported from earlier registers, per member; how many of them registered since.
CONTACTS = 0.4
CONTACTS_REGISTERED = 0.3
TELEGRAM_IDS = 9_900_000_000
COORDINATORS = ("dashboard", "cli:jelena", "cli:marko")


@dataclass(frozen=True)
class Filled:
    """How many of each were written."""

    members: int
    registered: int
    rsvps: int
    applications: int
    contacts: int
    linked: int
    questions: int
    audit: int


@dataclass
class _Person:
    """One member before writing: their profile and when they registered."""

    number: int
    at: datetime
    language: str
    profile: dict[str, Any]
    registered: bool = True
    stopped: bool = False
    telegram: bool = True
    whatsapp: str | None = None
    id: int = 0
    interests: list[str] = field(default_factory=list)


async def fill(
    store: Store,
    content: Content,
    now: datetime,
    *,
    members: int = 300,
    seed: int = 1,
    consent_version: str = "2026-11-v2",
) -> Filled:
    """Writes ``members`` sample members and what they and staff did into an open store."""
    rng = random.Random(seed)
    phones = people.Phones.new()
    crowd = _people(rng, content, now, members, phones)
    zone_of = await asyncio.to_thread(_zones, crowd)
    for person in sorted(crowd, key=lambda each: each.at):
        await _write(store, person, zone_of, consent_version)
    # The old registers were imported lately: the members who proved a phone number that is
    # in them are linked as the import links them.
    contacts = _contacts(rng, crowd, phones, members)
    imported_at = now - timedelta(days=45)
    await store.imports.save(contacts, [], imported_at)
    audit = _Audit(store)
    await audit.record(
        "cli:jelena", "members.import", imported_at, subject=people.IMPORT_SOURCES[0],
        rows=len(contacts), added=len(contacts), merged=0, skipped=0,
        linked=await store.imports.link(imported_at),
    )  # fmt: skip
    rsvps = await _rsvps(rng, store, content, crowd, now)
    applications = await _applications(rng, store, content, crowd, now, audit)
    await _staff_activity(rng, store, now, audit, members)
    # Local businesses: offers, requests (their contact persons are no diaspora members) and
    # introductions in every state.
    await demo_businesses.fill(
        rng, store, content, now, phones, audit.record, requests=max(6, members // 25)
    )
    # Questions to the team: before the polls, whose random draws they leave as they were.
    questions = await demo_questions.fill(
        rng, store, [(p.id, p.language) for p in crowd if p.registered], now, audit.record
    )
    # Poll answers (and topics turned off): last, so the rest of the demo stays as it was.
    await demo_polls.fill(rng, store, content, [p.id for p in crowd if p.registered], now)
    registered = sum(person.registered for person in crowd)
    _, linked = await store.imports.counts()
    return Filled(
        members, registered, rsvps, applications, len(contacts), linked, questions, audit.count
    )


class _Audit:
    """The store's audit log, counting what it records."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.count = 0

    async def record(
        self, actor: str, action: str, at: datetime, *, subject: str | None = None, **detail: Any
    ) -> None:
        await self.store.audit.record(actor, action, at, subject=subject, **detail)
        self.count += 1


def _people(
    rng: random.Random, content: Content, now: datetime, count: int, phones: people.Phones
) -> list[_Person]:
    programme = content.programme
    assert programme is not None
    municipalities = {
        name: people.MUNICIPALITY_WEIGHTS.get(name, 1) for name in programme.municipalities
    }
    sectors = {name: people.SECTOR_WEIGHTS.get(name, 1) for name in programme.sectors}
    crowd = []
    for number in range(1, count + 1):
        country = people.country(rng)
        full_name = people.name(rng)
        sector = people.weighted(rng, sectors)
        # More members joined lately than long ago: the programme grew.
        age = HISTORY * (1 - rng.random() ** 0.6)
        language = "cnr" if rng.random() < 0.55 else "en"
        interests = rng.sample(list(programme.interests), rng.randint(1, 3))
        # WhatsApp only, both apps (the phone proved on Telegram), a phone typed on Telegram
        # (which proves nothing), or Telegram alone.
        reach = rng.random()
        phone = phones.take() if reach < WHATSAPP_ONLY + BOTH_CHANNELS + TYPED_PHONE else None
        whatsapp_only = phone is not None and reach < WHATSAPP_ONLY
        on_both = phone is not None and WHATSAPP_ONLY <= reach < WHATSAPP_ONLY + BOTH_CHANNELS
        email = people.email(rng, full_name, number) if rng.random() < 0.6 else None
        preferred = "telegram"
        if whatsapp_only or (on_both and rng.random() < 0.5):
            preferred = "whatsapp"
        elif email and rng.random() < 0.25:
            preferred = "email"
        profile: dict[str, Any] = {
            "name": full_name,
            "country": country,
            "city": people.city(rng, country),
            "municipality": people.weighted(rng, municipalities) if rng.random() < 0.9 else None,
            "emigration_year": (now - timedelta(days=365 * rng.triangular(1, 45, 6))).year,
            "sector": sector,
            "skills": rng.choice(people.SKILLS.get(sector, people.SKILLS["other"])),
            "languages": people.languages(rng, country, programme.spoken_languages),
            "interests": interests,
            "preferred_channel": preferred,
            "email": email,
            "phone": phone,
        }
        person = _Person(number, now - age, language, profile, interests=interests)
        person.telegram = not whatsapp_only
        person.whatsapp = phone if whatsapp_only or on_both else None
        person.registered = rng.random() >= UNREGISTERED
        # Stopping comes a few weeks after registering (_write), so only older members have.
        person.stopped = person.registered and rng.random() < STOPPED and age.days > 30
        crowd.append(person)
    return crowd


def _zones(crowd: Sequence[_Person]) -> dict[tuple[str, str], str | None]:
    """Each (country, city)'s time zone, as registration works it out (in a thread: the city
    table loads on first use)."""
    places = {(person.profile["country"], person.profile["city"]) for person in crowd}
    return {place: zones.city_zone(*place) for place in sorted(places)}


def _contacts(
    rng: random.Random, crowd: Sequence[_Person], phones: people.Phones, count: int
) -> list[Contact]:
    """Contacts from two earlier registers: some are members who registered since with the
    same phone (linked once they prove it), the rest never wrote to the bot."""
    with_phone = [person for person in crowd if person.profile["phone"] and person.registered]
    known = rng.sample(
        with_phone, min(len(with_phone), int(count * CONTACTS * CONTACTS_REGISTERED))
    )
    contacts = []
    for row, person in enumerate(known, start=2):
        profile = person.profile
        contacts.append(_contact(row, profile["name"], profile["phone"], profile, rng))
    for row in range(len(known) + 2, int(count * CONTACTS) + 2):
        country = people.country(rng)
        full_name = people.name(rng)
        profile = {"country": country, "city": people.city(rng, country)}
        contacts.append(_contact(row, full_name, phones.take(), profile, rng))
    return contacts


def _contact(
    row: int, full_name: str, phone: str | None, profile: dict[str, Any], rng: random.Random
) -> Contact:
    return Contact(
        id=0,
        source=people.IMPORT_SOURCES[row % 2],
        source_row=row,
        name=full_name,
        phone=phone,
        email=people.email(rng, full_name, row) if phone is None or rng.random() < 0.3 else None,
        country=profile.get("country"),
        city=profile.get("city"),
        municipality=profile.get("municipality"),
        sector=profile.get("sector"),
    )


async def _write(
    store: Store, person: _Person, zone_of: dict[tuple[str, str], str | None], consent: str
) -> None:
    """Consent, then the profile (and its time zone), as the registration flow saves them."""
    address = (
        f"telegram:{TELEGRAM_IDS + person.number}"
        if person.telegram
        else f"whatsapp:{person.profile['phone']}"
    )
    member = await store.members.create(
        address, language=person.language, consent_version=consent, now=person.at
    )
    person.id = member.id
    done = person.at + timedelta(minutes=4)
    profile = person.profile
    if not person.registered:
        await store.members.update(
            member.id, done, name=profile["name"], country=profile["country"]
        )
        return
    fields: dict[str, Any] = dict(profile, registered_at=done.isoformat())
    fields["timezone"] = zone_of[(profile["country"], profile["city"])]
    if person.telegram and person.whatsapp:
        # Shared with Telegram's own-contact button: proved, so their WhatsApp chat joins them.
        fields["verified_phone"] = person.whatsapp
    await store.members.update(member.id, done, **fields)
    if person.telegram and person.whatsapp:
        await store.members.link_by_phone(f"whatsapp:{person.whatsapp}", person.whatsapp, done)
    if person.stopped:
        stopped = done + timedelta(days=20)
        await store.members.update(member.id, stopped, stopped_at=stopped.isoformat())


async def _rsvps(
    rng: random.Random, store: Store, content: Content, crowd: Sequence[_Person], now: datetime
) -> int:
    """Answers to every event, in the order members gave them, so popular events fill up and
    keep a waitlist; then a few who were going cancel and the waitlist moves up."""
    written = 0
    # Members still registering came from an event's link: they answer too.
    registered = [person for person in crowd if not person.stopped]
    for slug, event in sorted(content.events.items()):
        # Events in the home country draw more; one with seats gets answers enough to fill
        # them and keep a waitlist, not ten times more.
        share = 0.25 if event.online_url else 0.6
        wanted = int(len(registered) * share)
        if event.capacity:
            wanted = min(wanted, int(event.capacity * 1.4))
        chosen = rng.sample(registered, min(wanted, len(registered)))
        closes = min(now, event.rsvp_deadline or event.starts_at)
        answers = []
        for person in chosen:
            first = max(person.at, closes - timedelta(days=120))
            if first >= closes:
                continue
            at = first + (closes - first) * rng.random()
            status = rng.choices((GOING, MAYBE, NOT_GOING), weights=(62, 23, 15))[0]
            guests = rng.choices((0, 1, 2, 3), weights=(65, 25, 8, 2))[0] if status == GOING else 0
            answers.append((at, person.id, status, guests))
        for at, member_id, status, guests in sorted(answers):
            await store.rsvps.answer(
                slug, member_id, status, at, guests=guests, capacity=event.capacity
            )
            written += 1
        going = [answer for answer in sorted(answers) if answer[2] == GOING]
        for _, member_id, _, _ in rng.sample(going, len(going) // 30):
            await store.rsvps.cancel(slug, member_id, closes, capacity=event.capacity)
            written -= 1
        await _check_ins(rng, store, slug, event.starts_at, event.ends_at, now)
    return written


async def _check_ins(
    rng: random.Random, store: Store, slug: str, starts: datetime, ends: datetime, now: datetime
) -> None:
    """At an event that is over, most of those going were checked in at the door."""
    if ends > now:
        return
    for rsvp in await store.rsvps.listing(slug):
        if rsvp.status == GOING and rng.random() < 0.8:
            await store.rsvps.check_in(
                slug, rsvp.member_id, starts + timedelta(minutes=rng.randint(0, 90))
            )


async def _applications(
    rng: random.Random,
    store: Store,
    content: Content,
    crowd: Sequence[_Person],
    now: datetime,
    audit: _Audit,
) -> int:
    """Fellowship applications, each taken as far as a coordinator got: every status appears
    (the first six applications go through one each), with notes and audit entries."""
    programmes = sorted(content.fellowships.items())
    if not programmes:
        return 0
    keen = [p for p in crowd if p.registered and "fellowship" in p.interests and not p.stopped]
    eager = {person.number for person in keen}
    others = [p for p in crowd if p.registered and p.number not in eager and not p.stopped]
    wanted = int(len(crowd) * APPLICANTS)
    applicants = rng.sample(keen, min(wanted, len(keen)))
    applicants += rng.sample(others, min(wanted - len(applicants), len(others)))
    count = 0
    for index, person in enumerate(applicants):
        slug, programme = rng.choice(programmes)
        applied = max(person.at, now - timedelta(days=90)) + timedelta(days=rng.uniform(0, 5))
        applied = min(applied, now - timedelta(hours=2))
        start = now + timedelta(days=30 * rng.randint(1, 8))
        answers = {
            "field": rng.choice(sorted(programme.fields)),
            "host_kind": rng.choice(programme.host_kinds),
            "duration": rng.choice(DURATIONS),
            "available_from": start.strftime("%Y-%m"),
            "work_mode": rng.choice(programme.work_modes),
            "motivation": rng.choice(
                people.MOTIVATIONS.get(person.language, people.MOTIVATIONS["en"])
            ),
            "link": f"https://cv.example.org/{person.number}" if rng.random() < 0.7 else None,
        }
        application = await store.applications.submit(slug, person.id, applied, answers)
        if application is None:
            continue
        count += 1
        final = (
            APPLICATION_STATUSES[index]
            if index < len(APPLICATION_STATUSES)
            else rng.choices(APPLICATION_STATUSES, weights=(30, 20, 15, 10, 15, 10))[0]
        )
        await _decide(rng, store, application.id, person, final, applied, now, audit)
    return count


# The way to each status: the steps a coordinator (or, to withdraw, the member) takes.
_PATHS = {
    "submitted": (),
    "screening": ("screening",),
    "shortlisted": ("screening", "shortlisted"),
    "accepted": ("screening", "shortlisted", "accepted"),
    "declined": ("screening", "declined"),
    "withdrawn": ("withdrawn",),
}


async def _decide(
    rng: random.Random,
    store: Store,
    application_id: int,
    person: _Person,
    final: str,
    applied: datetime,
    now: datetime,
    audit: _Audit,
) -> None:
    at = applied
    before = "submitted"
    for status in _PATHS[final]:
        at = min(at + timedelta(days=rng.uniform(1, 12)), now - timedelta(minutes=30))
        member = status == "withdrawn"
        actor = f"member:{person.id}" if member else rng.choice(COORDINATORS)
        note = rng.choice(people.NOTES) if not member and rng.random() < 0.5 else None
        await store.applications.change(application_id, status, at, author=actor, note=note)
        if not member:
            await audit.record(
                actor, "fellowship.status", at, subject=f"application:{application_id}",
                before=before, after=status, note=note is not None,
            )  # fmt: skip
        before = status
    if final != "withdrawn" and rng.random() < 0.3:
        at = min(at + timedelta(hours=rng.uniform(1, 48)), now - timedelta(minutes=5))
        actor = rng.choice(COORDINATORS)
        await store.applications.add_note(
            application_id, rng.choice(people.NOTES), at, author=actor
        )
        await audit.record(actor, "fellowship.note", at, subject=f"application:{application_id}")


async def _staff_activity(
    rng: random.Random, store: Store, now: datetime, audit: _Audit, members: int
) -> None:
    """A few months of sign-ins, exports, statistics and reports, as the audit log keeps them."""
    for days in range(120, 0, -3):
        at = now - timedelta(days=days, hours=rng.uniform(0, 8))
        await audit.record("dashboard", "dashboard.signin", at)
        action = rng.choice(("export.members", "export.rsvps", "stats.view", "report.mapping"))
        detail: dict[str, Any] = {"members": members} if action != "export.rsvps" else {}
        if action.startswith("export."):
            detail = {"rows": rng.randint(10, max(11, members)), "output": "download.csv"}
        elif action == "report.mapping":
            detail["output"] = "download.html"
        await audit.record("dashboard", action, at + timedelta(minutes=5), **detail)
    await audit.record("cli:marko", "backup", now - timedelta(days=1), output="backups/db.sqlite3")
