"""/broadcast as staff use it: write, choose the audience with a live count, preview in each
language, send through the outbox, follow the progress, stop it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.clock import FixedClock
from scheduler.sender import Sender
from tests.chat import Chat
from tests.fakes.channel import FakeChannel
from tests.sample import add_member, content_folder
from tests.staffing import STAFF, chat_as, members, staff_app

NO_LIMITS = {"telegram_rate": 0, "telegram_chat_interval": 0}
ASK_SOURCE = "📣 New broadcast. Write a new message, or use the text of a campaign file:"
ASK_ENGLISH = (
    "Write the message in English (1 of 2). {first_name} and {name} are replaced with each "
    "member's name."
)
ASK_MONTENEGRIN = (
    "Now the message in Crnogorski (2 of 2), or skip it: members who use Crnogorski then get "
    "the English text."
)
FILTERS = [
    "🌍 By country",
    "🗣 By language",
    "🏘 By municipality",
    "💡 By interest",
    "💼 By sector",
    "🗓 By event RSVP",
    "🎓 Fellowship applicants",
]


async def _write(chat: Chat, english: str, montenegrin: str | None) -> None:
    await chat.send("/broadcast")
    await chat.press("✍️ Write a message")
    await chat.send(english)
    if montenegrin is None:
        await chat.press("⏭ Skip")
    else:
        await chat.send(montenegrin)


async def test_happy_path_writes_filters_previews_sends_and_reports(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The whole wizard: texts in both languages, audience by country, preview, send; the
    outbox sends each member their language and the staff chat gets progress, then a report."""
    channel = FakeChannel()
    async with staff_app(tmp_path, clock, channel, **NO_LIMITS) as app:
        await members(app.store, clock.now(), 1, language="cnr")
        await members(app.store, clock.now(), 1, first=200)
        await members(app.store, clock.now(), 1, first=300, country="US")
        chat = chat_as(app, clock, STAFF)

        await chat.send("/broadcast")
        assert ASK_SOURCE == chat.question
        assert "✍️ Write a message" == chat.options()[0]
        await chat.press("✍️ Write a message")
        assert ASK_ENGLISH == chat.question
        await chat.send("Hello {first_name}, the Diaspora Days are open!")
        assert ASK_MONTENEGRIN == chat.question
        await chat.send("Zdravo {first_name}, Dani dijaspore su otvoreni!")
        assert (
            "Who should get it?\n🎯 every registered member who has not stopped messages"
            "\n👥 3 members"
        ) == chat.question
        assert [*FILTERS, "👀 Preview (3)", "⬅️ Back", "✖️ Cancel"] == chat.options()
        await chat.press("🌍 By country")
        assert ["Germany", "United States"] == chat.options()[:2]
        await chat.press("Germany")
        assert "Who should get it?\n🎯 countries: Germany\n👥 2 members" == chat.question
        await chat.press("👀 Preview (2)")
        assert [
            "👀 English, as 1 member will see it:",
            "Hello Ana, the Diaspora Days are open!",
            "👀 Crnogorski, as 1 member will see it:",
            "Zdravo Ana, Dani dijaspore su otvoreni!",
            "🏷 Topic: 🗞 News from home\n\nSend it to 2 members? (Telegram: 2)",
        ] == chat.replies()
        await chat.press("📨 Send to 2 members")
        assert [
            "📨 Broadcast #1 is queued for 2 members and goes out now, within the rate limits."
            " Its progress follows.",
            "You can stop it while it is being sent.",
        ] == chat.replies()
        assert ["⏹ Stop sending", "✔️ Let it run"] == chat.options()

        await app.reporter.tick()
        await app.sender.drain()
        await app.reporter.tick()
        await chat.press("✔️ Let it run")
        audit = [(e.actor, e.action, e.subject) for e in await app.store.audit.entries()]

    assert [
        ("telegram:100", "Zdravo Member100, Dani dijaspore su otvoreni!"),
        ("telegram:200", "Hello Member200, the Diaspora Days are open!"),
    ] == [(to, reply.text) for to, reply in channel.sent if to != STAFF]
    reports = [reply for to, reply in channel.sent if to == STAFF]
    assert [
        (
            "📨 Broadcast #1: sent 0 of 2 · 0 failed · 0 "
            "on WhatsApp got nothing (outside the 24-hour window, no template)",
            "broadcast:1",
        ),
        (
            "✅ Broadcast #1 finished: sent 2 of 2 · 0 failed · 0 "
            "on WhatsApp got nothing (outside the 24-hour window, no template)"
            " · 0 skipped (stopped or unreachable)",
            None,
        ),
    ] == [(reply.text, reply.key) for reply in reports]
    assert [(STAFF, "broadcast", "broadcast:1")] == audit


async def test_stopping_mid_send_cancels_the_rest_and_reports_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Stop sending while the outbox is at work: what went out stays sent, the rest is
    cancelled, audited, and the report says so."""
    channel = FakeChannel()
    async with staff_app(tmp_path, clock, channel, **NO_LIMITS) as app:
        await members(app.store, clock.now(), 6)
        chat = chat_as(app, clock, STAFF)
        await _write(chat, "Hello {first_name}", None)
        await chat.press("👀 Preview (6)")
        await chat.press("📨 Send to 6 members")

        pressed: list[str] = []

        async def stop_after_the_first(address: str) -> None:
            if len(channel.sent) == 1 and not pressed:
                pressed.append(address)
                await chat.press("⏹ Stop sending")

        channel.before_send = stop_after_the_first
        # Windows of one message, so the stop lands while sending goes on.
        await Sender(app.store, app.channels, clock, window=1).drain()
        stopped = chat.replies()
        await app.reporter.tick()
        audit = [(e.action, e.detail.get("cancelled")) for e in await app.store.audit.entries()]

    sent = len([to for to, _ in channel.sent if to != STAFF])
    cancelled = 6 - sent
    assert 2 <= sent < 6
    assert [f"⏹ Stopped: {cancelled} messages not sent yet are cancelled."] == stopped[:1]
    assert (
        f"⏹ Broadcast #1 stopped: sent {sent} of 6 · 0 failed · 0 "
        "on WhatsApp got nothing (outside the 24-hour window, no template)"
        f" · {cancelled} cancelled"
    ) == channel.texts(STAFF)[-1]
    assert [("broadcast.cancel", cancelled), ("broadcast", None)] == audit


async def test_an_audience_without_members_cannot_be_previewed(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A typed country nobody lives in counts 0 members; the preview says why it cannot go on."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        await members(app.store, clock.now(), 2)
        chat = chat_as(app, clock, STAFF)
        await _write(chat, "Hello", None)
        await chat.press("🌍 By country")
        await chat.send("Japan")
        assert "Who should get it?\n🎯 countries: Japan\n👥 0 members" == chat.question

        await chat.press("👀 Preview (0)")

    assert "No member matches these filters. Change them to go on." == chat.replies()[0]
    assert chat.question.startswith("Who should get it?")


async def test_a_language_without_text_is_warned_about_in_the_preview(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Members who use Crnogorski, with only an English text: the preview warns that they will
    get the English one."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        await members(app.store, clock.now(), 2, language="cnr")
        await members(app.store, clock.now(), 1, first=200)
        chat = chat_as(app, clock, STAFF)
        await _write(chat, "Hello {name}", None)

        await chat.press("👀 Preview (3)")

    assert [
        "⚠️ 2 members use the bot in Crnogorski, and there is no Crnogorski text: they will get"
        " the English text.",
        "👀 English, as 3 members will see it:",
        "Hello Ana Marković",
        "🏷 Topic: 🗞 News from home\n\nSend it to 3 members? (Telegram: 3)",
    ] == chat.replies()


async def test_a_campaign_text_can_be_sent_as_a_broadcast(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Picking a campaign file takes its texts (event details filled in) and its audience."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        ids = await members(app.store, clock.now(), 2)
        await app.store.rsvps.answer("diaspora-days-2027", ids[0], "going", clock.now())
        chat = chat_as(app, clock, STAFF)
        await chat.send("/broadcast")

        await chat.press("📄 Reminder two days before the Diaspora Days 2027")

    assert (
        "Who should get it?\n🎯 “Diaspora Days 2027 — Podgorica”: going, maybe\n👥 1 member"
    ) == chat.question


async def test_filters_can_be_combined_and_cleared(tmp_path: Path, clock: FixedClock) -> None:
    """Language and sector narrow together; Everyone clears them."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        await members(app.store, clock.now(), 2, language="cnr", sector="it")
        await members(app.store, clock.now(), 1, first=200, sector="it")
        chat = chat_as(app, clock, STAFF)
        await _write(chat, "Hello", None)
        await chat.press("🗣 By language")
        await chat.press("Crnogorski")
        await chat.press("💼 By sector")
        await chat.press("IT and software")
        narrowed = chat.question

        await chat.press("👥 Everyone")

    assert (
        "Who should get it?\n🎯 language: Crnogorski · sectors: IT and software\n👥 2 members"
    ) == narrowed
    assert chat.question.endswith("👥 3 members")


async def test_a_bad_placeholder_is_re_asked(tmp_path: Path, clock: FixedClock) -> None:
    """A placeholder a broadcast cannot fill is refused with the reason."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        chat = chat_as(app, clock, STAFF)
        await chat.send("/broadcast")
        await chat.press("✍️ Write a message")

        await chat.send("Hello {surname}")

    assert [
        "I can't fill {surname}: a broadcast knows only {first_name} and {name}. For a brace"
        " itself, write it twice.",
        ASK_ENGLISH,
    ] == chat.replies()


SID = "HX" + "0123456789abcdef" * 2


async def _on_whatsapp(app: App, clock: FixedClock) -> list[int]:
    """Two WhatsApp members: one wrote just now (in the window), one last wrote two days ago."""
    ids = []
    for number, wrote in (("+38267000001", clock.now()), ("+38267000002", None)):
        member = await add_member(
            app.store,
            f"whatsapp:{number}",
            clock.now() - timedelta(days=2),
            name="Ana Test",
            country="DE",
        )
        if wrote is not None:
            await app.store.members.touch_address(f"whatsapp:{number}", wrote)
        ids.append(member.id)
    return ids


async def test_the_preview_counts_whatsapp_honestly_and_a_template_reaches_the_rest(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Before a template: 1 gets the text, 1 gets nothing, said before sending. With a typed
    SID and variables: that one gets the template, and its row carries it, name filled in."""
    async with staff_app(tmp_path, clock, FakeChannel(), **NO_LIMITS) as app:
        ids = await _on_whatsapp(app, clock)
        chat = chat_as(app, clock, STAFF)
        await _write(chat, "Hello {first_name}", None)
        await chat.press("👀 Preview (2)")
        assert (
            "💬 WhatsApp 2: 1 in the 24-hour window get the text"
            " · ⚠️ 1 outside it get nothing (no template)\n\n🏷 Topic: 🗞 News from home\n\n"
            "Send it to 2 members? (WhatsApp: 2)"
        ) == chat.question
        assert "📄 WhatsApp template" in chat.options()
        await chat.press("📄 WhatsApp template")
        assert ["🚫 No template (they get nothing)"] == chat.options()[:1]
        await chat.send("HX123")
        assert chat.replies()[0].startswith("That isn't a template's content SID")
        await chat.send(f"{SID}\n1={{first_name}}")
        assert chat.question.startswith(
            "💬 WhatsApp 2: 1 in the 24-hour window get the text"
            f" · 1 outside it get template {SID}\n\n"
        )
        await chat.press("📨 Send to 2 members")
        rows = await app.store.db.fetchall("SELECT member_id, template FROM outbox ORDER BY 1")
    template = json.dumps({"content_sid": SID, "variables": {"1": "Ana"}})
    assert [(ids[0], template), (ids[1], template)] == [(row[0], row[1]) for row in rows]


async def test_a_campaigns_template_comes_with_its_text_and_can_be_left_out(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Taking a campaign file's text takes its (real) template too; "No template" drops it and
    the preview says who then gets nothing."""
    folder = content_folder(tmp_path)
    (folder / "campaigns" / "news.md").write_text(
        "---\ncron: '0 10 1 * *'\nwhatsapp_template:\n"
        f"  content_sid: {SID}\n  variables: {{'1': '{{first_name}}'}}\n---\n# en\nNews!\n",
        encoding="utf-8",
    )
    async with staff_app(tmp_path, clock, FakeChannel(), content_dir=folder) as app:
        await _on_whatsapp(app, clock)
        chat = chat_as(app, clock, STAFF)
        await chat.send("/broadcast")
        await chat.press("📄 news")
        await chat.press("👀 Preview (2)")
        assert f"1 outside it get template {SID}" in chat.question
        await chat.press("📄 WhatsApp template")
        assert ["📄 The campaign's template", "🚫 No template (they get nothing)"] == (
            chat.options()[:2]
        )
        await chat.press("🚫 No template (they get nothing)")
        assert "⚠️ 1 outside it get nothing (no template)" in chat.question
