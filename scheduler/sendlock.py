"""One process sends from a database at a time.

The service and ``broadcast --wait`` both drain the outbox. Two of them at once would still
never send a row twice (claiming a row is atomic), but a sender that starts turns the rows a
crash left ``sending`` into ``unknown``, and it must never take another live process's sends in
flight for a crash's. So whoever sends holds an exclusive ``flock`` on ``<database>.send.lock``.
The system releases it when the process ends, ``kill -9`` included, so a lock that can be
taken proves that nobody is sending.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class SendLock:
    """The right to send from one database, held by at most one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def of(cls, database: Path) -> SendLock:
        """The lock beside a database file."""
        return cls(database.with_name(database.name + ".send.lock"))

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Takes the lock unless another process (or another holder here) has it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """Who holds the lock, for messages: ``pid N`` as its holder wrote it."""
        with contextlib.suppress(OSError):
            pid = self.path.read_text(encoding="ascii").strip()
            if pid.isdigit():
                return f"pid {pid}"
        return "another process"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
