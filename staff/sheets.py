"""The rows of the RSVP and fellowship exports — the same for the CLI, the chat and the
dashboard; :mod:`staff.export` writes them as safe CSV or XLSX. Codes stay in their columns for
machines, with the words staff read beside them (``status_label``…); times are ISO 8601 with the
offset in programme time, and the event's start reads as people read it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.content import Content
from bot.store import Member, Store
from bot.store.fellowship import ANSWERS
from bot.store.rsvps import GOING, WAITLISTED
from bot.timestamps import shown
from staff.words import Words

RSVP_COLUMNS = (
    "event",
    "event_title",
    "event_starts",
    "status",
    "status_label",
    "waitlist_position",
    "guests",
    "seats",
    "member_id",
    "name",
    "country",
    "city",
    "language",
    "phone",
    "email",
    "channels",
    "registered",
    "answered_at",
    "updated_at",
    "checked_in_at",
)
# The answers whose codes get a label column beside them.
_LABELLED = ("host_kind", "duration", "work_mode")
APPLICATION_COLUMNS = (
    "application_id",
    "programme",
    "programme_title",
    "status",
    "status_label",
    *(
        column
        for answer in ANSWERS
        for column in ((answer, f"{answer}_label") if answer in _LABELLED else (answer,))
    ),
    "submitted_at",
    "updated_at",
    "last_note",
)
APPLICANT_COLUMNS = (
    "member_id",
    "name",
    "country",
    "city",
    "municipality",
    "emigration_year",
    "sector",
    "skills",
    "languages",
    "email",
    "phone",
    "language",
    "channels",
    "registered_at",
)


async def _members(store: Store) -> tuple[dict[int, Member], dict[int, list[str]]]:
    members = {member.id: member for member in await store.members.all(registered_only=False)}
    return members, await store.members.channels()


def _member_values(
    member: Member | None, channels: dict[int, list[str]], words: Words
) -> dict[str, Any]:
    if member is None:
        return {}
    values = dict(vars(member))
    values["member_id"] = member.id
    values["languages"] = ", ".join(member.languages)
    values["channels"] = ", ".join(channels.get(member.id, []))
    values["registered"] = "yes" if member.registered else "minimum"
    values["registered_at"] = words.machine(member.registered_at)
    return values


async def rsvp_rows(
    store: Store, content: Content, event: str | None, words: Words
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The RSVPs export (of one event, or of all): header and rows."""
    rsvps = await store.rsvps.listing(event)
    members, channels = await _members(store)
    rows = []
    for rsvp in rsvps:
        known_event = content.events.get(rsvp.event)
        values = _member_values(members.get(rsvp.member_id), channels, words)
        values.update(
            event=rsvp.event,
            event_title=known_event.text("title", words.language, content.default_language)
            if known_event
            else "",
            event_starts=shown(known_event.starts_at, known_event.timezone) if known_event else "",
            status=rsvp.status,
            status_label=words.label("rsvp_status", rsvp.status),
            waitlist_position=rsvp.position,
            guests=rsvp.guests,
            seats=rsvp.seats if rsvp.status in (GOING, WAITLISTED) else 0,
            answered_at=words.machine(rsvp.created_at),
            updated_at=words.machine(rsvp.updated_at),
            checked_in_at=words.machine(rsvp.checked_in_at),
        )
        rows.append([values.get(column) for column in RSVP_COLUMNS])
    return RSVP_COLUMNS, rows


async def application_rows(
    store: Store, content: Content, words: Words
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The fellowship export (every application with the applicant's profile): header and
    rows."""
    members, channels = await _members(store)
    default = content.default_language
    language = words.language
    rows = []
    for application in await store.applications.all():
        programme = content.fellowships.get(application.programme)
        notes = [note.note for note in await store.applications.notes(application.id) if note.note]
        values = _member_values(members.get(application.member_id), channels, words)
        values.update(
            application_id=application.id,
            programme=application.programme,
            programme_title=programme.text("title", language, default) if programme else "",
            status=application.status,
            status_label=words.label("application_status", application.status),
            field=programme.field_name(application.field, language, default)
            if programme and application.field
            else application.field,
            host_kind=application.host_kind,
            host_kind_label=words.label("host_kind", application.host_kind),
            duration=application.duration,
            duration_label=words.label("duration", application.duration),
            available_from=application.available_from,
            work_mode=application.work_mode,
            work_mode_label=words.label("work_mode", application.work_mode),
            motivation=application.motivation,
            link=application.link,
            submitted_at=words.machine(application.created_at),
            updated_at=words.machine(application.updated_at),
            last_note=notes[-1] if notes else None,
        )
        rows.append(
            [values.get(column) for column in _joined(APPLICATION_COLUMNS, APPLICANT_COLUMNS)]
        )
    return _joined(APPLICATION_COLUMNS, APPLICANT_COLUMNS), rows


def _joined(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(column for group in groups for column in group)
