"""Failed dashboard sign-ins are kept only while they count: the table forgets them once they
are older than the window, at the next failure or sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Store
from bot.store.signins import address_key

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


async def stored(store: Store) -> list[str]:
    rows = await store.db.fetchall("SELECT client FROM dashboard_failures ORDER BY id")
    return [row[0] for row in rows]


async def test_old_failures_are_forgotten_at_the_next_failure_or_sign_in(tmp_path: Path) -> None:
    """A flood of addresses leaves nothing behind a window later."""
    async with Store(tmp_path / "db.sqlite3") as store:
        signins = store.signins
        for n in range(50):
            await signins.failed(
                address_key(f"198.51.100.{n}"), NOW, known=False, forget_before=NOW - WINDOW
            )
        later = NOW + WINDOW + timedelta(seconds=1)
        await signins.failed(
            address_key("203.0.113.1"), later, known=False, forget_before=later - WINDOW
        )
        assert [address_key("203.0.113.1")] == await stored(store)
        await signins.failed(
            address_key("203.0.113.2"), later, known=False, forget_before=later - WINDOW
        )

        await signins.forget(address_key("203.0.113.2"), forget_before=later + WINDOW)

        assert [] == await stored(store)
        assert (0, None) == await signins.unknown_failures(NOW - WINDOW)
