"""A channel that keeps what it is asked to send, and fails on cue; for outbox tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.messages import Reply


class FakeChannel:
    """Implements :class:`bot.channels.base.Channel`; ``fail[address]`` lists errors to raise."""

    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.sent: list[tuple[str, Reply]] = []
        self.fail: dict[str, list[Exception]] = {}
        self.before_send: Callable[[str], Awaitable[None]] | None = None

    async def send(self, address: str, reply: Reply) -> str:
        if self.before_send is not None:
            await self.before_send(address)
        errors = self.fail.get(address)
        if errors:
            raise errors.pop(0)
        self.sent.append((address, reply))
        return f"{self.name}-{len(self.sent)}"

    def texts(self, address: str | None = None) -> list[str]:
        """The texts sent (to one address, or to all), in order."""
        return [reply.text for to, reply in self.sent if address is None or to == address]
