"""``faq ask`` (what the bot would answer, in the JSON DESIGN.md gives) and ``questions
list|answer|close``: answers queued in the outbox and audited; a bad id or an empty answer is
one error line, exit 2."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from bot.store.questions import answer_job
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def _ask(path: Path) -> None:
    """Ana (Montenegrin) asked one question; Marko's was closed."""
    async with Store(path) as store:
        ana = await add_member(store, "telegram:1", NOW, name="Ana", country="DE", language="cnr")
        marko = await add_member(store, "telegram:2", NOW, name="Marko", country="AT")
        await store.questions.open_thread(ana.id, "cnr", "Penzija ne stiže?", NOW)
        closed, _ = await store.questions.open_thread(marko.id, "en", "Old one", NOW)
        await store.questions.set_status(closed.id, "closed", NOW)


def test_faq_ask_prints_the_answer_score_and_candidates_as_json(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``{"answer": SLUG or null, "score": …, "candidates": [SLUG, …]}``, answer first."""
    assert 0 == main(["faq", "ask", "kako da obrisem podatke", "--json"])
    found = json.loads(capsys.readouterr().out)
    assert "delete-data" == found["answer"] == found["candidates"][0]
    assert 0.5 < found["score"] <= 1
    assert 0 == main(["faq", "ask", "recept za priganice", "--json"])
    assert (None, []) == (lambda d: (d["answer"], d["candidates"]))(
        json.loads(capsys.readouterr().out)
    )


def test_faq_ask_explains_in_words_in_the_language_asked(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The terms read, and the entries a near miss would offer, in the language given."""
    assert 0 == main(["faq", "ask", "kako da kupim plac", "--language", "cnr"])
    out = capsys.readouterr().out
    assert "terms: kako da kupiti plac" in out
    assert "  property: Mogu li da kupim nekretninu u Crnoj Gori?" in out
    assert 2 == main(["faq", "ask", "x", "--language", "xx"])
    assert "diaspora-bot: error: unknown language 'xx'\n" == capsys.readouterr().err


def test_questions_list_filters_by_status_as_json(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each thread with its id, status, member id and messages; --status filters."""
    asyncio.run(_ask(database))
    assert 0 == main(["questions", "list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert [(1, "open", 1), (2, "closed", 2)] == [
        (thread["id"], thread["status"], thread["member_id"]) for thread in listed
    ]
    assert "Penzija ne stiže?" == listed[0]["messages"][0]["text"]
    assert 0 == main(["questions", "list", "--status", "open", "--json"])
    assert [1] == [thread["id"] for thread in json.loads(capsys.readouterr().out)]
    assert 0 == main(["questions", "list", "--status", "closed"])
    assert "#2 closed member 2 (en)" in capsys.readouterr().out


def test_an_answer_is_queued_for_the_member_and_audited(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The answer, framed in the member's language, waits in the outbox; the audit log says
    who answered which question, not what."""
    asyncio.run(_ask(database))
    assert 0 == main(["questions", "answer", "1", "--text", "Javite se Fondu PIO."])
    assert "question #1: answer queued for member 1\n" == capsys.readouterr().out

    async def read() -> tuple[list[str], list[str], str]:
        async with Store(database) as store:
            rows = await store.outbox.by_job("question:")
            row = (await store.outbox.due(datetime.now(UTC)))[0]
            entries = await store.audit.entries()
            return list(rows), [e.action for e in entries], row.body + str(entries[0].detail)

    jobs, actions, seen = asyncio.run(read())
    assert [answer_job(1, 3)] == jobs
    assert "question.answer" in actions
    assert seen.startswith("💬 Tim programa o vašem pitanju br. 1:\n\nJavite se Fondu PIO.")
    assert "Fondu" not in seen.split("PIO.", 1)[1]


def test_close_and_bad_input_each_one_error_line_exit_2(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Closing works once; an unknown or closed question, an empty answer: exit 2."""
    asyncio.run(_ask(database))
    assert 0 == main(["questions", "close", "1"])
    assert "question #1: closed\n" == capsys.readouterr().out
    for argv, error in [
        (["questions", "close", "1"], "question #1 is already closed"),
        (["questions", "answer", "1", "--text", "late"], "question #1 is closed; reopen it"),
        (["questions", "answer", "9", "--text", "x"], "there is no question #9"),
    ]:
        assert 2 == main(argv)
        assert capsys.readouterr().err.startswith(f"diaspora-bot: error: {error}")
    with pytest.raises(SystemExit) as exited:
        main(["questions", "close", "0"])
    assert 2 == exited.value.code
    assert 1 == capsys.readouterr().err.count("\n")
