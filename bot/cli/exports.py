"""``diaspora-bot export members|rsvps|fellowship``: CSV to stdout, or a .csv/.xlsx file, with
filters; audited, with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.cli import common
from bot.settings import Settings
from bot.store import MemberQuery, Store
from bot.store.directory import VALUE_FILTERS
from bot.store.fellowship import STATUSES as APPLICATION_STATUSES
from bot.store.rsvps import STATUSES as RSVP_STATUSES
from staff import export, sheets

FORMATS = ("csv", "xlsx")


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    # A day is searched up to the next day's start, which the calendar's last day lacks.
    if day == date.max:
        last = date.max - timedelta(days=1)
        raise argparse.ArgumentTypeError(f"out of range: {text!r} (the last is {last})")
    return day


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``export`` with its three kinds, their filters and ``--format``."""
    export_parser = commands.add_parser(
        "export",
        help="export data as CSV (stdout) or to a .csv/.xlsx file",
        description="Export data. CSV goes to stdout unless --output names a .csv or .xlsx file.",
    )
    what = export_parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    members = what.add_parser(
        "members",
        help="registered members and their profiles",
        description="Export registered members and their profiles.",
    )
    members.add_argument("--output", "-o", type=Path, help="a .csv or .xlsx file")
    members.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help="the file format (default: from --output's suffix, else csv)",
    )
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
    for name, parser in what.choices.items():
        if not any("--format" in action.option_strings for action in parser._actions):
            parser.add_argument(
                "--format",
                choices=FORMATS,
                help="the file format (default: from --output's suffix, else csv)",
            )
        if name == "members":
            filters = parser.add_argument_group("filters (all must match)")
            for option, help_text in (
                ("--country", "ISO code of the country of residence, e.g. DE"),
                ("--municipality", "municipality of origin, as listed in programme.yaml"),
                ("--sector", "sector code, e.g. it"),
                ("--interest", "interest code, e.g. investment"),
                ("--language", "the language the bot speaks with them, e.g. cnr"),
                ("--spoken-language", "a language they speak, e.g. de"),
                ("--channel", "telegram or whatsapp"),
                ("--search", "words in name, city, skills or e-mail (case and accents ignored)"),
            ):
                filters.add_argument(option, help=help_text)
            filters.add_argument("--registered-from", type=_day, metavar="YYYY-MM-DD")
            filters.add_argument("--registered-to", type=_day, metavar="YYYY-MM-DD")
        elif name == "rsvps":
            parser.add_argument("--status", choices=RSVP_STATUSES, help="only this answer")
        elif name == "fellowship":
            parser.add_argument("--programme", metavar="SLUG", help="only this programme")
            parser.add_argument("--status", choices=APPLICATION_STATUSES, help="only this status")


def _kind(args: argparse.Namespace) -> str:
    output: Path | None = args.output
    kind: str = args.format or (
        "xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "csv"
    )
    if kind == "xlsx" and output is None:
        raise common.CommandError("--format xlsx needs --output FILE.xlsx")
    return kind


async def export_data(settings: Settings, args: argparse.Namespace) -> int:
    """``export members|rsvps|fellowship``."""
    kind = _kind(args)
    output: Path | None = args.output
    content = common.load_content(settings)
    detail: dict[str, Any] = {}
    async with Store(settings.database_path) as store:
        if args.what == "members":
            query = MemberQuery(
                **{
                    name: getattr(args, name)
                    for name in (*VALUE_FILTERS, "registered_from", "registered_to", "search")
                }
            )
            found = await store.directory.matching(query)
            header: Sequence[str] = export.MEMBER_COLUMNS
            rows = export.member_rows([row.member for row in found], await store.members.channels())
            if not query.is_empty():
                detail["filters"] = query.describe()
        elif args.what == "rsvps":
            event = args.event.lower() if args.event else None
            if event and event not in content.events:
                known = ", ".join(sorted(content.events)) or "none"
                raise common.CommandError(f"no event {args.event!r} (known: {known})")
            header, rows = await sheets.rsvp_rows(store, content, event)
            if event:
                detail["event"] = args.event
            rows = _only(header, rows, status=args.status)
        else:
            header, rows = await sheets.application_rows(store, content)
            rows = _only(header, rows, programme=args.programme, status=args.status)
        for name in ("status", "programme"):
            if getattr(args, name, None):
                detail[name] = getattr(args, name)
        if kind == "xlsx":
            assert output is not None
            common.save(output, export.to_xlsx(header, common.progress(rows, args.what), args.what))
        elif output is not None:
            common.save(output, export.to_csv(header, common.progress(rows, args.what)))
        else:
            sys.stdout.write(export.to_csv(header, rows))
        await store.audit.record(
            common.actor(),
            f"export.{args.what}",
            common.now(),
            rows=len(rows),
            output=str(output) if output else "stdout",
            **detail,
        )
    if output is not None:
        noun = "members" if args.what == "members" else f"{args.what} rows"
        print(f"exported {len(rows)} {noun} to {output}", file=sys.stderr)
    return 0


def _only(header: Sequence[str], rows: list[list[Any]], **wanted: str | None) -> list[list[Any]]:
    """The rows whose columns have the wanted values (None: any)."""
    checks = [(header.index(name), value) for name, value in wanted.items() if value]
    return [row for row in rows if all(row[index] == value for index, value in checks)]


COMMANDS = {"export": export_data}
