"""The store: the only module that speaks SQL."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.store.audit import Audit, AuditEntry
from bot.store.broadcasts import Broadcast, Broadcasts
from bot.store.businesses import Business, Businesses
from bot.store.conversations import Conversation, Conversations
from bot.store.database import Database
from bot.store.deliveries import Deliveries, Funnel
from bot.store.directory import Directory, MemberQuery, MemberRow, Page
from bot.store.engagement import Engagement, Reached
from bot.store.fellowship import Application, Applications
from bot.store.imports import Contact, Imports
from bot.store.inbox import Inbox, InboxRow
from bot.store.matches import Match, Matches
from bot.store.members import PROFILE_FIELDS, Address, Member, Members
from bot.store.offers import Offer, Offers
from bot.store.outbox import (
    FINAL_STATES,
    STATES,
    Choices,
    JobCounts,
    Outbox,
    OutboxRow,
    Outgoing,
)
from bot.store.outcomes import FollowUp, Outcomes
from bot.store.polls import PollAnswer, Polls, Tally
from bot.store.questions import Questions
from bot.store.recipients import Reach, Recipients, Route
from bot.store.rsvps import Outcome, Rsvp, Rsvps
from bot.store.runs import Run, Runs
from bot.store.sessions import Sessions
from bot.store.signins import SignIns
from bot.store.stats import EventCounts, Stats
from bot.store.topics import Topics

__all__ = [
    "FINAL_STATES",
    "PROFILE_FIELDS",
    "STATES",
    "Address",
    "Application",
    "Applications",
    "Audit",
    "AuditEntry",
    "Broadcast",
    "Broadcasts",
    "Business",
    "Businesses",
    "Choices",
    "Contact",
    "Conversation",
    "Conversations",
    "Database",
    "Deliveries",
    "Directory",
    "Engagement",
    "EventCounts",
    "FollowUp",
    "Funnel",
    "Imports",
    "Inbox",
    "InboxRow",
    "JobCounts",
    "Match",
    "Matches",
    "Member",
    "MemberQuery",
    "MemberRow",
    "Members",
    "Offer",
    "Offers",
    "Outbox",
    "OutboxRow",
    "Outcome",
    "Outcomes",
    "Outgoing",
    "Page",
    "PollAnswer",
    "Polls",
    "Questions",
    "Reach",
    "Reached",
    "Recipients",
    "Route",
    "Rsvp",
    "Rsvps",
    "Run",
    "Runs",
    "Sessions",
    "SignIns",
    "Stats",
    "Store",
    "Tally",
    "Topics",
]


class Store:
    """The database and the repositories over it."""

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        self.members = Members(self.db)
        self.conversations = Conversations(self.db)
        self.rsvps = Rsvps(self.db)
        self.applications = Applications(self.db)
        self.audit = Audit(self.db)
        self.outbox = Outbox(self.db)
        self.recipients = Recipients(self.db)
        self.runs = Runs(self.db)
        self.broadcasts = Broadcasts(self.db)
        self.inbox = Inbox(self.db)
        self.stats = Stats(self.db)
        self.directory = Directory(self.db)
        self.imports = Imports(self.db)
        # The dashboard's sessions, failed sign-ins and known browsers.
        self.sessions = Sessions(self.db)
        self.signins = SignIns(self.db)
        # Members' questions to the team (threads, answers, notes).
        self.questions = Questions(self.db)
        # Local businesses' requests, members' offers, the introductions and their outcomes.
        self.businesses = Businesses(self.db)
        self.offers = Offers(self.db)
        self.matches = Matches(self.db)
        self.outcomes = Outcomes(self.db, self.matches)
        # Members' answers to polls, and the topics they turned off (issue 16).
        self.polls = Polls(self.db)
        self.topics = Topics(self.db)
        # What each broadcast, campaign and poll achieved; resending what failed.
        self.deliveries = Deliveries(self.db)
        # The programme's funnel, registered → … → outcome.
        self.engagement = Engagement(self.db)

    async def open(self, *, up_to: int | None = None) -> None:
        await self.db.open(up_to=up_to)

    async def close(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Store:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def personal_data(self, member_id: int) -> dict[str, Any]:
        """Everything held about one member, for ``/mydata`` (a right of access)."""
        member = await self.members.get(member_id)
        if member is None:
            return {}
        addresses = await self.members.addresses(member_id)
        conversations = [await self.conversations.load(address.address) for address in addresses]
        return {
            "member": member.as_dict(),
            "addresses": [asdict(address) for address in addresses],
            "conversations": [
                {"address": c.address, "flow": c.flow, "step": c.step, "answers": c.answers}
                for c in conversations
                if c.active
            ],
            "rsvps": [asdict(rsvp) for rsvp in await self.rsvps.of_member(member_id)],
            "fellowship_applications": [
                {
                    **asdict(application),
                    "history": [asdict(n) for n in await self.applications.notes(application.id)],
                }
                for application in await self.applications.of_member(member_id)
            ],
            "imported_contacts": [
                asdict(contact) for contact in await self.imports.of_member(member_id)
            ],
            "questions": await self.questions.personal(member_id),
            "poll_answers": await self.polls.personal(member_id),
            "topics_turned_off": sorted(await self.topics.off(member_id)),
            **await self._business_data(member_id),
        }

    async def _business_data(self, member_id: int) -> dict[str, Any]:
        """The member's offer of help, the business requests they made or claimed, and the
        introductions they are a side of (with their follow-up answers)."""
        offer = await self.offers.of_member(member_id)
        introductions = []
        for match, side in await self.matches.involving(member_id):
            follow_ups = await self.outcomes.of_match(match.id)
            introductions.append(
                {
                    "id": match.id,
                    "side": side,
                    "business_id": match.business_id,
                    "status": match.status,
                    "your_answer": match.answer_of(side),
                    "proposed_at": match.proposed_at,
                    "introduced_at": match.introduced_at,
                    "closed_at": match.closed_at,
                    "follow_ups": [asdict(f) for f in follow_ups if f.side == side],
                }
            )
        return {
            "offer": offer.as_dict() if offer else None,
            "business_requests": [b.as_dict() for b in await self.businesses.of_member(member_id)],
            "introductions": introductions,
        }
