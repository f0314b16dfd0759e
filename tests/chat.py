"""A member chatting with the engine, so conversation tests read like transcripts."""

from __future__ import annotations

import itertools

from bot.clock import Clock
from bot.engine import Engine
from bot.messages import Inbound, Kind, Reply

_update_ids = itertools.count(1)


class Chat:
    """Sends what a member would send and keeps what the bot answered."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        address: str = "telegram:1001",
        *,
        language_hint: str | None = "en",
        display_name: str | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.address = address
        self.language_hint = language_hint
        self.display_name = display_name
        self.last: list[Reply] = []
        self.history: list[Reply] = []

    async def _send(self, **fields: object) -> list[Reply]:
        inbound = Inbound(
            address=self.address,
            received_at=self.clock.now(),
            provider_id=f"test-{next(_update_ids)}",
            language_hint=self.language_hint,
            display_name=self.display_name,
            **fields,  # type: ignore[arg-type]
        )
        self.last = await self.engine.handle(inbound)
        self.history += self.last
        return self.last

    async def send(self, text: str) -> list[Reply]:
        """Types a message."""
        return await self._send(kind=Kind.TEXT, text=text)

    async def press(self, label: str) -> list[Reply]:
        """Presses the button whose label (or id) is ``label`` on the latest keyboard."""
        for reply in reversed(self.last):
            for option in reply.options:
                if label in (option.label, option.id):
                    return await self._send(kind=Kind.CHOICE, choice=option.id, ref=reply.ref)
        raise AssertionError(f"no button {label!r} in {self.options()}")

    async def press_old(self, reply: Reply, label: str) -> list[Reply]:
        """Presses a button on an earlier message's keyboard."""
        option = next(o for o in reply.options if label in (o.label, o.id))
        return await self._send(kind=Kind.CHOICE, choice=option.id, ref=reply.ref)

    async def share_contact(self, phone: str, *, own: bool = True) -> list[Reply]:
        """Shares a contact card: their own (as the platform vouches) unless ``own`` is False."""
        return await self._send(kind=Kind.CONTACT, contact_phone=phone, contact_own=own)

    async def send_media(self, caption: str = "") -> list[Reply]:
        return await self._send(kind=Kind.MEDIA, text=caption)

    async def send_location(self) -> list[Reply]:
        return await self._send(kind=Kind.LOCATION)

    def replies(self) -> list[str]:
        """The texts of the latest answer, in order."""
        return [reply.text for reply in self.last]

    def options(self) -> list[str]:
        """The button labels of the latest question."""
        for reply in reversed(self.last):
            if reply.options:
                return [option.label for option in reply.options]
        return []

    @property
    def question(self) -> str:
        """The latest message that offers options, or else the latest message."""
        for reply in reversed(self.last):
            if reply.options:
                return reply.text
        return self.last[-1].text if self.last else ""
