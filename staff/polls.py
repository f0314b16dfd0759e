"""Poll results for coordinators (exact counts: overall, and by country, language and
municipality), and the results sent back to those who answered.

Coordinators see exact counts in the dashboard and ``polls results``; what leaves the programme
— the mapping report — is suppressed there (:func:`staff.stats.mapping_report`). Members who
answered get percentages only, and only once :data:`staff.suppression.THRESHOLD` members or
more answered, so nobody can work out a neighbour's answer from a count of one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.content import Content
from bot.content.polls import Poll
from bot.errors import DiasporaError
from bot.store import Outgoing, Store, Tally
from bot.store.polls import DIMENSIONS, poll_job, results_job
from staff.suppression import THRESHOLD
from staff.texts import N_, Text

RESULTS_KIND = "poll_results"


class PollRefused(DiasporaError):
    """The poll cannot be shown or shared: it does not exist, or too few answered."""


@dataclass
class Results:
    """One poll's counts: who was asked, who answered, per option, by each dimension."""

    poll: Poll
    tally: Tally
    asked: int
    by: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def option_counts(self) -> dict[str, int]:
        """Every option's count, in the poll's order (0 for an option nobody chose)."""
        return {option.id: self.tally.options.get(option.id, 0) for option in self.poll.options}

    def as_json(self, now: datetime) -> dict[str, Any]:
        """``{"poll": ID, "answered": N, "options": {OPTION_ID: COUNT, …}, …}``."""
        poll = self.poll
        return {
            "poll": poll.id,
            "title": poll.title,
            "topic": poll.topic,
            "multiple": poll.multiple,
            "free_text": poll.free_text,
            "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
            "open": not poll.closed(now),
            "asked": self.asked,
            "answered": self.tally.answered,
            "options": self.option_counts(),
            "own_words": self.tally.free_text,
            **{
                f"by_{dimension}": {
                    value or "": {
                        "answered": tally.answered,
                        "options": {
                            option.id: tally.options.get(option.id, 0) for option in poll.options
                        },
                        "own_words": tally.free_text,
                    }
                    for value, tally in sorted(self.by.get(dimension, {}).items())
                }
                for dimension in DIMENSIONS
            },
        }


def find(content: Content, poll_id: str) -> Poll:
    """The poll, or PollRefused."""
    poll = content.polls.get(poll_id)
    if poll is None:
        known = ", ".join(sorted(content.polls)) or "none"
        message = N_("no poll %(poll)s in content/polls/ (known: %(known)s)")
        raise PollRefused(Text(message, poll=repr(poll_id), known=known))
    return poll


async def results(store: Store, poll: Poll) -> Results:
    """The poll's exact counts."""
    counted = await store.polls.counts(poll.id)
    asked = (await store.outbox.counts(poll_job(poll.id))).get("sent", 0)
    by = {dimension: counted[dimension] for dimension in DIMENSIONS}
    return Results(poll, counted[""][""], asked, by)


def results_text(content: Content, language: str, found: Results) -> str:
    """The results as a member reads them: the question, then each option's share."""
    poll = found.poll
    default = content.default_language
    question = poll.title or poll.text(language, default)[1]
    answered = found.tally.answered
    lines = [content.text(language, "polls.results_heading", question=question, count=answered)]
    for option, count in found.option_counts().items():
        chosen = poll.option(option)
        label = chosen.label(language, default) if chosen else option
        percent = round(100 * count / answered) if answered else 0
        lines.append(content.text(language, "polls.results_line", label=label, percent=percent))
    return "\n".join(lines)


async def share(store: Store, content: Content, poll_id: str, now: datetime, *, actor: str) -> int:
    """Sends the results to every member who answered (once: job ``poll:<id>:results``);
    those who turned the poll's topic off are skipped. Returns how many were queued; audited."""
    poll = find(content, poll_id)
    found = await results(store, poll)
    if not poll.options:
        message = N_("poll %(poll)s has no options to count (only answers in words)")
        raise PollRefused(Text(message, poll=repr(poll.id)))
    if found.tally.answered < THRESHOLD:
        message = N_(
            "poll %(poll)s has %(answers)s answers; results go out from %(threshold)s, so"
            " nobody's answer can be told from them"
        )
        answers, threshold = found.tally.answered, THRESHOLD
        raise PollRefused(Text(message, poll=repr(poll.id), answers=answers, threshold=threshold))
    members = await store.polls.answered_by(poll.id)
    languages = {
        member.id: member.language
        for member in [await store.members.get(member_id) for member_id in members]
        if member is not None
    }
    off = await store.topics.members_off(poll.topic)
    texts: dict[str, str] = {}

    def rows(ids: list[int]) -> list[Outgoing]:
        outgoing = []
        for member_id in ids:
            language = languages[member_id]
            if language not in texts:
                texts[language] = results_text(content, language, found)
            outgoing.append(
                Outgoing(
                    results_job(poll.id),
                    RESULTS_KIND,
                    member_id,
                    texts[language],
                    now,
                    topic=poll.topic,
                )
            )
        return outgoing

    ids = [member_id for member_id in members if member_id in languages]
    queued = await store.outbox.enqueue(rows([m for m in ids if m not in off]), now)
    skipped = await store.outbox.enqueue(
        rows([m for m in ids if m in off]), now, state="skipped", reason=f"topic: {poll.topic}"
    )
    await store.audit.record(
        actor,
        "poll.results_shared",
        now,
        subject=f"poll:{poll.id}",
        members=queued,
        skipped_topic=skipped,
        answered=found.tally.answered,
    )
    return queued
