"""``diaspora-bot demo [--members N] [--seed S] [--force]``: a new database full of realistic sample
data (:mod:`staff.demo`), so anyone can open a full dashboard in a minute."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import common
from bot.settings import Settings
from bot.store import Store
from staff import demo

# Enough to try the dashboard with; a benchmark asks for many more.
MEMBERS = 300
MOST = 1_000_000


def _members(text: str) -> int:
    """An argparse type: a number of members from 1 to :data:`MOST`."""
    number = common.whole_number(text)
    if number > MOST:
        raise argparse.ArgumentTypeError(f"not a number of members from 1 to {MOST}: {text!r}")
    return number


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``demo``."""
    parser = commands.add_parser(
        "demo",
        help="fill a new database with realistic sample data, to try the dashboard",
        description="Fill a new database (DATABASE_PATH) with sample members across the "
        "diaspora in both languages, RSVPs and waitlists for the events in the content folder, "
        "fellowship applications in every status, imported contacts and audit entries. Every "
        "phone number is one kept for fiction and every e-mail at example.org, but never run "
        "the bot on a demo database with real channel credentials. Refuses an existing "
        "database unless --force.",
    )
    parser.add_argument(
        "--members", type=_members, default=MEMBERS, help=f"how many members (default {MEMBERS})"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="the same seed gives the same data (default 1)"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the database if the file exists"
    )


def _remove(path: Path) -> None:
    """Deletes the database and SQLite's files beside it (the write-ahead log, its index)."""
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        each.unlink(missing_ok=True)


async def _demo(settings: Settings, args: argparse.Namespace) -> int:
    path = settings.database_path
    if path.exists():
        if not args.force:
            print(
                f"diaspora-bot demo: error: {path} exists; choose another DATABASE_PATH, or"
                " --force to replace it",
                file=sys.stderr,
            )
            return 2
        _remove(path)
    content = common.load_content(settings)
    if content.programme is None:
        raise common.CommandError(f"{settings.content_dir}: no programme.yaml to draw from")
    async with Store(path) as store:
        filled = await demo.fill(
            store,
            content,
            common.now(),
            members=args.members,
            seed=args.seed,
            consent_version=settings.consent_version,
        )
    print(
        f"{path}: {filled.members} members ({filled.registered} registered), {filled.rsvps}"
        f" RSVPs, {filled.applications} fellowship applications, {filled.contacts} imported"
        f" contacts ({filled.linked} linked), {filled.questions} questions to the team,"
        f" {filled.audit} audit entries."
    )
    print(f"Open the dashboard: DATABASE_PATH={path} DASHBOARD_PASSWORD=… diaspora-bot run")
    return 0


COMMANDS = {"demo": _demo}
