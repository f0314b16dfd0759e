"""``diaspora-bot faq ask TEXT`` (what the bot would answer, and why, so staff can tune the FAQ's
phrasings) and ``questions list|answer|close`` (members' questions to the team; answers go
through the outbox, each audited)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli import common
from bot.faq_index import FaqIndex
from bot.settings import Settings
from bot.store import Store
from bot.store.questions import CLOSED, STATUSES
from staff import answers


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``faq ask`` and ``questions``."""
    faq = commands.add_parser(
        "faq", help="the FAQ (content/faq/)", description="The FAQ members are answered from."
    )
    faq_what = faq.add_subparsers(dest="what", required=True, metavar="WHAT")
    ask = faq_what.add_parser(
        "ask",
        help="what the bot would answer to a question, and why",
        description="Match TEXT against the FAQ as the bot does: the entry it would answer "
        "with outright (or none), its score (0 to 1), the entries it would offer, and the "
        'terms it read. With --json: {"answer": SLUG or null, "score": …, "candidates": '
        "[SLUG, …]}.",
    )
    ask.add_argument("text", help="the question, as a member would write it")
    ask.add_argument(
        "--language", help="the member's language (the answer shown is in it; default: the default)"
    )
    ask.add_argument("--json", action="store_true", help="print one JSON document")
    questions = commands.add_parser(
        "questions",
        help="members' questions to the team",
        description="Members' questions to the programme team: list, answer, close.",
    )
    questions_what = questions.add_subparsers(dest="what", required=True, metavar="WHAT")
    listing = questions_what.add_parser(
        "list", help="the questions, oldest first", description="The questions, oldest first."
    )
    listing.add_argument("--status", choices=STATUSES, help="only questions in this status")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    answer = questions_what.add_parser(
        "answer",
        help="answer a question (sent to the member through the outbox)",
        description="Answer question ID: the member gets TEXT on their channel, in their "
        "chat, as the programme team's answer. Audited.",
    )
    answer.add_argument("id", type=common.whole_number, help="the question's number")
    answer.add_argument("--text", required=True, help="the answer")
    close = questions_what.add_parser(
        "close", help="close a question", description="Close question ID. Audited."
    )
    close.add_argument("id", type=common.whole_number, help="the question's number")


async def faq(settings: Settings, args: argparse.Namespace) -> int:
    """``faq ask TEXT``: the verdict, as text or JSON."""
    content = common.load_content(settings)
    language = args.language or content.default_language
    if language not in content.locales:
        print(f"diaspora-bot: error: unknown language {language!r}", file=sys.stderr)
        return 2
    verdict = await FaqIndex(content, apart=False).ask(args.text)
    if args.json:
        print(
            json.dumps(
                {
                    "answer": verdict.answer,
                    "score": verdict.score,
                    "candidates": list(verdict.candidates),
                    "terms": list(verdict.terms),
                },
                ensure_ascii=False,
            )
        )
        return 0
    print(f"terms: {' '.join(verdict.terms) or '(none)'}")
    if verdict.answer is not None:
        entry = content.faq[verdict.answer]
        print(f"answer: {verdict.answer} (score {verdict.score})")
        print(entry.answer_in(language, content.default_language))
    elif verdict.candidates:
        print(f"no answer outright (best score {verdict.score}); offered:")
        for slug in verdict.candidates:
            print(f"  {slug}: {content.faq[slug].title(language, content.default_language)}")
    else:
        print(f"no answer (best score {verdict.score}): the question goes to the team")
    return 0


async def questions(settings: Settings, args: argparse.Namespace) -> int:
    """``questions list|answer|close``."""
    async with Store(settings.database_path) as store:
        if args.what == "list":
            return await _list(store, args)
        try:
            if args.what == "answer":
                content = common.load_content(settings)
                done = await answers.answer(
                    store, content, args.id, args.text, common.now(), actor=common.actor()
                )
                waits = (
                    " (the member is outside WhatsApp's 24-hour window: it goes when they write"
                    + (", a template tells them it is waiting)" if done.notice else ")")
                    if done.waits_for_member
                    else ""
                )
                print(f"question #{args.id}: answer queued for member {done.member.id}{waits}")
            else:
                await answers.set_status(store, args.id, CLOSED, common.now(), actor=common.actor())
                print(f"question #{args.id}: closed")
        except answers.QuestionRefused as refused:
            print(f"diaspora-bot: error: {refused}", file=sys.stderr)
            return 2
    return 0


async def _list(store: Store, args: argparse.Namespace) -> int:
    threads = await store.questions.listing(args.status, limit=10_000)
    found: list[dict[str, Any]] = []
    for thread in threads:
        messages = await store.questions.messages(thread.id)
        found.append(
            {
                "id": thread.id,
                "status": thread.status,
                "member_id": thread.member_id,
                "language": thread.language,
                "created_at": thread.created_at,
                "first_answered_at": thread.first_answered_at,
                "messages": [
                    {"kind": m.kind, "text": m.text, "at": m.at, "author": m.author}
                    for m in messages
                ],
            }
        )
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    if not found:
        print("no questions")
    for shown in found:
        print(
            f"#{shown['id']} {shown['status']} member {shown['member_id']}"
            f" ({shown['language']}) asked {shown['created_at'][:16].replace('T', ' ')}"
        )
        for message in shown["messages"]:
            who = (
                "member"
                if message["kind"] == "member"
                else f"{message['kind']} by {message['author']}"
            )
            print(f"  {message['at'][:16].replace('T', ' ')} {who}: {message['text']}")
    return 0


COMMANDS = {"faq": faq, "questions": questions}
