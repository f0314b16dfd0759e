"""Roles from the settings: staff and coordinators by Telegram id or WhatsApp number."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from bot.roles import COORDINATOR, STAFF, Roles
from tests.chat import Chat
from tests.fakes.channel import FakeChannel
from tests.staffing import STAFF as STAFF_ADDRESS
from tests.staffing import chat_as, staff_app


def test_roles_from_settings_normalise_numbers_and_rank_staff_above_coordinators() -> None:
    """WhatsApp numbers in any usual format match the address; staff may do what
    coordinators may, not the other way round; anyone else has no role."""
    roles = Roles.from_ids(
        staff_telegram_ids=["11", " "],
        coordinator_telegram_ids=["22", "11"],
        staff_whatsapp_numbers=["00382 67 123 456"],
    )

    assert (STAFF, STAFF, COORDINATOR, None) == (
        roles.of("telegram:11"),
        roles.of("whatsapp:+38267123456"),
        roles.of("telegram:22"),
        roles.of("telegram:33"),
    )
    assert roles.allows("telegram:11", COORDINATOR)
    assert not roles.allows("telegram:22", STAFF)
    assert not roles.allows("telegram:33", COORDINATOR)


async def test_a_staff_whatsapp_number_can_use_staff_commands(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A number listed in STAFF_WHATSAPP_NUMBERS gets /signups on WhatsApp."""
    async with staff_app(
        tmp_path, clock, FakeChannel(), staff_whatsapp_numbers="+382 67 123 456"
    ) as app:
        chat = Chat(app.engine, clock, "whatsapp:+38267123456")
        await chat.send("/signups")

    assert "Nobody has registered yet." == chat.replies()[0]


async def test_a_role_taken_away_ends_the_staff_flow(tmp_path: Path, clock: FixedClock) -> None:
    """Removed from the settings in the middle of /broadcast, the next message gets the menu,
    not the broadcast's next question."""
    async with staff_app(tmp_path, clock, FakeChannel()) as app:
        chat = chat_as(app, clock, STAFF_ADDRESS)
        await chat.send("/broadcast")
        await chat.press("✍️ Write a message")
    async with staff_app(tmp_path, clock, FakeChannel(), staff_telegram_ids="") as app:
        chat = chat_as(app, clock, STAFF_ADDRESS)
        await chat.send("Hello everyone")

    assert ["What would you like to do?"] == chat.replies()
