"""YAML reading that remembers line numbers, so every content problem reads ``file:line: …``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError


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


# libyaml's loader where it is built in (it is, in PyYAML's wheels): ten times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def load(path: Path) -> Located:
    """Reads and parses one YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(str(path), 1, "not UTF-8 text") from error
    return parse(path, text)
