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
from bot.content import Content
from bot.content.audience import AudienceError, Vocabulary, parse_audience
from bot.settings import Settings
from bot.store import MemberQuery, Store
from bot.store.businesses import STATUSES as BUSINESS_STATUSES
from bot.store.directory import VALUE_FILTERS
from bot.store.fellowship import STATUSES as APPLICATION_STATUSES
from bot.store.matches import STATUSES as MATCH_STATUSES
from bot.store.rsvps import STATUSES as RSVP_STATUSES
from bot.text import fold
from staff import business_sheets, export, sheets
from staff.words import Words

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
    # Local businesses' requests and the introductions (matches) to members who offered help.
    for name, help_text, statuses in (
        ("businesses", "local businesses' requests for help", BUSINESS_STATUSES),
        ("matches", "introductions between businesses and members, with outcomes", MATCH_STATUSES),
    ):
        kind = what.add_parser(name, help=help_text, description=f"Export {help_text}.")
        kind.add_argument("--output", "-o", type=Path, help="a .csv or .xlsx file")
        kind.add_argument("--status", choices=statuses, help="only this status")
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
                ("--country", "country of residence: a code or a name, e.g. DE or Germany"),
                ("--municipality", "municipality of origin, e.g. Nikšić (accents optional)"),
                ("--sector", "a sector's code or name, e.g. it or 'IT and software'"),
                ("--interest", "an interest's code or name, e.g. investment"),
                ("--language", "the language the bot speaks with them, e.g. cnr or Crnogorski"),
                ("--spoken-language", "a language they speak, e.g. de or German"),
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
    """The file format: --format, else --output's suffix, else CSV; ValueError for a file
    named for another format (``x.json`` would silently hold CSV)."""
    output: Path | None = args.output
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if output is not None and args.format is None and suffix not in FORMATS:
        raise ValueError(
            f"--output {str(output)!r}: name a .csv or .xlsx file, or say --format csv|xlsx"
            " (without --output, CSV goes to stdout)"
        )
    kind: str = args.format or suffix or "csv"
    if kind == "xlsx" and output is None:
        raise ValueError("--format xlsx needs --output FILE.xlsx")
    if suffix in FORMATS and kind != suffix:
        raise ValueError(f"--format {kind} does not match --output {str(output)!r}")
    return kind


async def export_data(settings: Settings, args: argparse.Namespace) -> int:
    """``export members|rsvps|fellowship``; on a terminal a progress bar follows each step
    (nothing when stderr is piped)."""
    content = common.load_content(settings)
    try:
        kind = _kind(args)
        query = member_query(args, content) if args.what == "members" else None
    except ValueError as error:
        print(f"diaspora-bot export {args.what}: error: {error}", file=sys.stderr)
        return 2
    output: Path | None = args.output
    words = Words(content, content.default_language, settings.timezone)
    detail: dict[str, Any] = {}
    steps = common.Steps(f"export {args.what}")
    async with Store(settings.database_path) as store:
        if query is not None:
            steps.say("reading the members")
            found = await store.directory.matching(query)
            header: Sequence[str] = export.MEMBER_COLUMNS
            rows = export.member_rows(
                steps.over([row.member for row in found], "preparing"),
                await store.members.channels(),
                words,
            )
            if not query.is_empty():
                detail["filters"] = query.describe()
        elif args.what == "rsvps":
            event = args.event.lower() if args.event else None
            if event and event not in content.events:
                known = ", ".join(sorted(content.events)) or "none"
                raise common.CommandError(f"no event {args.event!r} (known: {known})")
            header, rows = await sheets.rsvp_rows(store, content, event, words)
            if event:
                detail["event"] = args.event
            rows = _only(header, rows, status=args.status)
        elif args.what in ("businesses", "matches"):
            rows_of = (
                business_sheets.business_rows
                if args.what == "businesses"
                else business_sheets.match_rows
            )
            header, rows = await rows_of(store, content, status=args.status)
        else:
            header, rows = await sheets.application_rows(store, content, words)
            rows = _only(header, rows, programme=args.programme, status=args.status)
        for name in ("status", "programme"):
            if getattr(args, name, None):
                detail[name] = getattr(args, name)
        written = steps.over(rows, "writing")
        if kind == "xlsx":
            assert output is not None
            common.save(output, export.to_xlsx(header, written, args.what))
        elif output is not None:
            common.save(output, export.to_csv(header, written))
        else:
            sys.stdout.write(export.to_csv(header, written))
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


# Filter → (the audience key whose tolerant parser reads it, what a value is, for errors).
_AUDIENCE = {
    "country": ("countries", "country (a code such as DE or a name such as Germany)"),
    "municipality": ("municipalities", "municipality"),
    "sector": ("sectors", "sector"),
    "interest": ("interests", "interest"),
    "language": ("languages", "bot language"),
}
CHANNELS = ("telegram", "whatsapp")


def member_query(args: argparse.Namespace, content: Content) -> MemberQuery:
    """The members filters as a query, each value read as broadcast audiences read theirs:
    codes or names, any case, accents optional. ValueError names an unknown value (an
    unknown value is an error, never an empty file)."""
    vocabulary = content.campaign_context().vocabulary
    values: dict[str, Any] = {
        name: getattr(args, name, None) for name in ("registered_from", "registered_to", "search")
    }
    for name in VALUE_FILTERS:
        raw = getattr(args, name, None)
        if raw is None:
            continue
        option = f"--{name.replace('_', '-')} {raw!r}"
        if name in _AUDIENCE:
            key, what = _AUDIENCE[name]
            try:
                parsed = parse_audience({key: [raw]}, vocabulary)
            except AudienceError:
                known = _known(vocabulary, key)
                raise ValueError(
                    f"{option}: no such {what}" + (f" (known: {known})" if known else "")
                ) from None
            values[name] = getattr(parsed, key)[0]
        elif name == "spoken_language":
            values[name] = _spoken_language(content, raw, option)
        else:
            channel = fold(raw)
            if channel not in CHANNELS:
                raise ValueError(f"{option}: no such channel (known: {', '.join(CHANNELS)})")
            values[name] = channel
    return MemberQuery(**values)


def _known(vocabulary: Vocabulary, key: str) -> str:
    listed = {
        "municipalities": vocabulary.municipalities,
        "sectors": vocabulary.sectors,
        "interests": vocabulary.interests,
        "languages": vocabulary.languages,
    }.get(key, ())
    return ", ".join(sorted(listed))


def _spoken_language(content: Content, raw: str, option: str) -> str:
    """A spoken language's code from its code or its name in any shipped language."""
    codes = content.programme.spoken_languages if content.programme else ()
    names = {
        fold(text): key.removeprefix("spoken_languages.")
        for texts in content.locales.values()
        for key, text in texts.items()
        if key.startswith("spoken_languages.")
    }
    code = raw.strip().lower()
    code = code if code in codes else names.get(fold(raw), "")
    if code not in codes:
        raise ValueError(f"{option}: no such language (known: {', '.join(codes)})")
    return code


def _only(header: Sequence[str], rows: list[list[Any]], **wanted: str | None) -> list[list[Any]]:
    """The rows whose columns have the wanted values (None: any)."""
    checks = [(header.index(name), value) for name, value in wanted.items() if value]
    return [row for row in rows if all(row[index] == value for index, value in checks)]


COMMANDS = {"export": export_data}
