"""Introductions with double opt-in, as both sides live them: a coordinator proposes, each side
reads an anonymised summary of the other and answers with /intro; names and contacts are
exchanged only when both accepted — never before, whoever answers first. A decline, an expiry
after 14 days and the follow-ups two weeks and two months on."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import notices
from bot.app import App
from bot.clock import FixedClock
from bot.content import Content
from bot.store import Business, Match, Member
from scheduler.introductions import Introductions
from staff import introductions
from tests.chat import Chat
from tests.conftest import CONTENT
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ANA = "telegram:1001"
VESNA = "telegram:2001"
# What only an introduction may reveal, of each side, to the other.
ANAS_SECRETS = ("Ana", "Marković", "ana@example.org", "+4917", "Berlin")
VESNAS_SECRETS = ("Konoba Zora", "Vesna", "Lakić", "+38267123456", "zora@example.me")
MEMBER_SUMMARY_CNR = (
    "• Živi u: Njemačka\n"
    "• Može da pomogne u: 🧭 Mentorstvo, 📝 Pregled biznis plana\n"
    "• Sektori: Turizam i ugostiteljstvo\n"
    "• Jezici: Crnogorski, Engleski\n"
    "• Način rada: 🏠 Na daljinu\n"
    "• Vrijeme: oko 8 sati mjesečno\n"
    "• Porijeklom iz: Kotor"
)
BUSINESS_SUMMARY_EN = (
    "• Municipality: Kotor\n"
    "• Sector: Tourism and hospitality\n"
    "• Stage: 🌱 Just starting\n"
    "• Needs: 📝 Business plan review, 🧭 Mentoring\n"
    "• Languages: Montenegrin\n"
    "• In their words: A family guesthouse in the old town; we need a business plan."
)


async def ana(app: App) -> Member:
    """A registered member in Berlin, from Kotor, offering mentoring and a business plan."""
    member = await add_member(
        app.store, ANA, NOW, name="Ana Marković", country="DE", city="Berlin",
        municipality="Kotor", languages=["cnr", "en"], email="ana@example.org",
        phone="+491701234567", timezone="Europe/Berlin", skills="hotel management",
    )  # fmt: skip
    await app.store.offers.save(
        member.id,
        {
            "gives": ["mentoring", "business_plan"],
            "sectors": ["tourism"],
            "languages": ["cnr", "en"],
            "mode": "remote",
            "hours": 8,
            "contact": "ana@example.org",
        },
        NOW,
    )
    return member


async def zora(app: App) -> Business:
    """Konoba Zora in Kotor; its contact person Vesna speaks Montenegrin with the bot."""
    vesna = await app.store.members.create(
        VESNA, language="cnr", consent_version="2026-11-v2", now=NOW
    )
    await app.store.members.update(vesna.id, NOW, name="Vesna Lakić")
    return await app.store.businesses.create(
        Business(
            0,
            "Konoba Zora",
            "chat",
            member_id=vesna.id,
            municipality="Kotor",
            sector="tourism",
            stage="starting",
            needs=["business_plan", "mentoring"],
            description="A family guesthouse in the old town; we need a business plan.",
            languages=["cnr"],
            contact_name="Vesna Lakić",
            phone="+38267123456",
            email="zora@example.me",
        ),
        NOW,
        consent_version="2026-11-v2",
    )


async def proposed(app: App) -> tuple[Member, Business, Match]:
    member, business = await ana(app), await zora(app)
    match = await introductions.propose(
        app.store, app.content, business.id, member.id, NOW, actor="cli:coordinator"
    )
    return member, business, match


async def bodies(app: App, member_id: int | None) -> list[str]:
    """Every outbox message to one person, oldest first."""
    rows = await app.store.outbox.due(datetime(2100, 1, 1, tzinfo=UTC))
    return [row.body for row in rows if row.member_id == member_id]


def leaked(texts: list[str], secrets: tuple[str, ...]) -> list[str]:
    return [secret for text in texts for secret in secrets if secret in text]


async def test_both_accepting_introduces_them_with_names_and_contacts(
    app: App, clock: FixedClock
) -> None:
    """Each side is told of the proposal with the other's anonymised summary (Ana in English,
    Vesna in Montenegrin); Ana accepts and waits; Vesna accepts and reads Ana's name and
    contact at once; Ana gets Konoba Zora's through the outbox."""
    member, business, match = await proposed(app)
    assert [
        "🤝 Ana, a local business could use the help you offered:\n\n"
        f"{BUSINESS_SUMMARY_EN}\n\nWould you like to be introduced? Send /intro to answer "
        "within 14 days. Names and contacts are shared only if you both agree."
    ] == await bodies(app, member.id)
    assert [
        "🤝 Vesna, član dijaspore nudi upravo pomoć koju je „Konoba Zora” tražio:\n\n"
        f"{MEMBER_SUMMARY_CNR}\n\nŽelite li da vas upoznamo? Pošaljite /intro i odgovorite u "
        "roku od 14 dana. Imena i kontakti dijele se samo ako se oboje saglasite."
    ] == await bodies(app, business.member_id)
    anas = Chat(app.engine, clock, ANA)
    vesnas = Chat(app.engine, clock, VESNA, language_hint=None)

    await anas.send("/intro")
    assert (
        f"🤝 A local business asks for help:\n\n{BUSINESS_SUMMARY_EN}\n\nWould you like to be "
        "introduced? Names and contacts are shared only if you both agree." == anas.question
    )
    assert ["✅ Yes, introduce us", "❌ No, thanks", "⏳ Later", "✖️ Cancel"] == anas.options()
    await anas.press("✅ Yes, introduce us")
    assert (
        "Thank you! We will let you know as soon as the other side answers." == (anas.replies()[0])
    )
    await vesnas.send("/intro")
    assert vesnas.question.startswith(f"🤝 Član dijaspore nudi pomoć:\n\n{MEMBER_SUMMARY_CNR}")
    await vesnas.press("✅ Da, upoznajte nas")

    assert (
        "🎉 Upoznati ste! Oboje ste se saglasili, pa evo koga da kontaktirate:\n\n"
        "👤 Ana Marković, Njemačka\n📞 ana@example.org\n\n"
        "Za dvije nedjelje pitaćemo vas kako ide." == vesnas.replies()[0]
    )
    assert (
        "🎉 Ana, you are introduced! You both agreed, so here is who to contact:\n\n"
        "🏢 Konoba Zora, Kotor\n👤 Vesna Lakić\n📞 +38267123456 · zora@example.me\n\n"
        "We will ask in two weeks how it is going." == (await bodies(app, member.id))[-1]
    )
    introduced = await app.store.matches.get(match.id)
    assert introduced is not None
    assert ("introduced", "accepted", "accepted") == (
        introduced.status,
        introduced.business_answer,
        introduced.member_answer,
    )
    assert ["proposed", "member accepted", "introduced"] == [
        event.status for event in await app.store.matches.events(match.id)
    ]
    actions = [entry.action for entry in await app.store.audit.entries()][::-1]
    assert ["match.proposed", "match.accepted", "match.accepted", "match.introduced"] == actions
    await anas.send("/intro")
    assert anas.replies()[0] == (
        "Your introductions:\n\n🏢 Konoba Zora, Kotor\n👤 Vesna Lakić\n"
        "📞 +38267123456 · zora@example.me"
    )


@pytest.mark.parametrize("first", ["member", "business"])
async def test_no_contact_leaks_before_both_accept(app: App, clock: FixedClock, first: str) -> None:
    """Whoever accepts first, neither side reads the other's name or contact — in the chat or
    the outbox — until the second has accepted too; then both do."""
    member, business, _ = await proposed(app)
    anas = Chat(app.engine, clock, ANA)
    vesnas = Chat(app.engine, clock, VESNA, language_hint=None)
    first_chat, second_chat = (anas, vesnas) if first == "member" else (vesnas, anas)
    accept = {ANA: "✅ Yes, introduce us", VESNA: "✅ Da, upoznajte nas"}

    await first_chat.send("/intro")
    await first_chat.press(accept[first_chat.address])
    await first_chat.send("/intro")
    await first_chat.send("/menu")
    await second_chat.send("/intro")
    before = {
        ANA: [reply.text for reply in anas.history] + await bodies(app, member.id),
        VESNA: [reply.text for reply in vesnas.history] + await bodies(app, business.member_id),
    }
    assert ([], []) == (leaked(before[ANA], VESNAS_SECRETS), leaked(before[VESNA], ANAS_SECRETS))

    await second_chat.press(accept[second_chat.address])

    after = {
        ANA: [reply.text for reply in anas.history] + await bodies(app, member.id),
        VESNA: [reply.text for reply in vesnas.history] + await bodies(app, business.member_id),
    }
    assert "ana@example.org" in "\n".join(after[VESNA])
    assert "+38267123456" in "\n".join(after[ANA])


async def test_a_decline_closes_it_and_the_other_side_is_told_without_names(
    app: App, clock: FixedClock
) -> None:
    """Vesna declines (not a good fit): the match is declined with the reason, Ana is told in
    English it will not go ahead — who it was stays unsaid — and /intro offers her nothing."""
    member, _business, match = await proposed(app)
    anas = Chat(app.engine, clock, ANA)
    await anas.send("/intro")
    await anas.press("✅ Yes, introduce us")
    vesnas = Chat(app.engine, clock, VESNA, language_hint=None)
    await vesnas.send("/intro")
    await vesnas.press("❌ Ne, hvala")
    assert "Hvala na odgovoru. Možete li nam reći zašto? (nije obavezno)" == vesnas.question
    await vesnas.press("Ne odgovara nam")

    assert vesnas.replies()[0] == ("Razumijemo — upoznavanja neće biti. Hvala što ste nam javili.")
    declined = await app.store.matches.get(match.id)
    assert declined is not None
    assert ("declined", "declined by the business: not_relevant") == (
        declined.status,
        declined.reason,
    )
    assert (await bodies(app, member.id))[-1] == (
        "Ana, the introduction to a business in Kotor (Tourism and hospitality) will not go "
        "ahead: the other side declined. Thank you — we will let you know when there is another."
    )
    assert [] == leaked(await bodies(app, member.id), VESNAS_SECRETS)
    await anas.send("/intro")
    assert anas.replies()[0].startswith("No introduction is waiting for you.")


async def test_later_leaves_the_proposal_waiting(app: App, clock: FixedClock) -> None:
    """ "Later" answers nothing; the proposal waits, and the menu offers it."""
    _member, _, match = await proposed(app)
    anas = Chat(app.engine, clock, ANA)
    await anas.send("/intro")
    await anas.press("⏳ Later")

    assert (
        "All right — send /intro when you are ready (within 14 days of the proposal)."
        == (anas.replies()[0])
    )
    assert "🤝 Introductions (1)" == anas.options()[0]
    waiting = await app.store.matches.get(match.id)
    assert waiting is not None and ("proposed", None) == (waiting.status, waiting.member_answer)


async def test_after_14_days_without_both_answers_the_proposal_expires(
    app: App, clock: FixedClock
) -> None:
    """A day short of 14 nothing happens; at 14 days the proposal expires with who did not
    answer, both are told, and a late answer is refused."""
    member, business, match = await proposed(app)
    anas = Chat(app.engine, clock, ANA)
    await anas.send("/intro")
    await anas.press("✅ Yes, introduce us")
    job = Introductions(app.store, app.content, clock, timezone="Europe/Podgorica")

    clock.advance(days=13, hours=23, minutes=59)
    assert 0 == (await job.tick()).expired
    clock.advance(minutes=1)
    assert 1 == (await job.tick()).expired

    expired = await app.store.matches.get(match.id)
    assert expired is not None
    assert ("expired", "no answer from the business within 14 days") == (
        expired.status,
        expired.reason,
    )
    assert (await bodies(app, business.member_id))[-1] == (
        "Vesna, upoznavanje sa članom dijaspore koji živi u: Njemačka neće se ostvariti: nisu "
        "obje strane odgovorile u roku od 14 dana. Hvala — javićemo vam kada bude novo."
    )
    assert (await bodies(app, member.id))[-1].endswith(
        "will not go ahead: not both sides answered within 14 days. Thank you — we will let "
        "you know when there is another."
    )
    vesnas = Chat(app.engine, clock, VESNA, language_hint=None)
    await vesnas.send("/intro")
    assert vesnas.replies()[0].startswith("Nijedno upoznavanje vas ne čeka.")
    assert 0 == (await job.tick()).expired
    entries = [(e.actor, e.action, e.subject) for e in await app.store.audit.entries()]
    assert ("scheduler", "match.expired", f"match:{match.id}") in entries


async def introduce(app: App, clock: FixedClock) -> tuple[Member, Business, Match]:
    member, business, match = await proposed(app)
    for address, label in ((ANA, "✅ Yes, introduce us"), (VESNA, "✅ Da, upoznajte nas")):
        chat = Chat(app.engine, clock, address)
        await chat.send("/intro")
        await chat.press(label)
    return member, business, match


async def test_follow_ups_ask_both_sides_in_their_hours_and_record_outcomes(
    app: App, clock: FixedClock
) -> None:
    """Two weeks after the introduction, at 22:00 in Berlin, Ana's follow-up waits for 09:00
    her time, Vesna's for 09:00 in Podgorica; their answers (met, plan completed, investment,
    one stopping) are kept per side and added up on the match, which ends."""
    member, business, match = await introduce(app, clock)
    job = Introductions(app.store, app.content, clock, timezone="Europe/Podgorica")
    clock.advance(days=13)
    assert 0 == (await job.tick()).asked
    clock.advance(days=1, hours=11)  # 21:00 UTC: 22:00 in Berlin and Podgorica

    assert 2 == (await job.tick()).asked
    rows = await app.store.outbox.due(datetime(2100, 1, 1, tzinfo=UTC))
    follow_ups = {row.member_id: row for row in rows if "follow-up" in row.job}
    assert follow_ups[member.id].body == (
        "👋 Ana, how is it going with Konoba Zora? Send /intro to tell us in four short "
        "questions — it helps us help more businesses."
    )
    assert follow_ups[business.member_id or 0].body.startswith(
        "👋 Vesna, kako ide sa Ana Marković?"
    )
    assert {"2026-12-12T08:00:00+00:00"} == {row.not_before for row in follow_ups.values()}
    assert 0 == (await job.tick()).asked

    anas = Chat(app.engine, clock, ANA)
    await anas.send("/intro")
    assert "How is it going with Konoba Zora? Have you met (in person or online)?" == (
        anas.question
    )
    for label in ("Yes", "Completed", "No", "Yes"):
        await anas.press(label)
    assert "Thank you! That helps the programme a lot." == anas.replies()[0]
    vesnas = Chat(app.engine, clock, VESNA)
    await vesnas.send("/intro")
    for label in ("Da", "Napravljen nacrt", "Da", "Ne"):
        await vesnas.press(label)
    assert "Hvala! Zabilježili smo da je saradnja završena." == vesnas.replies()[0]

    ended = await app.store.matches.get(match.id)
    assert ended is not None
    assert ("ended", True, "completed", True) == (
        ended.status,
        ended.met,
        ended.plan,
        ended.investment,
    )
    assert ended.reason == "the business chose not to continue (2w follow-up)"
    answers = await app.store.outcomes.of_match(match.id)
    assert [
        ("business", "yes", "drafted", "yes", "no"),
        ("member", "yes", "completed", "no", "yes"),
    ] == [(f.side, f.met, f.plan, f.investment, f.continues) for f in answers]
    clock.advance(days=60)
    assert 0 == (await job.tick()).asked


async def test_the_two_month_follow_up_comes_after_the_first(app: App, clock: FixedClock) -> None:
    """An introduction still going after the two-week answers is asked again at two months."""
    await introduce(app, clock)
    job = Introductions(app.store, app.content, clock, timezone="Europe/Podgorica")
    clock.advance(days=14)
    assert 2 == (await job.tick()).asked
    clock.advance(days=46)

    assert 2 == (await job.tick()).asked
    rounds = sorted(f.round for f in await app.store.outcomes.of_match(1))
    assert ["2m", "2m", "2w", "2w"] == rounds


def _content_with_template(tmp_path: Path) -> Content:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    programme = folder / "programme.yaml"
    text = programme.read_text(encoding="utf-8").replace(
        "    cnr: HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "    cnr: HX" + "c" * 32
    )
    programme.write_text(text, encoding="utf-8")
    return Content.load(folder, "en")


async def test_a_notice_carries_the_approved_template_for_whatsapps_closed_window(
    app: App, tmp_path: Path
) -> None:
    """With a real SID for Montenegrin, a notice to a Montenegrin member carries it (variable
    1: the first name), for the sender to use outside WhatsApp's 24-hour window; the sample's
    placeholder SID for English is never used."""
    content = _content_with_template(tmp_path)
    jelena = await add_member(
        app.store, "whatsapp:+38267111222", NOW, name="Jelena Popović", country="DE",
        language="cnr",
    )  # fmt: skip
    english = await add_member(app.store, ANA, NOW, name="Ana Marković", country="DE")

    outgoing = notices.notice(content, jelena, "match:1:proposed", "intro.notice.closed", NOW,
                              other="x", why="y")  # fmt: skip

    assert ("HX" + "c" * 32, {"1": "Jelena"}) == (
        outgoing.template.content_sid if outgoing.template else None,
        outgoing.template.variables if outgoing.template else None,
    )
    assert notices.template(content, english) is None
