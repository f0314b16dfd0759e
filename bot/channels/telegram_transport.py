"""python-telegram-bot's HTTP seam (``BaseRequest``) over aiohttp, with JSON bodies.

PTB's default transport (httpx, form-encoded bodies) costs a few milliseconds of CPU per call;
this one costs a fraction of that, which is what lets the outbox send at Telegram's bulk rate
with room to spare on a small machine. Calls with files still go as multipart forms. Errors
become PTB's own (``TimedOut``, ``NetworkError``), so everything above this module — PTB's
status handling, :func:`bot.channels.telegram.translate` — works unchanged.

:func:`json_data` carries a call's parameters as plain Bot API JSON, for the channel's text
messages: they skip python-telegram-bot's objects both ways (see ``TelegramChannel.call``).
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own parameter class, as Bot uses it; the version range in pyproject.toml pins it.
from telegram.request._requestparameter import RequestParameter


def json_data(params: Mapping[str, object]) -> RequestData:
    """A Bot API call's parameters, given as plain JSON values (None left out), as the request
    data any ``BaseRequest`` takes: what ``Bot`` builds itself, without its objects."""
    return RequestData(
        [
            RequestParameter.from_input(name, value)
            for name, value in params.items()
            if value is not None
        ]
    )


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of ``connections`` to the Bot API."""

    def __init__(
        self,
        *,
        connections: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        files = request_data is not None and request_data.contains_files
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = write_timeout
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if files else self._write_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        # aiohttp has no separate write timeout: the whole call gets read + write.
        total = None if read is None or write is None else read + write
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect)
        body: aiohttp.FormData | bytes | None = None
        headers = {}
        if request_data is not None and files:
            body = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                body.add_field(name, value)
            for name, part in request_data.multipart_data.items():
                filename, content, mime_type = part
                body.add_field(name, content, filename=filename, content_type=mime_type)
        elif request_data is not None:
            body = request_data.json_payload
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
