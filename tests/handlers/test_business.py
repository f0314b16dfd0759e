"""A local business asks for help, as its contact person lives it: the deep link from a poster,
consent, the questions, the summary; in Montenegrin on WhatsApp, joining the request the
municipality sent us; and the rule that only a proved phone number joins an imported request."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.store import Business
from tests.chat import Chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CANCEL, BACK, DONE = "✖️ Cancel", "⬅️ Back", "✔️ Done"
DESCRIPTION = (
    "A family guesthouse with six rooms in the old town. We want a business plan for a small "
    "hotel and help to reach guests from Germany."
)
GREETING = (
    "Welcome to Diaspora Connect! 🇲🇪 Montenegrins around the world offer local businesses "
    "their knowledge, networks and capital. Tell us what your business needs, and we will look "
    "for someone who can help."
)
SUMMARY = f"""Your request for help — please check it:

Business: Konoba Zora
Municipality: Kotor
Sector: Tourism and hospitality
Stage: 🌱 Just starting
Needs: 📝 Business plan review, 🌍 Market access abroad
About the business: {DESCRIPTION}
Languages: Montenegrin, German
Contact person: Vesna Lakić
How to reach you: +38267123456"""


async def imported(app: App, phone: str = "+38267123456", **fields: object) -> Business:
    """A request the Municipality of Kotor sent us, unclaimed."""
    business = Business(
        0,
        str(fields.pop("name", "Konoba Zora")),
        "kotor-2026.xlsx",
        source_row=2,
        phone=phone,
        municipality="Kotor",
        sector="tourism",
        stage="starting",
        needs=["business_plan"],
        contact_name="Vesna Lakić",
        **fields,  # type: ignore[arg-type]
    )
    await app.store.businesses.save_imported([business], [], NOW)
    return business


async def answer_the_questions(chat: Chat, *, reach: str | None = None) -> None:
    """From the business's name to how to reach them (sharing the phone unless ``reach``)."""
    await chat.send("Konoba Zora")
    await chat.press("Kotor")
    await chat.press("Tourism and hospitality")
    await chat.press("🌱 Just starting")
    await chat.press("📝 Business plan review")
    await chat.press("🌍 Market access abroad")
    await chat.press(DONE)
    await chat.send(DESCRIPTION)
    await chat.press("Montenegrin")
    await chat.press("German")
    await chat.press(DONE)
    await chat.press("Vesna Lakić")
    if reach is None:
        await chat.share_contact("38267123456")
    else:
        await chat.send(reach)


async def test_a_business_from_a_poster_sends_its_request_on_telegram(
    app: App, clock: FixedClock
) -> None:
    """``/start business`` greets a business (not a diaspora member), asks the language and
    the business consent, then every question; the summary is sent and kept with the contact
    person's consent."""
    chat = Chat(app.engine, clock, "telegram:501", display_name="Vesna Lakić")

    await chat.send("/start business")
    assert [GREETING, "Please choose your language."] == chat.replies()
    await chat.press("English")
    assert chat.question.startswith(
        "Before we start, please read how we handle your business's request."
    )
    assert "A member who may help sees only a summary, without the business's name" in (
        chat.question
    )
    await chat.press("✅ I agree")
    assert ["What is the name of the business?"] == chat.replies()
    await chat.send("Konoba Zora")
    assert "In which municipality is the business?" == chat.question
    assert 25 == len(chat.options()) - 2
    await chat.press("Kotor")
    assert "Student" not in chat.options()
    await chat.press("Tourism and hospitality")
    assert ["💡 An idea", "🌱 Just starting", "🏢 Established", BACK, CANCEL] == chat.options()
    await chat.press("🌱 Just starting")
    assert [
        "📝 Business plan review",
        "🧭 Mentoring",
        "🛠 Specific expertise",
        "🌍 Market access abroad",
        "💶 Investment or a partner",
        DONE,
        BACK,
        CANCEL,
    ] == chat.options()
    await chat.press(DONE)
    assert "Please choose at least one kind of help, then press Done." == chat.replies()[0]
    await chat.press("📝 Business plan review")
    await chat.press("🌍 Market access abroad")
    await chat.press(DONE)
    assert chat.question.startswith("In a few sentences: what does the business do")
    await chat.send("Rooms.")
    assert "Please write a few sentences (at least 20 characters)." == chat.replies()[0]
    await chat.send(DESCRIPTION)
    await chat.press("Montenegrin")
    await chat.press("German")
    await chat.press(DONE)
    assert "What is your name? (the person we introduce)" == chat.question
    await chat.press("Vesna Lakić")
    assert chat.last[-1].request_phone
    await chat.share_contact("38267123456")
    assert [SUMMARY] == chat.replies()

    await chat.press("📨 Send the request")

    assert chat.replies()[0].startswith("Thank you! The request for “Konoba Zora” is with our")
    [business] = await app.store.businesses.all()
    contact = await app.store.members.by_address("telegram:501")
    assert contact is not None
    assert (
        "Konoba Zora",
        "Kotor",
        "tourism",
        "starting",
        ["business_plan", "market_access"],
        ["cnr", "de"],
        "Vesna Lakić",
        "+38267123456",
        True,
        contact.id,
        "chat",
        "2026-11-v2",
        "open",
    ) == (
        business.name,
        business.municipality,
        business.sector,
        business.stage,
        business.needs,
        business.languages,
        business.contact_name,
        business.phone,
        business.proved_phone,
        business.member_id,
        business.source,
        business.consent_version,
        business.status,
    )
    # A contact person is no diaspora member: no country, not registered, so no campaigns.
    assert (contact.name, contact.country, contact.registered) == ("Vesna Lakić", None, False)


async def test_in_montenegrin_on_whatsapp_the_municipalitys_request_is_claimed(
    app: App, clock: FixedClock
) -> None:
    """Writing from the number a municipality listed, the contact person is asked at once if
    the request is theirs; yes fills the summary, what the list lacks is asked on sending, and
    the request joins them — all in Montenegrin."""
    listed = await imported(app)
    chat = Chat(app.engine, clock, "whatsapp:+38267123456", language_hint=None)

    await chat.send("/start business")
    await chat.send("2")  # Crnogorski
    assert chat.question.startswith("Prije nego što počnemo, pročitajte kako postupamo")
    await chat.send("1")  # Slažem se
    assert chat.question == (
        "Vaša opština nam je poslala zahtjev za pomoć za „Konoba Zora” (Kotor) sa ovim brojem "
        "telefona (spisak: kotor-2026.xlsx). Da li je to vaš biznis?"
    )
    await chat.press("✅ Da, moj je")
    assert chat.question.startswith("Vaš zahtjev za pomoć — provjerite ga:\n\nBiznis: Konoba Zora")
    assert "\nO biznisu: —\n" in chat.question
    await chat.press("📨 Pošalji zahtjev")
    assert chat.replies()[0] == "Još nešto prije toga: O biznisu."
    assert chat.question.startswith("U nekoliko rečenica: čime se biznis bavi")
    await chat.send("Porodični pansion sa šest soba u starom gradu, tražimo goste iz Njemačke.")
    assert chat.question.startswith("Vaš zahtjev za pomoć — provjerite ga:")
    await chat.press("📨 Pošalji zahtjev")

    assert chat.replies()[:2] == [
        "Spojili smo ga sa zahtjevom koji nam je poslala vaša opština (kotor-2026.xlsx).",
        "Hvala! Zahtjev za „Konoba Zora” je kod naših koordinatora. Kada član dijaspore može da "
        "pomogne, poslaćemo vam kratak sažetak i pitati da li želite da se upoznate. /business "
        "prikazuje vaše zahtjeve.",
    ]
    [claimed] = await app.store.businesses.all()
    contact = await app.store.members.by_address("whatsapp:+38267123456")
    assert contact is not None
    assert (listed.id, contact.id, True, "kotor-2026.xlsx", "cnr") == (
        claimed.id,
        claimed.member_id,
        claimed.proved_phone,
        claimed.source,
        contact.language,
    )
    assert claimed.description is not None and claimed.description.startswith("Porodični")


async def test_a_typed_phone_never_claims_an_imported_request(app: App, clock: FixedClock) -> None:
    """Typing the imported request's number proves nothing: a new request is made, and the
    municipality's stays unclaimed."""
    listed = await imported(app)
    chat = Chat(app.engine, clock, "telegram:502", display_name="Vesna Lakić")
    await chat.send("/business")
    await chat.press("English")
    await chat.press("✅ I agree")
    await answer_the_questions(chat, reach="067 123 456")
    await chat.press("📨 Send the request")

    unclaimed = await app.store.businesses.get(listed.id)
    assert unclaimed is not None and unclaimed.member_id is None
    [new] = [b for b in await app.store.businesses.all() if b.id != listed.id]
    assert ("+38267123456", False, "chat") == (new.phone, new.proved_phone, new.source)


async def test_someone_elses_contact_card_never_claims_an_imported_request(
    app: App, clock: FixedClock
) -> None:
    """A contact card Telegram does not vouch is the sender's own is kept as typed and claims
    nothing."""
    listed = await imported(app)
    chat = Chat(app.engine, clock, "telegram:503", display_name="Vesna Lakić")
    await chat.send("/business")
    await chat.press("English")
    await chat.press("✅ I agree")
    await answer_the_questions(chat, reach="")
    await chat.share_contact("38267123456", own=False)
    await chat.press("📨 Send the request")

    unclaimed = await app.store.businesses.get(listed.id)
    assert unclaimed is not None and unclaimed.member_id is None
    assert 2 == len(await app.store.businesses.all())


async def test_sharing_ones_own_phone_on_telegram_claims_the_imported_request(
    app: App, clock: FixedClock
) -> None:
    """Telegram's own-contact button proves the number: the request joins the one the
    municipality sent, with the answers given in the chat."""
    listed = await imported(app)
    chat = Chat(app.engine, clock, "telegram:504", display_name="Vesna Lakić")
    await chat.send("/business")
    await chat.press("English")
    await chat.press("✅ I agree")
    await answer_the_questions(chat)
    await chat.press("📨 Send the request")

    assert (
        "We joined it to the request your municipality sent us (kotor-2026.xlsx)."
        == (chat.replies()[0])
    )
    [claimed] = await app.store.businesses.all()
    assert (listed.id, ["business_plan", "market_access"], DESCRIPTION) == (
        claimed.id,
        claimed.needs,
        claimed.description,
    )


async def test_declining_the_business_consent_keeps_nothing(app: App, clock: FixedClock) -> None:
    """No consent: nothing stored, not even the person."""
    chat = Chat(app.engine, clock, "telegram:505")
    await chat.send("/start business")
    await chat.press("English")
    await chat.press("❌ No, thanks")

    assert (
        "Understood — nothing has been stored. If you change your mind, send /business."
        == chat.replies()[0]
    )
    assert await app.store.members.by_address("telegram:505") is None


async def test_cancelling_before_the_name_erases_the_person_who_consented(
    app: App, clock: FixedClock
) -> None:
    """Cancelling a first request right after consenting leaves nothing behind."""
    chat = Chat(app.engine, clock, "telegram:506")
    await chat.send("/business")
    await chat.press("English")
    await chat.press("✅ I agree")
    await chat.press(CANCEL)

    assert await app.store.members.by_address("telegram:506") is None


async def test_the_contact_person_pauses_resumes_and_closes_the_request(
    app: App, clock: FixedClock
) -> None:
    """``/business`` lists their requests; one can be paused, resumed and closed."""
    chat = Chat(app.engine, clock, "telegram:507", display_name="Vesna Lakić")
    await chat.send("/business")
    await chat.press("English")
    await chat.press("✅ I agree")
    await answer_the_questions(chat)
    await chat.press("📨 Send the request")

    await chat.send("/business")
    assert "Your requests for help:\n🏢 Konoba Zora — open" == chat.question
    assert ["Konoba Zora", "➕ A new request", CANCEL] == chat.options()
    await chat.press("Konoba Zora")
    assert ["✏️ Change it", "⏸ Pause it", "🗑 Close it", BACK, CANCEL] == chat.options()
    await chat.press("⏸ Pause it")
    assert chat.replies()[0].startswith("The request for “Konoba Zora” is paused")
    await chat.send("/business")
    await chat.press("Konoba Zora")
    await chat.press("▶️ Resume it")
    assert "The request for “Konoba Zora” is open again." == chat.replies()[0]
    await chat.send("/business")
    await chat.press("Konoba Zora")
    await chat.press("🗑 Close it")

    [business] = await app.store.businesses.all()
    assert "closed" == business.status
    actions = [entry.action for entry in await app.store.audit.entries()][::-1]
    assert ["business.paused", "business.open", "business.closed"] == actions[-3:]
