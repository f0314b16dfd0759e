"""Poll files (content/polls/<id>.md) and topics: what a poll file holds, every problem as
``file:line: message``, and the topic every campaign and poll names."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from textwrap import dedent

from bot.content import Content
from bot.content.campaigns import problems as campaign_problems
from bot.content.check import check
from bot.content.polls import problems
from bot.content.schedule import After, SendAt
from bot.store import Store
from tests.conftest import CONTENT
from tests.scheduler.conftest import write_campaign

FORUM = """
---
send_at: 2027-04-01 10:00
closes_at: 2027-04-15 20:00
topic: business
options:
  "yes": {en: "Yes, I would come", cnr: "Da, došao/la bih"}
  "no": {en: "No", cnr: "Ne", next: ask}
next: events
---
# en
Would you attend a business forum in Nikšić?
# cnr
Da li biste došli na poslovni forum u Nikšiću?
"""


def write_poll(folder: Path, name: str, text: str) -> Path:
    """Writes ``content/polls/<name>.md`` (dedented)."""
    (folder / "polls").mkdir(exist_ok=True)
    path = folder / "polls" / f"{name}.md"
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _messages(content: Content, path: Path) -> list[str]:
    _poll, found = problems(path, path.read_text(), content.campaign_context())
    return [str(error).removeprefix(f"{path}:") for error in found]


def test_the_shipped_polls_are_valid_and_the_feedback_follows_the_event() -> None:
    """The samples load without a problem: the government's questions on a date, and the
    Diaspora Days feedback the day after the event ends, rating → what to improve → what next."""
    content = Content.load(CONTENT, "en")
    assert {} == content.errors
    assert {
        "invest-at-home",
        "forum-niksic",
        "diaspora-days-2027-feedback",
        "diaspora-days-2027-improve",
        "diaspora-days-2027-next",
    } == set(content.polls)
    invest = content.polls["invest-at-home"]
    assert (True, True, "news") == (invest.multiple, invest.free_text, invest.topic)
    feedback = content.polls["diaspora-days-2027-feedback"]
    assert After("event_end", timedelta(days=1), time(11, 0), "diaspora-days-2027") == (
        feedback.schedule
    )
    assert (True, "events", ["1", "2", "3", "4", "5"]) == (
        feedback.feedback,
        feedback.topic,
        [option.id for option in feedback.options],
    )
    assert "poll:diaspora-days-2027-improve" == feedback.next_after(("4",))
    assert content.polls["diaspora-days-2027-improve"].schedule is None
    chosen_next = content.polls["diaspora-days-2027-next"]
    assert ["events", "offer", "fellowship", None] == [
        chosen_next.next_after((option.id,)) for option in chosen_next.options
    ]


def test_a_poll_reads_its_options_labels_closing_time_and_next_steps(
    folder: Path, content: Content
) -> None:
    """Labels per language, an option's own next step over the poll's, the closing time in the
    programme's zone, and the buttons as /poll commands."""
    path = write_poll(folder, "forum", FORUM)
    poll, found = problems(path, path.read_text(), content.campaign_context())
    assert [] == found
    assert poll is not None
    assert SendAt(datetime(2027, 4, 1, 8, 0, tzinfo=UTC)) == SendAt(
        poll.schedule.moment.astimezone(UTC)  # type: ignore[union-attr]
    )
    assert datetime(2027, 4, 15, 18, 0, tzinfo=UTC) == poll.closes_at
    assert (False, True) == (
        poll.closed(datetime(2027, 4, 15, 17, 59, tzinfo=UTC)),
        poll.closed(datetime(2027, 4, 15, 18, 0, tzinfo=UTC)),
    )
    assert ("ask", "events") == (poll.next_after(("no",)), poll.next_after(("yes",)))
    assert [("/poll forum yes", "Da, došao/la bih"), ("/poll forum no", "Ne")] == [
        (option.id, option.label) for option in poll.buttons("cnr", "en", "✍️")
    ]


def test_every_problem_of_a_poll_file_is_reported_with_its_line(
    folder: Path, content: Content
) -> None:
    """Cron, an unknown key, a bad option id, a label in an unknown language, a bad next step,
    multiple with one option, a bad closing time: each one line."""
    path = write_poll(
        folder,
        "broken",
        """
        ---
        cron: "0 10 * * 1"
        colour: red
        multiple: true
        closes_at: next week
        options:
          Bad Id: "Label"
          ok: {en: "Fine", de: "Gut"}
        next: somewhere
        ---
        # en
        Question?
        """,
    )
    assert [
        "2: cron: a poll is asked once (send_at or after:)",
        "3: unknown key 'colour' (expected one of ['title', 'audience', 'send_at', 'after',"
        " 'event', 'offset', 'at', 'channels', 'quiet_hours', 'whatsapp_template', 'topic',"
        " 'options', 'multiple', 'free_text', 'closes_at', 'next'])",
        "7: options: 'Bad Id' is no option id (lower-case letters, digits, - and _; at most 20)",
        "8: options.ok: unknown language 'de' (expected one of ['cnr', 'en'], or next)",
        "4: multiple: needs two options or more",
        "5: closes_at: not a date and time: 'next week' (write the local time, e.g."
        " 2027-05-14 09:30)",
        "9: next: expected poll:<id> or one of events, fellowship, offer, business, ask,"
        " topics, not 'somewhere'",
    ] == _messages(content, path)


def test_a_poll_needs_options_or_free_text_and_buttons_that_fit_telegram(
    folder: Path, content: Content
) -> None:
    """Neither options nor free text is no poll; a bare Yes or No (which YAML reads as true or
    false) must be quoted; a file name and an option id too long for a Telegram button (64
    bytes) are refused."""
    empty = write_poll(folder, "empty", "---\nsend_at: 2027-04-01 10:00\n---\n# en\nWell?\n")
    assert ["2: a poll needs options, or free_text: true, or both"] == _messages(content, empty)
    bare = write_poll(
        folder,
        "bare",
        "---\nfree_text: true\noptions:\n  a: Yes\n  b: {en: No}\n---\n# en\nWell?\n",
    )
    assert [
        '4: options.a: quote the label, e.g. "Yes"',
        '5: options.b.en: quote the label, e.g. "No"',
        "5: options.b: no label",
    ] == _messages(content, bare)
    name = "a-long-poll-name-for-the-diaspora-day-27"
    long = write_poll(
        folder, name, "---\noptions:\n  an-option-of-twenty: Sure\n---\n# en\nWell?\n"
    )
    assert [
        "3: options.an-option-of-twenty: the poll's file name and this id are too long"
        " together for a Telegram button (64 bytes); shorten either"
    ] == _messages(content, long)


async def test_check_reports_a_next_step_naming_a_poll_that_is_not_there(
    folder: Path, store: Store
) -> None:
    """Polls are read one by one; ``campaigns check`` finds a next poll missing from the
    folder."""
    path = write_poll(
        folder,
        "rating",
        "---\noptions: {good: Good, bad: Bad}\nnext: poll:improve\n---\n# en\nHow was it?\n",
    )
    content = Content(root=folder, default_language="en")
    found = [str(error) for error in await check(content, store, whatsapp_enabled=False)]
    assert [f"{path}:3: next: no poll 'improve' in content/polls/"] == found


def test_campaigns_name_a_topic_or_take_events_or_news(folder: Path, content: Content) -> None:
    """``topic:`` must be one of programme.yaml's topics; without it a campaign about an event
    is ``events`` and any other ``news``."""
    context = content.campaign_context()
    named = write_campaign(
        folder, "named", "---\nsend_at: 2027-04-01 10:00\ntopic: fellowship\n---\n# en\nHi\n"
    )
    plain = write_campaign(folder, "plain", "---\nsend_at: 2027-04-01 10:00\n---\n# en\nHi\n")
    about = write_campaign(
        folder,
        "about",
        "---\nsend_at: 2027-04-01 10:00\naudience: {event: diaspora-days-2027}\n---\n# en\nHi\n",
    )
    wrong = write_campaign(
        folder, "wrong", "---\nsend_at: 2027-04-01 10:00\ntopic: gossip\n---\n# en\nHi\n"
    )
    topics = []
    for path in (named, plain, about):
        campaign, found = campaign_problems(path, path.read_text(), context)
        assert [] == found and campaign is not None
        topics.append(campaign.topic)
    assert ["fellowship", "news", "events"] == topics
    _campaign, found = campaign_problems(wrong, wrong.read_text(), context)
    assert [
        f"{wrong}:3: topic: unknown topic 'gossip' (expected one of"
        " ['events', 'news', 'fellowship', 'business'])"
    ] == [str(error) for error in found]


def test_a_campaign_may_follow_an_events_end(folder: Path, content: Content) -> None:
    """``after: event_end`` counts from the event's end (a follow-up the day after)."""
    path = write_campaign(
        folder,
        "thanks",
        "---\nafter: event_end\nevent: diaspora-days-2027\noffset: +1d\nat: '10:00'\n---\n"
        "# en\nThank you for coming to {event_title}!\n",
    )
    campaign, found = campaign_problems(path, path.read_text(), content.campaign_context())
    assert [] == found and campaign is not None
    assert After("event_end", timedelta(days=1), time(10, 0), "diaspora-days-2027") == (
        campaign.schedule
    )
