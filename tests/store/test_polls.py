"""Poll answers in the store: one per member and poll, replaced (and counted as a change) while
the poll is open; the counts, overall and by country, language and municipality, agree however
they are asked for; the answers go with the member; topics turned off are kept per member."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def test_an_answer_is_replaced_and_counted_by_every_dimension(tmp_path: Path) -> None:
    """Ana changes her answer; counts() agrees with tally() and breakdown() for every
    dimension; a member counts once in each option they chose."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ana = await add_member(
            store, "telegram:1", NOW, name="Ana", country="DE", municipality="Bar"
        )
        marko = await add_member(
            store, "telegram:2", NOW, name="Marko", country="US", language="cnr"
        )
        first = await store.polls.answer("p", ana.id, NOW, choices=["a"])
        again = await store.polls.answer("p", ana.id, NOW, choices=["b", "c"], text="More")
        await store.polls.answer("p", marko.id, NOW, choices=["b"])
        assert (0, 1, ("b", "c"), "More") == (
            first.changes,
            again.changes,
            again.choices,
            again.text,
        )
        counted = await store.polls.counts("p")
        tally = await store.polls.tally("p")
        assert (2, {"b": 2, "c": 1}, 1) == (tally.answered, tally.options, tally.free_text)
        assert tally == counted[""][""]
        for dimension in ("country", "language", "municipality"):
            assert await store.polls.breakdown("p", dimension) == counted[dimension]
        assert {"": 1, "Bar": 1} == {k: v.answered for k, v in counted["municipality"].items()}


async def test_answers_and_topics_go_with_the_member(tmp_path: Path) -> None:
    """Erasing the member erases their answers and the topics they turned off."""
    async with Store(tmp_path / "db.sqlite3") as store:
        ana = await add_member(store, "telegram:1", NOW, name="Ana", country="DE")
        await store.polls.answer("p", ana.id, NOW, choices=["a"])
        await store.topics.turn(ana.id, "news", on=False, now=NOW)
        assert {"news"} == await store.topics.off(ana.id)
        await store.members.delete(ana.id)
        assert [] == await store.db.fetchall("SELECT * FROM poll_answers")
        assert [] == await store.db.fetchall("SELECT * FROM topics_off")
