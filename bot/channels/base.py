"""What every channel that can send on its own (not only reply) offers."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply


class Channel(Protocol):
    """A way to reach members. ``send`` returns the provider's message id, or raises a
    :class:`bot.errors.DeliveryError` subclass (temporary, rate-limited, or permanent)."""

    name: str

    async def send(self, address: str, reply: Reply) -> str: ...
