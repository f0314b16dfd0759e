"""Polls in the mapping report: counts under five hidden, and in a single-choice poll (whose
options add up to the published answers) one more cell hidden so the small one cannot be
worked out; several choices have no total to subtract from. Members' own words never appear."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.content import Content
from staff import report, stats
from staff.stats import PollCounts, Statistics
from tests.conftest import CONTENT
from tests.sample import add_member

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _report(*polls: PollCounts) -> stats.MappingReport:
    return stats.mapping_report(Statistics(at=NOW, members=40, polls=polls))


def test_a_single_choice_polls_small_cell_cannot_be_worked_out() -> None:
    """21 answered: yes 12, no 6, online 3 — online is "<5", and no is hidden as "x" too, or
    21 − 12 − 6 would give it away; nobody chose maybe, so it is not listed."""
    forum = PollCounts("forum-niksic", 21, {"yes": 12, "online": 3, "maybe": 0, "no": 6})
    [(poll, answered, table)] = _report(forum).polls
    assert ("forum-niksic", "21", "21") == (poll, answered, table.total)
    assert [("yes", "12"), ("no", "x"), ("online", "<5")] == [
        (cell.key, cell.shown) for cell in table.cells
    ]


def test_several_choices_hide_only_the_small_counts() -> None:
    """A member counts in each option chosen: no total, so only counts under five are hidden;
    fewer than five answers are published as "<5"."""
    invest = PollCounts("invest-at-home", 30, {"tax": 20, "land": 2, "finance": 9}, multiple=True)
    few = PollCounts("forum-niksic", 3, {"yes": 2, "no": 1})
    [(_, answered, table), (_, few_answered, few_table)] = _report(invest, few).polls
    assert ("30", None) == (answered, table.total)
    assert [("tax", "20"), ("finance", "9"), ("land", "<5")] == [
        (cell.key, cell.shown) for cell in table.cells
    ]
    assert ("<5", ["<5", "<5"]) == (few_answered, [cell.shown for cell in few_table.cells])


def test_the_html_report_names_each_poll_and_its_answers_in_the_language_asked() -> None:
    """The question and the options' labels in Montenegrin, the published count beside."""
    content = Content.load(CONTENT, "en")
    forum = PollCounts("forum-niksic", 21, {"yes": 12, "online": 3, "maybe": 0, "no": 6})
    page = report.html(_report(forum), content, "cnr")
    assert "Šta nam je dijaspora rekla (ankete)" in page
    assert "Would you attend a business forum in Nikšić?" in page
    assert '<td>Da, došao/la bih</td><td class="n">12</td>' in page
    assert '<td>Samo onlajn</td><td class="n">&lt;5</td>' in page
    assert "Članova koji su odgovorili: 21" in page


async def test_collected_counts_leave_own_words_out(app: App, clock: FixedClock) -> None:
    """Answers in own words are counted by the dashboard but never reach the report."""
    store = app.store
    for number in range(6):
        member = await add_member(
            store, f"telegram:{number}", clock.now(), name=f"M{number}", country="DE"
        )
        await store.polls.answer(
            "invest-at-home",
            member.id,
            clock.now(),
            choices=["tax"],
            text="Faster permits in Nikšić" if number == 0 else None,
        )
    counted = await stats.collect(store, clock.now(), content=app.content)
    invest = next(poll for poll in counted.polls if poll.poll == "invest-at-home")
    assert (6, 6, True) == (invest.answered, invest.options["tax"], invest.multiple)
    page = report.html(stats.mapping_report(counted), app.content, "en")
    assert "Faster permits" not in page
    assert "Lower taxes for businesses started by returnees" in page
