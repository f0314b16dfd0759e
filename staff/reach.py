"""What each broadcast, campaign and poll achieved — queued, sent, delivered, read, failed and
why, needs a template, skipped (stopped, topic), and for a poll the answers — and "resend to
those it failed for", for failures that may pass, confirmed by staff and audited.

The counts come from the outbox (:mod:`bot.store.deliveries`); delivered and read are what
WhatsApp's status callbacks said (Telegram reports neither, so its messages count as sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from bot.content import Content
from bot.store import Funnel, Store
from bot.store.polls import JOB_PREFIX
from staff import svg


@dataclass(frozen=True)
class Achieved:
    """One job's funnel, what it was (a title), and the answers when it asked a poll."""

    funnel: Funnel
    title: str
    answers: int | None = None

    @property
    def poll(self) -> str | None:
        """The poll the job asked (None for any other job)."""
        job = self.funnel.job
        if self.funnel.kind != "poll" or not job.startswith(JOB_PREFIX):
            return None
        return job.removeprefix(JOB_PREFIX)


async def _title(store: Store, content: Content, funnel: Funnel, language: str) -> str:
    """A job's name as staff know it: a campaign's or a poll's title, a broadcast's first words."""
    kind, _, rest = funnel.job.partition(":")
    name = rest.split("@", 1)[0].removesuffix(":results")
    if kind == "campaign" and name in content.campaigns:
        return content.campaigns[name].title or name
    if kind == "poll" and name in content.polls:
        return content.polls[name].title or name
    if kind == "broadcast" and name.isdigit():
        found = await store.broadcasts.get(int(name))
        if found is not None:
            text = " ".join(found.text.split())
            return text if len(text) <= 60 else text[:59] + "…"
    return funnel.job


async def _achieved(store: Store, content: Content, funnel: Funnel, language: str) -> Achieved:
    title = await _title(store, content, funnel, language)
    answers = None
    if funnel.kind == "poll":
        answers = (await store.polls.tally(funnel.job.removeprefix(JOB_PREFIX))).answered
    return Achieved(funnel, title, answers)


async def latest(store: Store, content: Content, language: str, limit: int = 50) -> list[Achieved]:
    """The latest broadcasts, campaign steps and polls, newest first."""
    return [
        await _achieved(store, content, funnel, language)
        for funnel in await store.deliveries.funnels(limit)
    ]


async def one(store: Store, content: Content, job: str, language: str) -> Achieved | None:
    """One job's funnel, or None when the outbox has no row of it."""
    funnel = await store.deliveries.funnel(job)
    return await _achieved(store, content, funnel, language) if funnel is not None else None


async def resend_failed(store: Store, job: str, now: datetime, *, actor: str) -> int:
    """Queues again the job's messages that failed for a reason that may pass; audited."""
    resent = await store.deliveries.resend_failed(job, now)
    await store.audit.record(actor, "outbox.resend_failed", now, subject=job, failed=resent)
    return resent


def chart(found: Achieved, names: dict[str, str]) -> Markup:
    """The funnel as bars: queued → sent → delivered → read (→ answered), with ``names`` the
    steps' words in the coordinator's language."""
    funnel = found.funnel
    steps = [
        ("queued", funnel.total),
        ("sent", funnel.sent),
        ("delivered", funnel.delivered),
        ("read", funnel.read),
    ]
    if found.answers is not None:
        steps.append(("answered", found.answers))
    return svg.bars(
        [svg.Bar(names[step], count, str(count)) for step, count in steps],
        title=names["title"],
    )
