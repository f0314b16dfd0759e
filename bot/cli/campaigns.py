"""``diaspora-bot campaigns check|preview``, ``outbox status`` and ``broadcast``: what the
content folder will send, what the outbox did, and a broadcast from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.cli import common
from bot.content import Content
from bot.content.check import check
from bot.errors import ChannelRefused, ChannelUnavailable
from bot.plurals import counted
from bot.settings import Settings
from bot.store import Store
from scheduler import broadcast as broadcasts
from scheduler.preview import describe, preview
from scheduler.report import outbox_status
from scheduler.sender import DrainReport
from scheduler.sendlock import SendLock
from staff import reach

# A year ahead at most: every occurrence in the window is counted member by member.
PREVIEW_DAYS = 366


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``campaigns``, ``outbox`` and ``broadcast`` to the CLI."""
    campaigns = commands.add_parser(
        "campaigns",
        help="check or preview the campaigns in the content folder",
        description="Check the content folder's campaigns (and events and locales), or preview "
        "what they will send.",
    )
    what = campaigns.add_subparsers(dest="what", required=True, metavar="WHAT")
    what.add_parser(
        "check",
        help="report every problem as file:line: message; exit 1 if there is any",
        description="Validate every content file and report each problem as file:line: message. "
        "Exits 1 when there is a problem, 0 when there is none.",
    )
    shown = what.add_parser(
        "preview",
        help="what the campaigns and polls will send in the next days",
        description="Show what the campaigns and polls will send in the next N days: when, "
        "their topic, to how many members on each channel and in each language, who turned "
        "the topic off (skipped), who is outside WhatsApp's window without a template, and "
        "one sample per language (a poll's with its options).",
    )
    shown.add_argument(
        "--days",
        type=common.days(PREVIEW_DAYS),
        default=7,
        help=f"how many days ahead, at most {PREVIEW_DAYS} (default 7)",
    )
    outbox = commands.add_parser(
        "outbox",
        help="the outbox: messages by state, unknown ones, last errors",
        description="Show the outbox: messages by state and job, messages left unknown by a "
        "crash (never resent unless staff choose to: resend --unknown), missed campaign "
        "occurrences, and the last errors.",
    )
    outbox_what = outbox.add_subparsers(dest="what", required=True, metavar="WHAT")
    outbox_what.add_parser(
        "status", help="counts by state, unknown rows, last errors", description="Show the outbox."
    )
    resend = outbox_what.add_parser(
        "resend",
        help="queue a job's unknown messages again (a possible duplicate over a miss)",
        description="Queue again the messages of one job whose fate is unknown (the bot stopped "
        "while sending them): members who did get one get it twice. Asks for confirmation "
        "unless --yes; recorded in the audit log.",
    )
    resend.add_argument(
        "--unknown", action="store_true", required=True, help="the unknown messages (required)"
    )
    resend.add_argument("--job", required=True, help="the job, e.g. broadcast:12 (outbox status)")
    resend.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retry = outbox_what.add_parser(
        "retry",
        help="queue again a job's messages that failed for a reason that may pass",
        description="Queue again the messages of one job that failed for a reason that may "
        "pass: the provider kept failing (a timeout or a 5xx until the sender gave up), or "
        "WhatsApp could not deliver for now (Twilio 30001, 30003, 30008). A blocked bot, an "
        "invalid number or a refused message is never retried. Asks for confirmation unless "
        "--yes; recorded in the audit log.",
    )
    retry.add_argument("--job", required=True, help="the job, e.g. poll:forum-niksic")
    retry.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sent = commands.add_parser(
        "broadcast",
        help="send one text to an audience through the outbox",
        description="Queue a broadcast for the running service to send; with --wait, send it "
        "from here (when no service runs) with a progress bar. {first_name} and {name} are "
        "filled in. Recorded in the audit log.",
    )
    text = sent.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the message")
    text.add_argument("--file", type=Path, help="a UTF-8 file holding the message")
    sent.add_argument(
        "--audience",
        action="append",
        default=[],
        metavar="KEY=VALUE[,VALUE]",
        help="a filter, e.g. countries=DE,AT or languages=cnr or event=diaspora-days-2027 "
        "(repeat for several; default: every registered member)",
    )
    sent.add_argument(
        "--template",
        metavar="HX…",
        help="an approved WhatsApp template's content SID, sent to WhatsApp members outside the "
        "24-hour window (without one they get nothing)",
    )
    sent.add_argument(
        "--variables",
        nargs="+",
        default=[],
        metavar="N=TEXT",
        help="the template's variables, e.g. 1={first_name} 2='Diaspora Days'",
    )
    sent.add_argument(
        "--topic",
        default=broadcasts.DEFAULT_TOPIC,
        help="the kind of message, one of content/programme.yaml's topics (default: news);"
        " members who turned it off with /topics are skipped",
    )
    sent.add_argument("--dry-run", action="store_true", help="only count and show; queue nothing")
    sent.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sent.add_argument("--wait", action="store_true", help="send it now from here, with progress")


async def campaigns(settings: Settings, args: argparse.Namespace) -> int:
    if args.what == "check":
        return await _check(settings, sys.stdout)
    return await _preview(settings, args.days, sys.stdout)


async def _check(settings: Settings, out: TextIO) -> int:
    content = Content(
        root=Path(settings.content_dir),
        default_language=settings.default_language,
        timezone=settings.timezone,
    )
    async with Store(settings.database_path) as store:
        problems = await check(content, store, whatsapp_enabled=settings.whatsapp_enabled)
    for problem in problems:
        out.write(f"{problem}\n")
    count = len(list((Path(settings.content_dir) / "campaigns").glob("*.md")))
    polls = len(list((Path(settings.content_dir) / "polls").glob("*.md")))
    if problems:
        files = len({problem.path for problem in problems})
        problems_found = counted(len(problems), "problem", "problems")
        out.write(f"{problems_found} in {counted(files, 'file', 'files')}\n")
        return 1
    checked = counted(count, "campaign", "campaigns")
    if polls:
        checked += f" and {counted(polls, 'poll', 'polls')}"
    out.write(f"{checked} checked, no problems\n")
    return 0


async def _preview(settings: Settings, days: float, out: TextIO) -> int:
    content = Content(
        root=Path(settings.content_dir),
        default_language=settings.default_language,
        timezone=settings.timezone,
    )
    async with Store(settings.database_path) as store:
        occurrences = await preview(content, store, common.now(), days, timezone=settings.timezone)
    for error in content.errors.values():
        out.write(f"skipped (broken): {error}\n")
    out.write("\n".join(describe(occurrences, days, content, settings.timezone)) + "\n")
    return 0


async def outbox(settings: Settings, args: argparse.Namespace) -> int:
    lock = SendLock.of(settings.database_path)
    async with Store(settings.database_path) as store:
        # Nobody sending: rows still ``sending`` were left by a crash; report them as unknown.
        if lock.acquire():
            try:
                await store.outbox.recover(common.now())
            finally:
                lock.release()
        if args.what == "resend":
            return await _resend_unknown(store, args.job, args.yes)
        if args.what == "retry":
            return await _retry_failed(store, args.job, args.yes)
        lines = await outbox_status(store)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


async def _resend_unknown(store: Store, job: str, yes: bool) -> int:
    """``outbox resend --unknown --job JOB``: queues the job's unknown rows again, once staff
    confirmed that a duplicate is better than a miss; audited."""
    counts = await store.outbox.counts(job)
    if not counts:
        print(f"diaspora-bot outbox resend: error: no job {job!r} in the outbox", file=sys.stderr)
        return 2
    unknown = counts.get("unknown", 0)
    if not unknown:
        print(f"{job} has no message of unknown fate: nothing to resend.")
        return 0
    print(
        f"{job}: {counted(unknown, 'message', 'messages')} of unknown fate (the bot stopped"
        " while sending them). Some may have arrived: those members will get the message twice."
    )
    if not yes and not _confirm_resend(unknown):
        print("Cancelled: nothing resent.")
        return 1
    now = common.now()
    resent = await store.outbox.resend_unknown(job, now)
    await store.audit.record(common.actor(), "outbox.resend", now, subject=job, unknown=resent)
    print(
        f"Queued {counted(resent, 'message', 'messages')} of {job} again: the running service"
        " (`diaspora-bot run`) sends them; `diaspora-bot outbox status` shows progress."
    )
    return 0


async def _retry_failed(store: Store, job: str, yes: bool) -> int:
    """``outbox retry --job JOB``: queues again what failed for a reason that may pass, once
    staff confirmed; audited (staff.reach)."""
    funnel = await store.deliveries.funnel(job)
    if funnel is None:
        print(f"diaspora-bot outbox retry: error: no job {job!r} in the outbox", file=sys.stderr)
        return 2
    if not funnel.retryable:
        print(f"{job}: nothing failed for a reason that may pass; nothing to retry.")
        return 0
    print(
        f"{job}: {counted(funnel.retryable, 'message', 'messages')} failed for a reason that"
        " may pass; each goes again to its member, once."
    )
    if not yes and not _confirm_resend(funnel.retryable):
        print("Cancelled: nothing resent.")
        return 1
    resent = await reach.resend_failed(store, job, common.now(), actor=common.actor())
    print(
        f"Queued {counted(resent, 'message', 'messages')} of {job} again: the running service"
        " (`diaspora-bot run`) sends them; `diaspora-bot outbox status` shows progress."
    )
    return 0


def _confirm_resend(count: int) -> bool:
    try:
        answer = input(f"Resend {counted(count, 'message', 'messages')}? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


async def broadcast(settings: Settings, args: argparse.Namespace) -> int:
    text = args.text if args.text is not None else args.file.read_text(encoding="utf-8")
    async with App(settings) as app:
        content = app.content
        vocabulary = content.campaign_context().vocabulary
        try:
            audience = broadcasts.parse_filters(args.audience, vocabulary)
            sid, variables = getattr(args, "template", None), getattr(args, "variables", [])
            if variables and not sid:
                raise ValueError("--variables goes with --template")
            template = broadcasts.parse_template(sid, variables) if sid else None
            topic = getattr(args, "topic", broadcasts.DEFAULT_TOPIC)
            topics = content.programme.topics if content.programme else ()
            if topic not in topics:
                raise ValueError(f"--topic {topic!r}: expected one of {', '.join(topics)}")
            plan = await broadcasts.plan(
                app.store,
                text.strip(),
                audience,
                settings.timezone,
                app.clock.now(),
                template=template,
                default_language=content.default_language,
                topic=topic,
            )
        except ValueError as error:
            print(f"diaspora-bot: {error}", file=sys.stderr)
            return 2
        channels = ", ".join(
            f"{_channel_name(content, name)} {count}"
            for name, count in sorted(plan.channels.items())
        )
        print(f"Audience: {audience.describe()}")
        print(
            f"Topic: {plan.topic}"
            + (f" ({plan.topic_off} who turned it off are skipped)" if plan.topic_off else "")
        )
        print(f"{counted(plan.members, 'member', 'members')} ({channels or 'none'})")
        if plan.whatsapp:
            print(whatsapp_summary(plan))
        print(f"Text:\n{plan.text}\n")
        if args.wait and not _served_here(plan, app, content):
            return 1
        if args.dry_run or not plan.members:
            print("Dry run: nothing queued." if args.dry_run else "Nobody to send to.")
            return 0
        if not args.yes and not _confirm(plan.members):
            print("Cancelled: nothing queued.")
            return 1
        actor = common.actor()
        now = app.clock.now()
        sent, queued = await broadcasts.queue(app.store, plan, actor, now, settings.timezone)
        print(f"Queued {counted(queued, 'message', 'messages')} as {sent.job}.")
        if not args.wait:
            print("The running service sends them; `diaspora-bot outbox status` shows progress.")
            return 0
        if not await app.sender.take_over():
            holder = app.sender.lock.holder() if app.sender.lock is not None else "?"
            print(
                f"Another process ({holder}) is sending from this database: it sends them;"
                " `diaspora-bot outbox status` shows progress."
            )
            return 0
        try:
            report = await _drain(app, sent.job, queued, plan.channels)
        except (ChannelUnavailable, ChannelRefused) as error:
            # Nothing was tried, so nothing failed: every row waits for the service.
            print(
                f"diaspora-bot: {error}; the broadcast is queued as {sent.job} and"
                " `diaspora-bot run` sends it once the platform answers (`diaspora-bot outbox"
                " status` shows it)",
                file=sys.stderr,
            )
            return 1
        outcomes = await app.store.broadcasts.outcomes(sent.job)
    by_channel = ", ".join(
        f"{_channel_name(content, channel)} {states['sent']}"
        for channel, states in sorted(outcomes.items())
        if states.get("sent")
    )
    print(
        f"Sent {report.sent}{f' ({by_channel})' if by_channel else ''}, failed {report.failed},"
        f" skipped {report.skipped} (stopped, topic off or no address), still queued"
        f" {report.deferred}."
    )
    if report.needs_template:
        print(
            f"{report.needs_template} on WhatsApp got nothing: outside the 24-hour window, and"
            " no template."
        )
    return 0 if not report.failed else 1


def whatsapp_summary(plan: broadcasts.Plan) -> str:
    """``194 on WhatsApp: 20 in the 24-hour window get the text, 174 get template HX…`` — or
    ``… 174 outside it get nothing (no template)``: what WhatsApp members will really get."""
    gets = plan.whatsapp
    parts = []
    if gets[broadcasts.IN_WINDOW]:
        parts.append(f"{gets[broadcasts.IN_WINDOW]} in the 24-hour window get the text")
    if gets[broadcasts.BY_TEMPLATE] and plan.template is not None:
        sid = plan.template.sid(plan.default_language, plan.default_language)
        parts.append(f"{gets[broadcasts.BY_TEMPLATE]} outside it get template {sid}")
    if gets[broadcasts.NOTHING]:
        parts.append(
            f"{gets[broadcasts.NOTHING]} outside it get nothing (no template: add --template"
            " HX… --variables 1={first_name})"
        )
    return f"{sum(gets.values())} on WhatsApp: {', '.join(parts)}"


def _channel_name(content: Content, channel: str) -> str:
    key = f"channels.{channel}"
    if channel == "none":
        return "no address"
    language = content.default_language
    return content.text(language, key) if content.has(language, key) else channel


# What turns each channel on, for a broadcast that no channel configured here reaches.
_CHANNEL_SETTINGS = {
    "telegram": "TELEGRAM_BOT_TOKEN",
    "whatsapp": "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_NUMBER",
}


def _served_here(plan: broadcasts.Plan, app: App, content: Content) -> bool:
    """For --wait: says, before anything is queued, who is on a channel not configured here;
    False (with one error line) when that is everyone with an address."""
    missing = {
        name: count
        for name, count in sorted(plan.channels.items())
        if name != "none" and name not in app.channels
    }
    if not missing:
        return True
    notes = [
        f"{_channel_name(content, name)} {count}: set {_CHANNEL_SETTINGS.get(name, name)}"
        for name, count in missing.items()
    ]
    if all(name == "none" or name in missing for name in plan.channels):
        print(
            f"diaspora-bot: no channel configured here reaches this audience"
            f" ({'; '.join(notes)}); nothing queued",
            file=sys.stderr,
        )
        return False
    for name, count in missing.items():
        print(
            f"{_channel_name(content, name)} {count}: not configured here (set"
            f" {_CHANNEL_SETTINGS.get(name, name)}): those stay queued for a service that has it."
        )
    return True


def _confirm(count: int) -> bool:
    try:
        answer = input(f"Send to {counted(count, 'member', 'members')}? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


async def _drain(app: App, job: str, total: int, channels: Collection[str]) -> DrainReport:
    """Sends a job from here, on ``channels``, until nothing of it is queued, showing progress;
    ChannelUnavailable or ChannelRefused, before sending anything, when a platform cannot be
    reached or refuses."""
    done = 0

    def progress(report: DrainReport) -> None:
        nonlocal done
        bar.update(report.settled - done)
        done = report.settled

    total_report = DrainReport()
    async with app.sending(channels):
        # The bar only once the platforms answered: an error line is then all there is.
        from tqdm import tqdm  # only a waiting broadcast shows a bar

        bar = tqdm(total=total, unit="msg", desc=job, file=sys.stderr)
        while True:
            report = await app.sender.drain(job=job, progress=progress)
            for name in ("sent", "failed", "skipped", "needs_template", "retried", "unreachable"):
                setattr(total_report, name, getattr(total_report, name) + getattr(report, name))
            done = 0
            following = await app.store.outbox.next_due(job)
            if following is None:
                break
            wait = (datetime.fromisoformat(following) - app.clock.now()).total_seconds()
            if wait > 60:
                total_report.deferred = (await app.store.outbox.counts(job)).get("queued", 0)
                break
            await app.sleep(max(wait, 0.05))
    bar.close()
    return total_report


COMMANDS = {"campaigns": campaigns, "outbox": outbox, "broadcast": broadcast}
