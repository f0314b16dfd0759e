"""Local businesses in figures: the funnel from requests to investments (for coordinators: the
dashboard and ``stats``), and requests and introductions by municipality and sector with small
counts suppressed (for the mapping report, which may leave the programme).

The funnel counts requests, each once at every step it reached: requests → suggested (a request
with an offer to suggest now, or proposed before) → proposed → introduced → met → plan
completed → investment. Each step counts a subset of the one before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from bot.store import Store
from staff import suggestions, svg
from staff.suppression import THRESHOLD, Cell, suppress

STEPS = ("requests", "suggested", "proposed", "introduced", "met", "plan_completed", "investment")
STEP_NAMES = {
    "requests": "Requests",
    "suggested": "Suggested",
    "proposed": "Proposed",
    "introduced": "Introduced",
    "met": "Met",
    "plan_completed": "Plan completed",
    "investment": "Investment",
}
# The report's tables: what is counted, by what.
REPORT_TABLES = (
    ("requests", "municipality"),
    ("requests", "sector"),
    ("introduced", "municipality"),
    ("introduced", "sector"),
)
NOT_GIVEN = ""


async def funnel(store: Store) -> dict[str, int]:
    """Requests at each step of the way (see the module), in :data:`STEPS` order."""
    counts = await store.outcomes.funnel()
    businesses = await store.businesses.all()
    proposed = {match.business_id for match in await store.matches.all()}
    ranked = await suggestions.index(store)
    suggested = 0
    for business in businesses:
        if business.id in proposed or (
            business.status == "open"
            and await suggestions.suggest(store, business, limit=1, ranked=ranked)
        ):
            suggested += 1
    return {step: suggested if step == "suggested" else counts[step] for step in STEPS}


def funnel_chart(counts: Mapping[str, int]) -> Markup:
    """The funnel as horizontal bars, for the dashboard."""
    bars = [svg.Bar(STEP_NAMES[step], counts[step], str(counts[step])) for step in STEPS]
    return svg.bars(bars, title="From requests to investment")


@dataclass(frozen=True)
class BusinessTable:
    """One published table of the report: requests (or introduced requests) by municipality or
    sector, small counts suppressed; ``total`` is what its cells add up to, as published."""

    counted: str
    by: str
    cells: tuple[Cell, ...]
    total: str
    withheld: bool = False


async def report_tables(store: Store, *, threshold: int = THRESHOLD) -> tuple[BusinessTable, ...]:
    """The report's business tables (:data:`REPORT_TABLES`), suppressed as every table of the
    mapping report is: a business falls in exactly one cell, so the total is known and
    secondary suppression applies."""
    tables = []
    for column in ("municipality", "sector"):
        counted = await store.outcomes.by_business_field(column)
        for kind, by in REPORT_TABLES:
            if by == column:
                tables.append(table(kind, by, counted[kind], threshold=threshold))
    order = {key: place for place, key in enumerate(REPORT_TABLES)}
    return tuple(sorted(tables, key=lambda t: order[(t.counted, t.by)]))


def table(
    counted: str, by: str, counts: Mapping[str | None, int], *, threshold: int = THRESHOLD
) -> BusinessTable:
    """One table of counts (None: not given) with its cells suppressed."""
    keyed: dict[str, int] = {}
    for key, count in counts.items():
        name = NOT_GIVEN if key is None else key
        keyed[name] = keyed.get(name, 0) + count
    total = sum(keyed.values())
    published = str(total) if total >= threshold or total == 0 else f"<{threshold}"
    cells = suppress(keyed, total_known=True, threshold=threshold)
    withheld = not cells and total > 0
    return BusinessTable(counted, by, tuple(cells), published, withheld)
