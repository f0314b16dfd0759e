"""Polls as members live them (the terminal's channel, a fake one here; Telegram and WhatsApp are
tests/channels/test_polls_e2e.py): a poll arrives through the outbox and is answered by pressing
an option, typing its number or its words, or in one's own words; the answer can change until
the poll closes; each answer leads to the next step (feedback: rating → what to improve → what
next → an offer of help); a press mid-registration answers and comes back; /mydata and /delete.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.messages import Reply
from bot.store import Member
from tests.chat import Chat
from tests.conftest import make_settings
from tests.content.test_polls import write_poll
from tests.fakes.channel import FakeChannel
from tests.sample import add_member, content_folder

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ADDRESS = "terminal:local"
MENU = "What would you like to do, Ana?"
FORUM = """
---
send_at: 2026-11-27 11:00
closes_at: 2026-12-10 20:00
topic: business
options:
  "yes": {en: "Yes, I would come", cnr: "Da, došao/la bih"}
  online: {en: "Only online", cnr: "Samo onlajn"}
  "no": {en: "No", cnr: "Ne"}
---
# en
{first_name}, would you attend a business forum in Nikšić?
# cnr
{first_name}, da li biste došli na poslovni forum u Nikšiću?
"""
SUPPORT = """
---
send_at: 2026-11-27 12:00
multiple: true
free_text: true
options:
  tax: {en: "Lower taxes", cnr: "Niži porezi"}
  land: {en: "Land or premises", cnr: "Zemljište ili prostor"}
  partners: {en: "Local partners", cnr: "Lokalni partneri"}
---
# en
Which support would make you invest at home?
# cnr
Koja podrška bi vas podstakla da investirate u domovini?
"""
CHANGE_UNTIL = "You can change it until 10 December 2026, 20:00."


@pytest.fixture
def terminal() -> FakeChannel:
    return FakeChannel("terminal")


@pytest.fixture
async def app(tmp_path: Path, clock: FixedClock, terminal: FakeChannel) -> AsyncIterator[App]:
    folder = content_folder(tmp_path)
    write_poll(folder, "forum", FORUM)
    write_poll(folder, "support", SUPPORT)
    settings = make_settings(tmp_path, content_dir=folder)
    async with App(settings, clock=clock, channels={"terminal": terminal}) as running:
        yield running


async def member(app: App, language: str = "en") -> Member:
    return await add_member(
        app.store, ADDRESS, NOW, name="Ana Marković", country="DE", language=language
    )


def chat_of(app: App, clock: FixedClock) -> Chat:
    return Chat(app.engine, clock, ADDRESS, display_name="Ana Marković")


async def arrive(app: App, clock: FixedClock, terminal: FakeChannel, poll: str) -> Reply:
    """Plans and sends what is due when the poll is (the forum at 11:00 in Podgorica, the
    support at 12:00); the poll as the member got it."""
    clock.at = datetime(2026, 11, 27, 10 if poll == "forum" else 11, 0, tzinfo=UTC)
    await app.planner.tick()
    await app.sender.drain()
    for _address, reply in reversed(terminal.sent):
        if any(option.id.startswith(f"/poll {poll} ") for option in reply.options):
            return reply
    raise AssertionError(f"poll {poll} was not sent: {terminal.sent}")


async def answer_of(app: App, poll: str, member_id: int) -> tuple[tuple[str, ...], str | None]:
    found = await app.store.polls.get(poll, member_id)
    assert found is not None
    return found.choices, found.text


async def test_a_press_answers_and_a_later_word_changes_the_answer(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """Pressing "Yes" records it and says until when it can change; typing another option's
    words later changes it."""
    ana = await member(app)
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "forum")
    assert "Ana, would you attend a business forum in Nikšić?" == poll.text
    await chat.press_old(poll, "Yes, I would come")
    assert [f"Thank you! Your answer: Yes, I would come\n{CHANGE_UNTIL}", MENU] == chat.replies()
    clock.advance(hours=3)
    await chat.send("only online")
    assert [f"Your answer is changed: Only online\n{CHANGE_UNTIL}", MENU] == chat.replies()
    assert (("online",), None) == await answer_of(app, "forum", ana.id)
    stored = await app.store.polls.get("forum", ana.id)
    assert stored is not None and 1 == stored.changes


async def test_a_typed_number_answers_the_poll_not_the_menu_shown_before(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """The member's last reply showed the menu; the poll came after it, so "3" is its third
    option (No), not the menu's third item."""
    ana = await member(app)
    chat = chat_of(app, clock)
    await chat.send("/menu")
    await arrive(app, clock, terminal, "forum")
    await chat.send("3")
    assert [f"Thank you! Your answer: No\n{CHANGE_UNTIL}", MENU] == chat.replies()
    assert (("no",), None) == await answer_of(app, "forum", ana.id)


async def test_a_typed_word_in_montenegrin_with_a_typo_answers(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """The tolerant matcher reads "samo onlan" as "Samo onlajn"."""
    ana = await member(app, language="cnr")
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "forum")
    assert "Ana, da li biste došli na poslovni forum u Nikšiću?" == poll.text
    await chat.send("samo onlan")
    assert chat.replies()[0].startswith("Hvala! Vaš odgovor: Samo onlajn\nMožete ga promijeniti do")
    assert (("online",), None) == await answer_of(app, "forum", ana.id)


async def test_after_closing_a_press_changes_nothing(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """Once closed, a press is told the poll closed and the answer stays as it was."""
    ana = await member(app)
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "forum")
    await chat.press_old(poll, "No")
    clock.at = datetime(2026, 12, 10, 19, 0, tzinfo=UTC)
    await chat.press_old(poll, "Yes, I would come")
    assert [
        "This poll closed on 10 December 2026, 20:00. Thank you for taking part!",
        MENU,
    ] == chat.replies()
    assert (("no",), None) == await answer_of(app, "forum", ana.id)


async def test_several_answers_are_a_checklist_kept_tick_by_tick(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """A press ticks an option and shows the checklist; another tick, then Done thanks."""
    ana = await member(app)
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "support")
    assert ["Lower taxes", "Land or premises", "Local partners", "✍️ In my own words"] == [
        option.label for option in poll.options
    ]
    await chat.press_old(poll, "Land or premises")
    assert [
        "Lower taxes",
        "✅ Land or premises",
        "Local partners",
        "✍️ In my own words",
        "✔️ Done",
        "✖️ Cancel",
    ] == chat.options()
    assert (("land",), None) == await answer_of(app, "support", ana.id)
    await chat.press("Lower taxes")
    assert (("tax", "land"), None) == await answer_of(app, "support", ana.id)
    await chat.press("✔️ Done")
    assert ["Thank you! Your answer: Lower taxes, Land or premises", MENU] == chat.replies()


async def test_typed_numbers_pick_several_at_once(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """ "1, 3" picks the first and the third option."""
    ana = await member(app)
    chat = chat_of(app, clock)
    await arrive(app, clock, terminal, "support")
    await chat.send("1, 3")
    assert ["Thank you! Your answer: Lower taxes, Local partners"] == chat.replies()
    assert (("tax", "partners"), None) == await answer_of(app, "support", ana.id)


async def test_an_answer_in_ones_own_words(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """ "In my own words" asks for the text and keeps it; typed straight after the poll, text
    that names no option is the answer too, with a hint for a question meant for the team."""
    ana = await member(app)
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "support")
    await chat.press_old(poll, "✍️ In my own words")
    assert "Write your answer in a few words (up to 500 characters), or skip." == chat.question
    await chat.send("A clear zoning plan for Nikšić")
    assert ["Thank you! Your answer: “A clear zoning plan for Nikšić”", MENU] == chat.replies()
    assert ((), "A clear zoning plan for Nikšić") == await answer_of(app, "support", ana.id)


async def test_own_words_typed_after_the_poll_are_kept_as_its_answer(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """Text that names no option, typed after a poll that takes free text, is its answer (with a
    hint in case it was a question for the team) — once; the next text is a question again."""
    ana = await member(app)
    chat = chat_of(app, clock)
    await arrive(app, clock, terminal, "support")
    await chat.send("Faster building permits")
    assert [
        "Thank you! Your answer: “Faster building permits”",
        "If that was a question for the programme team, send it again with /ask in front.",
    ] == chat.replies()
    assert ((), "Faster building permits") == await answer_of(app, "support", ana.id)
    await chat.send("My grandmother's pension from Montenegro no longer arrives in Berlin.")
    assert chat.replies()[0].startswith("Thank you! Your question went to the programme team")


async def test_days_later_text_is_a_question_again(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """Three days after the poll went, free text is read as a question, not an answer."""
    ana = await member(app)
    chat = chat_of(app, clock)
    await arrive(app, clock, terminal, "support")
    await chat.send("/menu")
    clock.advance(days=3, minutes=1)
    await chat.send("My grandmother's pension no longer arrives in Berlin.")
    assert chat.replies()[0].startswith("Thank you! Your question went to the programme team")
    assert await app.store.polls.get("support", ana.id) is None


async def test_a_press_in_the_middle_of_registration_answers_and_comes_back(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """Offering help to local businesses, the member presses an option: answered, then the open
    question is asked again."""
    ana = await member(app)
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "forum")
    await chat.send("/offer")
    question = chat.question
    await chat.press_old(poll, "No")
    assert f"Thank you! Your answer: No\n{CHANGE_UNTIL}" == chat.replies()[0]
    assert question == chat.question
    assert (("no",), None) == await answer_of(app, "forum", ana.id)


async def test_mydata_shows_poll_answers_and_delete_erases_them(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """The answers are in /mydata's file and go with /delete."""
    ana = await member(app)
    chat = chat_of(app, clock)
    poll = await arrive(app, clock, terminal, "forum")
    await chat.press_old(poll, "No")
    data = await app.store.personal_data(ana.id)
    assert [("forum", ["no"])] == [(a["poll"], a["choices"]) for a in data["poll_answers"]]
    await chat.send("/delete")
    await chat.press("🗑 Yes, erase everything")
    assert [] == await app.store.db.fetchall("SELECT * FROM poll_answers")


async def test_feedback_leads_from_the_rating_to_what_next_and_an_offer(
    app: App, clock: FixedClock, terminal: FakeChannel
) -> None:
    """The shipped Diaspora Days feedback: the rating, then what to improve (own words), then
    what next — "Help a local business" opens the offer of help. Nothing is a dead end."""
    ana = await member(app)
    chat = chat_of(app, clock)
    await chat.send("/poll diaspora-days-2027-feedback")
    assert "Thank you for coming to Diaspora Days 2027 — Podgorica, Ana!" in chat.question
    await chat.press("⭐⭐⭐⭐⭐")
    assert chat.replies()[0].startswith("Thank you! Your answer: ⭐⭐⭐⭐⭐")
    assert chat.question.startswith("What should we do better next time?")
    await chat.send("More time to meet people from my municipality")
    assert "Would you like to stay involved?" == chat.question
    await chat.press("Help a local business")
    assert "What could you help local businesses with?" in chat.question
    assert (("5",), None) == await answer_of(app, "diaspora-days-2027-feedback", ana.id)
    assert ((), "More time to meet people from my municipality") == await answer_of(
        app, "diaspora-days-2027-improve", ana.id
    )
    assert (("offer",), None) == await answer_of(app, "diaspora-days-2027-next", ana.id)


async def test_skipping_what_to_improve_still_asks_what_next(app: App, clock: FixedClock) -> None:
    """Skip on the free-text question goes on to the next poll, recording nothing."""
    ana = await member(app)
    chat = chat_of(app, clock)
    await chat.send("/poll diaspora-days-2027-feedback")
    await chat.send("4")
    await chat.press("⏭ Skip")
    assert "Would you like to stay involved?" == chat.question
    assert await app.store.polls.get("diaspora-days-2027-improve", ana.id) is None


async def test_strangers_and_unknown_polls_are_told_so(app: App, clock: FixedClock) -> None:
    """Someone who never registered cannot answer; an unknown poll is no longer running."""
    chat = chat_of(app, clock)
    await chat.send("/poll forum yes")
    assert (
        "Polls are for members of the diaspora map: /register takes a minute."
        == (chat.replies()[0])
    )
    await member(app)
    await chat.send("/poll nothing-like-it yes")
    assert "This poll is no longer running." == chat.replies()[0]
    clock.advance(days=30)
    assert clock.now() > NOW + timedelta(days=13)
