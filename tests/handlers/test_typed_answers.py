"""Typed answers as members really type them, in English and in Montenegrin: typos, spelling
variants, part of a label, yes and no in either language, "did you mean …?" when unsure, a
brief re-ask on a miss, and "skip" where nothing may be skipped (issue 13, items 1 and 2)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import FixedClock
from tests.bilingual import AGREE, SKIP, chat_in, member, say, texts, to_consent, to_contact

NOW_ISO = "2026-11-27T10:00:00+00:00"


@pytest.mark.parametrize("language", ["en", "cnr"])
@pytest.mark.parametrize(
    ("typed", "channel"),
    [
        ("whatsap", "whatsapp"),
        ("Whats app", "whatsapp"),
        ("email", "email"),
        ("mail", "email"),
        ("imejl", "email"),
        ("e-pošta", "email"),
    ],
)
async def test_a_channel_typed_with_a_typo_or_another_spelling_is_understood(
    app: App, clock: FixedClock, language: str, typed: str, channel: str
) -> None:
    """ "whatsap", "email", "mail" or "imejl" at the preferred contact is taken for WhatsApp or
    E-mail (in either language), and the registration goes on."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_contact(chat, language)
    assert [t("registration.ask_contact")] == chat.replies()

    await chat.send(typed)

    asked = "registration.ask_email_required" if channel == "email" else "registration.ask_email"
    assert [t(asked)] == chat.replies()
    answers = (await app.store.conversations.load(chat.address)).answers
    assert channel == answers["preferred_channel"]


@pytest.mark.parametrize(("language", "yes"), [("en", "yes"), ("cnr", "da"), ("en", "da")])
async def test_a_channel_with_two_letters_swapped_is_asked_about(
    app: App, clock: FixedClock, language: str, yes: str
) -> None:
    """ "telegarm" is not taken for Telegram outright: "did you mean “Telegram”?" with the one
    button, and "yes" (or "da", in either language) takes it."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_contact(chat, language)

    await chat.send("telegarm")
    assert [t("engine.did_you_mean", option="Telegram")] == chat.replies()
    assert ["Telegram", t("controls.back"), t("controls.cancel")] == chat.options()
    await chat.send(yes)

    assert [t("registration.ask_email")] == chat.replies()
    answers = (await app.store.conversations.load(chat.address)).answers
    assert "telegram" == answers["preferred_channel"]


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "yes"),
        ("en", "da"),
        ("en", "ok"),
        ("en", "i agree"),
        ("cnr", "slažem se"),
        ("cnr", "slazem se"),
        ("cnr", "da"),
        ("cnr", "yes"),
        ("cnr", "prihvatam"),
    ],
)
async def test_yes_in_either_language_agrees_to_the_consent(
    app: App, clock: FixedClock, language: str, typed: str
) -> None:
    """ "yes", "ok", "da" or "slažem se", typed at the consent in either language, agree."""
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)

    await chat.send(typed)

    assert [texts(app, language)("registration.ask_name")] == chat.replies()
    assert 1 == len(await app.store.members.all(registered_only=False))


@pytest.mark.parametrize(("language", "typed"), [("en", "no"), ("en", "ne"), ("cnr", "ne")])
async def test_no_in_either_language_declines_the_consent(
    app: App, clock: FixedClock, language: str, typed: str
) -> None:
    """ "no" or "ne" at the consent declines it, and nothing is kept."""
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)

    await chat.send(typed)

    assert texts(app, language)("consent.declined") == chat.replies()[0]
    assert [] == await app.store.members.all(registered_only=False)


@pytest.mark.parametrize(
    ("language", "typed", "reason"),
    [
        ("en", "maybe later", "Please choose “I agree” or “No, thanks”."),
        ("cnr", "možda kasnije", "Molimo izaberite „Prihvatam“ ili „Ne, hvala“."),
    ],
)
async def test_a_miss_at_the_consent_is_re_asked_briefly(
    app: App, clock: FixedClock, language: str, typed: str, reason: str
) -> None:
    """An answer the consent cannot take is re-asked with a short sentence and the buttons, not
    with the whole consent text again."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    buttons = chat.options()

    await chat.send(typed)

    assert [reason] == chat.replies()
    assert buttons == chat.options()
    await chat.send(t("consent.agree"))
    assert [t("registration.ask_name")] == chat.replies()


@pytest.mark.parametrize(
    ("language", "typed", "suggested", "yes"),
    [
        ("en", "turism", "Tourism and hospitality", "yes"),
        ("cnr", "turizm", "Turizam i ugostiteljstvo", "da"),
    ],
)
async def test_a_fair_match_asks_did_you_mean_and_yes_takes_it(
    app: App, clock: FixedClock, language: str, typed: str, suggested: str, yes: str
) -> None:
    """A sector typed with a typo is asked about, with the one option it may mean as a button;
    "yes" (or "da") takes it and the registration goes on."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await say(chat, "Ana Marković", "Germany", "Berlin", SKIP[language], SKIP[language])
    assert [t("registration.ask_sector")] == chat.replies()

    await chat.send(typed)
    assert [t("engine.did_you_mean", option=suggested)] == chat.replies()
    assert [suggested, t("controls.skip"), t("controls.back"), t("controls.cancel")] == (
        chat.options()
    )
    await chat.send(yes)

    assert [t("registration.ask_skills")] == chat.replies()
    answers = (await app.store.conversations.load(chat.address)).answers
    assert "tourism" == answers["sector"]


async def test_a_word_of_two_labels_asks_which_one(app: App, clock: FixedClock) -> None:
    """ "business" at the interests names two of them: both are offered, none is ticked."""
    chat = chat_in(app, clock, "en")
    await to_consent(chat, "en")
    await chat.press(AGREE["en"])
    await say(chat, "Ana Marković", "Germany", "Berlin", *["skip"] * 5)
    assert chat.question.startswith("What would you like to take part in?")

    await chat.send("business")

    assert ["Did you mean one of these?"] == chat.replies()
    assert ["Investing and business", "Mentoring local businesses"] == chat.options()[:2]
    await chat.send("2")
    assert "✅ Mentoring local businesses" in chat.options()


@pytest.mark.parametrize(
    ("language", "typed", "title"),
    [
        ("en", "diaspora days", "Diaspora Days 2027 — Podgorica"),
        ("en", "business forum", "Diaspora Business Forum — Budva"),
        ("cnr", "dani dijaspore", "Dani dijaspore 2027 — Podgorica"),
        ("cnr", "poslovni forum", "Poslovni forum dijaspore — Budva"),
    ],
)
async def test_part_of_an_events_title_opens_it(
    app: App, clock: FixedClock, language: str, typed: str, title: str
) -> None:
    """The first words of an event's title, typed, open that event."""
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/events")

    await chat.send(typed)

    assert chat.question.startswith(f"🗓 {title}\n")


async def test_a_word_of_two_event_titles_asks_which_event(app: App, clock: FixedClock) -> None:
    """ "dijaspore" is in two titles: the member is asked which one they mean."""
    await member(app, "cnr")
    chat = chat_in(app, clock, "cnr")
    await chat.send("/events")

    await chat.send("dijaspore")

    assert ["Da li ste mislili na nešto od ovoga?"] == chat.replies()
    assert ["Poslovni forum dijaspore — Budva", "Dani dijaspore 2027 — Podgorica"] == (
        chat.options()[:2]
    )


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("cnr", "idem"),
        ("cnr", "dolazim"),
        ("cnr", "doći ću"),
        ("cnr", "da"),
        ("en", "yes"),
        ("en", "going"),
        ("en", "i'm coming"),
    ],
)
async def test_natural_words_for_going_answer_the_rsvp(
    app: App, clock: FixedClock, language: str, typed: str
) -> None:
    """ "idem", "da", "yes" or "I'm coming" at "Will you come?" mean going: guests are asked."""
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/events")
    await chat.send({"en": "Diaspora Days", "cnr": "Dani dijaspore"}[language])

    await chat.send(typed)

    assert [texts(app, language)("events.ask_guests", most=4)] == chat.replies()


@pytest.mark.parametrize(
    ("language", "typed", "status"),
    [("cnr", "ne mogu", "not_going"), ("cnr", "možda", "maybe"), ("en", "not sure", "maybe")],
)
async def test_natural_words_for_not_going_and_maybe_answer_the_rsvp(
    app: App, clock: FixedClock, language: str, typed: str, status: str
) -> None:
    """ "ne mogu" is not going; "možda" and "not sure" are maybe."""
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/events")
    await chat.send({"en": "Diaspora Days", "cnr": "Dani dijaspore"}[language])

    await chat.send(typed)

    [rsvp] = await app.store.rsvps.of_member(1)
    assert status == rsvp.status


@pytest.mark.parametrize(
    ("language", "typed"), [("en", "what time does it start?"), ("cnr", "koliko košta?")]
)
async def test_a_miss_at_an_event_is_re_asked_without_its_description(
    app: App, clock: FixedClock, language: str, typed: str
) -> None:
    """A question typed at "Will you come?" gets "please choose" with the buttons, not the
    event's whole description again."""
    t = texts(app, language)
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/events")
    await chat.send({"en": "Diaspora Days", "cnr": "Dani dijaspore"}[language])
    buttons = chat.options()

    await chat.send(typed)

    assert [t("registration.pick_from_list")] == chat.replies()
    assert buttons == chat.options()


@pytest.mark.parametrize(
    ("language", "typed", "field"),
    [
        ("en", "interested", "fellowship.ask_field"),
        ("en", "I'm interested", "fellowship.ask_field"),
        ("cnr", "zainteresovan sam", "fellowship.ask_field"),
        ("cnr", "zainteresovana sam", "fellowship.ask_field"),
    ],
)
async def test_interest_in_a_programme_typed_in_words(
    app: App, clock: FixedClock, language: str, typed: str, field: str
) -> None:
    """ "zainteresovan sam" (or "zainteresovana") for "Zainteresovan/a sam" starts the
    application."""
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/fellowship")
    await chat.send("1")

    await chat.send(typed)

    assert [texts(app, language)(field)] == chat.replies()


@pytest.mark.parametrize(
    ("language", "typed", "mode"),
    [
        ("cnr", "na licu mjesta", "on_site"),
        ("cnr", "na daljinu", "remote"),
        ("en", "hybrid", "hybrid"),
    ],
)
async def test_a_way_of_working_typed_as_part_of_its_label(
    app: App, clock: FixedClock, language: str, typed: str, mode: str
) -> None:
    """ "na licu mjesta" is "🏢 Na licu mjesta u Crnoj Gori"."""
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/fellowship")
    await chat.send("1")
    await chat.send("1")
    for _ in range(4):
        await chat.send("1")
    assert [texts(app, language)("fellowship.ask_work_mode")] == chat.replies()

    await chat.send(typed)

    assert mode == (await app.store.conversations.load(chat.address)).answers["work_mode"]


@pytest.mark.parametrize(("language", "yes"), [("en", "yes"), ("cnr", "da"), ("cnr", "važi")])
async def test_yes_confirms_the_registration_summary(
    app: App, clock: FixedClock, language: str, yes: str
) -> None:
    """ "yes" (or "da", "važi") at the summary saves the profile."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_contact(chat, language)
    await say(chat, "Telegram", SKIP[language], SKIP[language])
    assert chat.question.startswith(t("registration.summary_heading"))

    await chat.send(yes)

    assert [t("registration.thanks", name="Ana")] == chat.replies()[:1]
    [saved] = await app.store.members.all()
    assert saved.registered_at == NOW_ISO


@pytest.mark.parametrize(("language", "yes"), [("en", "yes"), ("cnr", "da")])
async def test_yes_confirms_erasing_everything(
    app: App, clock: FixedClock, language: str, yes: str
) -> None:
    """ "yes" (or "da") at "Do you really want us to erase …?" erases."""
    await member(app, language)
    chat = chat_in(app, clock, language)
    await chat.send("/delete")

    await chat.send(yes)

    assert [texts(app, language)("delete.done")] == chat.replies()
    assert [] == await app.store.members.all(registered_only=False)


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "skip"), ("en", "next"), ("cnr", "preskoči"), ("cnr", "preskoci"), ("cnr", "skip")],
)
async def test_skip_at_a_required_question_says_it_cannot_be_skipped(
    app: App, clock: FixedClock, language: str, typed: str
) -> None:
    """ "skip" where the country is asked is not read as a country ("did you mean Cyprus?"):
    the member is told the question cannot be skipped, and it is asked again."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await chat.send("Ana Marković")
    assert [t("registration.ask_country")] == chat.replies()

    await chat.send(typed)

    assert [t("engine.cannot_skip"), t("registration.ask_country")] == chat.replies()
    await chat.send("Germany")
    assert [t("registration.ask_city")] == chat.replies()


@pytest.mark.parametrize(("language", "typed"), [("en", "skip"), ("cnr", "preskoči")])
async def test_skip_at_an_optional_question_skips_in_either_language(
    app: App, clock: FixedClock, language: str, typed: str
) -> None:
    """Where a question may be skipped, "skip" and "preskoči" skip it."""
    t = texts(app, language)
    chat = chat_in(app, clock, language)
    await to_consent(chat, language)
    await chat.press(AGREE[language])
    await say(chat, "Ana Marković", "Germany", "Berlin")

    await chat.send(typed)

    assert [t("registration.ask_emigration_year")] == chat.replies()


async def test_a_name_is_never_taken_for_the_suggested_one(app: App, clock: FixedClock) -> None:
    """Where free text is the answer, part of the button's label is no press of it: "Ana" is
    stored as "Ana", not as the "Ana Marković" the app shows."""
    chat = chat_in(app, clock, "en")
    await to_consent(chat, "en")
    await chat.press(AGREE["en"])

    await chat.send("Ana")

    assert "Ana" == (await app.store.conversations.load(chat.address)).answers["name"]
