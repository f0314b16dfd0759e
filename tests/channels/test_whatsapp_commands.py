"""On WhatsApp the commands are plain words, STOP and friends opt out, and a number a member
proved on Telegram joins their WhatsApp chat to them. Transcripts against the engine."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.store import Member
from tests.chat import Chat

ANA = "whatsapp:+38267123456"


@pytest.fixture
def ana(app: App, clock: FixedClock) -> Chat:
    return Chat(app.engine, clock, ANA, language_hint=None, display_name="Ana Marković")


async def registered(app: App, clock: FixedClock, address: str = ANA, **fields: str) -> Member:
    """A registered member reachable at ``address``."""
    now = clock.now()
    member = await app.store.members.create(address, language="en", consent_version="v", now=now)
    values = {"name": "Ana Marković", "country": "DE", **fields}
    await app.store.members.update(member.id, now, registered_at=now.isoformat(), **values)
    found = await app.store.members.get(member.id)
    assert found is not None
    return found


async def stopped(app: App, member: Member) -> bool:
    found = await app.store.members.get(member.id)
    assert found is not None
    return found.stopped_at is not None


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Unsubscribe", "STOPALL", "cancel", "End", "QUIT", "odjava", "ODJAVA"]
)
async def test_opt_out_words_stop_all_messages_and_are_confirmed(
    app: App, clock: FixedClock, ana: Chat, word: str
) -> None:
    """WhatsApp's opt-out words, and the Montenegrin ODJAVA, in any case, work like /stop."""
    member = await registered(app, clock)

    await ana.send(word)

    assert app.content.text("en", "stop.done") == ana.replies()[0]
    assert await stopped(app, member)


@pytest.mark.parametrize("word", ["START", "prijava", "Prijava"])
async def test_start_words_resume_messages(
    app: App, clock: FixedClock, ana: Chat, word: str
) -> None:
    """START, or the Montenegrin PRIJAVA, turns announcements back on."""
    member = await registered(app, clock)
    await ana.send("STOP")

    await ana.send(word)

    assert app.content.text("en", "stop.resumed") == ana.replies()[0]
    assert not await stopped(app, member)


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("help", "help.text"),
        ("HELP", "help.text"),
        ("Pomoć", "help.text"),
        ("pomoc", "help.text"),
        ("language", "language.ask"),
        ("jezik", "language.ask"),
        ("delete", "delete.confirm"),
        ("Obriši", "delete.confirm"),
    ],
)
async def test_plain_words_work_like_the_slash_commands(
    app: App, clock: FixedClock, ana: Chat, word: str, key: str
) -> None:
    """The command words need no slash, in any case, with or without accents."""
    await registered(app, clock)

    await ana.send(word)

    assert app.content.text("en", key) in ana.replies()


async def test_menu_profile_and_mydata_words(app: App, clock: FixedClock, ana: Chat) -> None:
    """MENU shows the menu, PROFILE the profile, MYDATA everything held (with a file)."""
    await registered(app, clock)

    await ana.send("MENU")
    menu = ana.question
    await ana.send("profile")
    profile = ana.question
    await ana.send("my data")

    assert app.content.text("en", "menu.member", name="Ana") == menu
    assert profile.startswith(app.content.text("en", "registration.profile_heading"))
    assert [app.content.text("en", "mydata.heading")] == [ana.replies()[0].split("\n")[0]]
    assert ana.last[0].file is not None


async def test_start_begins_registration_for_a_newcomer(ana: Chat, app: App) -> None:
    """START from an unknown number greets and asks for the language, in every language (a
    WhatsApp number tells nothing of the member's language)."""
    await ana.send("start")

    assert [
        "\n\n".join(app.content.text(code, "start.greeting") for code in ("en", "cnr")),
        "\n\n".join(app.content.text(code, "registration.ask_language") for code in ("en", "cnr")),
    ] == ana.replies()


async def test_start_with_a_link_payload_opens_what_it_names(ana: Chat, app: App) -> None:
    """``START ev_<slug>`` (a WhatsApp link's text) works like ``/start ev_<slug>``."""
    await ana.send("/start ev_diaspora-days-2027")
    by_slash = ana.replies()
    other = Chat(app.engine, ana.clock, "whatsapp:+38267999999", language_hint=None)

    await other.send("START ev_diaspora-days-2027")

    assert by_slash == other.replies()


async def test_cancel_inside_a_question_leaves_the_question_not_the_messages(
    app: App, clock: FixedClock, ana: Chat
) -> None:
    """Where Cancel is on offer, CANCEL picks it; announcements stay on."""
    member = await registered(app, clock)
    await ana.send("language")

    await ana.send("CANCEL")

    assert app.content.text("en", "engine.cancelled") == ana.replies()[0]
    assert not await stopped(app, member)


async def test_a_keyword_inside_a_free_text_question_is_still_a_command(
    app: App, ana: Chat
) -> None:
    """HELP while asked for a name helps, then asks for the name again."""
    for text in ("start", "English", "I agree"):
        await ana.send(text)

    await ana.send("help")

    assert [
        app.content.text("en", "help.text"),
        app.content.text("en", "registration.ask_name"),
    ] == ana.replies()


async def test_keywords_are_whatsapps_only(app: App, clock: FixedClock) -> None:
    """On Telegram a plain "stop" is no command: commands there have a slash."""
    member = await registered(app, clock, "telegram:1001")
    telegram = Chat(app.engine, clock, "telegram:1001")

    await telegram.send("stop")

    assert not await stopped(app, member)


async def test_a_number_proved_on_telegram_joins_the_whatsapp_chat_to_the_member(
    app: App, clock: FixedClock, ana: Chat
) -> None:
    """No second registration: the WhatsApp chat is a new address of the same member."""
    member = await registered(app, clock, "telegram:1001", verified_phone="+38267123456")

    await ana.send("hi")

    assert [
        app.content.text("en", "engine.linked"),
        app.content.text("en", "menu.member", name="Ana"),
    ] == ana.replies()
    addresses = [address.address for address in await app.store.members.addresses(member.id)]
    assert ["telegram:1001", ANA] == addresses
    assert 1 == await app.store.members.count()


async def test_a_typed_phone_number_joins_nobody(app: App, clock: FixedClock, ana: Chat) -> None:
    """A number typed on Telegram proves nothing: the WhatsApp chat starts as a stranger."""
    await registered(app, clock, "telegram:1001", phone="+38267123456")

    await ana.send("hi")

    assert [app.content.text("en", "menu.guest")] == ana.replies()
    assert None is await app.store.members.by_address(ANA)


async def test_sharing_the_contact_on_telegram_proves_the_number(
    app: App, clock: FixedClock
) -> None:
    """Telegram's own-contact button during registration records the number as proved."""
    telegram = Chat(app.engine, clock, "telegram:1001", display_name="Ana Marković")
    for text in ["/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"]:
        await telegram.send(text)
    for _ in range(6):
        await telegram.send("skip")
    await telegram.send("Telegram")
    await telegram.send("skip")
    await telegram.share_contact("38267123456")
    await telegram.send("confirm")

    member = await app.store.members.by_address("telegram:1001")
    assert member is not None
    assert ("+38267123456", "+38267123456", True) == (
        member.phone,
        member.verified_phone,
        member.registered,
    )


async def test_sharing_a_whatsapp_members_number_on_telegram_joins_them(
    app: App, clock: FixedClock
) -> None:
    """The other way round: a WhatsApp member who starts on Telegram and shares the same number
    there is recognised; the duplicate registration is dropped."""
    member = await registered(app, clock)
    telegram = Chat(app.engine, clock, "telegram:1001", display_name="Ana Marković")
    for text in ["/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"]:
        await telegram.send(text)
    for _ in range(6):
        await telegram.send("skip")
    await telegram.send("Telegram")
    await telegram.send("skip")

    await telegram.share_contact("+38267123456")

    assert [
        app.content.text("en", "engine.linked"),
        app.content.text("en", "menu.member", name="Ana"),
    ] == telegram.replies()
    addresses = [address.address for address in await app.store.members.addresses(member.id)]
    assert ([ANA, "telegram:1001"], 1) == (
        addresses,
        len(await app.store.members.all(registered_only=False)),
    )


async def test_a_word_of_an_option_is_an_answer_not_a_command(app: App, ana: Chat) -> None:
    """ "events" while asked for interests ("Events in Montenegro") ticks that interest: it
    stays in the registration instead of opening the events."""
    answers = ["start", "English", "I agree", "Ana", "Germany", "Berlin", "skip", "skip"]
    answers += ["IT and software", "Software", "1, 3"]
    for text in answers:
        await ana.send(text)
    asked = ana.question

    await ana.send("events")

    assert asked == ana.question
    assert "✅ Events in Montenegro" == ana.options()[0]
