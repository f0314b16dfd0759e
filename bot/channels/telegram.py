"""The Telegram channel: python-telegram-bot updates in, neutral replies out.

Options become inline keyboards whose callback_data is ``<question ref>:<option id>`` (at most
64 bytes), so a press on an old keyboard is recognised. A question that asks for the phone shows
a "share my phone number" keyboard instead. Library errors become the project's own here.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from telegram import BotCommand, CallbackQuery, InputFile, Message, Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot.channels.telegram_transport import AiohttpRequest, json_data
from bot.clock import Clock
from bot.errors import (
    ChannelRefused,
    ChannelUnavailable,
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    TemporaryDeliveryError,
    Unreachable,
)
from bot.messages import GroupReply, Inbound, Kind, Option, Reply, address_id
from bot.text import split_message

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64

Handler = Callable[[Inbound], Awaitable[list[Reply]]]
# Replies in the staff group to the bot's messages there (the answers go back to the group).
GroupHandler = Callable[[GroupReply], Awaitable[list[Reply]]]
JSON = dict[str, Any]
REMOVE_KEYBOARD: JSON = {"remove_keyboard": True}


def callback_data(ref: int | None, option: Option) -> str:
    """The button's callback_data: the question's ref and the option id, within 64 bytes."""
    data = f"{ref or 0}:{option.id}"
    if len(data.encode("utf-8")) > CALLBACK_LIMIT:
        raise ValueError(f"option id too long for Telegram: {option.id!r}")
    return data


def _rows(options: Sequence[Option], columns: int) -> list[list[Option]]:
    """Lays options out ``columns`` a row; back/skip/cancel share the last row."""
    choices = [option for option in options if not option.id.startswith("~")]
    controls = [option for option in options if option.id.startswith("~")]
    width = max(1, columns)
    rows = [choices[index : index + width] for index in range(0, len(choices), width)]
    if controls:
        rows.append(controls)
    return rows


def phone_keyboard(reply: Reply) -> JSON:
    """The "share my phone number" keyboard; it holds nothing else, so a press on it later
    can never be taken for another answer."""
    button = {"text": reply.phone_label or "📱", "request_contact": True}
    return {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}


def keyboard(reply: Reply) -> JSON | None:
    """The inline keyboard for a reply's options, as the Bot API's JSON object."""
    if not reply.options:
        return None
    return {
        "inline_keyboard": [
            [
                {"text": option.label, "callback_data": callback_data(reply.ref, option)}
                for option in row
            ]
            for row in _rows(reply.options, reply.columns)
        ]
    }


def to_inbound(update: Update, received_at: dtm.datetime) -> Inbound | None:
    """Translates an update into the neutral inbound message (None for updates we ignore)."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return None
    common = {
        "address": f"telegram:{chat.id}",
        "received_at": received_at,
        "provider_id": f"tg-{update.update_id}",
        "language_hint": user.language_code,
        "display_name": " ".join(part for part in (user.first_name, user.last_name) if part),
    }
    query = update.callback_query
    if query is not None:
        ref, _, choice = (query.data or "").partition(":")
        return Inbound(
            kind=Kind.CHOICE,
            choice=choice,
            ref=int(ref) if ref.isdigit() else None,
            **common,  # type: ignore[arg-type]
        )
    message = update.message or update.edited_message
    if message is None:
        return None
    if message.contact is not None:
        # Telegram vouches for a number only through the card's user_id: the share-my-number
        # button sends the sender's own id. A card without one (any number with no Telegram
        # account) or with someone else's is only a number the member passed on, like a typed one.
        return Inbound(
            kind=Kind.CONTACT,
            contact_phone=message.contact.phone_number,
            contact_own=message.contact.user_id is not None and message.contact.user_id == user.id,
            **common,  # type: ignore[arg-type]
        )
    if message.location is not None or message.venue is not None:
        return Inbound(kind=Kind.LOCATION, **common)  # type: ignore[arg-type]
    if message.text is not None:
        return Inbound(kind=Kind.TEXT, text=message.text, **common)  # type: ignore[arg-type]
    return Inbound(kind=Kind.MEDIA, text=message.caption or "", **common)  # type: ignore[arg-type]


def to_group_reply(
    update: Update, received_at: dtm.datetime, chat_id: int | None
) -> GroupReply | None:
    """A text message in the staff group ``chat_id`` that replies to one of the bot's messages
    (None for anything else: every other update from a group is dropped)."""
    message = update.message
    user = update.effective_user
    if chat_id is None or message is None or user is None or message.chat.id != chat_id:
        return None
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if replied is None or author is None or not author.is_bot or not message.text:
        return None
    return GroupReply(
        chat=f"telegram:{chat_id}",
        sender=f"telegram:{user.id}",
        replied_to=str(replied.message_id),
        text=message.text,
        received_at=received_at,
        provider_id=f"tg-{update.update_id}",
    )


def translate(error: TelegramError) -> DeliveryError:
    """Turns a python-telegram-bot error into the project's own."""
    if isinstance(error, Forbidden):
        return Unreachable(f"telegram: {error.message}")
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait)
        return RateLimited(seconds, "telegram flood control")
    if isinstance(error, BadRequest):
        if "chat not found" in error.message.lower():
            return Unreachable(f"telegram: {error.message}")
        return PermanentDeliveryError(f"telegram: {error.message}")
    if isinstance(error, NetworkError):
        return TemporaryDeliveryError(f"telegram: {error.message}")
    return TemporaryDeliveryError(f"telegram: {error.message}")


def start_error(error: TelegramError, base_url: str) -> ChannelRefused | ChannelUnavailable:
    """Why the bot could not start: the token refused (401, or 404 for a malformed one), or
    the Bot API out of reach for now (no connection, a time-out, a 5xx, flood control)."""
    if isinstance(error, InvalidToken):
        # PTB's own text quotes the token; the server's answer is in the cause.
        cause = error.__cause__
        answer = cause.message if isinstance(cause, TelegramError) else "refused"
        status = {"Unauthorized": "401 Unauthorized", "Not Found": "404 Not Found"}.get(
            answer, answer
        )
        return ChannelRefused(
            f"the Bot API refused TELEGRAM_BOT_TOKEN ({status}); Telegram is off until the "
            "token is fixed"
        )
    if isinstance(error, NetworkError | RetryAfter | Conflict):
        return ChannelUnavailable(f"cannot reach the Bot API at {base_url} ({error.message})")
    return ChannelRefused(f"the Bot API refused to start the bot: {error.message}")


class TelegramChannel:
    """Serves one bot through python-telegram-bot, by long polling or by webhook."""

    name = "telegram"

    def __init__(
        self,
        token: str,
        handle: Handler,
        clock: Clock,
        *,
        base_url: str = "https://api.telegram.org/bot",
        request: BaseRequest | None = None,
        updates_request: BaseRequest | None = None,
        webhook: bool = False,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        commands: Iterable[tuple[str, dict[str, str]]] = (),
        concurrency: int = 64,
        staff_chat: int | None = None,
        on_staff_reply: GroupHandler | None = None,
    ) -> None:
        self.handle = handle
        # The staff group (STAFF_TELEGRAM_CHAT_ID): replies there to the bot's posts are staff's.
        self.staff_chat = staff_chat
        self.on_staff_reply = on_staff_reply
        self.clock = clock
        self.webhook = webhook
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.commands = list(commands)
        self.base_url = base_url
        file_url = base_url.rstrip("/").removesuffix("/bot") + "/file/bot"
        self.request = request or AiohttpRequest()
        builder: ApplicationBuilder = (  # type: ignore[type-arg]
            Application.builder()
            .token(token)
            .base_url(base_url)
            .base_file_url(file_url)
            .concurrent_updates(concurrency)
            .request(self.request)
        )
        if updates_request is not None:
            builder = builder.get_updates_request(updates_request)
        if webhook:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        # Told when polling loses the Bot API after the channel was up (the supervisor's lost).
        self.on_lost: Callable[[Exception], None] | None = None
        self._phone_keyboard: set[int] = set()
        # Messages sent under a Reply.key, by (chat, key), so a later reply with the key edits
        # them in place.
        self._keyed: dict[tuple[int, str], int] = {}

    @property
    def bot_username(self) -> str | None:
        try:
            return str(self.application.bot.username)
        except RuntimeError:
            return None

    async def connect(self) -> None:
        """Connects for sending (``getMe``); raises ChannelUnavailable or ChannelRefused, and
        leaves nothing open, when Telegram cannot be reached or refuses the token."""
        await self._starting(self.application.initialize())

    async def start(self) -> None:
        """Connects, registers the command menu, and starts polling — or, in webhook mode, tells
        Telegram where to post updates (``setWebhook`` with the secret token). Raises like
        :meth:`connect`, leaving nothing open, so it can be tried again."""
        await self._starting(self._start())
        log.info("telegram: serving @%s", self.bot_username)

    async def _start(self) -> None:
        await self.application.initialize()
        await self.register_commands()
        await self.application.start()
        if self.webhook and self.webhook_url:
            await self.application.bot.set_webhook(
                self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        if not self.webhook and self.application.updater is not None:
            await self.application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, error_callback=self._polling_failed
            )

    def _polling_failed(self, error: TelegramError) -> None:
        """A getUpdates that failed while polling (python-telegram-bot tries again by itself):
        told to whoever watches the channel, instead of a traceback each time."""
        if self.on_lost is not None:
            self.on_lost(start_error(error, self.base_url))
        else:
            log.warning("telegram: polling failed: %s", error.message)

    async def ping(self) -> None:
        """getMe: raises ChannelUnavailable or ChannelRefused unless the Bot API answers."""
        try:
            await self.application.bot.get_me()
        except TelegramError as error:
            raise start_error(error, self.base_url) from None

    async def _starting(self, steps: Awaitable[None]) -> None:
        """Runs start-up steps; on any failure (or cancellation) undoes what they opened and
        raises the project's error for a Bot API one."""
        try:
            await steps
        except BaseException as error:
            await self.stop()
            if isinstance(error, TelegramError):
                raise start_error(error, self.base_url) from None
            raise

    async def stop(self) -> None:
        """Stops whatever runs, however far the start got, and closes the connections."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        # A start that failed in getMe leaves the application uninitialised, which shutdown()
        # skips, but the requests' sessions open: the bot closes them (a no-op otherwise).
        await self.application.bot.shutdown()

    async def register_commands(self) -> None:
        """setMyCommands once per language: the default menu, then each language code's."""
        for language_code, descriptions in self.commands:
            commands = [BotCommand(name, text) for name, text in descriptions.items()]
            try:
                await self.application.bot.set_my_commands(
                    commands, language_code=language_code or None
                )
            except TelegramError as error:
                log.warning("telegram: could not set the command menu: %s", error.message)

    async def process(self, payload: dict[str, object]) -> None:
        """Feeds one webhook update (JSON already parsed) to the application; ValueError when
        the payload is no update."""
        if type(payload.get("update_id")) is not int:
            raise ValueError("no update_id")
        try:
            update = Update.de_json(payload, self.application.bot)
        # de_json raises whatever a malformed object trips over: a missing field (TypeError,
        # KeyError), a string for an object (AttributeError), a date out of range…
        except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as error:
            raise ValueError(f"{type(error).__name__}: {error}") from error
        await self.application.update_queue.put(update)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        # The press is acknowledged while the answer is worked out, not before: waiting for
        # answerCallbackQuery first would add a round trip to Telegram to every button's reply.
        answering = asyncio.create_task(self._answer_query(query)) if query else None
        try:
            await self._reply(update)
        finally:
            if answering is not None:
                await answering

    async def _reply(self, update: Update) -> None:
        if self.on_staff_reply is not None:
            staff = to_group_reply(update, self.clock.now(), self.staff_chat)
            if staff is not None:
                await self._staff_reply(staff)
                return
        inbound = to_inbound(update, self.clock.now())
        if inbound is None:
            return
        replies = await self.handle(inbound)
        chat_id = int(address_id(inbound.address))
        source = update.callback_query.message if update.callback_query else None
        for reply in replies:
            try:
                if reply.replace and isinstance(source, Message):
                    await self._edit(source, reply)
                    source = None
                else:
                    await self._deliver(chat_id, reply)
            except TelegramError as error:
                log.warning("telegram: reply to %s failed: %s", inbound.address, error.message)
                break

    async def _staff_reply(self, reply: GroupReply) -> None:
        """Hands a reply in the staff group over, and posts what comes back in the group."""
        assert self.on_staff_reply is not None and self.staff_chat is not None
        for answer in await self.on_staff_reply(reply):
            try:
                await self._deliver(self.staff_chat, answer)
            except TelegramError as error:
                log.warning("telegram: reply in the staff group failed: %s", error.message)
                break

    async def _answer_query(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramError as error:
            log.debug("telegram: answering a callback query failed: %s", error.message)

    async def call(self, method: str, **params: object) -> JSON:
        """Calls a Bot API method that answers with a message, in plain JSON both ways.

        Text messages and edits go this way rather than through ``Bot.send_message``: building
        python-telegram-bot's objects for the call and parsing a ``Message`` from every answer
        is most of a send's CPU, and the outbox sends thousands. The transport and PTB's
        handling of the answer (429 → ``RetryAfter``, 403 → ``Forbidden``…) are the same."""
        url = f"{self.application.bot.base_url}/{method}"
        result = await self.request.post(url, json_data(params))
        if not isinstance(result, dict):
            raise NetworkError(f"{method} answered {result!r}, not a message")
        return result

    async def _edit(self, message: Message, reply: Reply) -> None:
        await self._edit_text(message.chat_id, message.message_id, reply)

    async def _edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        """Edits a message's text and inline keyboard; an edit that changes nothing is fine."""
        try:
            await self.call(
                "editMessageText",
                chat_id=chat_id,
                message_id=message_id,
                text=reply.text[:MESSAGE_LIMIT],
                reply_markup=keyboard(reply),
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise

    async def _deliver(self, chat_id: int, reply: Reply) -> str:
        """Sends one reply, split where it is too long; returns the last message's id. A reply
        with a key edits the message sent earlier under that key, when there is one."""
        if reply.key is not None:
            edited = await self._edit_keyed(chat_id, reply)
            if edited is not None:
                return edited
        markup = keyboard(reply)
        if markup is None and chat_id in self._phone_keyboard:
            markup = REMOVE_KEYBOARD
            self._phone_keyboard.discard(chat_id)
        # A file with no words goes alone; Telegram refuses an empty message.
        parts = split_message(reply.text, MESSAGE_LIMIT) if reply.text or not reply.file else []
        message: JSON = {}
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            message = await self.call(
                "sendMessage", chat_id=chat_id, text=part, reply_markup=markup if last else None
            )
        if reply.request_phone:
            # A message carries one keyboard: the question keeps its inline buttons and a second
            # message offers the share button, removed again by the next message without buttons.
            message = await self.call(
                "sendMessage",
                chat_id=chat_id,
                text=reply.phone_hint or reply.phone_label or "📱",
                reply_markup=phone_keyboard(reply),
            )
            self._phone_keyboard.add(chat_id)
        message_id = int(message.get("message_id", 0))
        if reply.file is not None:
            document = await self.application.bot.send_document(
                chat_id,
                InputFile(reply.file.content, filename=reply.file.filename),
            )
            message_id = document.message_id
        if reply.key is not None:
            self._keyed[(chat_id, reply.key)] = message_id
        return str(message_id)

    async def _edit_keyed(self, chat_id: int, reply: Reply) -> str | None:
        """Edits the message sent under ``reply.key``; None when there is none to edit."""
        message_id = self._keyed.get((chat_id, reply.key or ""))
        if message_id is None:
            return None
        try:
            await self._edit_text(chat_id, message_id, reply)
        except BadRequest:
            # Deleted or too old to edit: send it anew.
            del self._keyed[(chat_id, reply.key or "")]
            return None
        return str(message_id)

    async def send(self, address: str, reply: Reply) -> str:
        """Sends a message that is not a direct reply; raises the project's delivery errors."""
        try:
            return await self._deliver(int(address_id(address)), reply)
        except TelegramError as error:
            raise translate(error) from error

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: unhandled error", exc_info=context.error)
