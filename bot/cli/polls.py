"""``diaspora-bot polls list|results|share``: the polls of content/polls/, their exact counts for
coordinators (overall and by country, language and municipality), and their results sent back
to those who answered (audited)."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli import common
from bot.content import Content
from bot.plurals import counted
from bot.settings import Settings
from bot.store import Store
from bot.store.polls import DIMENSIONS
from staff import polls
from staff.suppression import THRESHOLD


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``polls``."""
    parser = commands.add_parser(
        "polls",
        help="polls (content/polls/): results, and sending them to those who answered",
        description="The polls of content/polls/ and their answers.",
    )
    what = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    listing = what.add_parser(
        "list",
        help="every poll with its schedule, topic and answers",
        description="Every poll with its topic, closing time and how many answered.",
    )
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    shown = what.add_parser(
        "results",
        help="a poll's exact counts (for coordinators)",
        description="A poll's exact counts: per option, and by country, language and "
        'municipality. With --json: {"poll": ID, "answered": N, "options": {OPTION_ID: '
        'COUNT, …}, "asked": N, "own_words": N, "by_country": {…}, "by_language": {…}, '
        '"by_municipality": {…}, …}.',
    )
    shown.add_argument("id", help="the poll's file name without .md")
    shown.add_argument("--json", action="store_true", help="print one JSON document")
    shared = what.add_parser(
        "share",
        help="send the results to those who answered",
        description="Send the poll's results (each option's share, in percent) to every "
        f"member who answered it, once; from {THRESHOLD} answers. Asks for confirmation "
        "unless --yes; recorded in the audit log.",
    )
    shared.add_argument("id", help="the poll's file name without .md")
    shared.add_argument("--yes", action="store_true", help="do not ask for confirmation")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """``polls list|results|share``."""
    content = common.load_content(settings)
    async with Store(settings.database_path) as store:
        if args.what == "list":
            return await _list(store, content, args.json)
        try:
            poll = polls.find(content, args.id)
            if args.what == "results":
                found = await polls.results(store, poll)
                if args.json:
                    print(json.dumps(found.as_json(common.now()), ensure_ascii=False))
                else:
                    _print(found, content.default_language)
                return 0
            found = await polls.results(store, poll)
            print(
                f"{poll.id}: the results go to {counted(found.tally.answered, 'member', 'members')}"
                " who answered."
            )
            if not args.yes and not _confirm():
                print("Cancelled: nothing sent.")
                return 1
            queued = await polls.share(store, content, poll.id, common.now(), actor=common.actor())
        except polls.PollRefused as refused:
            print(f"diaspora-bot polls: error: {refused}", file=sys.stderr)
            return 2
    print(
        f"Queued {counted(queued, 'message', 'messages')} as poll:{poll.id}:results; the running"
        " service sends them (`diaspora-bot outbox status` shows progress)."
    )
    return 0


def _confirm() -> bool:
    try:
        answer = input("Send the results? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


async def _list(store: Store, content: Content, as_json: bool) -> int:
    answered = await store.polls.answered_counts()
    rows = [
        {
            "poll": poll.id,
            "title": poll.title,
            "topic": poll.topic,
            "scheduled": poll.schedule is not None,
            "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
            "open": not poll.closed(common.now()),
            "answered": answered.get(poll.id, 0),
        }
        for poll in sorted(content.polls.values(), key=lambda poll: poll.id)
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("no polls in content/polls/")
    for row in rows:
        state = "open" if row["open"] else "closed"
        asked = "" if row["scheduled"] else ", asked as a next step"
        print(f"{row['poll']}: {row['answered']} answered, {state}, topic {row['topic']}{asked}")
    return 0


def _print(found: polls.Results, language: str) -> None:
    poll = found.poll
    print(f"{poll.id}: {poll.title or poll.text(language, language)[1]}")
    print(f"asked {found.asked}, answered {found.tally.answered}")
    for option, count in found.option_counts().items():
        chosen = poll.option(option)
        label = chosen.label(language, language) if chosen else option
        print(f"  {option:<20} {count:>7}  {label}")
    if poll.free_text:
        print(f"  {'(own words)':<20} {found.tally.free_text:>7}")
    for dimension in DIMENSIONS:
        print(f"by {dimension}:")
        for value, tally in sorted(found.by.get(dimension, {}).items()):
            options = ", ".join(
                f"{option.id} {tally.options.get(option.id, 0)}" for option in poll.options
            )
            print(f"  {value or '(not given)'}: {tally.answered} answered; {options}")


COMMANDS = {"polls": run}
