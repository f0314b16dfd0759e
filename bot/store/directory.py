"""Finding members: filters, free-text search, sorting and pagination, for the dashboard's
members table, filtered exports and ``/signups``.

Use::

    page = await store.directory.search(
        MemberQuery(country="DE", search="nurse"), sort="name", page=2, page_size=25
    )
    page.total, page.pages, [row.member.name for row in page.rows]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from bot.store.database import Database
from bot.store.members import Member
from bot.text import fold

# Sortable columns (whitelisted: a sort name never reaches SQL unless it is a key here).
SORTS: dict[str, str] = {
    "id": "m.id",
    "name": "m.name COLLATE NOCASE",
    "country": "m.country",
    "city": "m.city COLLATE NOCASE",
    "municipality": "m.municipality",
    "emigration_year": "m.emigration_year",
    "sector": "m.sector",
    "language": "m.language",
    "registered_at": "m.registered_at",
    "created_at": "m.created_at",
}
MAX_PAGE_SIZE = 500
# Filters of :class:`MemberQuery` whose distinct values :meth:`Directory.values` lists.
VALUE_FILTERS = (
    "country",
    "municipality",
    "sector",
    "interest",
    "language",
    "spoken_language",
    "channel",
)


@dataclass(frozen=True)
class MemberQuery:
    """Which members to list; every filter left as None matches everyone.

    ``language`` is the language the bot speaks with the member (``en``, ``cnr``);
    ``spoken_language`` one of the languages they said they speak. ``interest`` and
    ``spoken_language`` match a member who chose that code among others. ``channel`` matches a
    member with an address on that channel (``telegram``, ``whatsapp``). ``registered_from`` and
    ``registered_to`` are inclusive UTC dates. ``search`` matches members whose name, city,
    skills or e-mail contain every word of it, ignoring case and accents (``nikolic`` finds
    ``Nikolić``). ``include_unregistered`` also lists members who consented but have not
    finished registering (only name and country, from an event or fellowship link).
    """

    country: str | None = None
    municipality: str | None = None
    sector: str | None = None
    interest: str | None = None
    language: str | None = None
    spoken_language: str | None = None
    channel: str | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    search: str | None = None
    include_unregistered: bool = False

    def is_empty(self) -> bool:
        """Whether no filter is set (every registered member matches)."""
        return (
            all(
                getattr(self, f.name) in (None, "", False)
                for f in fields(self)
                if f.name != "search"
            )
            and not (self.search or "").strip()
        )

    def describe(self) -> dict[str, str]:
        """The filters that are set, as text (for the audit log and file names)."""
        found: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, "", False):
                found[f.name] = value.isoformat() if isinstance(value, date) else str(value)
        return found


@dataclass(frozen=True)
class MemberRow:
    """A member with the channels they have an address on (oldest first)."""

    member: Member
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One page of a search: its rows, the total number of matches, and where it is."""

    rows: list[MemberRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least 1)."""
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


class Directory:
    """Member search; all SQL about listing members lives here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def search(
        self,
        query: MemberQuery | None = None,
        *,
        sort: str = "registered_at",
        descending: bool = True,
        page: int = 1,
        page_size: int = 50,
    ) -> Page:
        """One page of the members ``query`` matches, sorted by ``sort`` (a key of
        :data:`SORTS`; ties broken by id), and how many match in all.

        ``page`` counts from 1 and is kept within the pages there are; ``page_size`` is kept
        within 1 and :data:`MAX_PAGE_SIZE`. Raises ValueError for a sort not in :data:`SORTS`.
        """
        where, params = _where(query or MemberQuery())
        order = _order(sort, descending)
        page_size = min(max(1, page_size), MAX_PAGE_SIZE)
        row = await self.db.fetchone(f"SELECT count(*) FROM members m WHERE {where}", params)  # noqa: S608
        total = int(row[0]) if row else 0
        page = min(max(1, page), max(1, -(-total // page_size)))
        rows = await self.db.fetchall(
            f"SELECT m.* FROM members m WHERE {where} ORDER BY {order}"  # noqa: S608
            " LIMIT ? OFFSET ?",
            (*params, page_size, (page - 1) * page_size),
        )
        members = [Member.from_row(r) for r in rows]
        return Page(await self._with_channels(members), total, page, page_size)

    async def matching(
        self, query: MemberQuery | None = None, *, sort: str = "id", descending: bool = False
    ) -> list[MemberRow]:
        """Every member ``query`` matches (for exports), sorted like :meth:`search`."""
        where, params = _where(query or MemberQuery())
        rows = await self.db.fetchall(
            f"SELECT m.* FROM members m WHERE {where} ORDER BY {_order(sort, descending)}",  # noqa: S608
            params,
        )
        return await self._with_channels([Member.from_row(r) for r in rows])

    async def count(self, query: MemberQuery | None = None) -> int:
        """How many members ``query`` matches."""
        where, params = _where(query or MemberQuery())
        row = await self.db.fetchone(f"SELECT count(*) FROM members m WHERE {where}", params)  # noqa: S608
        return int(row[0]) if row else 0

    async def latest(self, limit: int = 10) -> list[MemberRow]:
        """The members who registered last, newest first."""
        page = await self.search(sort="registered_at", descending=True, page_size=limit)
        return page.rows

    async def get(self, member_id: int) -> MemberRow | None:
        """One member (registered or not) with their channels; None if there is none."""
        row = await self.db.fetchone("SELECT * FROM members WHERE id = ?", (member_id,))
        if row is None:
            return None
        return (await self._with_channels([Member.from_row(row)]))[0]

    async def values(self, name: str) -> list[str]:
        """The distinct values registered members have for one of :data:`VALUE_FILTERS`
        (to fill a filter's drop-down), sorted."""
        sql = {
            "country": "SELECT DISTINCT country FROM members m",
            "municipality": "SELECT DISTINCT municipality FROM members m",
            "sector": "SELECT DISTINCT sector FROM members m",
            "language": "SELECT DISTINCT language FROM members m",
            "interest": "SELECT DISTINCT j.value FROM members m, json_each(m.interests) j",
            "spoken_language": "SELECT DISTINCT j.value FROM members m, json_each(m.languages) j",
            "channel": "SELECT DISTINCT a.channel FROM members m"
            " JOIN addresses a ON a.member_id = m.id",
        }.get(name)
        if sql is None:
            raise ValueError(f"not a member filter: {name}")
        rows = await self.db.fetchall(f"{sql} WHERE m.registered_at IS NOT NULL")
        return sorted(str(row[0]) for row in rows if row[0] not in (None, ""))

    async def _with_channels(self, members: Sequence[Member]) -> list[MemberRow]:
        if not members:
            return []
        rows = await self.db.fetchall(
            "SELECT member_id, channel FROM addresses"
            " WHERE member_id IN (SELECT value FROM json_each(?)) ORDER BY created_at",
            (json.dumps([member.id for member in members]),),
        )
        channels: dict[int, list[str]] = {}
        for member_id, channel in rows:
            found = channels.setdefault(int(member_id), [])
            if channel not in found:
                found.append(str(channel))
        return [MemberRow(member, tuple(channels.get(member.id, ()))) for member in members]


def _order(sort: str, descending: bool) -> str:
    if sort not in SORTS:
        raise ValueError(f"cannot sort members by {sort!r}; one of {sorted(SORTS)}")
    direction = "DESC" if descending else "ASC"
    # NULLs last either way, so members who skipped a question do not fill the first page.
    return f"{SORTS[sort]} IS NULL, {SORTS[sort]} {direction}, m.id {direction}"


def _where(query: MemberQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if not query.include_unregistered:
        clauses.append("m.registered_at IS NOT NULL")
    for column in ("country", "municipality", "sector", "language"):
        value = getattr(query, column)
        if value:
            clauses.append(f"m.{column} = ?")
            params.append(value)
    for column, value in (("interests", query.interest), ("languages", query.spoken_language)):
        if value:
            # column is one of the two literals above.
            clauses.append(f"EXISTS (SELECT 1 FROM json_each(m.{column}) WHERE value = ?)")  # noqa: S608
            params.append(value)
    if query.channel:
        clauses.append(
            "EXISTS (SELECT 1 FROM addresses a WHERE a.member_id = m.id AND a.channel = ?)"
        )
        params.append(query.channel)
    if query.registered_from:
        clauses.append("m.registered_at >= ?")
        params.append(query.registered_from.isoformat())
    if query.registered_to:
        clauses.append("m.registered_at < ?")
        params.append((query.registered_to + timedelta(days=1)).isoformat())
    for word in fold(query.search or "").split():
        clauses.append(
            "instr(fold(coalesce(m.name, '') || ' ' || coalesce(m.city, '') || ' '"
            " || coalesce(m.skills, '') || ' ' || coalesce(m.email, '')), ?) > 0"
        )
        params.append(word)
    return " AND ".join(clauses) or "1", params
