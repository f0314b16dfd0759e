"""``/topics``: a member chooses which kinds of messages they get; everyone starts with all on,
each tap is kept at once, Done says what they get; /stop still stops everything."""

from __future__ import annotations

from bot.app import App
from bot.clock import FixedClock
from tests.chat import Chat
from tests.sample import add_member

ASK = (
    "Which messages would you like to get from us? Tap a topic to turn it on or off (✅ is on),"
    " then Done. Answers to your own questions always reach you."
)
ALL_ON = [
    "✅ 📅 Events at home",
    "✅ 🗞 News from home",
    "✅ 🎓 The fellowship",
    "✅ 💼 Business and investment",
    "✔️ Done",
    "✖️ Cancel",
]


async def test_everyone_starts_with_every_topic_on_and_a_tap_turns_one_off(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    """All ticked at first; tapping News turns it off at once (kept before Done); Done says
    what the member still gets."""
    ana = await add_member(app.store, chat.address, clock.now(), name="Ana", country="DE")
    await chat.send("/topics")
    assert (ASK, ALL_ON) == (chat.question, chat.options())
    await chat.press("✅ 🗞 News from home")
    assert "🗞 News from home" in chat.options()
    assert {"news"} == await app.store.topics.off(ana.id)
    await chat.press("✔️ Done")
    assert (
        "Saved. You get: 📅 Events at home, 🎓 The fellowship, 💼 Business and investment."
        == chat.replies()[0]
    )
    await chat.send("/topics")
    await chat.press("🗞 News from home")
    assert set() == await app.store.topics.off(ana.id)


async def test_turning_everything_off_says_what_still_comes(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    """Numbers pick the topics to keep; none kept: only answers and news of their own."""
    ana = await add_member(app.store, chat.address, clock.now(), name="Ana", country="DE")
    await chat.send("/topics")
    await chat.send("2")
    await chat.send("1, 3")
    assert "Saved. You get: 📅 Events at home, 🎓 The fellowship." == chat.replies()[0]
    assert {"news", "business"} == await app.store.topics.off(ana.id)
    await chat.send("/topics")
    for label in ("✅ 📅 Events at home", "✅ 🎓 The fellowship", "✔️ Done"):
        await chat.press(label)
    assert chat.replies()[0].startswith("Saved. You get no announcements now")
    assert {"events", "news", "fellowship", "business"} == await app.store.topics.off(ana.id)


async def test_a_stopped_member_is_told_that_stop_wins(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    """After /stop, /topics says none of them comes until /start."""
    await add_member(app.store, chat.address, clock.now(), name="Ana", country="DE")
    await chat.send("/stop")
    await chat.send("/topics")
    assert chat.question.endswith(
        "You have stopped all announcements (/stop): none of these come until /start turns"
        " them back on."
    )


async def test_someone_not_registered_has_no_topics(chat: Chat) -> None:
    """A stranger is told topics are for members."""
    await chat.send("/topics")
    assert (
        "Topics are for members who get our messages: /register takes a minute."
        == (chat.replies()[0])
    )
