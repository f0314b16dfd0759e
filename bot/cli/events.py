"""``diaspora-bot qr event SLUG`` (posters that open an event's RSVP) and ``fellowship status ID
STATUS`` (a decision, told to the applicant through the outbox, audited)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import common
from bot.settings import Settings
from bot.store import Store
from bot.store.fellowship import STATUSES
from staff import decisions, qr

CHANNELS = ("telegram", "whatsapp")


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
    event.add_argument(
        "--language",
        help="the language of the event's title on the poster (default: DEFAULT_LANGUAGE)",
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
    status.add_argument("id", type=common.whole_number, help="the application's number")
    status.add_argument("status", choices=STATUSES, help="the new status")
    status.add_argument(
        "--note", help="a note for the coordinators (kept with the application, not sent)"
    )


async def qr_codes(settings: Settings, args: argparse.Namespace) -> int:
    """``qr event <slug>``: writes the PNG posters."""
    content = common.load_content(settings)
    slug = args.slug.lower()
    event = content.events.get(slug)
    if event is None:
        known = ", ".join(sorted(content.events)) or "none"
        raise common.CommandError(
            f"no event {args.slug!r} in {settings.content_dir}/events (known: {known})"
        )
    language = getattr(args, "language", None) or content.default_language
    if language not in content.locales:
        raise common.CommandError(
            f"no language {language!r} (known: {', '.join(content.languages)})"
        )
    title = event.text("title", language, content.default_language)
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
    if event.ends_at <= common.now():
        print(f"diaspora-bot: note: {slug} has already taken place", file=sys.stderr)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for channel, (link, caption) in links.items():
        path = args.output_dir / f"{slug}-{channel}.png"
        path.write_bytes(qr.poster(link, caption, title))
        print(f"{path}: {link} ({title})")
    return 0


async def fellowship(settings: Settings, args: argparse.Namespace) -> int:
    """``fellowship status <id> <status>``: changes the status and tells the applicant."""
    content = common.load_content(settings)
    async with Store(settings.database_path) as store:
        change = await decisions.change_status(
            store,
            content,
            args.id,
            args.status,
            common.now(),
            actor=common.actor(),
            note=args.note,
        )
    before, after, member = change.before, change.after, change.member
    told = f"member {after.member_id} is told in {member.language}" if member else "no member"
    print(f"application #{after.id}: {before.status} → {after.status} ({told})")
    return 0


COMMANDS = {"qr": qr_codes, "fellowship": fellowship}
