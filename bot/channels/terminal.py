"""The terminal channel: stdin and stdout, options as a numbered list. Works with piped input."""

from __future__ import annotations

import asyncio
import codecs
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from bot.clock import Clock
from bot.messages import Inbound, Kind, Reply

ADDRESS = "terminal:local"

Handler = Callable[[Inbound], Awaitable[list[Reply]]]


def render(reply: Reply, files_dir: Path | None = None) -> str:
    """A reply as the terminal shows it: the text, then the options numbered from 1."""
    lines = [reply.text]
    for number, option in enumerate(reply.options, start=1):
        lines.append(f"  {number}. {option.label}")
    if reply.file is not None:
        where = reply.file.filename
        if files_dir is not None:
            path = files_dir / reply.file.filename
            path.write_bytes(reply.file.content)
            where = str(path)
        lines.append(f"  [file: {where}]")
    return "\n".join(lines)


class TerminalChannel:
    """Reads one message per line and prints the replies."""

    name = "terminal"

    def __init__(
        self,
        handle: Handler,
        clock: Clock,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
        language_hint: str | None = None,
    ) -> None:
        self.handle = handle
        self.clock = clock
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.files_dir = files_dir
        self.language_hint = language_hint
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.stdout.write(render(reply, self.files_dir) + "\n\n")
        self.stdout.flush()

    async def send(self, address: str, reply: Reply) -> str:
        """Prints a message that is not a direct reply (campaigns, broadcasts)."""
        self.show([reply])
        return f"terminal-{self.clock.now().timestamp():.6f}"

    async def run(self, banner: str) -> None:
        """Chats until end of input (Ctrl-D, or the end of a pipe)."""
        self.stdout.write(banner + "\n\n")
        self.stdout.flush()
        while True:
            line = await self._readline()
            if not line:
                break
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            inbound = Inbound(
                address=ADDRESS,
                received_at=self.clock.now(),
                kind=Kind.TEXT,
                text=text,
                language_hint=self.language_hint,
            )
            self.show(await self.handle(inbound))

    async def _readline(self) -> str:
        """The next line of input, '' at its end. A terminal is waited on by the loop itself, so
        a process told to stop is never held by a read nobody answers (a thread blocked in
        ``readline`` would keep it alive until Enter); a pipe or a file is read in a thread."""
        if not _interactive(self.stdin):
            return await asyncio.get_running_loop().run_in_executor(None, self.stdin.readline)
        loop = asyncio.get_running_loop()
        descriptor = self.stdin.fileno()
        ready: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(descriptor, readable)
        try:
            await ready
        finally:
            loop.remove_reader(descriptor)
        # A terminal in its usual (canonical) mode hands over a whole line at a time.
        data = os.read(descriptor, 65536)
        return self._decoder.decode(data, final=not data)


def _interactive(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal with a descriptor the loop can wait on."""
    try:
        return stream.isatty() and stream.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        return False
