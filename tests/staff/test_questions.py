"""``/questions`` in a coordinator's private chat: the questions waiting, oldest first; one with
its messages and the member's profile line; typing answers it (through the outbox), Close closes
it — each audited; to a member the command does not exist. And the retention job erases a
silent member's questions with the rest."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from tests.chat import Chat
from tests.fakes.channel import FakeChannel
from tests.sample import add_member
from tests.staffing import COORDINATOR, MEMBER, staff_app


async def test_a_coordinator_answers_and_closes_from_the_chat(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The list, a question shown in full, an answer typed, the next one closed."""
    telegram = FakeChannel()
    async with staff_app(tmp_path, clock, telegram) as app:
        now = clock.now()
        ana = await add_member(app.store, MEMBER, now, name="Ana Marković", country="DE")
        await app.store.questions.open_thread(
            ana.id, "en", "Who pays my grandmother's pension?", now
        )
        await app.store.questions.open_thread(ana.id, "en", "Second question", now)
        clock.advance(hours=3)
        chat = Chat(app.engine, clock, COORDINATOR)

        await chat.send("/questions")
        assert "Questions waiting for the team, oldest first (2):" == chat.question
        assert [
            "No. 1 · 3 h · Who pays my grandmother's pension?",
            "No. 2 · 3 h · Second question",
        ] == chat.options()[:2]
        await chat.press("No. 1 · 3 h · Who pays my grandmother's pension?")
        assert chat.question.startswith(
            "Question no. 1 · open · English\nAna Marković · Germany\n\n👤"
        )
        assert ["✔️ Close", "📋 All waiting"] == chat.options()[:2]
        await chat.send("The Fond PIO in Podgorica pays it.")
        assert "✅ Sent to the member (question no. 1)." == chat.replies()[0]
        await chat.press("No. 2 · 3 h · Second question")
        await chat.press("✔️ Close")
        assert [
            "✔️ Question no. 2 is closed.",
            "No question is waiting for the team. 👏",
        ] == chat.replies()[:2]

        await app.sender.drain()
        assert [
            "💬 The programme team about your question no. 1:\n\nThe Fond PIO in Podgorica pays it."
        ] == telegram.texts(MEMBER)
        actions = [entry.action for entry in await app.store.audit.entries()]
        assert ["question.close", "question.answer"] == actions[:2]
        await chat.send("/questions 7")
        assert "There is no question no. 7." == chat.replies()[0]


async def test_to_a_member_questions_is_an_unknown_command(
    tmp_path: Path, clock: FixedClock
) -> None:
    """No role: the usual unknown-command answer, and nothing shown."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        await add_member(app.store, MEMBER, clock.now(), name="Ana", country="DE")
        chat = Chat(app.engine, clock, MEMBER)
        await chat.send("/questions")
        assert "Sorry, I don't know the command /questions." == chat.replies()[0]


async def test_the_retention_job_erases_a_silent_members_questions(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Past retention_days since their last message, the member goes, and their threads."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        ana = await add_member(app.store, MEMBER, clock.now(), name="Ana", country="DE")
        await app.store.questions.open_thread(ana.id, "en", "Question?", clock.now())
        clock.advance(days=1096)
        swept = await app.housekeeper.sweep()
        assert (ana.id,) == swept.erased
        assert [] == await app.store.questions.listing()
