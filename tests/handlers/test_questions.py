"""Questions as members live them in the chat (the terminal's channel; Telegram and WhatsApp
are tests/channels/test_questions_e2e.py): the FAQ answers, offers what a question may mean,
or the question goes to the team; "No, ask the team"; follow-ups join the thread; the answer
arrives through the outbox; limits on flooding; /mydata and /delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.store import Member
from staff import answers
from tests.chat import Chat
from tests.conftest import make_settings
from tests.fakes.channel import FakeChannel
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ADDRESS = "terminal:local"
INVEST_EN = "How can I invest in a hotel in Kotor? Who should I talk to?"
HELPED = "Did this answer your question?"
HELPED_CNR = "Da li je ovo odgovor na vaše pitanje?"
# Off the FAQ: these go to the team.
PENSION_EN = "My grandmother's pension from Montenegro no longer arrives in Berlin."
PENSION_CNR = "Baka godinama prima penziju iz Fonda PIO, sad je prestala."


@pytest.fixture
def terminal() -> FakeChannel:
    return FakeChannel("terminal")


@pytest.fixture
async def app(tmp_path: Path, clock: FixedClock, terminal: FakeChannel) -> AsyncIterator[App]:
    async with App(make_settings(tmp_path), clock=clock, channels={"terminal": terminal}) as app:
        yield app


async def member(app: App, language: str = "en", name: str = "Ana Marković") -> Member:
    return await add_member(app.store, ADDRESS, NOW, name=name, country="DE", language=language)


def chat_of(app: App, clock: FixedClock, hint: str = "en") -> Chat:
    return Chat(app.engine, clock, ADDRESS, language_hint=hint, display_name="Ana Marković")


def faq_answer(app: App, slug: str, language: str) -> str:
    return app.content.faq[slug].answer_in(language, "en")


async def test_an_faq_hit_answers_in_english_and_asks_whether_it_helped(
    app: App, clock: FixedClock
) -> None:
    """The FAQ's answer, then "Did this answer your question?"; yes ends it, no thread."""
    await member(app)
    chat = chat_of(app, clock)

    await chat.send(INVEST_EN)

    assert [faq_answer(app, "invest", "en"), HELPED] == chat.replies()
    assert ["👍 Yes, thanks", "🙋 No, ask the team"] == chat.options()
    await chat.send("yes")
    assert "Glad it helped!" == chat.replies()[0]
    assert [] == await app.store.questions.listing()


async def test_an_faq_hit_in_cyrillic_answers_in_montenegrin_and_no_asks_the_team(
    app: App, clock: FixedClock
) -> None:
    """A Montenegrin member writing in Cyrillic gets the answer in Montenegrin; "Ne, pitaj
    tim" sends the question to the team, noting the entry that did not help."""
    ana = await member(app, "cnr")
    chat = chat_of(app, clock, "sr")

    await chat.send("Како да обришем своје податке?")
    assert [faq_answer(app, "delete-data", "cnr"), HELPED_CNR] == chat.replies()
    await chat.press("🙋 Ne, pitaj tim")

    [thread] = await app.store.questions.listing()
    assert (ana.id, "open", "delete-data", "cnr") == (
        thread.member_id,
        thread.status,
        thread.faq,
        thread.language,
    )
    assert chat.replies()[0].startswith("Hvala! Vaše pitanje je poslato timu programa (br. 1).")


async def test_a_typed_no_at_did_it_help_goes_to_the_team(app: App, clock: FixedClock) -> None:
    """Typed answers work as the buttons do ("no" in any language)."""
    await member(app)
    chat = chat_of(app, clock)
    await chat.send("how do i delte my acount")
    await chat.send("ne")
    assert 1 == len(await app.store.questions.listing())


async def test_a_new_question_at_did_it_help_is_answered_as_one(
    app: App, clock: FixedClock
) -> None:
    """Anything but yes or no there is a question of its own."""
    await member(app)
    chat = chat_of(app, clock)
    await chat.send(INVEST_EN)
    await chat.send("What is the fellowship?")
    assert [faq_answer(app, "fellowship", "en"), HELPED] == chat.replies()


async def test_a_near_miss_offers_the_closest_entries(app: App, clock: FixedClock) -> None:
    """A question the FAQ half knows: the entries it may mean, and the team; an entry's
    answer follows a press."""
    await member(app)
    chat = chat_of(app, clock)

    await chat.send("kako da kupim plac")

    assert ["I'm not sure I understood. Is it one of these?"] == chat.replies()
    assert [
        "Can I buy property in Montenegro?",
        "🙋 None of these: ask the team",
        "✖️ Cancel",
    ] == chat.options()
    await chat.press("Can I buy property in Montenegro?")
    assert [faq_answer(app, "property", "en"), HELPED] == chat.replies()


async def test_none_of_these_sends_the_question_to_the_team(app: App, clock: FixedClock) -> None:
    """A near miss the member rejects goes to the team with the words they typed."""
    await member(app, "cnr")
    chat = chat_of(app, clock, "sr")
    await chat.send("kako da kupim plac")
    await chat.press("🙋 Ništa od ovoga: pitaj tim")
    [thread] = await app.store.questions.listing()
    assert ["kako da kupim plac"] == [
        message.text for message in await app.store.questions.messages(thread.id)
    ]


async def test_no_match_goes_to_the_team_and_follow_ups_join_the_thread(
    app: App, clock: FixedClock
) -> None:
    """Off the FAQ: a thread, and the member is told when to expect an answer; what they
    write next joins it (the menu one command away); /ask starts another."""
    await member(app)
    chat = chat_of(app, clock)

    await chat.send(PENSION_EN)
    assert [
        "Thank you! Your question went to the programme team (no. 1). They answer here in the"
        " chat, usually within 2 working days."
    ] == chat.replies()
    await chat.send("She gets it through the Fond PIO, since 2019.")
    assert [
        "Added to your question no. 1: the team will answer here. (/menu for the menu, /ask for"
        " a new question.)"
    ] == chat.replies()
    await chat.send("/ask Where do I renew a passport in Berlin?")
    assert [faq_answer(app, "documents", "en"), HELPED] == chat.replies()

    [thread] = await app.store.questions.listing()
    assert 2 == len(await app.store.questions.messages(thread.id))


async def test_ask_without_words_asks_for_the_question(app: App, clock: FixedClock) -> None:
    """/ask: "What would you like to ask?", then the question is handled like any."""
    await member(app)
    chat = chat_of(app, clock)
    await chat.send("/ask")
    assert chat.replies()[0].startswith("What would you like to ask?")
    await chat.send("Who won the football match yesterday?")
    assert chat.replies()[0].startswith("Thank you! Your question went to the programme team")


async def test_a_greeting_gets_the_menu_not_the_team(app: App, clock: FixedClock) -> None:
    """ "Zdravo" and "thanks" are no questions."""
    await member(app, "cnr")
    chat = chat_of(app, clock, "sr")
    for text in ("Zdravo!", "hvala", "👍"):
        await chat.send(text)
        assert "Šta želite da uradite, Ana?" == chat.question
    assert [] == await app.store.questions.listing()


async def test_a_newcomer_consents_and_gives_name_and_country_before_the_team_gets_it(
    app: App, clock: FixedClock
) -> None:
    """No profile: consent, name and country first; then the question kept in the meantime
    is shown to confirm, and sent."""
    chat = chat_of(app, clock)
    await chat.send(PENSION_EN)
    assert chat.replies()[0].startswith("I'll pass your question to the programme team.")
    await chat.press("English")
    await chat.press("✅ I agree")
    await chat.press("Ana Marković")
    await chat.press("Germany")
    assert chat.question.startswith(
        "Send this question to the programme team?\n\n“My grandmother's pension from"
    )
    await chat.press("📨 Send")
    [thread] = await app.store.questions.listing()
    assert "en" == thread.language
    assert chat.replies()[-2].startswith("Thank you! Your question went to the programme team")


async def test_a_member_cannot_flood_the_team(app: App, clock: FixedClock) -> None:
    """Three questions wait at most (a fourth joins the latest); ten follow-ups at most join a
    thread before the team answers."""
    await member(app)
    chat = chat_of(app, clock)
    for number in range(3):
        await chat.send(f"/ask Question {number} about my grandmother's pension?")
    await chat.send("/ask And one more thing about her pension?")
    assert (
        "You already have 3 questions waiting for the team; they will answer those first. I"
        " added this to question no. 3."
    ) == chat.replies()[0]
    for number in range(8):
        await chat.send(f"pension detail {number}")
        assert chat.replies()[0].startswith("Added to your question no. 3")
    await chat.send("and another pension detail")
    assert chat.replies()[0].startswith("The team has your messages about question no. 3")
    assert 3 == len(await app.store.questions.listing())
    assert 10 == len(await app.store.questions.messages(3))


async def test_the_answer_arrives_through_the_outbox_in_the_members_language(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """An answer from the team reaches the member once, framed in their language, in order;
    their reply to it joins the thread again."""
    await member(app, "cnr")
    chat = chat_of(app, clock, "sr")
    await chat.send(PENSION_CNR)
    for text in ("Prvi odgovor.", "Drugi odgovor."):
        await answers.answer(app.store, app.content, 1, text, clock.now(), actor="cli:test")
    await app.sender.drain()
    await app.sender.drain()

    assert [
        "💬 Tim programa o vašem pitanju br. 1:\n\nPrvi odgovor.",
        "💬 Tim programa o vašem pitanju br. 1:\n\nDrugi odgovor.",
    ] == terminal.texts(ADDRESS)
    thread = await app.store.questions.get(1)
    assert thread is not None and "answered" == thread.status
    await chat.send("Hvala, a kome da se obratim u Berlinu?")
    assert chat.replies()[0].startswith("Dodato vašem pitanju br. 1")


async def test_an_old_answered_thread_does_not_swallow_a_new_question(
    app: App, clock: FixedClock
) -> None:
    """A week after the team's answer, what the member writes is a new question."""
    await member(app)
    chat = chat_of(app, clock)
    await chat.send(PENSION_EN)
    await answers.answer(app.store, app.content, 1, "Call the Fond PIO.", NOW, actor="cli:x")
    clock.advance(days=8)
    await chat.send("Who won the football match yesterday?")
    assert chat.replies()[0].startswith(
        "Thank you! Your question went to the programme team (no. 2)"
    )


async def test_threads_are_in_mydata_and_go_with_delete(app: App, clock: FixedClock) -> None:
    """/mydata's file holds the question and the answer; /delete erases them."""
    await member(app)
    chat = chat_of(app, clock)
    await chat.send(PENSION_EN)
    await answers.answer(app.store, app.content, 1, "Call the Fond PIO.", NOW, actor="cli:x")
    await chat.send("/mydata")
    attachment = next(reply.file for reply in chat.last if reply.file is not None)
    assert b"Call the Fond PIO." in attachment.content
    assert b"cli:x" not in attachment.content
    await chat.send("/delete")
    await chat.press("🗑 Yes, erase everything")
    assert [] == await app.store.questions.listing()
