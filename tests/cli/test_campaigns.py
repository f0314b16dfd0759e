"""The command line's campaign and outbox commands."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import campaigns as console
from bot.cli import main
from bot.clock import SystemClock
from bot.settings import Settings
from bot.store import Outgoing, Store
from scheduler.sender import Sender
from scheduler.sendlock import SendLock
from tests.conftest import ROOT, make_settings, whatsapp_settings
from tests.content.test_polls import write_poll
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.channel import FakeChannel
from tests.fakes.twilio_api import FakeTwilioApi
from tests.hostile import laughs, within
from tests.scheduler.conftest import add_member, write_campaign

SOON = datetime.now(UTC) + timedelta(days=2)


@pytest.fixture
def env(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment: a database in tmp_path and the test's content folder."""
    path = tmp_path / "cli.sqlite3"
    monkeypatch.chdir(ROOT)
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("CONTENT_DIR", str(folder))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return path


async def _members(path: Path, *specs: tuple[str, str]) -> list[int]:
    async with Store(path) as store:
        return [
            await add_member(store, address, language=language, registered_at=datetime.now(UTC))
            for address, language in specs
        ]


def test_check_flags_only_the_placeholder_template_sids_of_the_shipped_content(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The samples' only problem is their placeholder SIDs (HX and 32 x's), one line each — five
    campaigns and the three polls that are sent on a schedule — so nobody goes live with a
    made-up template: exit 1."""
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    assert 1 == main(["campaigns", "check"])
    lines = capsys.readouterr().out.splitlines()
    assert "8 problems in 8 files" == lines[-1]
    assert 8 == sum(
        "whatsapp_template: the content_sid is the sample's placeholder (HX and 32 x's)" in line
        for line in lines
    )


def test_check_passes_on_the_shipped_content_once_its_sids_are_real(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the placeholders replaced by real-looking SIDs the samples have no problem: exit 0."""
    copy = tmp_path / "shipped"
    shutil.copytree(ROOT / "content", copy)
    for path in [*(copy / "campaigns").glob("*.md"), *(copy / "polls").glob("*.md")]:
        path.write_text(path.read_text().replace("HX" + "x" * 32, "HX" + "0a" * 16))
    monkeypatch.setenv("CONTENT_DIR", str(copy))
    assert 0 == main(["campaigns", "check"])
    assert "5 campaigns and 5 polls checked, no problems\n" == capsys.readouterr().out


def test_check_reports_every_problem_as_file_line_message_and_fails(
    env: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Broken campaign and event files, a language members read with no section, a WhatsApp
    campaign without a template: each reported with its line; exit 1."""
    asyncio.run(_members(env, ("telegram:1", "cnr"), ("whatsapp:+38267000001", "en")))
    write_campaign(
        folder, "english-only", "---\nsend_at: 2027-01-01T10:00:00+01:00\n---\n# en\nHi\n"
    )
    write_campaign(
        folder,
        "typo",
        "---\nsend_at: 2027-01-01T10:00:00+01:00\nchannels: [telegram]\n---\n"
        "# en\nHi {frist_name}\n# cnr\nZdravo\n",
    )
    event = folder / "events" / "business-forum-budva-2027.yaml"
    event.write_text(event.read_text() + "colour: red\n")
    assert 1 == main(["campaigns", "check"])
    out = capsys.readouterr().out.splitlines()
    english_only = folder / "campaigns" / "english-only.md"
    assert [
        f"{folder}/campaigns/english-only.md:1: may go to WhatsApp (1 member) but has no"
        " whatsapp_template for those outside the 24-hour window; add one, or set channels:"
        " [telegram]",
        f"{english_only}:4: no '# cnr' section, but 1 member reads the bot in 'cnr' (they would"
        " get the default language)",
        f"{folder}/campaigns/typo.md:6: unknown placeholder {{frist_name}} (known: {{event_city}},"
        " {event_date}, {event_link}, {event_time}, {event_title}, {event_url}, {event_venue},"
        " {first_name}, {name})",
        f"{event}:{len(event.read_text().splitlines())}: unknown key 'colour' (expected one of"
        " ['capacity', 'city', 'description', 'ends_at', 'online_url', 'rsvp_deadline',"
        " 'starts_at', 'timezone', 'title', 'venue'])",
        "4 problems in 3 files",
    ] == sorted(out[:-1]) + out[-1:]


def test_check_reports_hostile_files_as_lines_not_a_traceback(
    env: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named like a campaign, an offset of a hundred billion days and a nine-level YAML
    alias bomb: each one line ``file:line: message``, at once; exit 1."""
    (folder / "campaigns" / "x.md").mkdir()
    write_campaign(
        folder,
        "far",
        "---\nafter: registration\noffset: +99999999999d\nchannels: [telegram]\n---\n# en\nHi\n",
    )
    write_campaign(folder, "bomb", "---\n" + laughs(9) + "---\n# en\nHi\n")
    codes: list[int] = []
    within(30, lambda: codes.append(main(["campaigns", "check"])))
    assert [1] == codes
    assert [
        f"{folder}/campaigns/bomb.md:3: YAML aliases are not allowed",
        f"{folder}/campaigns/far.md:3: offset: at most 3650 days (10 years) either way, not"
        " '+99999999999d'",
        f"{folder}/campaigns/x.md:1: not a regular file",
        "3 problems in 3 files",
    ] == capsys.readouterr().out.splitlines()


def test_an_offset_check_refuses_is_skipped_by_preview_not_a_crash(
    env: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``offset: +3000000d`` fails check with its line, and preview lists it as broken."""
    asyncio.run(_members(env, ("telegram:1", "en")))
    path = write_campaign(
        folder,
        "far",
        "---\nafter: registration\noffset: +3000000d\nchannels: [telegram]\n---\n# en\nHi\n",
    )
    problem = f"{path}:3: offset: at most 3650 days (10 years) either way, not '+3000000d'"
    assert 1 == main(["campaigns", "check"])
    assert [problem, "1 problem in 1 file"] == capsys.readouterr().out.splitlines()
    assert 0 == main(["campaigns", "preview", "--days", "7"])
    assert [f"skipped (broken): {problem}", "Nothing is due in the next 7 days."] == (
        capsys.readouterr().out.splitlines()
    )


def test_preview_shows_when_in_programme_time_how_many_by_channel_and_language_and_a_sample(
    env: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A send_at at 10:00 local in two days reads 10:00 with the zone's name (never "UTC"),
    then both members, their channels and languages by name, and one sample each."""
    asyncio.run(_members(env, ("telegram:1", "cnr"), ("telegram:2", "en")))
    podgorica = ZoneInfo("Europe/Podgorica")
    day = (SOON.astimezone(podgorica)).date()
    ten = datetime.combine(day, time(10, 0), tzinfo=podgorica)
    write_campaign(
        folder,
        "soon",
        f"---\nsend_at: {day} 10:00\nquiet_hours: null\n---\n# en\nHi {{first_name}}\n"
        "# cnr\nZdravo {first_name}\n",
    )
    assert 0 == main(["campaigns", "preview", "--days", "3"])
    assert [
        "Times are programme time (Europe/Podgorica).",
        "",
        f"campaign:soon  {day} 10:00 {ten.tzname()}  (soon)  topic: news",
        "  2 members — by channel: Telegram 2; by language: Crnogorski 1, English 1",
        "  sample (Crnogorski):",
        "    Zdravo Ana",
        "  sample (English):",
        "    Hi Ana",
    ] == capsys.readouterr().out.splitlines()[:8]


def test_preview_lists_polls_beside_campaigns_with_their_topic_and_who_turned_it_off(
    env: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A poll due in two days is listed in time order with the campaigns (poll:<id>, when, how
    many, its topic), a member who turned its topic off counted apart, and a sample of the
    question with its options; a poll that closes before its moment is not listed."""
    [_, marko] = asyncio.run(_members(env, ("telegram:1", "en"), ("telegram:2", "en")))

    async def turn_off() -> None:
        async with Store(env) as store:
            await store.topics.turn(marko, "business", on=False, now=datetime.now(UTC))

    asyncio.run(turn_off())
    podgorica = ZoneInfo("Europe/Podgorica")
    day = (SOON.astimezone(podgorica)).date()
    ten = datetime.combine(day, time(10, 0), tzinfo=podgorica)
    poll = (
        "---\nsend_at: {day} {at}\ncloses_at: {closes}\nquiet_hours: null\ntopic: business\n"
        'options: {{"yes": "Yes", "no": "No"}}\n---\n# en\nForum in Nikšić, {{first_name}}?\n'
    )
    write_poll(
        folder, "forum", poll.format(day=day, at="12:00", closes=f"{day + timedelta(3)} 12:00")
    )
    write_poll(folder, "late", poll.format(day=day, at="09:00", closes=f"{day} 08:00"))
    write_campaign(folder, "soon", f"---\nsend_at: {day} 10:00\nquiet_hours: null\n---\n# en\nHi\n")
    assert 0 == main(["campaigns", "preview", "--days", "3"])
    assert [
        "Times are programme time (Europe/Podgorica).",
        "",
        f"campaign:soon  {day} 10:00 {ten.tzname()}  (soon)  topic: news",
        "  2 members — by channel: Telegram 2; by language: English 2",
        "  sample (English):",
        "    Hi",
        "",
        f"poll:forum  {day} 12:00 {ten.tzname()}  (forum)  topic: business",
        "  1 member — by channel: Telegram 1; by language: English 1",
        "  1 member turned business off: skipped",
        "  sample (English):",
        "    Forum in Nikšić, Ana?",
        "    options: Yes · No",
        "",
    ] == capsys.readouterr().out.splitlines()


def test_a_dry_run_counts_and_queues_nothing_and_a_broadcast_is_queued_and_audited(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run shows the audience; --yes queues one row per member as broadcast:1."""
    asyncio.run(_members(env, ("telegram:1", "cnr"), ("telegram:2", "en")))
    args = ["broadcast", "--text", "Hello {first_name}", "--audience", "languages=cnr"]
    assert 0 == main([*args, "--dry-run"])
    assert "1 member (Telegram 1)" in capsys.readouterr().out
    assert 0 == main([*args, "--yes"])
    assert "Queued 1 message as broadcast:1." in capsys.readouterr().out
    assert 0 == main(["outbox", "status"])
    status = capsys.readouterr().out
    assert "  queued                  1" in status and "broadcast:1: queued 1" in status

    async def audit() -> list[tuple[str, str | None, int]]:
        async with Store(env) as store:
            return [(e.action, e.subject, e.detail["members"]) for e in await store.audit.entries()]

    assert [("broadcast", "broadcast:1", 1)] == asyncio.run(audit())


def test_an_unknown_audience_value_is_refused(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in --audience is an error, not an empty audience."""
    assert 2 == main(["broadcast", "--text", "Hi", "--audience", "countries=XX", "--yes"])
    assert "unknown country code 'XX'" in capsys.readouterr().err


def _telegram(fake: FakeBotApi, folder: Path, tmp_path: Path) -> Settings:
    """Settings for sending through the fake Bot API, one chat's pace not limited."""
    return make_settings(
        tmp_path,
        content_dir=folder,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=f"{fake.url}/bot",
        telegram_chat_interval=0,
    )


async def test_broadcast_wait_sends_through_telegram_with_a_progress_bar(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--wait drains the broadcast itself through the real Telegram stack."""
    async with FakeBotApi() as fake:
        settings = _telegram(fake, folder, tmp_path)
        async with Store(settings.database_path) as store:
            for user in (501, 502, 503):
                await add_member(store, f"telegram:{user}", registered_at=datetime.now(UTC))
        fake.blocked.add(503)
        args = argparse.Namespace(
            text="Hello {first_name}", file=None, audience=[], dry_run=False, yes=True, wait=True
        )
        assert 0 == await console.broadcast(settings, args)
        assert ["Hello Ana", "Hello Ana"] == [
            m.text for chat in (501, 502) for m in fake.messages(chat)
        ]
    captured = capsys.readouterr()
    assert (
        "Sent 2 (Telegram 2), failed 0, skipped 1 (stopped, topic off or no address),"
        " still queued 0." in captured.out
    )
    assert "broadcast:1" in captured.err  # tqdm's progress bar


async def test_broadcast_wait_leaves_the_sending_to_a_sender_already_running(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While the service sends from the database, --wait queues the broadcast, says who will
    send it, and sends nothing itself (nor takes the service's sends for a crash's)."""
    async with FakeBotApi() as fake:
        settings = _telegram(fake, folder, tmp_path)
        async with Store(settings.database_path) as store:
            await add_member(store, "telegram:501", registered_at=datetime.now(UTC))
        service = SendLock.of(settings.database_path)
        assert service.acquire()
        try:
            args = argparse.Namespace(
                text="Hello", file=None, audience=[], dry_run=False, yes=True, wait=True
            )
            assert 0 == await console.broadcast(settings, args)
        finally:
            service.release()
        assert [] == fake.messages(501)
        async with Store(settings.database_path) as store:
            assert {"queued": 1} == await store.outbox.counts()
    out = capsys.readouterr().out
    assert f"Another process (pid {os.getpid()}) is sending from this database: it sends" in out


WA = "whatsapp:+3826700000"


async def _whatsapp_members(path: Path) -> list[int]:
    """Four members: on WhatsApp in the window, on WhatsApp outside it (twice), and one outside
    it who also has Telegram (the sender falls back to Telegram for them)."""
    now = datetime.now(UTC)
    old = now - timedelta(days=3)
    async with Store(path) as store:
        return [
            await add_member(
                store, "whatsapp:+38267000001", registered_at=old, last_inbound_at=now
            ),
            await add_member(store, "whatsapp:+38267000002", registered_at=old),
            await add_member(
                store, "whatsapp:+38267000003", registered_at=old, last_inbound_at=old
            ),
            await add_member(
                store,
                "whatsapp:+38267000004",
                registered_at=old,
                also=("telegram:4",),
                preferred_channel="whatsapp",
            ),
        ]


SID = "HX" + "0123456789abcdef" * 2


def test_a_broadcast_counts_honestly_who_on_whatsapp_gets_nothing_without_a_template(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run: 3 on WhatsApp (1 gets the text, 2 get nothing), the 4th counted on Telegram,
    where the sender will reach them — never counted as reached when they are not."""
    asyncio.run(_whatsapp_members(env))
    assert 0 == main(["broadcast", "--text", "Hello", "--dry-run"])
    out = capsys.readouterr().out.splitlines()
    assert "4 members (Telegram 1, WhatsApp 3)" in out
    assert (
        "3 on WhatsApp: 1 in the 24-hour window get the text, 2 outside it get nothing"
        " (no template: add --template HX… --variables 1={first_name})"
    ) in out


def test_a_broadcast_with_a_template_reaches_whatsapp_members_outside_the_window(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--template and --variables: 3 get the template, counted up front; every queued row
    carries it with the member's name filled in, and the audit log names it."""
    ids = asyncio.run(_whatsapp_members(env))
    args = ["broadcast", "--text", "Hello", "--template", SID, "--variables", "1={first_name}"]
    assert 0 == main([*args, "--yes"])
    out = capsys.readouterr().out.splitlines()
    # With a template, the member who also has Telegram gets it on WhatsApp, as they prefer.
    assert "4 members (WhatsApp 4)" in out
    assert (
        f"4 on WhatsApp: 1 in the 24-hour window get the text, 3 outside it get template {SID}"
    ) in out

    async def rows() -> tuple[list[tuple[int, str | None]], dict[str, object]]:
        async with Store(env) as store:
            found = await store.db.fetchall("SELECT member_id, template FROM outbox ORDER BY 1")
            entry = (await store.audit.entries())[0]
            return [(row[0], row[1]) for row in found], entry.detail

    queued, detail = asyncio.run(rows())
    template = json.dumps({"content_sid": SID, "variables": {"1": "Ana"}})
    assert [(member, template) for member in ids] == queued
    assert (SID, {"text": 1, "nothing": 0, "template": 3}) == (
        detail["whatsapp_template"],
        {"nothing": 0, **detail["whatsapp"]},  # type: ignore[dict-item]
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--template", "HX123"], "--template 'HX123': expected an approved template's content"),
        (["--template", "HX" + "x" * 32], "expected an approved template's content SID"),
        (["--variables", "1=x"], "--variables goes with --template"),
        (["--template", SID, "--variables", "1"], "--variables '1': expected NUMBER=TEXT"),
        (["--template", SID, "--variables", "1={event_title}"], "unknown placeholder"),
    ],
    ids=["short sid", "placeholder sid", "variables alone", "no equals", "event placeholder"],
)
def test_a_bad_template_is_refused_in_one_line_and_nothing_is_queued(
    env: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    """Each mistake in --template/--variables: one error line on stderr, exit 2."""
    asyncio.run(_whatsapp_members(env))
    assert 2 == main(["broadcast", "--text", "Hello", "--yes", *extra])
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("with_template", [False, True], ids=["no template", "template"])
async def test_broadcast_wait_reports_at_the_end_what_whatsapp_members_got(
    folder: Path,
    tmp_path: Path,
    twilio: FakeTwilioApi,
    capsys: pytest.CaptureFixture[str],
    with_template: bool,
) -> None:
    """Sent through the fake Twilio API: the text in the window; outside it the template, or
    nothing — and the last lines say so, as the count up front did."""
    settings = whatsapp_settings(tmp_path, twilio, content_dir=folder)
    now = datetime.now(UTC)
    async with Store(settings.database_path) as store:
        old = now - timedelta(days=3)
        await add_member(store, "whatsapp:+38267000001", registered_at=old, last_inbound_at=now)
        await add_member(store, "whatsapp:+38267000002", registered_at=old)
    args = argparse.Namespace(
        text="Hello {first_name}",
        file=None,
        audience=[],
        dry_run=False,
        yes=True,
        wait=True,
        template=SID if with_template else None,
        variables=["1={first_name}"] if with_template else [],
    )
    assert 0 == await console.broadcast(settings, args)
    first, second = (
        twilio.messages("whatsapp:+38267000001"),
        twilio.messages("whatsapp:+38267000002"),
    )
    assert ["Hello Ana"] == [sent.body for sent in first]
    out = capsys.readouterr().out.splitlines()
    if with_template:
        assert [(SID, {"1": "Ana"})] == [(s.content_sid, s.content_variables) for s in second]
        assert (
            f"2 on WhatsApp: 1 in the 24-hour window get the text, 1 outside it get template {SID}"
        ) in out
        assert (
            "Sent 2 (WhatsApp 2), failed 0, skipped 0 (stopped, topic off or no address),"
            " still queued 0."
        ) == out[-1]
    else:
        assert [] == second
        assert out[-2:] == [
            "Sent 1 (WhatsApp 1), failed 0, skipped 0 (stopped, topic off or no address),"
            " still queued 0.",
            "1 on WhatsApp got nothing: outside the 24-hour window, and no template.",
        ]


# outbox resend --unknown: a possible duplicate rather than a miss, when staff say so.


async def _crashed(path: Path) -> None:
    """broadcast:1 to three members and broadcast:2 to one, all of whose rows a crash left
    ``sending`` except broadcast:1's third, which went out."""
    now = datetime.now(UTC)
    async with Store(path) as store:
        members = [await add_member(store, f"telegram:{n}", registered_at=now) for n in (1, 2, 3)]
        await store.outbox.enqueue(
            [Outgoing("broadcast:1", "broadcast", m, "News", now) for m in members]
            + [Outgoing("broadcast:2", "broadcast", members[0], "More news", now)],
            now,
        )
        await store.outbox.claim([(n, f"telegram:{n}") for n in (1, 2, 3)], now)
        await store.outbox.claim([(4, "telegram:1")], now)
        await store.outbox.record_sent([(3, "telegram-3")], now)


async def _outbox(
    path: Path,
) -> tuple[dict[str, int], dict[str, int], list[tuple[str, str, str, str]]]:
    async with Store(path) as store:
        audit = [
            (e.actor.split(":")[0], e.action, e.subject or "", str(e.detail))
            for e in await store.audit.entries()
        ]
        return (
            await store.outbox.counts("broadcast:1"),
            await store.outbox.counts("broadcast:2"),
            audit,
        )


def test_resend_unknown_queues_one_jobs_unknown_rows_again_once_confirmed_and_audits_it(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a crash, `outbox resend --unknown --job broadcast:1` says how many may arrive twice,
    asks, queues that job's two unknown rows (not the sent one, not the other job's) and records
    who did it; the sender then sends them."""
    asyncio.run(_crashed(env))
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))

    assert 0 == main(["outbox", "resend", "--unknown", "--job", "broadcast:1"])

    out = capsys.readouterr().out
    assert (
        "broadcast:1: 2 messages of unknown fate (the bot stopped while sending them). Some may"
        " have arrived: those members will get the message twice." in out
    )
    assert "Resend 2 messages? [y/N] Queued 2 messages of broadcast:1 again" in out
    assert (
        {"queued": 2, "sent": 1},
        {"unknown": 1},
        [("cli", "outbox.resend", "broadcast:1", "{'unknown': 2}")],
    ) == asyncio.run(_outbox(env))

    async def send() -> tuple[int, list[tuple[str, str]]]:
        async with Store(env) as store:
            telegram = FakeChannel("telegram")
            report = await Sender(store, {"telegram": telegram}, SystemClock()).drain()
            rows = await store.db.fetchall(
                "SELECT state, error FROM outbox WHERE job = 'broadcast:1' ORDER BY id"
            )
            return report.sent, [(row[0], row[1] or "") for row in rows]

    assert (2, [("sent", "")] * 3) == asyncio.run(send())


@pytest.mark.parametrize("answer", ["n\n", "", "yes please\n"])
def test_resend_unknown_does_nothing_unless_the_answer_is_yes(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    """No, no answer at all (stdin closed) or anything but y/yes: nothing resent, nothing
    audited, exit 1."""
    asyncio.run(_crashed(env))
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))

    assert 1 == main(["outbox", "resend", "--unknown", "--job", "broadcast:1"])

    assert "Cancelled: nothing resent." in capsys.readouterr().out
    assert ({"unknown": 2, "sent": 1}, {"unknown": 1}, []) == asyncio.run(_outbox(env))


def test_resend_unknown_with_yes_asks_nothing(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--yes (for scripts) resends without a question, and a second run finds nothing left."""
    asyncio.run(_crashed(env))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    assert 0 == main(["outbox", "resend", "--unknown", "--job", "broadcast:2", "--yes"])
    assert "[y/N]" not in capsys.readouterr().out
    assert 0 == main(["outbox", "resend", "--unknown", "--job", "broadcast:2", "--yes"])

    assert "broadcast:2 has no message of unknown fate: nothing to resend." in (
        capsys.readouterr().out
    )
    _, other, audit = asyncio.run(_outbox(env))
    assert ({"queued": 1}, ["outbox.resend"]) == (other, [entry[1] for entry in audit])


def test_resend_leaves_alone_rows_a_running_sender_has_in_flight(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While the service sends, rows ``sending`` are its requests in flight, not a crash's:
    there is nothing unknown to resend."""
    asyncio.run(_crashed(env))
    service = SendLock.of(env)
    assert service.acquire()
    try:
        assert 0 == main(["outbox", "resend", "--unknown", "--job", "broadcast:1", "--yes"])
    finally:
        service.release()
    assert "nothing to resend" in capsys.readouterr().out
    assert ({"sending": 2, "sent": 1}, {"sending": 1}, []) == asyncio.run(_outbox(env))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--unknown", "--job", "broadcast:9"], "error: no job 'broadcast:9' in the outbox"),
        (["--job", "broadcast:1"], "error: the following arguments are required: --unknown"),
        (["--unknown"], "error: the following arguments are required: --job"),
    ],
)
def test_resend_refuses_a_job_that_is_not_there_or_a_missing_option_in_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    """A mistyped job or a missing option: one line on stderr, exit 2, nothing changed."""
    asyncio.run(_crashed(env))
    try:
        code = main(["outbox", "resend", *args])
    except SystemExit as exit_:
        code = int(str(exit_.code))
    err = capsys.readouterr().err
    assert (2, 1) == (code, len(err.strip().splitlines())), err
    assert error in err
    counts, other, audit = asyncio.run(_outbox(env))
    assert (0, 0, []) == (counts.get("queued", 0), other.get("queued", 0), audit)


def test_outbox_status_counts_unknown_rows_per_job_and_says_how_to_resend_them(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a crash, `outbox status` names each job with unknown rows and how many, beside the
    command that resends them."""
    asyncio.run(_crashed(env))
    assert 0 == main(["outbox", "status"])
    out = capsys.readouterr().out
    assert "  unknown                 3" in out
    assert (
        "  By job (`outbox resend --unknown --job JOB` sends them again: a possible\n"
        "  duplicate rather than a miss):\n"
        "  broadcast:1: 2\n"
        "  broadcast:2: 1\n"
    ) in out
