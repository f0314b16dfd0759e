"""Coordinators' decisions on fellowship applications, the same from the CLI and the dashboard:
a status change (kept in the application's history, the applicant told in their language
through the outbox, audited) and an internal note (kept, never sent, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content import Content
from bot.errors import DiasporaError
from bot.store import Application, Member, Store
from bot.store.fellowship import WITHDRAWN, Note
from handlers.fellowship import status_notice
from staff.texts import N_, Coded, Text

MISSING = N_("no fellowship application #%(application)s")


class DecisionRefused(DiasporaError):
    """The change cannot be made: no such application, the status is unchanged, or the
    applicant withdrew."""


@dataclass(frozen=True)
class StatusChange:
    """What a status change did: the application before and after, and the applicant who was
    told (None when the member has since been erased)."""

    before: Application
    after: Application
    member: Member | None


async def change_status(
    store: Store,
    content: Content,
    application_id: int,
    status: str,
    now: datetime,
    *,
    actor: str,
    note: str | None = None,
) -> StatusChange:
    """Sets an application's status, tells the applicant and audits the change."""
    application = await store.applications.get(application_id)
    if application is None:
        raise DecisionRefused(Text(MISSING, application=application_id))
    if application.status == status:
        message = N_("application #%(application)s is already %(status)s")
        named = Coded("application_status", status, status)
        raise DecisionRefused(Text(message, application=application_id, status=named))
    if application.status == WITHDRAWN:
        message = N_(
            "application #%(application)s was withdrawn; only the applicant can apply again"
        )
        raise DecisionRefused(Text(message, application=application_id))
    changed = await store.applications.change(application.id, status, now, author=actor, note=note)
    if changed is None:
        raise DecisionRefused(Text(MISSING, application=application_id))
    member = await store.members.get(changed.member_id)
    if member is not None:
        await store.outbox.enqueue([status_notice(content, member, changed, now)], now)
    await store.audit.record(
        actor,
        "fellowship.status",
        now,
        subject=f"application:{changed.id}",
        before=application.status,
        after=changed.status,
        note=note is not None,
    )
    return StatusChange(application, changed, member)


async def add_note(
    store: Store, application_id: int, note: str, now: datetime, *, actor: str
) -> Note:
    """Keeps an internal note on an application (not sent to the applicant) and audits it;
    the audit entry says a note was written, not what it says."""
    kept = await store.applications.add_note(application_id, note, now, author=actor)
    if kept is None:
        raise DecisionRefused(Text(MISSING, application=application_id))
    await store.audit.record(actor, "fellowship.note", now, subject=f"application:{application_id}")
    return kept
