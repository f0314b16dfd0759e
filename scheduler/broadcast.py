"""Staff broadcasts: one text to an audience, queued in the outbox as job ``broadcast:<id>``.

The running service sends it like any campaign message (rate limits, retries, one copy per
member, stop honoured); ``broadcast --wait`` drains it from the command line instead. The text
may greet by ``{first_name}`` or ``{name}``; it goes out at once (no quiet hours).

WhatsApp allows free text only within 24 hours of the member's last message. A broadcast may
carry an approved template (a content SID and its variables) for the others; without one they
get nothing. :func:`plan` counts this honestly before anything is queued, routing each member
as the sender will: WhatsApp members in the window get the text, those outside it the template
(or nothing), and those with another address the text there.

A broadcast names its topic (``news`` unless staff choose another of content/programme.yaml's
topics): members who turned it off with ``/topics`` are counted apart and get a row ``skipped``
with the reason ``topic: <topic>``, never a message. Every row carries the topic, so a member
who turns it off after it was queued is skipped the same way by the sender.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from bot.content.audience import Audience, AudienceError, Vocabulary, parse_audience
from bot.content.campaign_fields import CONTENT_SID, WhatsAppTemplate
from bot.content.placeholders import MEMBER_PLACEHOLDERS
from bot.store import Broadcast, Outgoing, Reach, Store
from scheduler.render import fill, member_values
from scheduler.roster import Person, PersonReader, likely_channel
from scheduler.sender import WHATSAPP_WINDOW

# What a WhatsApp member of the audience gets (Plan.whatsapp's keys).
IN_WINDOW = "text"
BY_TEMPLATE = "template"
NOTHING = "nothing"

_FORMATTER = string.Formatter()


def parse_filters(pairs: list[str], vocabulary: Vocabulary) -> Audience:
    """``["countries=DE,AT", "languages=cnr"]`` → an Audience; ValueError says what is wrong."""
    data: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not value:
            raise ValueError(f"--audience {pair!r}: expected KEY=VALUE[,VALUE…]")
        values = [part.strip() for part in value.split(",") if part.strip()]
        data[key.strip()] = values[0] if key.strip() == "event" else values
    try:
        return parse_audience(data or None, vocabulary)
    except AudienceError as error:
        raise ValueError(str(error)) from None


def check_text(text: str) -> None:
    """Raises ValueError for an empty text or a placeholder a broadcast cannot fill."""
    if not text.strip():
        raise ValueError("the broadcast text is empty")
    try:
        names = {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    except ValueError as error:
        raise ValueError(f"bad placeholder ({error}); write {{{{ or }}}} for a brace") from None
    unknown = names - MEMBER_PLACEHOLDERS
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in sorted(MEMBER_PLACEHOLDERS))
        raise ValueError(
            f"unknown placeholder {{{sorted(unknown)[0]}}} (a broadcast knows {known})"
        )


def parse_template(sid: str, pairs: list[str]) -> WhatsAppTemplate:
    """``HX…`` and ``["1={first_name}", "2=Diaspora Days"]`` → a template; ValueError says what
    is wrong (a SID that is not HX and 32 hex digits, a pair without ``=``, an unknown
    placeholder)."""
    sid = sid.strip()
    if not CONTENT_SID.match(sid):
        raise ValueError(
            f"--template {sid!r}: expected an approved template's content SID, HX and 32 hex digits"
        )
    variables: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--variables {pair!r}: expected NUMBER=TEXT, e.g. 1={{first_name}}")
        check_placeholders(value, f"--variables {key.strip()}")
        variables[key.strip()] = value
    return WhatsAppTemplate(sid, variables)


def check_placeholders(text: str, where: str) -> None:
    """Raises ValueError for a placeholder a broadcast cannot fill."""
    try:
        names = {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    except ValueError as error:
        raise ValueError(
            f"{where}: bad placeholder ({error}); write {{{{ or }}}} for a brace"
        ) from None
    unknown = names - MEMBER_PLACEHOLDERS
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in sorted(MEMBER_PLACEHOLDERS))
        raise ValueError(
            f"{where}: unknown placeholder {{{sorted(unknown)[0]}}} (a broadcast knows {known})"
        )


ANY_PROGRAMME = "*"
"""``Plan.applicants`` for applicants to any fellowship programme."""
DEFAULT_TOPIC = "news"


@dataclass
class Plan:
    """Who a broadcast would reach, counted before it is queued.

    ``texts`` holds a text per language (a member gets the one in their language, else the
    default language's, else the first); empty, ``text`` goes to everyone. ``applicants``
    keeps the audience to members with an open fellowship application (to that programme, or
    to any with :data:`ANY_PROGRAMME`).
    """

    text: str
    audience: Audience
    members: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    texts: dict[str, str] = field(default_factory=dict)
    applicants: str | None = None
    default_language: str = "en"
    template: WhatsAppTemplate | None = None
    whatsapp: Counter[str] = field(default_factory=Counter)
    """WhatsApp members by what they get: :data:`IN_WINDOW` (the text), :data:`BY_TEMPLATE`,
    :data:`NOTHING` (outside the window, no template, no other address)."""
    topic: str = DEFAULT_TOPIC
    topic_off: int = 0
    """Members of the audience who turned the topic off: skipped, not in ``members``."""

    def text_for(self, language: str) -> tuple[str, str]:
        """The text a member reading the bot in ``language`` gets, and its language."""
        if not self.texts:
            return language, self.text
        for candidate in (language, self.default_language):
            if candidate in self.texts:
                return candidate, self.texts[candidate]
        first = next(iter(self.texts))
        return first, self.texts[first]

    def describe(self) -> str:
        """The audience in one line, for the audit log and the broadcasts table."""
        if self.applicants is None:
            return self.audience.describe()
        applicants = f"fellowship_applicants={self.applicants}"
        return applicants if self.audience.everyone else f"{self.audience.describe()}; {applicants}"


async def _recipients(
    store: Store, plan: Plan, fallback_zone: str
) -> AsyncIterator[list[tuple[Person, str | None]]]:
    """The audience's members and their likely channel, a chunk at a time (never all at once:
    a broadcast to 100,000 members stays small)."""
    audience = plan.audience
    going: set[int] = set()
    if audience.event:
        going = await store.recipients.rsvp_members(audience.event, audience.rsvp)
    applicants: set[int] | None = None
    if plan.applicants is not None:
        programme = None if plan.applicants == ANY_PROGRAMME else plan.applicants
        applicants = await store.recipients.applicant_members(programme)
    reader = PersonReader(fallback_zone)
    async for rows in store.recipients.stream():
        chunk = []
        for row in rows:
            person = reader.person(row)
            if audience.matches(person, going) and (applicants is None or person.id in applicants):
                channels = str(row[-1]).split(",") if row[-1] else []
                chunk.append((person, likely_channel(person, channels)))
        yield chunk


async def plan(
    store: Store,
    text: str,
    audience: Audience,
    fallback_zone: str,
    now: datetime,
    *,
    texts: dict[str, str] | None = None,
    applicants: str | None = None,
    default_language: str = "en",
    template: WhatsAppTemplate | None = None,
    topic: str = DEFAULT_TOPIC,
) -> Plan:
    """Counts the members in the audience by language and by the channel they will get it on,
    and the WhatsApp members by what they get (as of ``now``: the text in the 24-hour window,
    else the template, else nothing); those who turned ``topic`` off apart."""
    for each in texts.values() if texts else [text]:
        check_text(each)
    result = Plan(
        text,
        audience,
        texts=dict(texts or {}),
        applicants=applicants,
        default_language=default_language,
        template=template,
        topic=topic,
    )
    off = await store.topics.members_off(topic)
    async for chunk in _recipients(store, result, fallback_zone):
        result.topic_off += sum(person.id in off for person, _ in chunk)
        chunk = [(person, channel) for person, channel in chunk if person.id not in off]
        on_whatsapp = [person.id for person, channel in chunk if channel == "whatsapp"]
        reach = await store.recipients.reach(on_whatsapp) if on_whatsapp else {}
        for person, channel in chunk:
            result.members += 1
            result.languages[person.language] += 1
            if channel == "whatsapp" and person.id in reach:
                channel, gets = _whatsapp_route(reach[person.id], template is not None, now)
                if gets is not None:
                    result.whatsapp[gets] += 1
            result.channels[channel or "none"] += 1
    return result


def _whatsapp_route(reach: Reach, template: bool, now: datetime) -> tuple[str, str | None]:
    """The channel a member whose likely channel is WhatsApp gets a broadcast on, routed as
    the sender routes it, and what they get there on WhatsApp (None: on another channel)."""
    routes = [route for route in reach.routes if route.unreachable_at is None]
    routes.sort(key=lambda route: route.channel != reach.preferred_channel)
    if not routes:
        return "none", None
    for route in routes:
        if route.channel != "whatsapp":
            return route.channel, None
        last = route.last_inbound_at
        if last is not None and datetime.fromisoformat(last) >= now - WHATSAPP_WINDOW:
            return "whatsapp", IN_WINDOW
        if template:
            return "whatsapp", BY_TEMPLATE
    return "whatsapp", NOTHING


async def queue(
    store: Store,
    plan: Plan,
    actor: str,
    now: datetime,
    fallback_zone: str,
    *,
    report_to: str | None = None,
    report_language: str | None = None,
) -> tuple[Broadcast, int]:
    """Records the broadcast, queues one row per member, and writes the audit entry.

    ``report_to`` names the chat that follows the progress (see scheduler.progress)."""
    description = plan.describe()
    broadcast = await store.broadcasts.create(
        actor,
        plan.text,
        description,
        now,
        texts=plan.texts,
        report_to=report_to,
        report_language=report_language,
    )
    queued = skipped = 0
    off = await store.topics.members_off(plan.topic)

    def rows(chunk: list[tuple[Person, str | None]]) -> Iterator[Outgoing]:
        for person, channel in chunk:
            yield Outgoing(
                job=broadcast.job,
                kind="broadcast",
                member_id=person.id,
                body=fill(
                    plan.text_for(person.language)[1],
                    channel or "telegram",
                    member=member_values(person.name),
                ),
                not_before=now,
                template=plan.template.build(
                    person.language, plan.default_language, member_values(person.name)
                )
                if plan.template is not None
                else None,
                topic=plan.topic,
            )

    async for chunk in _recipients(store, plan, fallback_zone):
        turned_off = [(person, channel) for person, channel in chunk if person.id in off]
        chunk = [(person, channel) for person, channel in chunk if person.id not in off]
        queued += await store.outbox.enqueue(rows(chunk), now)
        if turned_off:
            skipped += await store.outbox.enqueue(
                rows(turned_off), now, state="skipped", reason=f"topic: {plan.topic}"
            )
    await store.audit.record(
        actor,
        "broadcast",
        now,
        subject=broadcast.job,
        audience=description,
        members=queued,
        characters=len(plan.text),
        languages=sorted(plan.texts),
        whatsapp_template=plan.template.sid(plan.default_language, plan.default_language)
        if plan.template is not None
        else None,
        whatsapp=dict(plan.whatsapp),
        topic=plan.topic,
        skipped_topic=skipped,
    )
    return broadcast, queued
