"""The SQLite connection: WAL, foreign keys, numbered migrations, serialised transactions."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StoreError
from bot.text import fold

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_KEYS_OFF = "-- foreign_keys: off"


def migrations() -> list[tuple[int, str, str]]:
    """Returns the shipped migrations as (number, name, sql), in order."""
    found = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _fold(value: object) -> str:
    return fold(value) if isinstance(value, str) else ""


class Database:
    """One aiosqlite connection shared by the whole process.

    Single statements run as they come; anything that must be atomic goes through
    :meth:`transaction`, which holds a lock so coroutines never interleave inside one.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self, *, up_to: int | None = None) -> None:
        """Opens the file, switches on WAL and foreign keys, and applies pending migrations."""
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            await self._conn.execute("PRAGMA journal_mode=WAL")
            await self._conn.execute("PRAGMA foreign_keys=ON")
            await self._conn.execute("PRAGMA busy_timeout=5000")
            await self._conn.execute("PRAGMA synchronous=NORMAL")
            # fold(text): case- and accent-insensitive search (bot.text.fold) in SQL.
            await self._conn.create_function("fold", 1, _fold, deterministic=True)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open database {self.path}: {error}") from error
        await self.migrate(up_to=up_to)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StoreError("database is not open")
        return self._conn

    async def version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, *, up_to: int | None = None) -> list[str]:
        """Applies every migration newer than the file's ``user_version``; returns their names."""
        applied = []
        current = await self.version()
        for number, name, sql in migrations():
            if number <= current or (up_to is not None and number > up_to):
                continue
            # A migration that rebuilds tables says so on its first line: foreign keys go off
            # around it (SQLite cannot switch them inside a transaction, and dropping a parent
            # table with them on would cascade to its children) and are checked before COMMIT.
            rebuilds = sql.startswith(_KEYS_OFF)
            async with self._lock:
                try:
                    if rebuilds:
                        await self.conn.execute("PRAGMA foreign_keys=OFF")
                    # executescript commits first, so the whole migration and its version bump
                    # ride in one transaction of their own.
                    await self.conn.executescript(f"BEGIN IMMEDIATE;\n{sql}")
                    if rebuilds:
                        await self._check_foreign_keys(name)
                    await self.conn.execute(f"PRAGMA user_version = {number:d}")
                    await self.conn.execute("COMMIT")
                except BaseException as error:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    if isinstance(error, sqlite3.Error):
                        raise StoreError(f"migration {name} failed: {error}") from error
                    raise
                finally:
                    await self.conn.execute("PRAGMA foreign_keys=ON")
            log.info("applied migration %s", name)
            applied.append(name)
        return applied

    async def _check_foreign_keys(self, name: str) -> None:
        """Refuses a rebuilding migration that left a row pointing at nothing."""
        broken = await self.conn.execute_fetchall("PRAGMA foreign_key_check")
        if broken:
            raise StoreError(f"migration {name} left {len(list(broken))} broken references")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Runs the block atomically (BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error)."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Runs one statement on its own; returns the number of changed rows."""
        async with self._lock:
            cursor = await self.conn.execute(sql, tuple(params))
            return cursor.rowcount

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Runs one INSERT on its own; returns the new row id."""
        async with self._lock:
            cursor = await self.conn.execute(sql, tuple(params))
            return int(cursor.lastrowid or 0)

    async def returning(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Runs one writing statement on its own (atomic by itself) and returns the rows of its
        RETURNING clause, in one trip to the database thread."""
        async with self._lock:
            return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query (meant for queries of one row), in one trip to the thread."""
        rows = await self.conn.execute_fetchall(sql, tuple(params))
        for row in rows:
            first: sqlite3.Row = row
            return first
        return None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query, in one trip to the database thread."""
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def backup(self, target: Path) -> None:
        """Copies the live database to ``target`` with SQLite's online backup."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._lock, aiosqlite.connect(target) as destination:
            await self.conn.backup(destination)
