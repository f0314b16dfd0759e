"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

The real python-telegram-bot ``Application`` talks to it over HTTP through the configurable base
URL (``f"{fake.url}/bot"``), as it would talk to Telegram: ``getUpdates`` long-polls, every call
is recorded, messages get ids. A test pushes updates as a member would send them and waits for
what the bot sent back::

    async with FakeBotApi() as fake:
        ...  # start the app with telegram_api_base_url=f"{fake.url}/bot"
        fake.push_text(1001, "/start")
        greeting, question = await fake.wait_for_messages(1001, 2)

It checks what Telegram checks (message length, callback_data size, "message is not modified"),
can enforce a rate limit on sends (429 with ``retry_after``) and answer 403 for chats that
blocked the bot. uvicorn runs in the caller's event loop and leaves signal handlers alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import LocalServer

JSON = dict[str, Any]

TOKEN = "123456:TEST"
MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64
# Sends that count against the rate limit.
SENDS = frozenset({"sendMessage", "sendDocument"})


@dataclass(frozen=True)
class Upload:
    """A file that came in a multipart request."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Call:
    """One Bot API request as the fake received it, and the HTTP status it answered."""

    method: str
    params: JSON
    status: int = 200


@dataclass(frozen=True)
class Sent:
    """A message the bot sent or edited, as the member sees it."""

    method: str  # sendMessage, editMessageText or sendDocument
    chat_id: int
    message_id: int
    text: str
    reply_markup: JSON | None
    at: float  # time.perf_counter() when the fake received it
    document: Upload | None = None

    @property
    def buttons(self) -> list[JSON]:
        """Every button of the keyboard (inline or reply keyboard), row after row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [
            button if isinstance(button, dict) else {"text": button}
            for row in rows
            for button in row
        ]

    def callback_data(self, label: str) -> str:
        """The callback_data of the inline button labelled ``label`` (or whose option id it is)."""
        for button in self.buttons:
            data = button.get("callback_data")
            if data is not None and label in (button.get("text"), str(data).partition(":")[2]):
                return str(data)
        raise AssertionError(f"no button {label!r} in {[b.get('text') for b in self.buttons]}")


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class FakeBotApi:
    """A Bot API server for one bot; ``async with`` starts it on a free port and stops it."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        username: str = "diaspora_test_bot",
        send_limit: int | None = None,
        retry_after: int = 1,
        send_delay: float = 0.0,
        port: int = 0,
    ) -> None:
        """``send_limit`` caps sends a second over all chats (beyond it: 429, ``retry_after``);
        ``send_delay`` is how long a sendMessage takes to answer (a distant server); ``port``
        is where to listen (0: a free one)."""
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Diaspora Connect",
            "username": username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.send_limit = send_limit
        self.retry_after = retry_after
        self.send_delay = send_delay
        self.calls: list[Call] = []
        self.blocked: set[int] = set()
        self.pushed_at: dict[int, float] = {}
        self.port = port
        self._update_ids = itertools.count(1)
        self._updates: deque[JSON] = deque()
        self._arrived = asyncio.Event()
        self._users: dict[int, JSON] = {}
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._messages: dict[tuple[int, int], JSON] = {}
        self._sent: defaultdict[int, list[Sent]] = defaultdict(list)
        self._read: defaultdict[int, int] = defaultdict(int)
        self._sent_events: dict[int, asyncio.Event] = {}
        self._recent_sends: deque[float] = deque()
        self._closing = False
        self._server: LocalServer | None = None
        self._methods: dict[str, Callable[[JSON], Coroutine[Any, Any, Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._true,
            "setwebhook": self._true,
            "setmycommands": self._true,
            "answercallbackquery": self._true,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "senddocument": self._send_document,
        }

    @property
    def url(self) -> str:
        """The server's root; the bot's base URL is ``f"{url}/bot"``."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeBotApi:
        app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )
        self._server = LocalServer(app, "fake Bot API", port=self.port)
        await self._server.start()
        self.port = self._server.port
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Pending long polls return at once, so uvicorn need not wait for them.
        self._closing = True
        self._arrived.set()
        if self._server is not None:
            await self._server.stop()

    # What members do.

    def push_text(
        self,
        user_id: int,
        text: str,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """A member types ``text``; returns the update id.

        ``language_code`` and ``first_name`` stay as the member's first update set them
        ("en" and "Member <id>" unless given).
        """
        message = self._user_message(user_id, language_code, first_name)
        message["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._queue({"message": message})

    def push_callback(self, user_id: int, data: str, message_id: int) -> int:
        """A member presses the button with ``data`` under the bot's message ``message_id``."""
        user = self._user(user_id)
        shown = self._messages.get((user_id, message_id))
        message = (
            dict(shown)
            if shown is not None
            else {
                # What Telegram sends for a message it no longer shows: an inaccessible message.
                "message_id": message_id,
                "date": 0,
                "chat": self._chat(user),
            }
        )
        return self._queue(
            {
                "callback_query": {
                    "id": f"cq-{user_id}-{time.monotonic_ns()}",
                    "from": user,
                    "chat_instance": f"ci-{user_id}",
                    "data": data,
                    "message": message,
                }
            }
        )

    def push_contact(self, user_id: int, phone: str, *, own: bool | None = True) -> int:
        """A member shares a phone number: their own (as the share button does), another
        Telegram user's (``own=False``), or a number with no Telegram account (``own=None``:
        Telegram leaves the card's ``user_id`` out)."""
        message = self._user_message(user_id)
        message["contact"] = {"phone_number": phone, "first_name": message["from"]["first_name"]}
        if own is not None:
            message["contact"]["user_id"] = user_id if own else user_id + 1
        return self._queue({"message": message})

    def push_sticker(self, user_id: int) -> int:
        """A member sends a sticker."""
        message = self._user_message(user_id)
        message["sticker"] = {
            "file_id": f"sticker-{user_id}",
            "file_unique_id": f"sticker-unique-{user_id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self._queue({"message": message})

    def push_group_reply(self, chat_id: int, user_id: int, text: str, reply_to: int) -> int:
        """Someone in the group ``chat_id`` (a negative id) replies with ``text`` to the
        message ``reply_to`` there (the bot's, when it sent one with that id)."""
        group = {"id": chat_id, "type": "supergroup", "title": "Staff"}
        shown = self._messages.get((chat_id, reply_to))
        replied: JSON = dict(shown) if shown is not None else {"message_id": reply_to, "date": 0}
        replied.setdefault("from", self.bot_user)
        replied["chat"] = group
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": group,
            "from": self._user(user_id),
            "text": text,
            "reply_to_message": replied,
        }
        return self._queue({"message": message})

    # What tests look at.

    async def wait_for_messages(
        self,
        chat_id: int,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is this helper's contract
    ) -> list[Sent]:
        """Waits for the next ``n`` messages sent or edited in ``chat_id`` and returns them.

        "Next" means after those returned by the previous wait for this chat.
        """
        start = self._read[chat_id]
        sent = self._sent[chat_id]
        try:
            async with asyncio.timeout(timeout):
                while len(sent) < start + n:
                    await self._sent_events.setdefault(chat_id, asyncio.Event()).wait()
        except TimeoutError:
            got = [message.text[:60] for message in sent[start:]]
            raise AssertionError(
                f"expected {n} messages in chat {chat_id} within {timeout:g}s; got {got}"
            ) from None
        self._read[chat_id] = start + n
        return sent[start : start + n]

    def messages(self, chat_id: int) -> list[Sent]:
        """Every message sent or edited in ``chat_id``, in order."""
        return list(self._sent[chat_id])

    def unread(self, chat_id: int) -> list[Sent]:
        """The messages in ``chat_id`` that no wait has returned yet."""
        return self._sent[chat_id][self._read[chat_id] :]

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    # The HTTP side.

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = str(request.path_params["method"])
        params = await _params(request)
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
        except ApiError as error:
            self.calls.append(Call(method, params, error.status))
            return JSONResponse(error.body(), status_code=error.status)
        self.calls.append(Call(method, params))
        return JSONResponse({"ok": True, "result": result})

    async def _true(self, params: JSON) -> bool:
        return True

    async def _get_me(self, params: JSON) -> JSON:
        return self.bot_user

    async def _get_updates(self, params: JSON) -> list[JSON]:
        """Long polling: answers as soon as an update newer than ``offset`` is queued."""
        offset = _int(params, "offset", 0)
        limit = min(max(_int(params, "limit", 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        # Like Telegram, an offset confirms (forgets) every earlier update.
        while self._updates and offset > 0 and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            arrived = self._arrived
            ready = [update for update in self._updates if update["update_id"] >= offset]
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing:
                return ready[:limit]
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await arrived.wait()

    async def _send_message(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MESSAGE_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = _markup(params)
        self._check_sendable("sendMessage", chat_id)
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        message = self._bot_message(chat_id, text=text, reply_markup=markup)
        self._record("sendMessage", message, markup)
        return message

    async def _send_document(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        document = params.get("document")
        if not isinstance(document, Upload):
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = str(params.get("caption") or "")
        markup = _markup(params)
        self._check_sendable("sendDocument", chat_id)
        message = self._bot_message(chat_id, caption=caption, reply_markup=markup)
        message["document"] = {
            "file_id": f"doc-{chat_id}-{message['message_id']}",
            "file_unique_id": f"doc-unique-{chat_id}-{message['message_id']}",
            "file_name": document.filename,
            "file_size": len(document.content),
        }
        self._record("sendDocument", message, markup, document)
        return message

    async def _edit_message_text(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        message = self._messages.get((chat_id, _int(params, "message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MESSAGE_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = _markup(params)
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply"
                " markup are exactly the same as a current content and reply markup of the message",
            )
        message["text"] = text
        message["edit_date"] = int(time.time())
        _set_markup(message, markup)
        self._record("editMessageText", message, markup)
        return message

    # Helpers.

    def _queue(self, update: JSON) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        self._updates.append(update)
        self.pushed_at[update_id] = time.perf_counter()
        # Wake the pending long poll; the next one waits on a fresh event.
        self._arrived.set()
        self._arrived = asyncio.Event()
        return update_id

    def _user(
        self, user_id: int, language_code: str | None = None, first_name: str | None = None
    ) -> JSON:
        user = self._users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": f"Member {user_id}",
                "language_code": "en",
            },
        )
        if language_code is not None:
            user["language_code"] = language_code
        if first_name is not None:
            user["first_name"] = first_name
        return dict(user)

    @staticmethod
    def _chat(user: JSON) -> JSON:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def _user_message(
        self, user_id: int, language_code: str | None = None, first_name: str | None = None
    ) -> JSON:
        user = self._user(user_id, language_code, first_name)
        return {
            "message_id": next(self._message_ids[user_id]),
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": user,
        }

    def _chat_id(self, params: JSON) -> int:
        try:
            return int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _check_sendable(self, method: str, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.send_limit is None or method not in SENDS:
            return
        now = time.perf_counter()
        recent = self._recent_sends
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= self.send_limit:
            raise ApiError(
                429,
                f"Too Many Requests: retry after {self.retry_after}",
                retry_after=self.retry_after,
            )
        recent.append(now)

    def _bot_message(self, chat_id: int, *, reply_markup: JSON | None, **content: str) -> JSON:
        user = self._users.get(chat_id, {"id": chat_id, "first_name": f"Member {chat_id}"})
        message: JSON = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": self.bot_user,
            **{key: value for key, value in content.items() if value},
        }
        _set_markup(message, reply_markup)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _record(
        self, method: str, message: JSON, markup: JSON | None, document: Upload | None = None
    ) -> None:
        chat_id = int(message["chat"]["id"])
        self._sent[chat_id].append(
            Sent(
                method=method,
                chat_id=chat_id,
                message_id=int(message["message_id"]),
                text=str(message.get("text") or message.get("caption") or ""),
                reply_markup=markup,
                at=time.perf_counter(),
                document=document,
            )
        )
        event = self._sent_events.pop(chat_id, None)
        if event is not None:
            event.set()


async def _params(request: Request) -> JSON:
    """The call's parameters, whether they came as a query, JSON, a form or multipart."""
    params: JSON = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            params.update(json.loads(body))
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    params[key] = Upload(value.filename or key, await value.read())
                else:
                    params[key] = value
    return params


def _int(params: JSON, name: str, default: int) -> int:
    value = params.get(name)
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name}") from None


def _markup(params: JSON) -> JSON | None:
    """The reply_markup parameter as a dict (forms carry it as a JSON string)."""
    value = params.get("reply_markup")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON") from None
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON")
    for row in value.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode("utf-8")) > CALLBACK_LIMIT:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return value


def _set_markup(message: JSON, markup: JSON | None) -> None:
    """Telegram shows only inline keyboards on the message itself."""
    if markup is not None and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


class TelegramUser:
    """A Telegram user chatting with the bot through the fake; tests read like transcripts.

    Each action pushes one update and waits for ``replies`` messages (sent or edited) in the
    user's chat; ``reply_times`` keeps, per action, the seconds from pushing the update to the
    fake receiving the last of them.
    """

    def __init__(
        self,
        fake: FakeBotApi,
        user_id: int,
        *,
        first_name: str = "Ana",
        language_code: str = "en",
        timeout: float = 5.0,
    ) -> None:
        self.fake = fake
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.timeout = timeout
        self.reply_times: list[float] = []

    async def send(self, text: str, replies: int = 1) -> list[Sent]:
        """Types ``text``."""
        update_id = self.fake.push_text(
            self.user_id, text, language_code=self.language_code, first_name=self.first_name
        )
        return await self._replies(update_id, replies)

    async def press(self, label: str, replies: int = 1) -> list[Sent]:
        """Presses the button ``label`` (or option id) on the latest inline keyboard."""
        return await self.press_on(self.keyboard(), label, replies)

    async def press_on(self, message: Sent, label: str, replies: int = 1) -> list[Sent]:
        """Presses the button ``label`` on the keyboard ``message`` carried."""
        data = message.callback_data(label)
        update_id = self.fake.push_callback(self.user_id, data, message.message_id)
        return await self._replies(update_id, replies)

    async def share_contact(
        self, phone: str, replies: int = 1, *, own: bool | None = True
    ) -> list[Sent]:
        """Shares a phone number: their own, another user's (False) or one without a Telegram
        account (None)."""
        update_id = self.fake.push_contact(self.user_id, phone, own=own)
        return await self._replies(update_id, replies)

    async def send_sticker(self, replies: int = 1) -> list[Sent]:
        """Sends a sticker."""
        return await self._replies(self.fake.push_sticker(self.user_id), replies)

    def keyboard(self) -> Sent:
        """The latest message in the chat that carries an inline keyboard."""
        for message in reversed(self.fake.messages(self.user_id)):
            if message.reply_markup and "inline_keyboard" in message.reply_markup:
                return message
        raise AssertionError(f"no inline keyboard in chat {self.user_id}")

    async def _replies(self, update_id: int, replies: int) -> list[Sent]:
        sent = await self.fake.wait_for_messages(self.user_id, replies, self.timeout)
        self.reply_times.append(sent[-1].at - self.fake.pushed_at[update_id])
        return sent
