"""``diaspora-bot members import FILE``: contacts from earlier diaspora databases, read,
normalised and merged (:mod:`staff.importer`), every skipped row reported; ``members imports``:
the contacts imported so far, and which registered member each is linked to. Both audited."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.cli import common
from bot.countries import CountryIndex
from bot.plurals import counted
from bot.settings import Settings
from bot.store import Store
from bot.timestamps import shown
from staff import importer


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``members import``."""
    members = commands.add_parser("members", help="member contacts", description="Member contacts.")
    members_what = members.add_subparsers(dest="what", required=True, metavar="WHAT")
    imported = members_what.add_parser(
        "import",
        help="import contacts from an earlier diaspora database (CSV or XLSX)",
        description="Import contacts from FILE.csv or FILE.xlsx: phones to E.164, e-mails "
        "checked, duplicates merged, every skipped row reported with its reason. Imported "
        "contacts are never messaged; they are linked when the person registers with the bot "
        "themselves and proves the same phone number (WhatsApp, or Telegram's share button).",
    )
    imported.add_argument("file", type=Path, help="a .csv or .xlsx file")
    imported.add_argument(
        "--encoding", help="the CSV's encoding (default: UTF-8, else cp1250, else latin-1)"
    )
    listed = members_what.add_parser(
        "imports",
        help="the contacts imported so far, and who is linked to a registered member",
        description="List the imported contacts: where each came from, when, and the registered "
        "member it is linked to (once that person proved the same phone number). Personal data: "
        "for staff only; audited.",
    )
    listed.add_argument("--json", action="store_true", help="print JSON instead of text")
    listed.add_argument(
        "--unlinked", action="store_true", help="only contacts not linked to a member yet"
    )


async def members(settings: Settings, args: argparse.Namespace) -> int:
    """``members import FILE`` or ``members imports``."""
    if args.what == "imports":
        return await _imports(settings, args)
    content = common.load_content(settings)
    assert content.programme is not None
    countries = await asyncio.to_thread(CountryIndex, content.programme.country_aliases)
    path: Path = args.file
    if not await asyncio.to_thread(path.is_file):
        raise common.CommandError(f"no file {path}")
    async with Store(settings.database_path) as store:
        result = await importer.import_file(
            store,
            content,
            countries,
            path,
            common.now(),
            encoding=args.encoding,
            progress=lambda rows: common.progress(list(rows), "import"),
        )
        await store.audit.record(
            common.actor(),
            "members.import",
            common.now(),
            subject=path.name,
            rows=result.rows,
            added=result.added,
            merged=result.merged,
            skipped=len(result.skipped),
            linked=result.linked,
        )
    print(
        f"{path.name} ({result.encoding}): {result.rows} rows — {result.added} added,"
        f" {result.merged} merged into known contacts, {len(result.skipped)} skipped,"
        f" {result.linked} linked to registered members."
    )
    for number, reason in result.skipped:
        print(f"row {number}: skipped: {reason}")
    for number, note in result.notes:
        print(f"row {number}: note: {note}")
    print("Imported contacts are not messaged until they write to the bot and consent.")
    return 0


async def _imports(settings: Settings, args: argparse.Namespace) -> int:
    """``members imports``: the imported contacts, oldest first."""
    async with Store(settings.database_path) as store:
        contacts = [
            contact
            for contact in await store.imports.all()
            if not args.unlinked or contact.member_id is None
        ]
        await store.audit.record(
            common.actor(), "members.imports.view", common.now(), contacts=len(contacts)
        )
    if args.json:
        print(json.dumps([asdict(contact) for contact in contacts], ensure_ascii=False, indent=2))
        return 0
    for contact in contacts:
        linked = f"member #{contact.member_id}" if contact.member_id else "not linked"
        place = ", ".join(part for part in (contact.city, contact.country) if part) or "—"
        print(
            f"#{contact.id}  {contact.name or '—'}  {place}  {contact.source} row"
            f" {contact.source_row}  imported {shown(contact.imported_at, settings.timezone)}"
            f"  {linked}"
        )
    linked_count = sum(1 for contact in contacts if contact.member_id)
    print(
        f"{counted(len(contacts), 'imported contact', 'imported contacts')},"
        f" {linked_count} linked to registered members.",
        file=sys.stderr,
    )
    return 0


COMMANDS = {"members": members}
