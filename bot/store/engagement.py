"""The programme's funnel: of the members who registered, how many RSVP'd to an event, attended
one, applied to the fellowship or offered help, were matched (introduced to a business, or
accepted into the fellowship) and reported an outcome (met, a plan, an investment) — by the
month they registered, or by country. Each member counts once at each step they reached."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.store.database import Database

STAGES = ("registered", "rsvped", "attended", "applied_or_offered", "matched", "outcome")
# What a member's row is grouped by.
GROUPS = {
    "month": "substr(m.registered_at, 1, 7)",
    "country": "coalesce(m.country, '')",
    "all": "''",
}
_REACHED = (
    "count(*),"
    " sum(EXISTS (SELECT 1 FROM rsvps r WHERE r.member_id = m.id AND r.status != 'not_going')),"
    " sum(EXISTS (SELECT 1 FROM rsvps r WHERE r.member_id = m.id"
    " AND r.checked_in_at IS NOT NULL)),"
    " sum(EXISTS (SELECT 1 FROM fellowship_applications f WHERE f.member_id = m.id)"
    " OR EXISTS (SELECT 1 FROM offers o WHERE o.member_id = m.id)),"
    " sum(EXISTS (SELECT 1 FROM matches x WHERE x.member_id = m.id"
    " AND x.introduced_at IS NOT NULL)"
    " OR EXISTS (SELECT 1 FROM fellowship_applications f WHERE f.member_id = m.id"
    " AND f.status = 'accepted')),"
    " sum(EXISTS (SELECT 1 FROM matches x WHERE x.member_id = m.id"
    " AND (x.met = 1 OR x.plan IS NOT NULL OR x.investment = 1)))"
)


@dataclass
class Reached:
    """Members who reached each stage (:data:`STAGES`), in one group."""

    group: str
    stages: dict[str, int] = field(default_factory=dict)

    def count(self, stage: str) -> int:
        return self.stages.get(stage, 0)


class Engagement:
    """Counts the programme's funnel."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def funnel(self, by: str = "all") -> list[Reached]:
        """The funnel for every group (``month``, ``country`` or ``all``), groups in order."""
        group = GROUPS[by]
        rows = await self.db.fetchall(
            f"SELECT {group}, {_REACHED} FROM members m"  # noqa: S608 (constants only)
            " WHERE m.registered_at IS NOT NULL GROUP BY 1 ORDER BY 1"
        )
        return [
            Reached(
                str(row[0]), {stage: int(row[1 + index] or 0) for index, stage in enumerate(STAGES)}
            )
            for row in rows
        ]
