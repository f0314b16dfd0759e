"""YAML reading that remembers line numbers, so every content problem reads ``file:line: …``.

One bad file must never stall the bot, so content files are read defensively: only a regular
file of at most :data:`MAX_BYTES` is read (a folder or a named pipe is refused unopened), and
YAML aliases are refused while the document is composed, before anything uses them (a few
hundred bytes of nested aliases expand to gigabytes), as is nesting deeper than
:data:`MAX_DEPTH`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from bot.errors import ContentError

# Content files are small texts (the largest shipped one, a locale, is about 25 kB).
MAX_BYTES = 1_000_000
# Fellowship hosts sit four levels deep; nothing staff write needs many more.
MAX_DEPTH = 20


class Located:
    """A parsed YAML document plus the 1-based line of every mapping key and list item."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple[str | int, ...], int]) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    def line(self, *where: str | int) -> int:
        """The line of the deepest known part of ``where`` (1 when nothing is known)."""
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return 1

    def error(self, message: str, *where: str | int) -> ContentError:
        return ContentError(str(self.path), self.line(*where), message)


class _Refused(Exception):
    """A document the loader will not build, and the 0-based line that says why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


try:
    # libyaml's parser, built into PyYAML's wheels: ten times faster than PyYAML's own.
    from yaml._yaml import CParser as _Events
except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Events(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)


class _Loader(Composer, _Events, SafeConstructor, Resolver):
    """PyYAML's safe loader whose composer (PyYAML's own, first in line so that it is the one
    used) refuses aliases and deep nesting."""

    def __init__(self, text: str) -> None:
        _Events.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            raise _Refused(self._line(), "YAML aliases are not allowed")
        if self.depth >= MAX_DEPTH:
            raise _Refused(self._line(), f"YAML nested deeper than {MAX_DEPTH} levels")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _line(self) -> int:
        """The 0-based line of the next event."""
        event = self.peek_event()
        mark = event.start_mark if event is not None else None
        return int(mark.line) if mark is not None else 0


def _walk(node: yaml.Node, prefix: tuple[str | int, ...], lines: dict[Any, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*prefix, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*prefix, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*prefix, index)] = item.start_mark.line + 1
            _walk(item, (*prefix, index), lines)


def parse(path: Path, text: str, *, first_line: int = 1) -> Located:
    """Parses YAML text taken from ``path`` (starting at ``first_line`` of it)."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as refused:
        raise ContentError(str(path), refused.line + 1 + offset, refused.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        raise ContentError(str(path), line, f"invalid YAML: {error.problem}") from error
    except yaml.YAMLError as error:
        raise ContentError(str(path), first_line, f"invalid YAML: {error}") from error
    finally:
        loader.dispose()
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Located(path, data, {key: value + offset for key, value in lines.items()})


def read_text(path: Path) -> str:
    """A content file's text; a ContentError unless it is a regular file of at most
    :data:`MAX_BYTES` in UTF-8."""
    try:
        # Without O_NONBLOCK, opening a named pipe would wait for a writer for ever.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise ContentError(str(path), 1, "not a regular file")
            if info.st_size > MAX_BYTES:
                raise _too_large(path)
            chunks: list[bytes] = []
            size = 0
            while chunk := os.read(handle, MAX_BYTES + 1 - size):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _too_large(path)
        finally:
            os.close(handle)
    except OSError as error:
        raise ContentError(str(path), 1, f"cannot be read: {error.strerror or error}") from None
    data = b"".join(chunks)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(str(path), line, "not UTF-8 text") from None


def _too_large(path: Path) -> ContentError:
    return ContentError(
        str(path), 1, f"larger than {MAX_BYTES // 1_000_000} MB (content files are small texts)"
    )


def load(path: Path) -> Located:
    """Reads and parses one YAML file."""
    return parse(path, read_text(path))
