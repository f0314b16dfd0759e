"""``diaspora-bot campaigns preview``: what the campaigns and polls will send in the next days.

For each occurrence (``campaign:<id>`` or ``poll:<id>``, as the planner names its job): when,
its topic, to how many members on each channel and in each language, how many turned its topic
off (skipped, never sent), how many WhatsApp members will be outside the 24-hour window with no
template to send them, and one rendered sample per language (for a sample member, never a real
one's data; a poll's with its options). A poll is listed only where it is still open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.content import Content
from bot.content.polls import Poll
from bot.content.schedule import After, Cron, SendAt
from bot.plurals import counted
from bot.store import Store
from bot.timestamps import shown
from scheduler.planner import Source, anchor_moment, audience_of, calendar, job_id
from scheduler.render import Links, event_values, fill, member_values
from scheduler.roster import Person, Roster
from scheduler.sender import WHATSAPP_WINDOW

SAMPLE_NAME = "Ana Marković"
_DAY = timedelta(days=1)


@dataclass
class Occurrence:
    """One job's messages within the window."""

    job: str
    campaign: Source
    first: datetime
    last: datetime
    channels: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    # Members due it who turned its topic off: the planner records them skipped.
    topic_off: int = 0
    no_template: int = 0
    samples: dict[str, str] = field(default_factory=dict)

    @property
    def members(self) -> int:
        return sum(self.channels.values())


async def preview(
    content: Content,
    store: Store,
    now: datetime,
    days: float,
    *,
    timezone: str,
    links: Links | None = None,
) -> list[Occurrence]:
    """What is due in ``[now, now + days]``, occurrence by occurrence, soonest first."""
    await content.poll(force=True)
    roster = Roster(store.recipients, timezone, store.topics)
    await roster.refresh()
    end = now + timedelta(days=days)
    found: list[Occurrence] = []
    sources: list[Source] = [*content.campaigns.values()]
    sources += [poll for poll in content.polls.values() if poll.schedule is not None]
    for campaign in sources:
        audience = await audience_of(campaign, roster, store)
        for job, due in _dues(content, roster, campaign, audience, now, end, timezone):
            planned = await store.outbox.planned_among(job, {p.id for p, _ in due})
            due = [(person, moment) for person, moment in due if person.id not in planned]
            if not due:
                continue
            occurrence = Occurrence(job, campaign, min(m for _, m in due), max(m for _, m in due))
            off = roster.topic_off(campaign.topic)
            occurrence.topic_off = sum(person.id in off for person, _ in due)
            due = [(person, moment) for person, moment in due if person.id not in off]
            await _count(occurrence, roster, store, due)
            _samples(occurrence, content, links or Links())
            found.append(occurrence)
    return sorted(found, key=lambda o: o.first)


def _dues(
    content: Content,
    roster: Roster,
    campaign: Source,
    audience: frozenset[int],
    now: datetime,
    end: datetime,
    timezone: str,
) -> list[tuple[str, list[tuple[Person, datetime]]]]:
    schedule = campaign.schedule

    def everyone(moment: datetime) -> list[tuple[Person, datetime]]:
        people = [roster.people[member_id] for member_id in sorted(audience)]
        return [(person, _quiet(campaign, moment, person)) for person in people]

    if isinstance(schedule, SendAt):
        if now <= schedule.moment <= end and _open(campaign, schedule.moment):
            return [(job_id(campaign), everyone(schedule.moment))]
        return []
    if isinstance(schedule, Cron):
        moments = [m for m in schedule.between(now, end, timezone) if _open(campaign, m)]
        if isinstance(campaign, Poll):
            moments = moments[:1]  # one job per poll: a member is asked once
        return [(job_id(campaign, moment), everyone(moment)) for moment in moments]
    assert isinstance(schedule, After)
    if schedule.anchor != "registration":
        event = content.events.get(schedule.event or "")
        if event is None:
            return []
        people = [roster.people[member_id] for member_id in sorted(audience)]
        due = [(p, schedule.due(anchor_moment(schedule, event), p.zone)) for p in people]
    else:
        registered = roster.registered_between(now - schedule.offset - _DAY, end - schedule.offset)
        due = [(p, schedule.due(p.registered_at, p.zone)) for p in registered if p.id in audience]
    due = [
        (person, _quiet(campaign, m, person))
        for person, m in due
        if now <= m <= end and _open(campaign, m)
    ]
    return [(job_id(campaign), due)] if due else []


def _open(campaign: Source, moment: datetime) -> bool:
    """Whether the planner will still plan it at ``moment``: a poll is not planned once closed."""
    return not (isinstance(campaign, Poll) and campaign.closed(moment))


def _quiet(campaign: Source, moment: datetime, person: Person) -> datetime:
    hours = campaign.quiet_hours
    return hours.next_allowed(moment, person.zone) if hours else moment


async def _count(
    occurrence: Occurrence,
    roster: Roster,
    store: Store,
    due: list[tuple[Person, datetime]],
) -> None:
    campaign = occurrence.campaign
    on_whatsapp: list[tuple[Person, datetime]] = []
    for person, moment in due:
        channel = roster.channel_for(person, campaign.channels) or "none"
        occurrence.channels[channel] += 1
        occurrence.languages[campaign.text(person.language, "")[0]] += 1
        if channel == "whatsapp":
            on_whatsapp.append((person, moment))
    if campaign.usable_template is not None or not on_whatsapp:
        return
    reach = await store.recipients.reach({person.id for person, _ in on_whatsapp})
    for person, moment in on_whatsapp:
        inbound = (
            [
                route.last_inbound_at
                for route in reach[person.id].routes
                if route.channel == "whatsapp" and route.last_inbound_at
            ]
            if person.id in reach
            else []
        )
        if not inbound or datetime.fromisoformat(max(inbound)) < moment - WHATSAPP_WINDOW:
            occurrence.no_template += 1


def _samples(occurrence: Occurrence, content: Content, links: Links) -> None:
    campaign = occurrence.campaign
    event = content.events.get(campaign.event or "")
    for language in sorted(occurrence.languages):
        section, text = campaign.text(language, content.default_language)
        values = (
            event_values(event, section, content.default_language, calendar(content, section))
            if event
            else None
        )
        sample = fill(
            text,
            "telegram",
            member=member_values(SAMPLE_NAME),
            event=values,
            event_slug=event.slug if event else None,
            links=links,
        )
        if isinstance(campaign, Poll):
            own_words = content.text(section, "polls.own_words")
            buttons = campaign.buttons(section, content.default_language, own_words)
            sample += "\noptions: " + " · ".join(button.label for button in buttons)
        occurrence.samples[section] = sample


def describe(
    occurrences: list[Occurrence], days: float, content: Content, timezone: str
) -> list[str]:
    """The preview as lines of text: times in programme time with the zone's name, channels
    and languages by name, in the default language's words."""
    if not occurrences:
        return [f"Nothing is due in the next {days:g} days."]
    language = content.default_language
    lines = [f"Times are programme time ({timezone}).", ""]
    for o in occurrences:
        when = shown(o.first, timezone)
        if o.last - o.first >= timedelta(minutes=1):
            when += f" … {shown(o.last, timezone)}"
        title = o.campaign.title or o.campaign.id
        lines.append(f"{o.job}  {when}  ({title})  topic: {o.campaign.topic}")
        channels = ", ".join(
            f"{_name(content, language, 'channels', name)} {count}"
            for name, count in sorted(o.channels.items())
        )
        languages = ", ".join(
            f"{_language_name(content, name)} {count}"
            for name, count in sorted(o.languages.items())
        )
        members = counted(o.members, "member", "members")
        if o.members:
            members += f" — by channel: {channels}; by language: {languages}"
        lines.append(f"  {members}")
        if o.topic_off:
            lines.append(
                f"  {counted(o.topic_off, 'member', 'members')} turned {o.campaign.topic} off:"
                " skipped"
            )
        if o.no_template:
            lines.append(
                f"  {o.no_template} on WhatsApp outside the 24-hour window with no template:"
                " they will not get it"
            )
        for section, sample in o.samples.items():
            lines.append(f"  sample ({_language_name(content, section)}):")
            lines.extend(f"    {line}" for line in sample.splitlines())
        lines.append("")
    return lines


def _name(content: Content, language: str, group: str, code: str) -> str:
    """A code's label in ``language`` (``channels.telegram`` → Telegram), else the code."""
    key = f"{group}.{code}"
    if code == "none":
        return "no channel"
    return content.text(language, key) if content.has(language, key) else code


def _language_name(content: Content, code: str) -> str:
    return content.text(code, "language_name") if code in content.locales else code
