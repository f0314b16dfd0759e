"""``diaspora-bot stats``, ``audit`` and ``report mapping``: the programme in figures for staff,
who did what, and the aggregate report that may leave the programme. Each is audited (``audit``
records that the log was read)."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli import common
from bot.settings import Settings
from bot.store import MemberQuery, Store
from bot.store.rsvps import STATUSES as RSVP_STATUSES
from bot.timestamps import machine, shown
from bot.zones import zone
from staff import answers, business_stats, export, report
from staff import stats as figures
from staff.words import Words

_RELATIVE = re.compile(r"^(\d+)([dhw])$")


def _moment(text: str) -> datetime:
    """``7d``, ``24h``, ``2w`` ago, or an ISO date or time (UTC unless it says)."""
    match = _RELATIVE.match(text.strip())
    try:
        if match:
            amount, unit = int(match.group(1)), match.group(2)
            hours = {"h": 1, "d": 24, "w": 24 * 7}[unit] * amount
            return common.now() - timedelta(hours=hours)
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


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``stats``, ``audit`` and ``report mapping``."""
    stats = commands.add_parser(
        "stats",
        help="members, RSVPs and applications in figures",
        description="Members over time and by country, municipality, sector, interest, "
        "language, channel and years abroad; RSVPs per event; applications by status. Exact "
        "counts, for staff only (the mapping report is the version to share).",
    )
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    audit = commands.add_parser(
        "audit",
        help="who exported, broadcast, imported, changed or deleted what, and when",
        description="The audit log, newest first.",
    )
    audit.add_argument("--since", type=_moment, help="e.g. 7d, 24h, 2026-11-01")
    audit.add_argument("--action", help="e.g. export (every export.*), broadcast, members.import")
    audit.add_argument(
        "--limit",
        type=common.whole_number,
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


async def show_stats(settings: Settings, args: argparse.Namespace) -> int:
    """``stats``: the figures as text in the staff's words (or, with ``--json``, as data with
    codes and ISO times)."""
    content = common.load_content(settings)
    words = Words(content, content.default_language, settings.timezone)
    now = common.now()
    async with Store(settings.database_path) as store:
        counted = await figures.collect(store, now)
        funnel = await business_stats.funnel(store)
        questions = await answers.figures(store, now)
        today = now.astimezone(zone(settings.timezone)).date()
        week = await store.directory.count(MemberQuery(registered_from=today - timedelta(days=6)))
        month = await store.directory.count(MemberQuery(registered_from=today - timedelta(days=29)))
        await store.audit.record(common.actor(), "stats.view", now, members=counted.members)
    if args.json:
        data = dataclasses.asdict(counted)
        data["at"] = words.machine(counted.at)
        data["business_funnel"] = funnel
        data["questions"] = dataclasses.asdict(questions)
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    lines = stats_lines(counted, words, week=week, month=month)
    print(
        "\n".join(
            [*lines, *business_lines(counted, funnel, words), *question_lines(questions, words)]
        )
    )
    return 0


def question_lines(questions: answers.Figures, words: Words) -> list[str]:
    """Questions in ``stats``: time to first answer, and the questions waiting by age."""
    waiting = questions.waiting
    return [
        "",
        words.text("staff_questions.stats_heading"),
        "  "
        + words.text(
            "staff_questions.stats_first_answer",
            median=answers.duration(questions.median),
            p90=answers.duration(questions.p90),
            count=str(questions.answered),
        ),
        "  "
        + words.text(
            "staff_questions.stats_waiting",
            under_1=str(waiting["under_1"]),
            days_1_3=str(waiting["1_3"]),
            days_3_7=str(waiting["3_7"]),
            over_7=str(waiting["over_7"]),
        ),
    ]


def business_lines(counted: figures.Statistics, funnel: dict[str, int], words: Words) -> list[str]:
    """Local businesses in ``stats``: the funnel, then requests by municipality and sector."""
    lines = ["", words.text("staff.stats_businesses")]
    lines += [f"  {words.text(f'funnel.{step}'):<32} {funnel[step]:>6}" for step in funnel]
    for by in ("municipality", "sector"):
        lines += ["", words.text(f"report.business_tables.requests_{by}")]
        lines += [
            f"  {figures.label(words.content, words.language, by, key):<32} {count:>6}"
            for key, count in counted.businesses.get(f"requests.{by}", {}).items()
        ]
    return lines


def stats_lines(counted: figures.Statistics, words: Words, *, week: int, month: int) -> list[str]:
    """``stats`` as lines: labels and words in the staff's language, never codes."""
    content, language = words.content, words.language
    n = str
    lines = [
        words.text("staff.stats_heading", date=words.time(counted.at)),
        words.text("staff.stats_members", total=n(counted.members), week=n(week), month=n(month)),
        words.text(
            "staff.stats_imported",
            count=n(counted.imported),
            linked=n(counted.imported_linked),
        ),
        "",
        words.text("staff.chart_months"),
    ]
    lines += [f"  {month_name}  {count:>6}" for month_name, count in counted.by_month]
    for dimension in figures.DIMENSIONS:
        lines += ["", figures.title(content, language, dimension)]
        lines += [
            f"  {figures.label(content, language, dimension, key):<32} {count:>6}"
            for key, count in counted.dimension(dimension).items()
        ]
    lines += ["", figures.title(content, language, "skills")]
    lines += [f"  {term:<32} {count:>6}" for term, count in counted.skills]
    lines += ["", words.text("staff.stats_events")]
    for event in counted.rsvps:
        known = content.events.get(event.event)
        title = known.text("title", language, content.default_language) if known else event.event
        statuses = {name: n(event.statuses.get(name, 0)) for name in RSVP_STATUSES}
        lines.append(
            words.text("staff.stats_event", title=title, guests=n(event.guests), **statuses)
        )
    lines += ["", words.text("staff.chart_applications")]
    for slug, by_status in counted.applications.items():
        programme = content.fellowships.get(slug)
        title = programme.text("title", language, content.default_language) if programme else slug
        statuses_text = " · ".join(
            f"{words.label('application_status', status)} {count}"
            for status, count in sorted(by_status.items())
        )
        lines.append(f"  {title}: {statuses_text}")
    return lines


async def audit(settings: Settings, args: argparse.Namespace) -> int:
    """``audit``: the log, newest first."""
    async with Store(settings.database_path) as store:
        entries = await store.audit.search(since=args.since, action=args.action, limit=args.limit)
        # Reading the log is a staff action too (recorded after reading, so not listed now).
        await store.audit.record(
            common.actor(),
            "audit.view",
            common.now(),
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
                 (machine(entry.at, settings.timezone), entry.actor, entry.action,
                  entry.subject, detail)]
            )  # fmt: skip
        return 0
    for entry in entries:
        detail = " ".join(
            f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in entry.detail.items()
        )
        when = shown(entry.at, settings.timezone)
        print(f"{when}  {entry.actor}  {entry.action}  {entry.subject or '-'}  {detail}")
    if not entries:
        print("no audit entries match", file=sys.stderr)
    return 0


async def reports(settings: Settings, args: argparse.Namespace) -> int:
    """``report mapping``."""
    content = common.load_content(settings)
    language = args.language or content.default_language
    if language not in content.locales:
        raise common.CommandError(
            f"no language {language!r} (known: {', '.join(content.languages)})"
        )
    output: Path | None = args.output
    suffix = output.suffix.lower() if output is not None else ".html"
    if suffix not in (".html", ".htm", ".xlsx"):
        raise common.CommandError("--output must name a .html or .xlsx file")
    async with Store(settings.database_path) as store:
        mapped = figures.mapping_report(await figures.collect(store, common.now(), content=content))
        if suffix == ".xlsx":
            assert output is not None
            common.save(output, report.xlsx(mapped, content, language))
        elif output is not None:
            common.save(output, report.html(mapped, content, language))
        else:
            sys.stdout.write(report.html(mapped, content, language))
        await store.audit.record(
            common.actor(),
            "report.mapping",
            common.now(),
            output=str(output) if output else "stdout",
            members=mapped.members,
        )
    if output is not None:
        print(f"wrote the mapping report to {output}", file=sys.stderr)
    return 0


COMMANDS = {"stats": show_stats, "audit": audit, "report": reports}
