"""A member offers help to local businesses: invited at the end of registration when they chose
mentoring or investing, or with /offer; pausing and withdrawing (open proposals withdrawn, the
business told); and /mydata and /delete covering it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.store import Business, Member
from staff import introductions
from tests.chat import Chat
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CANCEL, BACK, DONE, SKIP = "✖️ Cancel", "⬅️ Back", "✔️ Done", "⏭ Skip"
INVITE = (
    "You said you are interested in local businesses. Businesses across Montenegro are asking "
    "for help with business plans, mentoring, expertise, markets abroad and investment. Would "
    "you like to offer yours? It takes a minute, and nothing is shared without your yes."
)
SUMMARY = """Your offer of help — please check it:

I can help with: 📝 Business plan review, 💶 Investment or a partner
Sectors: IT and software, Tourism and hospitality
Languages: English
Way of working: 🏠 Remote
Time: about 6 hours a month
Investment: €10,000–50,000
Contact for businesses: ana@example.org"""


async def offering(
    app: App, address: str = "telegram:1001", *, language: str = "en", **offer: object
) -> Member:
    """A registered member with an active offer of mentoring (in the store directly)."""
    member = await add_member(
        app.store, address, NOW, name="Ana Marković", country="DE", language=language,
        municipality="Kotor", languages=["cnr", "en"], email="ana@example.org",
    )  # fmt: skip
    answers: dict[str, object] = {
        "gives": ["mentoring", "business_plan"],
        "sectors": ["tourism"],
        "languages": ["cnr", "en"],
        "mode": "remote",
        "hours": 8,
        "contact": "ana@example.org",
        **offer,
    }
    await app.store.offers.save(member.id, answers, NOW)
    return member


async def business_of(app: App, address: str = "telegram:2001") -> Business:
    """A business in Kotor whose contact person is in the bot."""
    contact = await app.store.members.create(
        address, language="cnr", consent_version="2026-11-v2", now=NOW
    )
    await app.store.members.update(contact.id, NOW, name="Vesna Lakić")
    return await app.store.businesses.create(
        Business(
            0,
            "Konoba Zora",
            "chat",
            member_id=contact.id,
            municipality="Kotor",
            sector="tourism",
            stage="starting",
            needs=["business_plan", "mentoring"],
            description="A family guesthouse in the old town.",
            languages=["cnr"],
            contact_name="Vesna Lakić",
            phone="+38267123456",
        ),
        NOW,
        consent_version="2026-11-v2",
    )


async def test_registering_with_an_interest_in_mentoring_ends_with_the_offer(
    chat: Chat, app: App
) -> None:
    """A newcomer who chose "Mentoring local businesses" is invited to offer help right after
    registering, and the offer is saved with their answers."""
    for text in ("/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"):
        await chat.send(text)
    for _ in range(5):
        await chat.send("skip")
    await chat.press("Mentoring local businesses")
    await chat.press(DONE)
    for text in ("Telegram", "ana@example.org", "skip"):
        await chat.send(text)
    await chat.send("confirm")
    assert [INVITE] == chat.replies()[1:]
    assert ["🤲 Yes, I'd like to help", "Not now", CANCEL] == chat.options()

    await chat.press("🤲 Yes, I'd like to help")
    assert chat.question.startswith("What could you help local businesses with?")
    await chat.press("📝 Business plan review")
    await chat.press("💶 Investment or a partner")
    await chat.press(DONE)
    await chat.press("IT and software")
    await chat.press("Tourism and hospitality")
    await chat.press(DONE)
    await chat.press("English")
    await chat.press(DONE)
    assert "How would you help?" == chat.question
    await chat.press("🏠 Remote")
    await chat.send("a lot")
    assert "Please send a number of hours from 1 to 160, e.g. 4." == chat.replies()[0]
    await chat.send("161")
    assert "Please send a number of hours from 1 to 160, e.g. 4." == chat.replies()[0]
    await chat.send("6h")
    assert [
        "Under €10,000",
        "€10,000–50,000",
        "€50,000–250,000",
        "Over €250,000",
        SKIP,
        BACK,
        CANCEL,
    ] == chat.options()
    await chat.press("€10,000–50,000")
    assert ["ana@example.org", BACK, CANCEL] == chat.options()
    await chat.press("ana@example.org")
    assert [SUMMARY] == chat.replies()
    await chat.press("✅ Save my offer")

    assert chat.replies()[0].startswith("Thank you, Ana! Your offer is saved.")
    member = await app.store.members.by_address(chat.address)
    assert member is not None
    offer = await app.store.offers.of_member(member.id)
    assert offer is not None
    assert (
        ["business_plan", "investment"],
        ["it", "tourism"],
        ["en"],
        "remote",
        6,
        "10k_50k",
        "ana@example.org",
        "active",
    ) == (
        offer.gives,
        offer.sectors,
        offer.languages,
        offer.mode,
        offer.hours,
        offer.investment,
        offer.contact,
        offer.status,
    )


async def test_a_member_without_those_interests_is_not_invited(chat: Chat, app: App) -> None:
    """Registration with other interests ends with the thanks and the menu, no invitation."""
    for text in ("/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"):
        await chat.send(text)
    for _ in range(6):
        await chat.send("skip")
    for text in ("Telegram", "skip", "skip", "confirm"):
        await chat.send(text)

    assert INVITE not in chat.replies()
    assert "/offer" in [option.id for option in chat.last[-1].options]


async def test_not_now_says_how_to_offer_later(chat: Chat, app: App) -> None:
    """Declining the invitation saves nothing and says /offer works any time."""
    for text in ("/start", "English", "I agree", "Ana Marković", "Germany", "Berlin"):
        await chat.send(text)
    for _ in range(5):
        await chat.send("skip")
    await chat.press("Investing and business")
    await chat.press(DONE)
    for text in ("Telegram", "skip", "skip", "confirm"):
        await chat.send(text)
    await chat.press("Not now")

    assert "No problem — send /offer whenever you like." == chat.replies()[0]
    assert [] == await app.store.offers.all()


async def test_in_montenegrin_on_whatsapp_a_member_offers_with_typed_numbers(
    app: App, clock: FixedClock
) -> None:
    """A member on WhatsApp answers /offer in Montenegrin, by numbers, and offers this WhatsApp
    number as the contact; investment is not asked when not offered."""
    member = await add_member(
        app.store, "whatsapp:+38267111222", NOW, name="Jelena Popović", country="DE",
        language="cnr", languages=["cnr", "de"],
    )  # fmt: skip
    chat = Chat(app.engine, clock, "whatsapp:+38267111222", language_hint=None)

    await chat.send("/offer")
    assert chat.question.startswith("U čemu biste mogli da pomognete lokalnim biznisima?")
    await chat.send("2, 4")  # mentorstvo, tržišta
    assert chat.question.startswith("U kojim sektorima?")
    await chat.send("preskoči")
    assert chat.question.startswith("Na kojim jezicima biste mogli da radite sa biznisom?")
    assert "✅ Crnogorski" in chat.options()
    await chat.press("✔️ Gotovo")
    assert "Kako biste pomagali?" == chat.question
    await chat.send("3")  # kombinovano
    await chat.send("12")
    assert chat.question.startswith("Kada se vi i biznis saglasite da se upoznate")
    assert ["+38267111222"] == chat.options()[:1]
    await chat.send("1")
    assert chat.question.startswith("Vaša ponuda pomoći — provjerite je:")
    assert "Investicija" not in chat.question
    await chat.press("✅ Sačuvaj ponudu")

    assert chat.replies()[0].startswith("Hvala, Jelena! Vaša ponuda je sačuvana.")
    offer = await app.store.offers.of_member(member.id)
    assert offer is not None
    assert (["mentoring", "market_access"], [], ["cnr", "de"], "hybrid", 12, "+38267111222") == (
        offer.gives,
        offer.sectors,
        offer.languages,
        offer.mode,
        offer.hours,
        offer.contact,
    )


async def test_a_newcomer_gives_consent_name_and_country_before_offering(
    chat: Chat, app: App
) -> None:
    """/start offer for someone new: the minimum registration first, then the offer."""
    await chat.send("/start offer")
    assert "To offer help, we first need your consent, name and country." in chat.replies()
    for text in ("English", "I agree", "Ana Marković", "Germany"):
        await chat.send(text)

    assert chat.question.startswith("What could you help local businesses with?")


async def test_pausing_withdraws_open_proposals_and_tells_the_business(
    app: App, clock: FixedClock
) -> None:
    """Pausing the offer withdraws the proposal still waiting, and the business's contact is
    told it will not go ahead; resuming makes the offer active again."""
    ana = await offering(app)
    business = await business_of(app)
    match = await introductions.propose(app.store, app.content, business.id, ana.id, NOW, actor="t")
    chat = Chat(app.engine, clock)

    await chat.send("/offer")
    assert chat.question.startswith("Your offer of help (active):")
    assert ["✏️ Change it", "⏸ Pause it", "🗑 Withdraw it", CANCEL] == chat.options()
    await chat.press("⏸ Pause it")
    assert chat.replies()[0] == "Your offer is paused: no new introductions until you resume it."

    closed = await app.store.matches.get(match.id)
    assert closed is not None
    assert ("withdrawn", "offer paused by the member") == (closed.status, closed.reason)
    told = await app.store.outbox.due(datetime(2100, 1, 1, tzinfo=UTC))
    to_business = [row for row in told if row.member_id == business.member_id]
    assert to_business[-1].body == (
        "Vesna, upoznavanje sa članom dijaspore koji živi u: Njemačka neće se ostvariti: "
        "povučeno je. Hvala — javićemo vam kada bude novo."
    )
    await chat.send("/offer")
    await chat.press("▶️ Resume it")
    offer = await app.store.offers.of_member(ana.id)
    assert offer is not None and offer.active


async def test_withdrawing_asks_first(app: App, clock: FixedClock) -> None:
    """Withdraw asks to confirm; "no" keeps the offer, "yes" withdraws it."""
    ana = await offering(app)
    chat = Chat(app.engine, clock)
    await chat.send("/offer")
    await chat.press("🗑 Withdraw it")
    await chat.press("No, keep it")
    assert "Your offer stays as it is." == chat.replies()[0]
    await chat.send("/offer")
    await chat.press("🗑 Withdraw it")
    await chat.press("Yes, withdraw it")

    offer = await app.store.offers.of_member(ana.id)
    assert offer is not None and "withdrawn" == offer.status
    await chat.send("/offer")
    assert chat.question.startswith("What could you help local businesses with?")


async def test_mydata_holds_the_offer_and_the_introductions(app: App, clock: FixedClock) -> None:
    """/mydata's file holds the member's offer and the introductions they are a side of."""
    ana = await offering(app)
    business = await business_of(app)
    await introductions.propose(app.store, app.content, business.id, ana.id, NOW, actor="t")
    chat = Chat(app.engine, clock)

    await chat.send("/mydata")

    attachment = chat.last[0].file
    assert attachment is not None
    data = json.loads(attachment.content)
    assert ("remote", 8) == (data["offer"]["mode"], data["offer"]["hours"])
    assert [("member", "proposed", None)] == [
        (entry["side"], entry["status"], entry["your_answer"]) for entry in data["introductions"]
    ]
    contact = Chat(app.engine, clock, "telegram:2001")
    await contact.send("/mydata")
    file = contact.last[0].file
    assert file is not None
    theirs = json.loads(file.content)
    assert ["Konoba Zora"] == [entry["name"] for entry in theirs["business_requests"]]
    assert ["business"] == [entry["side"] for entry in theirs["introductions"]]


async def test_delete_erases_the_offer_and_its_introductions(app: App, clock: FixedClock) -> None:
    """/delete takes the offer and every match of the member with it; a business contact's
    /delete takes the request."""
    ana = await offering(app)
    business = await business_of(app)
    await introductions.propose(app.store, app.content, business.id, ana.id, NOW, actor="t")
    chat = Chat(app.engine, clock)

    await chat.send("/delete")
    await chat.press("yes")

    assert (None, []) == (await app.store.offers.of_member(ana.id), await app.store.matches.all())
    contact = Chat(app.engine, clock, "telegram:2001")
    await contact.send("/delete")
    await contact.send("1")
    assert [] == await app.store.businesses.all()
