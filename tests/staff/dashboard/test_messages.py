"""The messages page: the outbox job by job, and the messages of unknown fate a crash left."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.store import Outgoing, Store
from tests.staff.dashboard.conftest import Coordinator, People


async def crashed_broadcast(store: Store, clock: FixedClock, people: People) -> None:
    """broadcast:1 to four members: two sent, then the bot died with two in flight (now
    unknown); a day later notice:1 to three: one waiting, one failed, one skipped."""
    now = clock.now()
    members = [people.ana.id, people.marko.id, people.jelena.id, people.petar.id]
    await store.outbox.enqueue(
        [Outgoing("broadcast:1", "broadcast", m, "News", now) for m in members], now
    )
    rows = [(n, f"telegram:{n}") for n in (1, 2, 3, 4)]
    await store.outbox.claim(rows, now)
    await store.outbox.record_sent([(1, "t-1"), (2, "t-2")], now)
    await store.outbox.recover(now)
    later = now + timedelta(days=1)
    await store.outbox.enqueue(
        [Outgoing("notice:1", "notice", m, "Notice", later) for m in members[:3]], later
    )
    await store.outbox.mark(6, "failed", later, "telegram: Bad Request")
    await store.outbox.mark(7, "skipped", later, "the member stopped messages")


def _jobs(html: str) -> list[list[str]]:
    """The jobs table: each row's cells as text."""
    table = html.split('<table id="jobs" class="cards">')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in body.split("</tr>")
        if "<td" in row
    ]


async def test_each_job_shows_its_messages_by_state_with_unknown_ones_first(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """The job with messages of unknown fate comes first, its unknown count stands out; the
    notice says how many there are and how staff can resend them."""
    await crashed_broadcast(app.store, clock, people)

    page = await signed_in.get("/dashboard/messages")

    assert 200 == page.status_code
    assert [
        ["broadcast:1", "2026-11-27 11:00 CET", "0", "2", "0", "0", "2"],
        ["notice:1", "2026-11-28 11:00 CET", "1", "0", "1", "1", "0"],
    ] == _jobs(page.text)
    assert '<tr class="unknown">' in page.text and "<strong>2</strong></td>" in page.text
    notice = page.text.split('<div class="error" id="unknown-notice">')[1].split("</div>")[0]
    assert "<strong>2 messages</strong> are of unknown fate" in notice
    assert "<code>diaspora-bot outbox resend --unknown --job JOB</code>" in notice


async def test_without_unknown_messages_there_is_no_notice_and_an_empty_outbox_says_so(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Nothing to decide, nothing shown; no job yet, a line that says so."""
    empty = await signed_in.get("/dashboard/messages")
    await app.store.outbox.enqueue(
        [Outgoing("broadcast:1", "broadcast", people.ana.id, "News", clock.now())], clock.now()
    )
    queued = await signed_in.get("/dashboard/messages")

    assert "No message sent yet." in empty.text
    assert [["broadcast:1", "2026-11-27 11:00 CET", "1", "0", "0", "0", "0"]] == _jobs(queued.text)
    assert "unknown-notice" not in queued.text and 'class="unknown"' not in queued.text


async def test_the_messages_page_is_in_the_navigation_and_in_montenegrin(
    app: App, clock: FixedClock, signed_in: Coordinator, people: People
) -> None:
    """Linked from every page's header; in Montenegrin, with its plural forms."""
    await crashed_broadcast(app.store, clock, people)

    overview = await signed_in.get("/dashboard/")
    page = await signed_in.get("/dashboard/messages", lang="cnr")

    assert '<a href="/dashboard/messages">Messages</a>' in overview.text
    assert '<a href="/dashboard/messages" aria-current="page">Poruke</a>' in page.text
    assert "Za <strong>2 poruke</strong> ne zna se da li su stigle" in page.text
