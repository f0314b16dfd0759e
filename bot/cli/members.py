"""``diaspora-bot members import FILE``: contacts from earlier diaspora databases, read,
normalised and merged (:mod:`staff.importer`), every skipped row reported; audited."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli import common
from bot.countries import CountryIndex
from bot.settings import Settings
from bot.store import Store
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


async def members(settings: Settings, args: argparse.Namespace) -> int:
    """``members import FILE``."""
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


COMMANDS = {"members": members}
