"""The command line's staff commands: ``export`` (members, RSVPs, fellowship; CSV or XLSX;
filters), ``stats``, ``members import``, ``audit`` and ``report mapping``. Every one of them
writes an audit entry (``audit`` itself only reads). Long ones show a progress bar on a
terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bot import cli_common, export, importer, report, sheets
from bot import stats as figures
from bot.countries import CountryIndex
from bot.settings import Settings
from bot.store import MemberQuery, Store
from bot.store.directory import VALUE_FILTERS
from bot.store.fellowship import STATUSES as APPLICATION_STATUSES
from bot.store.rsvps import STATUSES as RSVP_STATUSES

FORMATS = ("csv", "xlsx")
_RELATIVE = re.compile(r"^(\d+)([dhw])$")


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


def _moment(text: str) -> datetime:
    """``7d``, ``24h``, ``2w`` ago, or an ISO date or time (UTC unless it says)."""
    match = _RELATIVE.match(text.strip())
    try:
        if match:
            amount, unit = int(match.group(1)), match.group(2)
            hours = {"h": 1, "d": 24, "w": 24 * 7}[unit] * amount
            return cli_common.now() - timedelta(hours=hours)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a time: {text!r} (e.g. 7d, 24h, 2026-11-01 or 2026-11-01T09:00+01:00)"
            ) from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        # Before the year 1, in UTC or in hours.
        raise argparse.ArgumentTypeError(f"too far back: {text!r}") from None


def extend_exports(what: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``--format`` to every export, the member filters to ``export members``, and status
    and programme filters to the RSVP and fellowship exports."""
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


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``stats``, ``members import``, ``audit`` and ``report mapping``."""
    stats = commands.add_parser(
        "stats",
        help="members, RSVPs and applications in figures",
        description="Members over time and by country, municipality, sector, interest, "
        "language, channel and years abroad; RSVPs per event; applications by status. Exact "
        "counts, for staff only (the mapping report is the version to share).",
    )
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
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
    audit = commands.add_parser(
        "audit",
        help="who exported, broadcast, imported, changed or deleted what, and when",
        description="The audit log, newest first.",
    )
    audit.add_argument("--since", type=_moment, help="e.g. 7d, 24h, 2026-11-01")
    audit.add_argument("--action", help="e.g. export (every export.*), broadcast, members.import")
    audit.add_argument(
        "--limit",
        type=cli_common.whole_number,
        default=200,
        help="at most this many (default 200)",
    )
    audit.add_argument("--format", choices=("text", "csv"), default="text")
    report_parser = commands.add_parser(
        "report", help="reports to share", description="Reports meant to leave the programme."
    )
    report_what = report_parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    mapping = report_what.add_parser(
        "mapping",
        help="the diaspora map: aggregates only, small counts suppressed",
        description="The diaspora map from aggregates only (no names, contacts or free "
        "text); counts under 5 read <5 and further counts are hidden where a total would "
        "reveal them. HTML (self-contained, for a phone too) to stdout unless --output names "
        "a .html or .xlsx file.",
    )
    mapping.add_argument("--output", "-o", type=Path, help="a .html or .xlsx file")
    mapping.add_argument("--language", help="the report's language (default: DEFAULT_LANGUAGE)")


def _kind(args: argparse.Namespace) -> str:
    output: Path | None = args.output
    kind: str = args.format or (
        "xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "csv"
    )
    if kind == "xlsx" and output is None:
        raise cli_common.CommandError("--format xlsx needs --output FILE.xlsx")
    return kind


def _bar(rows: Sequence[Any], what: str) -> Iterable[Any]:
    """The rows, with a progress bar on a terminal (none in pipes and files)."""
    return tqdm(rows, desc=what, unit="row", file=sys.stderr, disable=None, leave=False)


async def export_data(settings: Settings, args: argparse.Namespace) -> int:
    """``export members|rsvps|fellowship``."""
    kind = _kind(args)
    output: Path | None = args.output
    content = cli_common.load_content(settings)
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
                raise cli_common.CommandError(f"no event {args.event!r} (known: {known})")
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
            _save(output, export.to_xlsx(header, _bar(rows, args.what), args.what))
        elif output is not None:
            _save(output, export.to_csv(header, _bar(rows, args.what)))
        else:
            sys.stdout.write(export.to_csv(header, rows))
        await store.audit.record(
            cli_common.actor(),
            f"export.{args.what}",
            cli_common.now(),
            rows=len(rows),
            output=str(output) if output else "stdout",
            **detail,
        )
    if output is not None:
        noun = "members" if args.what == "members" else f"{args.what} rows"
        print(f"exported {len(rows)} {noun} to {output}", file=sys.stderr)
    return 0


def _save(path: Path, data: bytes | str) -> None:
    """Writes a file (text as UTF-8, line ends as they are)."""
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")


def _only(header: Sequence[str], rows: list[list[Any]], **wanted: str | None) -> list[list[Any]]:
    """The rows whose columns have the wanted values (None: any)."""
    checks = [(header.index(name), value) for name, value in wanted.items() if value]
    return [row for row in rows if all(row[index] == value for index, value in checks)]


async def show_stats(settings: Settings, args: argparse.Namespace) -> int:
    """``stats``: the figures as text (or JSON)."""
    content = cli_common.load_content(settings)
    language = content.default_language
    async with Store(settings.database_path) as store:
        counted = await figures.collect(store, cli_common.now())
        await store.audit.record(
            cli_common.actor(), "stats.view", cli_common.now(), members=counted.members
        )
    if args.json:
        data = dataclasses.asdict(counted)
        data["at"] = counted.at.isoformat()
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    lines = [f"{content.text(language, 'staff.stats_heading', date=counted.at.date())}"]
    lines.append(f"members: {counted.members}")
    lines += ["", content.text(language, "staff.chart_months")]
    lines += [f"  {month}  {count:>6}" for month, count in counted.by_month]
    for dimension in figures.DIMENSIONS:
        lines += ["", figures.title(content, language, dimension)]
        lines += [
            f"  {figures.label(content, language, dimension, key):<32} {count:>6}"
            for key, count in counted.dimension(dimension).items()
        ]
    lines += ["", figures.title(content, language, "skills")]
    lines += [f"  {term:<32} {count:>6}" for term, count in counted.skills]
    lines += ["", content.text(language, "staff.stats_events")]
    for event in counted.rsvps:
        statuses = " ".join(f"{name}={count}" for name, count in sorted(event.statuses.items()))
        lines.append(f"  {event.event}: {statuses} guests={event.guests}")
    lines += ["", content.text(language, "staff.chart_applications")]
    for programme, by_status in counted.applications.items():
        statuses = " ".join(f"{name}={count}" for name, count in sorted(by_status.items()))
        lines.append(f"  {programme}: {statuses}")
    print("\n".join(lines))
    return 0


async def members(settings: Settings, args: argparse.Namespace) -> int:
    """``members import FILE``."""
    content = cli_common.load_content(settings)
    assert content.programme is not None
    countries = await asyncio.to_thread(CountryIndex, content.programme.country_aliases)
    path: Path = args.file
    if not await asyncio.to_thread(path.is_file):
        raise cli_common.CommandError(f"no file {path}")
    async with Store(settings.database_path) as store:
        result = await importer.import_file(
            store,
            content,
            countries,
            path,
            cli_common.now(),
            encoding=args.encoding,
            progress=lambda rows: _bar(list(rows), "import"),
        )
        await store.audit.record(
            cli_common.actor(),
            "members.import",
            cli_common.now(),
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


async def audit(settings: Settings, args: argparse.Namespace) -> int:
    """``audit``: the log, newest first."""
    async with Store(settings.database_path) as store:
        entries = await store.audit.search(since=args.since, action=args.action, limit=args.limit)
        # Reading the log is a staff action too (recorded after reading, so not listed now).
        await store.audit.record(
            cli_common.actor(),
            "audit.view",
            cli_common.now(),
            since=args.since.isoformat() if args.since else None,
            only=args.action,
            entries=len(entries),
        )
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["at", "actor", "action", "subject", "detail"])
        for entry in entries:
            detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
            writer.writerow(
                [export.safe_cell(value) or "" for value in
                 (entry.at, entry.actor, entry.action, entry.subject, detail)]
            )  # fmt: skip
        return 0
    for entry in entries:
        detail = " ".join(
            f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in entry.detail.items()
        )
        print(f"{entry.at}  {entry.actor}  {entry.action}  {entry.subject or '-'}  {detail}")
    if not entries:
        print("no audit entries match", file=sys.stderr)
    return 0


async def reports(settings: Settings, args: argparse.Namespace) -> int:
    """``report mapping``."""
    content = cli_common.load_content(settings)
    language = args.language or content.default_language
    if language not in content.locales:
        raise cli_common.CommandError(
            f"no language {language!r} (known: {', '.join(content.languages)})"
        )
    output: Path | None = args.output
    suffix = output.suffix.lower() if output is not None else ".html"
    if suffix not in (".html", ".htm", ".xlsx"):
        raise cli_common.CommandError("--output must name a .html or .xlsx file")
    async with Store(settings.database_path) as store:
        mapped = figures.mapping_report(await figures.collect(store, cli_common.now()))
        if suffix == ".xlsx":
            assert output is not None
            _save(output, report.xlsx(mapped, content, language))
        elif output is not None:
            _save(output, report.html(mapped, content, language))
        else:
            sys.stdout.write(report.html(mapped, content, language))
        await store.audit.record(
            cli_common.actor(),
            "report.mapping",
            cli_common.now(),
            output=str(output) if output else "stdout",
            members=mapped.members,
        )
    if output is not None:
        print(f"wrote the mapping report to {output}", file=sys.stderr)
    return 0
