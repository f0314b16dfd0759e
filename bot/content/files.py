"""The content folder's files as last read: each one's stamp, last good value and problem.

A file is read again only when its stamp (modification time, size, inode) changed. One that
fails keeps its last good value beside its problem, and the problem is logged once, when the
change is seen. Every exception while reading becomes a ``file:line: message``; a folder is
read up to :data:`MAX_FILES` files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ContentError

log = logging.getLogger("bot.content")

# Files read from one folder: far more campaigns or events than a programme runs at once.
MAX_FILES = 500
# A stamp no file has: the file is parsed again at the next look.
_STALE = (-1, 0, 0)


@dataclass
class _File:
    """One file as last read."""

    stamp: tuple[int, int, int]
    value: Any
    error: ContentError | None = None


class Files:
    """What the looks at the folder keep between them. Not thread-safe: one look at a time."""

    def __init__(self, root: Path, max_files: int = MAX_FILES) -> None:
        self.root = root
        self.max_files = max_files
        self.known: dict[Path, _File] = {}
        # Goes up whenever a file is read again, breaks or goes away.
        self.changes = 0

    def paths(self, name: str, pattern: str) -> list[Path]:
        """The files of a folder that are read: by name, at most ``max_files``."""
        return sorted((self.root / name).glob(pattern))[: self.max_files]

    def folder(
        self,
        name: str,
        pattern: str,
        read: Callable[[Path], Any],
        parse: Callable[[Any], Any],
        problems: dict[str, ContentError],
    ) -> dict[str, Any]:
        """Every file of a folder by its stem (a broken one as its last good version)."""
        folder = self.root / name
        paths = sorted(folder.glob(pattern))
        if len(paths) > self.max_files:
            problems[str(folder)] = ContentError(
                str(folder),
                1,
                f"more than {self.max_files} {pattern} files; only the first {self.max_files}"
                " by name are read",
            )
            paths = paths[: self.max_files]
        found: dict[str, Any] = {}
        for path in paths:
            value = self.one(path, read, parse)
            if value is not None:
                found[path.stem] = value
        listed = set(paths)
        for gone in [path for path in self.known if path.parent == folder and path not in listed]:
            del self.known[gone]
            self.changes += 1
        return found

    def forget(self, name: str) -> None:
        """Reads a folder's files again at the next look, from scratch (their known problems
        are kept, so that they are not logged twice)."""
        folder = self.root / name
        for path, known in self.known.items():
            if path.parent == folder:
                self.known[path] = _File(_STALE, None, known.error)

    def problems(self) -> dict[str, ContentError]:
        """The problem of every file that has one, by path."""
        return {str(path): known.error for path, known in self.known.items() if known.error}

    def one(self, path: Path, read: Callable[[Path], Any], parse: Callable[[Any], Any]) -> Any:
        """A file's value: read and parsed again if its stamp changed, else as last read."""
        cached = self.known.get(path)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return cached.value if cached else None
        except OSError as error:
            # A symbolic link that loops, say: read() says why, once, below.
            stamp = (-2, error.errno or 0, 0)
        else:
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        if cached is not None and cached.stamp == stamp:
            return cached.value
        self.changes += 1
        try:
            value = parse(read(path))
        except ContentError as error:
            problem = error
        except (ValueError, TypeError, OverflowError) as error:
            # PyYAML builds values such as 2027-13-01 itself and raises plain errors.
            problem = ContentError(str(path), 1, f"invalid value: {error}")
        except Exception as error:
            # A parser's bug must not stop the bot; the traceback is for whoever fixes it.
            log.exception("reading %s failed", path)
            problem = ContentError(str(path), 1, f"cannot be read ({type(error).__name__})")
        else:
            self.known[path] = _File(stamp, value)
            if cached is not None:
                log.info("reloaded %s", path)
            return value
        kept = cached.value if cached else None
        if cached is None or cached.error is None or str(cached.error) != str(problem):
            log.error("content error, keeping the last good version: %s", problem)
        self.known[path] = _File(stamp, kept, problem)
        return kept
