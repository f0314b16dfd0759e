"""A member's history as one timeline, oldest first, for the dashboard's member page:
consent and registration, RSVPs and check-ins, fellowship applications and their decisions,
questions and the team's answers, the offer of help, introductions and their outcomes, poll
answers, and stopping messages. Each moment is a kind and its values (codes, ids, titles); the
page says it in the coordinator's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.content import Content
from bot.store import Member, Store

# The kinds of moments, in the order they are told when two share a time.
KINDS = (
    "consent",
    "registered",
    "rsvp",
    "checked_in",
    "applied",
    "decision",
    "question",
    "answered",
    "offer",
    "proposed",
    "introduced",
    "outcome",
    "poll",
    "stopped",
)


@dataclass(frozen=True)
class Moment:
    """One thing that happened: when, what kind, and what the page needs to say it."""

    at: str
    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    link: str | None = None


async def timeline(store: Store, content: Content, member: Member, language: str) -> list[Moment]:
    """Everything the member did with the programme, oldest first."""
    default = content.default_language
    moments = [Moment(member.consent_at, "consent", {"version": member.consent_version})]
    if member.registered_at:
        moments.append(Moment(member.registered_at, "registered"))
    for rsvp in await store.rsvps.of_member(member.id):
        event = content.events.get(rsvp.event)
        title = event.text("title", language, default) if event else rsvp.event
        link = f"/events/{rsvp.event}"
        values = {"event": title, "status": rsvp.status}
        moments.append(Moment(rsvp.created_at, "rsvp", values, link))
        if rsvp.checked_in_at:
            moments.append(Moment(rsvp.checked_in_at, "checked_in", {"event": title}, link))
    for application in await store.applications.of_member(member.id):
        programme = content.fellowships.get(application.programme)
        title = programme.text("title", language, default) if programme else application.programme
        link = f"/fellowship/{application.id}"
        moments.append(Moment(application.created_at, "applied", {"programme": title}, link))
        for note in await store.applications.notes(application.id):
            if note.status and note.status != "submitted":
                values = {"programme": title, "status": note.status}
                moments.append(Moment(note.at, "decision", values, link))
    for thread in await store.questions.of_member(member.id):
        link = f"/questions/{thread.id}"
        moments.append(Moment(thread.created_at, "question", {"id": thread.id}, link))
        if thread.first_answered_at:
            moments.append(Moment(thread.first_answered_at, "answered", {"id": thread.id}, link))
    offer = await store.offers.of_member(member.id)
    if offer is not None and offer.created_at:
        moments.append(Moment(offer.created_at, "offer", {"gives": offer.gives}, "/offers"))
    for match, _side in await store.matches.involving(member.id):
        business = await store.businesses.get(match.business_id)
        values = {"business": business.name if business else f"#{match.business_id}"}
        link = f"/matches/{match.id}"
        moments.append(Moment(match.proposed_at, "proposed", values, link))
        if match.introduced_at:
            moments.append(Moment(match.introduced_at, "introduced", values, link))
        for follow_up in await store.outcomes.of_match(match.id):
            if follow_up.answered_at and follow_up.side == "member":
                outcome = {**values, "met": follow_up.met, "plan": follow_up.plan}
                moments.append(Moment(follow_up.answered_at, "outcome", outcome, link))
    for answer in await store.polls.of_member(member.id):
        poll = content.polls.get(answer.poll)
        labels = []
        for choice in answer.choices:
            option = poll.option(choice) if poll else None
            labels.append(option.label(language, default) if option else choice)
        said: dict[str, Any] = {
            "poll": (poll.title if poll and poll.title else answer.poll),
            "answer": ", ".join(labels),
            "text": answer.text,
        }
        moments.append(Moment(answer.answered_at, "poll", said, f"/polls/{answer.poll}"))
    if member.stopped_at:
        moments.append(Moment(member.stopped_at, "stopped"))
    return sorted(moments, key=lambda moment: (moment.at, KINDS.index(moment.kind)))
