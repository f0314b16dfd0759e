"""The rows of the businesses and matches exports — the same for the CLI and the dashboard;
:mod:`staff.export` writes them as safe CSV or XLSX (no cell is ever a formula)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.content import Content
from bot.store import Store

BUSINESS_COLUMNS = (
    "business_id",
    "name",
    "municipality",
    "sector",
    "stage",
    "needs",
    "description",
    "languages",
    "contact_name",
    "phone",
    "email",
    "status",
    "source",
    "source_row",
    "in_bot",
    "proposed",
    "introduced",
    "created_at",
    "updated_at",
)
MATCH_COLUMNS = (
    "match_id",
    "business_id",
    "business",
    "municipality",
    "sector",
    "member_id",
    "member",
    "member_country",
    "status",
    "score",
    "business_answer",
    "member_answer",
    "proposed_by",
    "proposed_at",
    "expires_at",
    "introduced_at",
    "closed_at",
    "reason",
    "met",
    "plan",
    "investment",
)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


async def business_rows(
    store: Store, content: Content, *, status: str | None = None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Every request (of one status), oldest first: header and rows."""
    proposed: Counter[int] = Counter()
    introduced: Counter[int] = Counter()
    for match in await store.matches.all():
        proposed[match.business_id] += 1
        if match.introduced_at:
            introduced[match.business_id] += 1
    rows = []
    for business in reversed(await store.businesses.all(status=status)):
        values = business.as_dict()
        values.update(
            business_id=business.id,
            needs=", ".join(business.needs),
            languages=", ".join(business.languages),
            in_bot="yes" if business.member_id is not None else "no",
            proposed=proposed[business.id],
            introduced=introduced[business.id],
        )
        rows.append([values.get(column) for column in BUSINESS_COLUMNS])
    return BUSINESS_COLUMNS, rows


async def match_rows(
    store: Store, content: Content, *, status: str | None = None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Every match (of one status), oldest first, with the business and the member: header
    and rows."""
    businesses = {business.id: business for business in await store.businesses.all()}
    rows = []
    for match in reversed(await store.matches.all(status=status)):
        business = businesses.get(match.business_id)
        member = await store.members.get(match.member_id)
        values = match.as_dict()
        values.update(
            match_id=match.id,
            business=business.name if business else None,
            municipality=business.municipality if business else None,
            sector=business.sector if business else None,
            member=member.name if member else None,
            member_country=member.country if member else None,
            met=_yes_no(match.met),
            investment=_yes_no(match.investment),
        )
        rows.append([values.get(column) for column in MATCH_COLUMNS])
    return MATCH_COLUMNS, rows
