"""The kinds of messages members chose not to get (``/topics``): everyone starts with every topic
of content/programme.yaml on, so only what a member turned off is kept."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database


class Topics:
    """Reads and writes the topics members turned off."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def off(self, member_id: int) -> set[str]:
        """The topics one member turned off."""
        rows = await self.db.fetchall(
            "SELECT topic FROM topics_off WHERE member_id = ?", (member_id,)
        )
        return {str(row[0]) for row in rows}

    async def turn(self, member_id: int, topic: str, *, on: bool, now: datetime) -> None:
        """Turns one topic on (the row goes) or off (a row, kept with its time)."""
        if on:
            await self.db.execute(
                "DELETE FROM topics_off WHERE member_id = ? AND topic = ?", (member_id, topic)
            )
        else:
            await self.db.execute(
                "INSERT INTO topics_off (member_id, topic, at) VALUES (?, ?, ?)"
                " ON CONFLICT (member_id, topic) DO NOTHING",
                (member_id, topic, now.isoformat()),
            )

    async def members_off(self, topic: str) -> set[int]:
        """The members who turned ``topic`` off."""
        rows = await self.db.fetchall("SELECT member_id FROM topics_off WHERE topic = ?", (topic,))
        return {int(row[0]) for row in rows}

    async def everyone_off(self) -> list[tuple[int, str]]:
        """(member id, topic) of every topic turned off: the planner's copy."""
        rows = await self.db.fetchall("SELECT member_id, topic FROM topics_off")
        return [(int(row[0]), str(row[1])) for row in rows]

    async def checksum(self) -> tuple[int, str, int]:
        """(count, latest change, a sum over who and what) of the topics turned off: it moves
        whenever one is turned off or back on, even twice in the same second."""
        row = await self.db.fetchone(
            "SELECT count(*), coalesce(max(at), ''),"
            " coalesce(sum(member_id * 64 + length(topic) + unicode(topic)), 0) FROM topics_off"
        )
        return (int(row[0]), str(row[1]), int(row[2])) if row else (0, "", 0)

    async def counts(self) -> dict[str, int]:
        """Members who turned each topic off."""
        rows = await self.db.fetchall("SELECT topic, count(*) FROM topics_off GROUP BY topic")
        return {str(row[0]): int(row[1]) for row in rows}
