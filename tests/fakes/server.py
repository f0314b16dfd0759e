"""An ASGI app served by uvicorn on 127.0.0.1 in the test's own event loop: the fakes' server."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp


class _Uvicorn(uvicorn.Server):
    """uvicorn that leaves the process's signal handlers alone (it runs inside tests) and, when
    asked, stops at once: no 0.1 s ticks to notice the stop, no grace period for requests."""

    def __init__(self, config: uvicorn.Config, *, abrupt: bool) -> None:
        super().__init__(config)
        self.abrupt = abrupt
        self.stopping = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def main_loop(self) -> None:
        if self.abrupt:
            await self.stopping.wait()
        else:
            await super().main_loop()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if not self.abrupt:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for server in self.servers:
            await server.wait_closed()


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens (free a moment ago): a server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalServer:
    """Serves ``app`` on a free port (or ``port``) of 127.0.0.1 from :meth:`start` until
    :meth:`stop`."""

    def __init__(self, app: ASGIApp, name: str, *, abrupt: bool = False, port: int = 0) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            http="httptools",
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self.name = name
        self._server = _Uvicorn(config, abrupt=abrupt)
        self._task: asyncio.Task[None] | None = None
        self.port = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(), name=self.name)
        while not self._server.started:
            if self._task.done():
                await self._task
                raise RuntimeError(f"the {self.name} server did not start")
            await asyncio.sleep(0.005)
        self.port = int(self._server.servers[0].sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._task is not None:
            self._server.should_exit = True
            self._server.stopping.set()
            await self._task
            self._task = None
