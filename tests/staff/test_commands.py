"""Staff and coordinators in the chat: roles, /stats, /signups and /export, each audited."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.clock import FixedClock
from tests.fakes.channel import FakeChannel
from tests.staffing import COORDINATOR, MEMBER, STAFF, chat_as, members, staff_app

UNKNOWN = "Sorry, I don't know the command /{}."
GUEST_MENU = "What would you like to do?"
STAFF_COMMANDS = ("broadcast", "stats", "signups", "export")


async def test_everyone_else_gets_the_unknown_command_answer_for_every_staff_command(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A member without a role is answered for each staff command exactly as for a command
    that does not exist, and each attempt is logged."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        chat = chat_as(app, clock, MEMBER)
        await chat.send("/nosuchthing")
        unknown = chat.replies()

        answers = {}
        with caplog.at_level(logging.WARNING, logger="bot.engine"):
            for name in STAFF_COMMANDS:
                await chat.send(f"/{name}")
                answers[name] = chat.replies()
        entries = await app.store.audit.entries()

    assert [UNKNOWN.format("nosuchthing"), GUEST_MENU] == unknown
    assert {name: [UNKNOWN.format(name), GUEST_MENU] for name in STAFF_COMMANDS} == answers
    assert [f"refused staff command /{name} from telegram" for name in STAFF_COMMANDS] == [
        record.getMessage() for record in caplog.records
    ]
    assert [] == entries


async def test_a_coordinator_cannot_broadcast_but_can_see_signups(
    tmp_path: Path, clock: FixedClock
) -> None:
    """/broadcast is unknown to a coordinator; /signups works for them."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        await members(app.store, clock.now(), 1)
        chat = chat_as(app, clock, COORDINATOR)

        await chat.send("/broadcast")
        refused = chat.replies()
        await chat.send("/signups")

    assert [UNKNOWN.format("broadcast"), GUEST_MENU] == refused
    assert chat.replies()[0].startswith("🆕 The latest registrations (1):")


async def test_signups_lists_the_latest_registrations_newest_first(
    tmp_path: Path, clock: FixedClock
) -> None:
    """/signups 2 shows the two newest, one line each, channels by name (not codes); a bad
    number says how to ask."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        await members(app.store, clock.now(), 1, city="München", sector="it")
        clock.advance(days=1)
        await members(app.store, clock.now(), 2, first=200, country="US")
        chat = chat_as(app, clock, STAFF)

        await chat.send("/signups 2")
        listed = chat.replies()[0]
        await chat.send("/signups lots")
        refused = chat.replies()[0]
        entries = [(e.actor, e.action, e.detail) for e in await app.store.audit.entries()]

    assert [
        "🆕 The latest registrations (2):",
        "#3 · 28 November 2026 · Member201 Test · United States · Not given · Telegram",
        "#2 · 28 November 2026 · Member200 Test · United States · Not given · Telegram",
    ] == listed.splitlines()
    assert "Send /signups for the latest 10, or a number such as /signups 25 (at most 50)." == (
        refused
    )
    assert [(STAFF, "signups.view", {"members": 2})] == entries


async def test_stats_answers_with_text_and_a_png_chart(tmp_path: Path, clock: FixedClock) -> None:
    """/stats gives the counts by dimension, RSVPs and applications, with a PNG chart."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        ids = await members(app.store, clock.now(), 3, sector="it", interests=["events"])
        await members(app.store, clock.now(), 1, first=300, country="AT", sector="health")
        await app.store.rsvps.answer("diaspora-days-2027", ids[0], "going", clock.now(), guests=1)
        await app.store.applications.submit("health-clinical-2027", ids[1], clock.now(), {})
        chat = chat_as(app, clock, COORDINATOR)

        await chat.send("/stats")
        reply = chat.last[0]
        entries = [(e.actor, e.action) for e in await app.store.audit.entries()]

    lines = reply.text.splitlines()
    assert "📊 Diaspora Connect — 27 November 2026" == lines[0]
    assert "👥 Members: 4 (+4 in the last 7 days, +4 in the last 30)" == lines[1]
    assert "Country of residence: Germany 3 · Austria 1" in lines
    assert "Sector: IT and software 3 · Health care 1" in lines
    assert "Interests: Events in Montenegro 3 · Not given 1" in lines
    assert any(
        line.startswith("• Diaspora Days 2027") and "going 1 (+1 guests)" in line for line in lines
    )
    assert "🎓 Fellowship applications: submitted 1" == lines[-1]
    assert reply.file is not None
    assert reply.file.content.startswith(b"\x89PNG")
    assert [(COORDINATOR, "stats.view")] == entries


async def test_export_sends_three_tables_as_csv_and_xlsx(tmp_path: Path, clock: FixedClock) -> None:
    """/export sends members, RSVPs and applications as CSV and XLSX, formulas neutralised,
    and audits each table."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        ids = await members(app.store, clock.now(), 1, skills='=HYPERLINK("http://x")')
        await app.store.rsvps.answer("diaspora-days-2027", ids[0], "going", clock.now())
        chat = chat_as(app, clock, STAFF)

        await chat.send("/export")
        files = [reply.file for reply in chat.last if reply.file is not None]
        entries = sorted((e.action, e.detail["rows"]) for e in await app.store.audit.entries())

    assert [
        "members-2026-11-27.csv",
        "members-2026-11-27.xlsx",
        "rsvps-2026-11-27.csv",
        "rsvps-2026-11-27.xlsx",
        "fellowship-2026-11-27.csv",
        "fellowship-2026-11-27.xlsx",
    ] == [file.filename for file in files if file is not None]
    members_csv = list(csv.DictReader(io.StringIO(files[0].content.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://x")' == members_csv[0]["skills"]
    sheet = load_workbook(io.BytesIO(files[1].content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    skills = sheet.cell(row=2, column=header.index("skills") + 1)
    assert ('=HYPERLINK("http://x")', "s") == (skills.value, skills.data_type)
    assert [("export.fellowship", 0), ("export.members", 1), ("export.rsvps", 1)] == entries
