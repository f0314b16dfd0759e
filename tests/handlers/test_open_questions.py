"""Commands while a question is open, and cancelling with answers to lose, in English and in
Montenegrin: /start still turns announcements back on, /menu shows the menu (with a way back),
/profile leaves nothing open that swallows later commands, and Cancel on a registration asks
before it throws the answers away (issue 13, items 3 and 4)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.store import Member
from tests.bilingual import AGREE, SKIP, chat_in, say, texts, to_consent, to_contact
from tests.sample import add_member

LANGUAGES = ["en", "cnr"]


async def stopped_member(app: App, language: str, *, registered: bool = True) -> Member:
    """A member (registered, or with only name and country) who stopped announcements."""
    now = app.clock.now()
    member = await add_member(
        app.store,
        "telegram:1001",
        now,
        name="Ana Marković",
        country="DE",
        language=language,
        registered=registered,
    )
    await app.store.members.update(member.id, now, stopped_at=now.isoformat())
    return member


async def stopped_at(app: App, member: Member) -> str | None:
    found = await app.store.members.get(member.id)
    assert found is not None
    return found.stopped_at


@pytest.mark.parametrize("language", LANGUAGES)
async def test_start_after_profile_turns_announcements_back_on(
    app: App, clock: FixedClock, language: str
) -> None:
    """/profile leaves its summary open; /start after it still turns announcements back on,
    and the menu follows (the profile is left, nothing was changed)."""
    t = texts(app, language)
    member = await stopped_member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/profile")
    assert chat.question.startswith(t("registration.profile_heading"))

    await chat.send("/start")

    assert [t("stop.resumed"), t("menu.member", name="Ana")] == chat.replies()
    assert await stopped_at(app, member) is None


@pytest.mark.parametrize("language", LANGUAGES)
async def test_start_during_registration_turns_announcements_back_on_and_goes_on(
    app: App, clock: FixedClock, language: str
) -> None:
    """A member completing the profile who sends /start gets announcements back and the same
    question again."""
    t = texts(app, language)
    member = await stopped_member(app, language, registered=False)
    chat = chat_in(app, clock, language)
    await chat.send("/register")
    assert [t("registration.ask_city")] == chat.replies()

    await chat.send("/start")

    assert [t("stop.resumed"), t("registration.ask_city")] == chat.replies()
    assert await stopped_at(app, member) is None
    await chat.send("Berlin")
    assert [t("registration.ask_municipality")] == chat.replies()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_commands_after_profile_are_not_swallowed(
    app: App, clock: FixedClock, language: str
) -> None:
    """After /profile, /events lists the events and /help helps: the profile's summary does not
    answer them with "let's continue" or itself again."""
    t = texts(app, language)
    await stopped_member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/profile")

    await chat.send("/events")
    assert chat.question.startswith(t("events.heading"))

    await chat.send("/profile")
    await chat.send("/help")
    assert [t("help.text"), t("menu.member", name="Ana")] == chat.replies()


async def test_a_change_left_unsaved_by_a_command_is_said_to_be_discarded(
    app: App, clock: FixedClock
) -> None:
    """A profile change not saved yet is dropped when a command leaves the profile, and the
    member is told."""
    await stopped_member(app, "cnr")
    chat = chat_in(app, clock, "cnr")
    await chat.send("/profile")
    await chat.press("✏️ Grad")
    await chat.send("Beč")

    await chat.send("/events")

    assert "Izmjene su odbačene; vaš profil je ostao kakav je bio." == chat.replies()[0]
    [member] = await app.store.members.all()
    assert member.city is None


@pytest.mark.parametrize("language", LANGUAGES)
async def test_menu_inside_a_question_shows_the_menu_with_a_way_back(
    app: App, clock: FixedClock, language: str
) -> None:
    """/menu at the city question shows the menu (not the question again), with a button back
    to the question; pressing it asks the city again."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await say(chat, "Ana Marković", "Germany")

    await chat.send("/menu")
    assert [t("menu.guest")] == chat.replies()
    assert t("controls.resume") == chat.options()[-1]
    await chat.press(t("controls.resume"))

    assert [t("registration.ask_city")] == chat.replies()


async def test_an_answer_typed_after_the_menu_still_answers_the_question(
    app: App, clock: FixedClock
) -> None:
    """The question stays open under the menu: the city typed next is taken."""
    chat = chat_in(app, clock, "en")
    await to_consent(chat, "en")
    await chat.press(AGREE["en"])
    await say(chat, "Ana Marković", "Germany", "/menu")

    await chat.send("Berlin")

    assert [texts(app, "en")("registration.ask_municipality")] == chat.replies()


@pytest.mark.parametrize(("language", "no", "yes"), [("en", "no", "yes"), ("cnr", "ne", "da")])
async def test_cancel_on_the_summary_asks_before_throwing_the_answers_away(
    app: App, clock: FixedClock, language: str, no: str, yes: str
) -> None:
    """Cancel on the registration's summary asks first: "no" comes back to the summary with
    every answer, "yes" cancels and keeps nothing."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_contact(chat, language)
    await say(chat, "Telegram", SKIP[language], SKIP[language])
    summary = chat.question
    assert summary.startswith(t("registration.summary_heading"))

    await chat.press(t("controls.cancel"))
    assert [t("registration.confirm_cancel")] == chat.replies()
    assert [t("engine.discard_yes"), t("engine.discard_no")] == chat.options()
    await chat.send(no)
    assert [summary] == chat.replies()

    await chat.press(t("controls.cancel"))
    await chat.send(yes)

    assert [t("registration.cancelled")] == chat.replies()
    assert [] == await app.store.members.all(registered_only=False)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_cancel_with_nothing_answered_yet_needs_no_question(
    app: App, clock: FixedClock, language: str
) -> None:
    """At the name, right after consent, there is nothing to lose: Cancel cancels at once."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])

    await chat.press(t("controls.cancel"))

    assert [t("registration.cancelled")] == chat.replies()


async def test_cancel_on_an_unchanged_profile_needs_no_question(
    app: App, clock: FixedClock
) -> None:
    """/profile, then Cancel, with nothing changed: left at once."""
    await stopped_member(app, "en")
    chat = chat_in(app, clock, "en")
    await chat.send("/profile")

    await chat.press("✖️ Cancel")

    assert ["Changes discarded; your profile is as it was.", "What would you like to do, Ana?"] == (
        chat.replies()
    )
