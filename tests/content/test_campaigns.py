from __future__ import annotations

import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.content import Content
from bot.content.campaigns import problems
from bot.content.schedule import After, Cron, QuietHours, SendAt
from tests.conftest import CONTENT
from tests.scheduler.conftest import write_campaign

GOOD = """
---
send_at: 2027-04-01T10:00:00+02:00
---
# en
Hello {first_name}!
# cnr
Zdravo {first_name}!
"""


def _messages(content: Content, path: Path) -> list[str]:
    _campaign, found = problems(path, path.read_text(), content.campaign_context())
    return [str(error).removeprefix(f"{path}:") for error in found]


def test_the_shipped_campaigns_are_valid() -> None:
    """Every sample in content/campaigns loads without a problem."""
    content = Content.load(CONTENT, "en")
    assert {} == content.errors
    assert {
        "welcome-1-next-steps",
        "welcome-2-events",
        "welcome-3-fellowship",
        "diaspora-days-2027-reminder",
        "newsletter-monthly",
    } == set(content.campaigns)


def test_each_schedule_kind_is_read(folder: Path) -> None:
    """send_at, after registration, after an event's start, and cron."""
    write_campaign(folder, "once", GOOD)
    write_campaign(
        folder,
        "welcome",
        """
        ---
        after: registration
        offset: +3d
        at: "10:00"
        quiet_hours: null
        ---
        # en
        Welcome!
        """,
    )
    write_campaign(
        folder,
        "reminder",
        """
        ---
        after: event_start
        event: diaspora-days-2027
        offset: -2d
        ---
        # en
        {event_title} starts on {event_date} at {event_time}: {event_link}
        """,
    )
    write_campaign(
        folder,
        "monthly",
        """
        ---
        cron: "0 10 1 * *"
        quiet_hours: "08:00-21:00"
        ---
        # en
        News.
        """,
    )
    content = Content.load(folder, "en")
    campaigns = content.campaigns
    assert {} == content.errors
    assert [
        SendAt(datetime(2027, 4, 1, 8, 0, tzinfo=UTC)),
        After("registration", timedelta(days=3), time(10, 0)),
        After("event_start", timedelta(days=-2), None, "diaspora-days-2027"),
        Cron("0 10 1 * *"),
    ] == [campaigns[name].schedule for name in ("once", "welcome", "reminder", "monthly")]
    assert [QuietHours(), None, QuietHours(time(8), time(21))] == [
        campaigns[name].quiet_hours for name in ("once", "welcome", "monthly")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\ncolour: red\n---\n# en\nHi\n",
            ["3: unknown key 'colour'"],
        ),
        (
            "---\nsend_at: 2027-13-01T10:00:00+02:00\n---\n# en\nHi\n",
            ["2: bad value: month must be in 1..12"],
        ),
        (
            "---\nsend_at: 2027-04-01\n---\n# en\nHi\n",
            ["2: send_at: needs a time of day too (2027-04-01 10:00, say)"],
        ),
        (
            "---\nsend_at: 2027-03-28 02:30\n---\n# en\nHi\n",
            ["2: send_at: 2027-03-28 02:30 does not exist in Europe/Podgorica"],
        ),
        ("---\nafter: registration\noffset: 3 days\n---\n# en\nHi\n", ["3: offset: not an offset"]),
        (
            "---\nafter: event_start\nevent: no-such-event\n---\n# en\nHi\n",
            ["3: event: unknown event 'no-such-event'"],
        ),
        ("---\ncron: 0 10 *\n---\n# en\nHi\n", ["2: cron: bad expression"]),
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\n---\n# en\nHello\n{frist_name}\n",
            ["6: unknown placeholder {frist_name}"],
        ),
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\n---\n# en\nSee {event_title}\n",
            ["5: placeholder {event_title} needs an event"],
        ),
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\n---\n# cnr\nZdravo\n",
            ["4: missing the '# en' section"],
        ),
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\n---\n# en\nHi\n# de\nHallo\n",
            ["6: unknown language section '# de'"],
        ),
        (
            "---\nafter: registration\nat: '07:00'\n---\n# en\nHi\n",
            ["3: at: 07:00 is outside the quiet hours 09:00-20:00"],
        ),
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\nwhatsapp_template:\n  content_sid: 123\n"
            "---\n# en\nHi\n",
            ["4: whatsapp_template: content_sid must look like HX"],
        ),
        (
            "---\nsend_at: 2027-04-01T10:00:00+02:00\naudience:\n  countries: [DE, XX]\n"
            "---\n# en\nHi\n",
            ["4: audience.countries: unknown country code 'XX'"],
        ),
        ("send_at: 2027-04-01\n# en\nHi\n", ["1: a campaign starts with YAML front matter"]),
        (
            "---\nafter: registration\noffset: +99999999999d\n---\n# en\nHi\n",
            ["3: offset: at most 3650 days"],
        ),
        (
            "---\nafter: registration\noffset: +3000000d\n---\n# en\nHi\n",
            ["3: offset: at most 3650 days"],
        ),
        (
            "---\nsend_at: 0001-01-01T00:00:00+01:00\n---\n# en\nHi\n",
            ["2: send_at: expected a year from 1970 to 2199"],
        ),
        (
            "---\nsend_at: 9999-12-31T23:59:00-01:00\n---\n# en\nHi\n",
            ["2: send_at: expected a year from 1970 to 2199"],
        ),
        (
            "---\ntitle: &t News\nsend_at: 2027-04-01T10:00:00+02:00\naudience:\n"
            "  languages: [en]\n  interests: *t\n---\n# en\nHi\n",
            ["6: YAML aliases are not allowed"],
        ),
    ],
    ids=[
        "unknown key",
        "bad date",
        "date without a time",
        "a time the clocks skip",
        "bad offset",
        "unknown event",
        "bad cron",
        "unknown placeholder",
        "event placeholder without event",
        "default language missing",
        "unknown language",
        "at outside quiet hours",
        "bad template",
        "unknown country",
        "no front matter",
        "huge offset",
        "offset beyond ten years",
        "send_at in year 1",
        "send_at in year 9999",
        "yaml alias",
    ],
)
def test_each_problem_names_its_line(folder: Path, text: str, expected: list[str]) -> None:
    """A problem reads file:line: message, with the line of the offending key or text."""
    path = folder / "campaigns" / "broken.md"
    path.write_text(text)
    content = Content.load(folder, "en")
    found = _messages(content, path)
    assert len(expected) == len(found), found
    assert all(got.startswith(want) for got, want in zip(found, expected, strict=True)), found


def test_a_broken_file_among_good_ones_is_skipped_and_the_rest_work(folder: Path) -> None:
    """The broken campaign is reported; the good one loads; the bot does not stop."""
    write_campaign(folder, "good", GOOD)
    broken = write_campaign(folder, "broken", GOOD.replace("{first_name}!\n# cnr", "{oops!\n# cnr"))
    content = Content.load(folder, "en")
    assert ["good"] == sorted(content.campaigns)
    assert str(content.errors[str(broken)]).startswith(f"{broken}:5: bad placeholder")


def test_a_campaign_broken_by_an_edit_keeps_its_last_good_version(folder: Path) -> None:
    """Editing a good file into a broken one keeps the old text in use until it is fixed."""
    path = write_campaign(folder, "news", GOOD)
    content = Content.load(folder, "en")
    generation = content.generation
    path.write_text(GOOD.replace("send_at", "sendat"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    content.refresh(force=True)
    assert "Hello {first_name}!" == content.campaigns["news"].texts["en"]
    assert str(path) in content.errors
    assert content.generation > generation


def test_a_send_at_without_an_offset_is_the_programmes_local_time(folder: Path) -> None:
    """``send_at: 2027-04-01 10:00`` is 10:00 in TIMEZONE (+02:00 then); an offset still works."""
    write_campaign(folder, "local", GOOD.replace("2027-04-01T10:00:00+02:00", "2027-04-01 10:00"))
    write_campaign(folder, "exact", GOOD.replace("+02:00", "+00:00"))
    content = Content.load(folder, "en", timezone="Europe/Podgorica")
    assert SendAt(datetime(2027, 4, 1, 8, 0, tzinfo=UTC)) == content.campaigns["local"].schedule
    assert SendAt(datetime(2027, 4, 1, 10, 0, tzinfo=UTC)) == content.campaigns["exact"].schedule


def test_a_placeholder_template_sid_loads_but_is_never_used(folder: Path) -> None:
    """``HX`` and 32 x's (the samples' stand-in) loads, and counts as no template at all."""
    write_campaign(
        folder,
        "news",
        GOOD.replace(
            "---\n# en",
            "whatsapp_template:\n  content_sid: HX" + "x" * 32 + "\n---\n# en",
        ),
    )
    campaign = Content.load(folder, "en").campaigns["news"]
    assert campaign.whatsapp_template is not None
    assert campaign.whatsapp_template.placeholder
    assert campaign.usable_template is None


def test_the_shipped_campaigns_mark_their_template_sids_as_placeholders() -> None:
    """No sample carries a realistic-looking SID that would pass for a real template."""
    content = Content.load(CONTENT, "en")
    templates = [c.whatsapp_template for c in content.campaigns.values()]
    assert templates and all(t is not None and t.placeholder for t in templates)
