"""``outbox retry --job JOB``: the messages of a job that failed for a reason that may pass are
queued again (once each, audited); a refusal for good is not; an unknown job is one error
line, exit 2."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Outgoing, Store
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def _failed(path: Path) -> None:
    """broadcast:1 to two members: one gave up after timeouts, one refused for good."""
    async with Store(path) as store:
        ids = [
            (await add_member(store, f"telegram:{n}", NOW, name=f"M{n}", country="DE")).id
            for n in (1, 2)
        ]
        await store.outbox.enqueue(
            [Outgoing("broadcast:1", "broadcast", m, "News", NOW) for m in ids], NOW
        )
        await store.outbox.mark(1, "failed", NOW, "gave up after 3 attempts: telegram: Timed out")
        await store.outbox.mark(2, "failed", NOW, "telegram: Bad Request: message is too long")


def test_retry_queues_again_only_what_may_pass(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One of the two is queued again; the audit log says so; a second retry finds nothing."""
    asyncio.run(_failed(database))
    assert 0 == main(["outbox", "retry", "--job", "broadcast:1", "--yes"])
    out = capsys.readouterr().out
    assert "broadcast:1: 1 message failed for a reason that may pass" in out
    assert "Queued 1 message of broadcast:1 again" in out
    assert 0 == main(["outbox", "retry", "--job", "broadcast:1", "--yes"])
    assert "nothing to retry" in capsys.readouterr().out

    async def read() -> tuple[list[tuple[int, str]], list[str]]:
        async with Store(database) as store:
            rows = await store.db.fetchall("SELECT id, state FROM outbox ORDER BY id")
            actions = [entry.action for entry in await store.audit.entries()]
            return [(int(row[0]), str(row[1])) for row in rows], actions

    rows, actions = asyncio.run(read())
    assert [(1, "queued"), (2, "failed")] == rows
    assert ["outbox.resend_failed"] == actions


def test_retry_of_an_unknown_job_is_one_error_line(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 and one line."""
    assert 2 == main(["outbox", "retry", "--job", "broadcast:9"])
    assert "diaspora-bot outbox retry: error: no job 'broadcast:9' in the outbox\n" == (
        capsys.readouterr().err
    )
