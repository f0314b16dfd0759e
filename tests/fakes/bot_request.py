"""python-telegram-bot's HTTP seam (``BaseRequest``) answered in memory like the Bot API: for
tests of the Telegram channel's sends that need no server, only what was asked and answered.

``script[chat_id]`` lists (status, body) answers to give to that chat's next calls (a 429, a
403…); every other sendMessage or editMessageText succeeds. ``calls`` records (method, message
id edited or None, text) of each call that succeeded, ``sent`` (chat, text) of each message.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.request import BaseRequest, RequestData

from bot.channels.telegram import TelegramChannel
from bot.clock import Clock
from bot.messages import Inbound, Reply

BOT = {"id": 42, "is_bot": True, "first_name": "Diaspora Connect", "username": "dc_bot"}


class BotApiRequest(BaseRequest):
    """Answers the Bot API's calls from memory, as the module says."""

    def __init__(self) -> None:
        self.script: dict[int, list[tuple[int, dict[str, object]]]] = {}
        self.calls: list[tuple[str, int | None, str]] = []
        self.sent: list[tuple[int, str]] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if endpoint == "getMe":
            return 200, json.dumps({"ok": True, "result": BOT}).encode()
        chat_id = int(str(params["chat_id"]))
        answers = self.script.get(chat_id)
        if answers:
            status, body = answers.pop(0)
            return status, json.dumps(body).encode()
        edited = int(str(params["message_id"])) if params.get("message_id") else None
        text = str(params["text"])
        self.calls.append((endpoint, edited, text))
        if edited is None:
            self.sent.append((chat_id, text))
        message = {
            "message_id": edited or len(self.sent),
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        }
        return 200, json.dumps({"ok": True, "result": message}).encode()


async def _no_replies(inbound: Inbound) -> list[Reply]:
    return []


@asynccontextmanager
async def telegram_channel(clock: Clock) -> AsyncIterator[tuple[BotApiRequest, TelegramChannel]]:
    """A TelegramChannel for sending only, initialised on a :class:`BotApiRequest`."""
    request = BotApiRequest()
    channel = TelegramChannel(
        "42:TEST", _no_replies, clock, request=request, updates_request=BotApiRequest()
    )
    await channel.application.initialize()
    try:
        yield request, channel
    finally:
        await channel.application.shutdown()
