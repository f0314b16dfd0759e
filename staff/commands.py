"""Coordinators' commands in the chat (staff may use them too): ``/stats`` (the counts as text
and a PNG chart), ``/signups [N]`` (the latest registrations) and ``/export`` (members, RSVPs
and fellowship applications as CSV and XLSX files). Each use is written to the audit log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.countries import country_name
from bot.flow import Context, Go
from bot.messages import Attachment
from bot.store import MemberQuery
from handlers.dates import date_text
from scheduler.progress import number
from staff import charts, export, sheets
from staff import stats as figures
from staff.words import Words

SIGNUPS = 10
MOST_SIGNUPS = 50
# Values listed per dimension in /stats; the rest are counted as "N more".
TOP = 5
STATS_DIMENSIONS = ("country", "municipality", "sector", "interest", "language")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _n(ctx: Context, value: int) -> str:
    return number(ctx.content, ctx.language, value)


def _top(ctx: Context, dimension: str, counts: Mapping[str, int]) -> str:
    """``Germany 40 · Serbia 12 · 3 more`` (largest first)."""
    if not counts:
        return ctx.t("staff.stats_none")
    items = list(counts.items())
    shown = [
        f"{figures.label(ctx.content, ctx.language, dimension, key)} {_n(ctx, count)}"
        for key, count in items[:TOP]
    ]
    if len(items) > TOP:
        shown.append(ctx.t("staff.stats_more", count=_n(ctx, len(items) - TOP)))
    return " · ".join(shown)


async def stats(ctx: Context, payload: str) -> Go | None:
    """``/stats``: members by country, municipality, sector, interest and language, RSVPs per
    event and applications by status, as text with a chart."""
    now = ctx.now()
    counted = await figures.collect(ctx.store, now)
    today = now.date()
    directory = ctx.store.directory
    week = await directory.count(MemberQuery(registered_from=today - timedelta(days=6)))
    month = await directory.count(MemberQuery(registered_from=today - timedelta(days=29)))
    date = date_text(ctx.content, ctx.language, now)
    lines = [
        ctx.t("staff.stats_heading", date=date),
        ctx.t(
            "staff.stats_members",
            total=_n(ctx, counted.members),
            week=_n(ctx, week),
            month=_n(ctx, month),
        ),
        "",
    ]
    for dimension in STATS_DIMENSIONS:
        title = figures.title(ctx.content, ctx.language, dimension)
        values = _top(ctx, dimension, counted.dimension(dimension))
        lines.append(ctx.t("staff.stats_line", title=title, values=values))
    if counted.rsvps:
        lines += ["", ctx.t("staff.stats_events")]
    for event in counted.rsvps:
        known = ctx.content.events.get(event.event)
        title = known.text("title", ctx.language, ctx.content.default_language) if known else ""
        statuses = {name: _n(ctx, event.statuses.get(name, 0)) for name in _RSVP_STATUSES}
        lines.append(
            ctx.t(
                "staff.stats_event",
                title=title or event.event,
                guests=_n(ctx, event.guests),
                **statuses,
            )
        )
    applications = counted.applications_by_status
    statuses_text = " · ".join(
        f"{ctx.t(f'fellowship.statuses.{status}')} {_n(ctx, count)}"
        for status, count in applications.items()
    )
    lines += [
        "",
        ctx.t("staff.stats_applications", values=statuses_text or ctx.t("staff.stats_none")),
    ]
    chart = await asyncio.to_thread(charts.png, f"Diaspora Connect — {date}", _panels(ctx, counted))
    ctx.say("\n".join(lines), file=Attachment(f"stats-{today}.png", chart, "image/png"))
    await ctx.store.audit.record(ctx.address, "stats.view", now, members=counted.members)
    return None


_RSVP_STATUSES = ("going", "waitlisted", "maybe", "not_going")


def _panels(ctx: Context, counted: figures.Statistics) -> list[charts.Panel]:
    """The chart's four panels: registrations by month, countries, sectors, applications."""

    def labelled(dimension: str) -> list[tuple[str, int]]:
        return [
            (figures.label(ctx.content, ctx.language, dimension, key), count)
            for key, count in counted.dimension(dimension).items()
        ]

    applications = [
        (ctx.t(f"fellowship.statuses.{status}"), count)
        for status, count in counted.applications_by_status.items()
    ]
    return [
        charts.Panel(ctx.t("staff.chart_months"), counted.by_month, columns=True),
        charts.Panel(ctx.t("staff.chart_countries"), labelled("country")),
        charts.Panel(ctx.t("staff.chart_sectors"), labelled("sector")),
        charts.Panel(ctx.t("staff.chart_applications"), applications),
    ]


async def signups(ctx: Context, payload: str) -> Go | None:
    """``/signups [N]``: the latest N registrations (10 unless said), newest first."""
    text = payload.strip()
    if text and not (text.isdigit() and 1 <= int(text) <= MOST_SIGNUPS):
        ctx.say(ctx.t("staff.signups_invalid", most=MOST_SIGNUPS))
        return None
    limit = int(text) if text else SIGNUPS
    rows = await ctx.store.directory.latest(limit)
    if not rows:
        ctx.say(ctx.t("staff.signups_none"))
        return None
    lines = [ctx.t("staff.signups_heading", count=len(rows))]
    for row in rows:
        member = row.member
        registered = datetime.fromisoformat(member.registered_at or member.created_at)
        place = ", ".join(
            part
            for part in (
                member.city,
                country_name(member.country, ctx.language) if member.country else None,
            )
            if part
        )
        lines.append(
            ctx.t(
                "staff.signup_line",
                id=member.id,
                date=date_text(ctx.content, ctx.language, registered),
                name=member.name or "—",
                place=place or "—",
                sector=figures.label(ctx.content, ctx.language, "sector", member.sector or ""),
                channels=", ".join(
                    figures.label(ctx.content, ctx.language, "channel", channel)
                    for channel in row.channels
                )
                or "—",
            )
        )
    ctx.say("\n".join(lines))
    await ctx.store.audit.record(ctx.address, "signups.view", ctx.now(), members=len(rows))
    return None


async def export_files(ctx: Context, payload: str) -> Go | None:
    """``/export``: members, RSVPs and fellowship applications, each as CSV and XLSX."""
    store, content, now = ctx.store, ctx.content, ctx.now()
    words = Words(content, ctx.language, ctx.settings.timezone)
    found = await store.directory.matching()
    members = export.member_rows(
        [row.member for row in found], await store.members.channels(), words
    )
    rsvp_header, rsvps = await sheets.rsvp_rows(store, content, None, words)
    application_header, applications = await sheets.application_rows(store, content, words)
    tables: list[tuple[str, tuple[str, ...], list[list[Any]]]] = [
        ("members", export.MEMBER_COLUMNS, members),
        ("rsvps", rsvp_header, rsvps),
        ("fellowship", application_header, applications),
    ]
    for name, header, rows in tables:
        for kind in ("csv", "xlsx"):
            body = (
                export.to_csv(header, rows).encode("utf-8-sig")
                if kind == "csv"
                else export.to_xlsx(header, rows, name)
            )
            filename = f"{name}-{now:%Y-%m-%d}.{kind}"
            ctx.say(
                ctx.t("staff.export_file", file=filename, count=_n(ctx, len(rows))),
                file=Attachment(filename, body, MIME[kind]),
            )
        await store.audit.record(
            ctx.address, f"export.{name}", now, rows=len(rows), output="chat.csv+xlsx"
        )
    ctx.say(ctx.t("staff.export_done"))
    return None
