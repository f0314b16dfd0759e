"""The command line's event and fellowship commands: ``qr event``, ``export rsvps``, ``export
fellowship`` and ``fellowship status``. :func:`add_commands` and :func:`add_exports` add them to
``diaspora-bot``'s parser.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot import export, qr
from bot.clock import SystemClock
from bot.errors import DiasporaError
from bot.settings import Settings
from bot.store import Member, Store
from bot.store.fellowship import STATUSES, WITHDRAWN
from bot.store.rsvps import GOING, WAITLISTED
from handlers.fellowship import status_notice
from scheduler.content import Content

RSVP_COLUMNS = (
    "event",
    "event_title",
    "status",
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
)
APPLICATION_COLUMNS = (
    "application_id",
    "programme",
    "programme_title",
    "status",
    "field",
    "host_kind",
    "duration",
    "available_from",
    "work_mode",
    "motivation",
    "link",
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
CHANNELS = ("telegram", "whatsapp")


class CommandError(DiasporaError):
    """A command was given something it cannot use (an unknown event, application or status)."""


def add_exports(what: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``export rsvps`` and ``export fellowship``."""
    rsvps = what.add_parser(
        "rsvps",
        help="RSVPs with guest counts and waitlist positions",
        description="Export RSVPs (of one event, or of all) with the member's contact, guest "
        "counts and waitlist positions.",
    )
    rsvps.add_argument("--event", metavar="SLUG", help="only this event (its file name)")
    rsvps.add_argument("--output", "-o", type=Path, help="a .csv or .xlsx file")
    fellowship = what.add_parser(
        "fellowship",
        help="fellowship applications with the applicant's profile",
        description="Export fellowship applications, each with the applicant's profile and the "
        "latest coordinator note.",
    )
    fellowship.add_argument("--output", "-o", type=Path, help="a .csv or .xlsx file")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``qr`` and ``fellowship``."""
    qr_parser = commands.add_parser(
        "qr",
        help="QR code posters (PNG) that open an event's RSVP",
        description="Write PNG QR codes for printed material: one for Telegram "
        "(t.me/<TELEGRAM_BOT_USERNAME>?start=ev_<slug>) and one for WhatsApp "
        "(wa.me/<TWILIO_WHATSAPP_NUMBER>?text=EVENT%%20<slug>).",
    )
    qr_what = qr_parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    event = qr_what.add_parser(
        "event",
        help="the QR codes of one event",
        description="Write <slug>-telegram.png and <slug>-whatsapp.png for one event.",
    )
    event.add_argument("slug", help="the event (its file name in content/events/)")
    event.add_argument(
        "--output-dir", type=Path, default=Path("."), help="where to write (default: here)"
    )
    event.add_argument(
        "--channel",
        choices=(*CHANNELS, "both"),
        default="both",
        help="which QR codes to write (default: both)",
    )
    fellowship = commands.add_parser(
        "fellowship",
        help="change a fellowship application's status",
        description="Manage fellowship applications.",
    )
    fellowship_what = fellowship.add_subparsers(dest="what", required=True, metavar="WHAT")
    status = fellowship_what.add_parser(
        "status",
        help="set an application's status; the applicant is told in their language",
        description="Set an application's status (ids are in `export fellowship`). The "
        "applicant is told through the outbox, in their language; the change is audited.",
    )
    status.add_argument("id", type=int, help="the application's number")
    status.add_argument("status", choices=STATUSES, help="the new status")
    status.add_argument(
        "--note", help="a note for the coordinators (kept with the application, not sent)"
    )


def _now() -> datetime:
    return SystemClock().now()


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _content(settings: Settings) -> Content:
    return Content.load(settings.content_dir, settings.default_language)


async def qr_codes(settings: Settings, args: argparse.Namespace) -> int:
    """``qr event <slug>``: writes the PNG posters."""
    content = _content(settings)
    slug = args.slug.lower()
    event = content.events.get(slug)
    if event is None:
        known = ", ".join(sorted(content.events)) or "none"
        raise CommandError(
            f"no event {args.slug!r} in {settings.content_dir}/events (known: {known})"
        )
    channels = CHANNELS if args.channel == "both" else (args.channel,)
    links = {}
    # Every link first, so a missing setting writes nothing.
    for channel in channels:
        if channel == "telegram":
            link = qr.telegram_link(settings.telegram_bot_username, slug)
            links[channel] = (link, link.removeprefix("https://"))
        else:
            link = qr.whatsapp_link(settings.twilio_whatsapp_number, slug)
            number = link.removeprefix("https://").split("?")[0]
            links[channel] = (link, f"{number} · EVENT {slug}")
    if event.ends_at <= _now():
        print(f"diaspora-bot: note: {slug} has already taken place", file=sys.stderr)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for channel, (link, caption) in links.items():
        path = args.output_dir / f"{slug}-{channel}.png"
        path.write_bytes(qr.poster(link, caption))
        print(f"{path}: {link}")
    return 0


async def export_data(settings: Settings, args: argparse.Namespace) -> int:
    """``export rsvps`` and ``export fellowship``."""
    output: Path | None = args.output
    content = _content(settings)
    async with Store(settings.database_path) as store:
        if args.what == "rsvps":
            header, rows = await _rsvp_rows(store, content, args.event)
            detail: dict[str, Any] = {"event": args.event} if args.event else {}
        else:
            header, rows = await _application_rows(store, content)
            detail = {}
        export.write(output, header, rows, args.what, sys.stdout)
        await store.audit.record(
            _actor(),
            f"export.{args.what}",
            _now(),
            rows=len(rows),
            output=str(output) if output else "stdout",
            **detail,
        )
    if output is not None:
        print(f"exported {len(rows)} {args.what} rows to {output}", file=sys.stderr)
    return 0


async def _members(store: Store) -> tuple[dict[int, Member], dict[int, list[str]]]:
    members = {member.id: member for member in await store.members.all(registered_only=False)}
    return members, await store.members.channels()


def _member_values(member: Member | None, channels: dict[int, list[str]]) -> dict[str, Any]:
    if member is None:
        return {}
    values = member.as_dict()
    values["member_id"] = member.id
    values["languages"] = ", ".join(member.languages)
    values["channels"] = ", ".join(channels.get(member.id, []))
    values["registered"] = "yes" if member.registered else "minimum"
    return values


async def _rsvp_rows(
    store: Store, content: Content, event: str | None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    rsvps = await store.rsvps.listing(event.lower() if event else None)
    if event and not rsvps and event.lower() not in content.events:
        known = ", ".join(sorted(content.events)) or "none"
        raise CommandError(f"no event {event!r} (known: {known})")
    members, channels = await _members(store)
    rows = []
    for rsvp in rsvps:
        known_event = content.events.get(rsvp.event)
        values = _member_values(members.get(rsvp.member_id), channels)
        values.update(
            event=rsvp.event,
            event_title=known_event.text(
                "title", content.default_language, content.default_language
            )
            if known_event
            else "",
            status=rsvp.status,
            waitlist_position=rsvp.position,
            guests=rsvp.guests,
            seats=rsvp.seats if rsvp.status in (GOING, WAITLISTED) else 0,
            answered_at=rsvp.created_at,
            updated_at=rsvp.updated_at,
        )
        rows.append([values.get(column) for column in RSVP_COLUMNS])
    return RSVP_COLUMNS, rows


async def _application_rows(
    store: Store, content: Content
) -> tuple[tuple[str, ...], list[list[Any]]]:
    members, channels = await _members(store)
    default = content.default_language
    rows = []
    for application in await store.applications.all():
        programme = content.fellowships.get(application.programme)
        notes = [note.note for note in await store.applications.notes(application.id) if note.note]
        values = _member_values(members.get(application.member_id), channels)
        values.update(
            application_id=application.id,
            programme=application.programme,
            programme_title=programme.text("title", default, default) if programme else "",
            status=application.status,
            field=programme.field_name(application.field, default, default)
            if programme and application.field
            else application.field,
            host_kind=application.host_kind,
            duration=application.duration,
            available_from=application.available_from,
            work_mode=application.work_mode,
            motivation=application.motivation,
            link=application.link,
            submitted_at=application.created_at,
            updated_at=application.updated_at,
            last_note=notes[-1] if notes else None,
        )
        rows.append(
            [values.get(column) for column in _joined(APPLICATION_COLUMNS, APPLICANT_COLUMNS)]
        )
    return _joined(APPLICATION_COLUMNS, APPLICANT_COLUMNS), rows


def _joined(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(column for group in groups for column in group)


async def fellowship(settings: Settings, args: argparse.Namespace) -> int:
    """``fellowship status <id> <status>``: changes the status and tells the applicant."""
    content = _content(settings)
    now = _now()
    async with Store(settings.database_path) as store:
        application = await store.applications.get(args.id)
        if application is None:
            raise CommandError(f"no fellowship application #{args.id} (see `export fellowship`)")
        if application.status == args.status:
            raise CommandError(f"application #{args.id} is already {args.status}")
        if application.status == WITHDRAWN:
            raise CommandError(
                f"application #{args.id} was withdrawn; only the applicant can apply again"
            )
        changed = await store.applications.change(
            application.id, args.status, now, author=_actor(), note=args.note
        )
        assert changed is not None
        member = await store.members.get(changed.member_id)
        if member is not None:
            await store.outbox.enqueue([status_notice(content, member, changed, now)], now)
        await store.audit.record(
            _actor(),
            "fellowship.status",
            now,
            subject=f"application:{changed.id}",
            before=application.status,
            after=changed.status,
            note=args.note is not None,
        )
    told = f"member {changed.member_id} is told in {member.language}" if member else "no member"
    print(f"application #{changed.id}: {application.status} → {changed.status} ({told})")
    return 0
