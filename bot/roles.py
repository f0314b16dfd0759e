"""Who may use the staff commands: staff and coordinators, by the address they write from.

Roles come from the settings (``STAFF_TELEGRAM_IDS``, ``COORDINATOR_TELEGRAM_IDS``,
``STAFF_WHATSAPP_NUMBERS``) and are handed to the engine as data. Staff can do everything
coordinators can; a command or flow that needs a role is unknown to everyone without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.flow import Command

STAFF = "staff"
COORDINATOR = "coordinator"
# A role may do what every role ranked at or below it may.
_RANK = {COORDINATOR: 1, STAFF: 2}


@dataclass(frozen=True)
class Restricted:
    """A command only addresses with ``role`` (or a higher one) may use."""

    command: Command
    role: str


@dataclass(frozen=True)
class Roles:
    """The addresses (``telegram:123``, ``whatsapp:+382…``) of staff and of coordinators."""

    staff: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()

    @classmethod
    def from_ids(
        cls,
        *,
        staff_telegram_ids: Iterable[str] = (),
        coordinator_telegram_ids: Iterable[str] = (),
        staff_whatsapp_numbers: Iterable[str] = (),
    ) -> Roles:
        """Roles from the settings' Telegram user ids and WhatsApp numbers (any format)."""
        staff = {f"telegram:{value.strip()}" for value in staff_telegram_ids if value.strip()}
        staff |= {f"whatsapp:{_e164(number)}" for number in staff_whatsapp_numbers if number}
        coordinators = {
            f"telegram:{value.strip()}" for value in coordinator_telegram_ids if value.strip()
        }
        return cls(frozenset(staff), frozenset(coordinators - staff))

    def of(self, address: str) -> str | None:
        """The address's role, or None for everyone else."""
        if address in self.staff:
            return STAFF
        if address in self.coordinators:
            return COORDINATOR
        return None

    def allows(self, address: str, role: str) -> bool:
        """Whether the address may do what ``role`` may."""
        held = self.of(address)
        return held is not None and _RANK[held] >= _RANK[role]


def _e164(number: str) -> str:
    """``+382 67 123 456``, ``0038267123456`` and ``38267123456`` alike → ``+38267123456``."""
    import phonenumbers  # only when staff numbers are configured (issue 12: footprint)

    raw = number.strip().removeprefix("whatsapp:")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.startswith("+"):
        raw = "+" + raw
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return raw
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
