"""``diaspora-bot businesses import|list`` and ``matches suggest|propose|list|withdraw``: local
businesses' requests for help, and introductions to members who offered it. Every change is
audited; each ``--json`` prints one JSON document to stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.cli import common
from bot.content import Content
from bot.settings import Settings
from bot.store import Store
from bot.store.businesses import STATUSES as BUSINESS_STATUSES
from bot.store.matches import STATUSES as MATCH_STATUSES
from staff import business_import, introductions, suggestions


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``businesses`` and ``matches``."""
    businesses = commands.add_parser(
        "businesses",
        help="local businesses' requests for help",
        description="Local businesses' requests for help (asked with /business, or imported).",
    )
    what = businesses.add_subparsers(dest="what", required=True, metavar="WHAT")
    imported = what.add_parser(
        "import",
        help="import requests collected by municipalities (CSV or XLSX)",
        description="Import requests from FILE.csv or FILE.xlsx, headings in English or "
        "Montenegrin: name, municipality, sector, stage, needs (comma-separated: business_plan, "
        "mentoring, expertise, market_access, investment), description, contact_name, phone, "
        "email, language. Every skipped row is reported with its reason. Imported requests are "
        "not messaged until their contact person writes to the bot and proves the phone number "
        "is theirs (WhatsApp, or Telegram's share button).",
    )
    imported.add_argument("file", type=Path, help="a .csv or .xlsx file")
    imported.add_argument(
        "--encoding", help="the CSV's encoding (default: UTF-8, else cp1250, else latin-1)"
    )
    listed = what.add_parser(
        "list", help="every request, newest first", description="Every request, newest first."
    )
    listed.add_argument("--status", choices=BUSINESS_STATUSES, help="only this status")
    listed.add_argument("--json", action="store_true", help="print JSON instead of text")

    matches = commands.add_parser(
        "matches",
        help="introductions between businesses and members who offered help",
        description="Ranked suggestions, proposals (double opt-in) and their states.",
    )
    what = matches.add_subparsers(dest="what", required=True, metavar="WHAT")
    suggest = what.add_parser(
        "suggest",
        help="the best offers for a request, with the reasons",
        description="Rank the active offers for one request, best first, each with its score "
        "and every reason; members proposed to it before are left out.",
    )
    suggest.add_argument(
        "--business", type=common.whole_number, required=True, metavar="ID", help="the request"
    )
    suggest.add_argument(
        "--limit", type=common.whole_number, default=10, help="at most this many (default 10)"
    )
    suggest.add_argument("--json", action="store_true", help="print JSON instead of text")
    propose = what.add_parser(
        "propose",
        help="propose an introduction; both sides are asked",
        description="Propose an introduction: the business and the member each get an "
        "anonymised summary of the other and accept or decline in the chat within 14 days; "
        "names and contacts are exchanged only when both accept.",
    )
    propose.add_argument("business_id", type=common.whole_number, metavar="BUSINESS_ID")
    propose.add_argument("member_id", type=common.whole_number, metavar="MEMBER_ID")
    listed = what.add_parser(
        "list", help="every match and its state", description="Every match, newest first."
    )
    listed.add_argument("--status", choices=MATCH_STATUSES, help="only this state")
    listed.add_argument("--business", type=common.whole_number, metavar="ID", help="one request")
    listed.add_argument("--json", action="store_true", help="print JSON instead of text")
    withdraw = what.add_parser(
        "withdraw",
        help="withdraw a proposal still waiting for answers",
        description="Withdraw a proposal still waiting for answers; both sides are told it "
        "will not go ahead.",
    )
    withdraw.add_argument("id", type=common.whole_number, help="the match's number")
    withdraw.add_argument("--reason", default="", help="why (kept with the match)")


async def businesses(settings: Settings, args: argparse.Namespace) -> int:
    """``businesses import|list``."""
    content = common.load_content(settings)
    async with Store(settings.database_path) as store:
        if args.what == "import":
            return await _import(store, content, args)
        found = await store.businesses.all(status=args.status)
    if args.json:
        print(json.dumps([b.as_dict() for b in found], ensure_ascii=False, indent=2))
        return 0
    for b in found:
        contact = "in the bot" if b.member_id is not None else f"imported ({b.source})"
        print(
            f"#{b.id}  {b.name}  {b.municipality or '-'}  {b.sector or '-'}  {b.stage or '-'}"
            f"  needs: {', '.join(b.needs) or '-'}  {b.status}  {contact}"
        )
    if not found:
        print("no business requests", file=sys.stderr)
    return 0


async def _import(store: Store, content: Content, args: argparse.Namespace) -> int:
    path: Path = args.file
    if not await asyncio.to_thread(path.is_file):
        raise common.CommandError(f"no file {path}")
    now = common.now()
    result = await business_import.import_file(store, content, path, now, encoding=args.encoding)
    await store.audit.record(
        common.actor(),
        "businesses.import",
        now,
        subject=path.name,
        rows=result.rows,
        added=result.added,
        merged=result.merged,
        skipped=len(result.skipped),
    )
    print(
        f"{path.name} ({result.encoding}): {result.rows} rows — {result.added} added,"
        f" {result.merged} merged into known requests, {len(result.skipped)} skipped."
    )
    for number, reason in result.skipped:
        print(f"row {number}: skipped: {reason}")
    for number, note in result.notes:
        print(f"row {number}: note: {note}")
    print("Imported requests are not messaged until their contact person writes to the bot.")
    return 0


async def matches(settings: Settings, args: argparse.Namespace) -> int:
    """``matches suggest|propose|list|withdraw``."""
    content = common.load_content(settings)
    async with Store(settings.database_path) as store:
        if args.what == "suggest":
            return await _suggest(store, args)
        if args.what == "propose":
            match = await introductions.propose(
                store,
                content,
                args.business_id,
                args.member_id,
                common.now(),
                actor=common.actor(),
            )
            print(
                f"match #{match.id}: business #{match.business_id} and member {match.member_id}"
                f" proposed (score {match.score}); both are asked, answers due by"
                f" {match.expires_at[:10]}"
            )
            return 0
        if args.what == "withdraw":
            match = await introductions.withdraw(
                store, content, args.id, common.now(), actor=common.actor(), reason=args.reason
            )
            print(f"match #{match.id}: withdrawn; both sides are told")
            return 0
        found = await store.matches.all(status=args.status)
        if args.business:
            found = [match for match in found if match.business_id == args.business]
    if args.json:
        print(json.dumps([match.as_dict() for match in found], ensure_ascii=False, indent=2))
        return 0
    for match in found:
        answers = f"business {match.business_answer or '-'}, member {match.member_answer or '-'}"
        print(
            f"#{match.id}  business #{match.business_id}  member {match.member_id}"
            f"  {match.status}  ({answers})  proposed {match.proposed_at[:10]}"
            + (f"  reason: {match.reason}" if match.reason else "")
        )
    if not found:
        print("no matches", file=sys.stderr)
    return 0


async def _suggest(store: Store, args: argparse.Namespace) -> int:
    business = await store.businesses.get(args.business)
    if business is None:
        raise common.CommandError(f"no business request #{args.business}")
    ranked = await suggestions.suggest(store, business, limit=args.limit)
    await store.audit.record(
        common.actor(), "matches.suggest", common.now(), subject=f"business:{business.id}"
    )
    if args.json:
        data = {
            "business": business.id,
            "suggestions": [
                {
                    "member_id": s.member_id,
                    "score": s.score,
                    "over_committed": s.over_committed,
                    "reasons": list(s.reasons),
                }
                for s in ranked
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"#{business.id} {business.name}: {len(ranked)} suggestion(s), best first")
    for place, suggestion in enumerate(ranked, start=1):
        print(f"{place}. member {suggestion.member_id}: score {suggestion.score}")
        for reason in suggestion.reasons:
            print(f"     {reason}")
    return 0


COMMANDS = {"businesses": businesses, "matches": matches}
