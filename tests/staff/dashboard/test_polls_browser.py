"""Polls, delivery, engagement and a member's timeline in a real headless Chromium (see
test_browser.py), on a desktop (1280 px) and a phone (390 px), where tables become cards and no
page scrolls sideways; the results and the resend are sent through their forms, box ticked.
Screenshots are written to ``DASHBOARD_SCREENSHOTS`` when it names a folder (to look at them)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from bot.clock import FixedClock
from bot.store import Outgoing
from tests.sample import add_member
from tests.staff.dashboard.conftest import PASSWORD, People
from tests.staff.dashboard.test_browser import Browser, Site, _sign_in, browser, site

__all__ = ["browser", "site"]
WIDTHS = (1280, 390)
POLL = "forum-niksic"
PAGES = {
    "polls": "/dashboard/polls",
    "poll": f"/dashboard/polls/{POLL}",
    "reach": "/dashboard/reach",
    "reach-job": f"/dashboard/reach/job?id=poll:{POLL}",
    "engagement": "/dashboard/engagement",
    "timeline": "/dashboard/members/3",
}


async def _sample(site: Site, clock: FixedClock) -> None:
    """Twelve answers to the forum poll across countries; the poll sent to the four sample
    members (one read, one given up on, one turned business off); Ana checked in."""
    store, now = site.app.store, clock.now()
    people: People = site.people
    job = f"poll:{POLL}"
    members = [people.ana.id, people.marko.id, people.jelena.id]
    await store.outbox.enqueue([Outgoing(job, "poll", m, "Q", now) for m in members], now)
    await store.outbox.enqueue(
        [Outgoing(job, "poll", people.petar.id, "Q", now)],
        now,
        state="skipped",
        reason="topic: business",
    )
    await store.outbox.claim([(1, "whatsapp:+1")], now)
    await store.outbox.record_sent([(1, "wa-1")], now)
    await store.outbox.record_delivery("wa-1", "read", None, now)
    await store.outbox.mark(2, "failed", now, "gave up after 3 attempts: telegram: Timed out")
    answers = [(people.ana.id, "yes"), (people.jelena.id, "online"), (people.marko.id, "no")]
    for number, (country, option) in enumerate(
        [("AT", "yes"), ("CH", "yes"), ("AT", "maybe"), ("US", "yes"), ("DE", "online")] * 2,
        start=20,
    ):
        extra = await add_member(
            store, f"telegram:{number}", now, name=f"M{number}", country=country
        )
        answers.append((extra.id, option))
    for member_id, option in answers:
        await store.polls.answer(POLL, member_id, now, choices=[option])
    await store.rsvps.check_in("supper-kotor", people.ana.id, now)


def _shoot(browser: Browser, name: str, width: int) -> None:
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = browser.driver.execute_script("return document.documentElement.scrollHeight")
        browser.driver.set_window_size(width, min(max(int(height) + 120, 600), 5000))
        browser.driver.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))


async def test_the_pages_read_on_a_desktop_and_a_phone_and_the_forms_work(
    browser: Browser, site: Site, clock: FixedClock
) -> None:
    """From the header's links: the poll's counts by country, the delivery funnel, the
    engagement funnel and Jelena's timeline, with no sideways scrolling at either width; the
    results go out once the box is ticked, and so does the resend."""
    await _sample(site, clock)

    def steps() -> dict[str, object]:
        driver = browser.driver
        driver.set_window_size(1280, 900)
        driver.get(site.url + "/dashboard/")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(expected_conditions.url_to_be(site.url + "/dashboard/"))
        driver.find_element(By.LINK_TEXT, "Polls").click()
        browser.wait().until(expected_conditions.presence_of_element_located((By.ID, "polls")))
        driver.find_element(By.LINK_TEXT, "Would you attend a business forum in Nikšić?").click()
        browser.wait().until(expected_conditions.presence_of_element_located((By.ID, "answered")))
        seen: dict[str, object] = {"answered": driver.find_element(By.ID, "answered").text}
        seen["austria"] = driver.find_element(
            By.XPATH, "//table[@id='by-country']//td[normalize-space()='Austria']/.."
        ).text
        wide = {}
        for width in WIDTHS:
            for name, path in PAGES.items():
                driver.set_window_size(width, 900)
                driver.get(site.url + path)
                browser.wait().until(
                    expected_conditions.presence_of_element_located((By.TAG_NAME, "h1"))
                )
                wide[(name, width)] = driver.execute_script(
                    "return document.documentElement.scrollWidth"
                    " - document.documentElement.clientWidth"
                )
                _shoot(browser, name, width)
        seen["wide"] = {key: value for key, value in wide.items() if value}
        driver.set_window_size(1280, 900)
        driver.get(site.url + PAGES["poll"])
        driver.find_element(By.CSS_SELECTOR, "#share-form input[name=confirm]").click()
        driver.find_element(By.ID, "send-results").click()
        seen["shared"] = (
            browser.wait()
            .until(expected_conditions.presence_of_element_located((By.ID, "shared")))
            .text
        )
        driver.get(site.url + PAGES["reach-job"])
        driver.find_element(By.CSS_SELECTOR, "#resend-form input[name=confirm]").click()
        driver.find_element(By.ID, "resend-failed").click()
        seen["resent"] = (
            browser.wait()
            .until(expected_conditions.presence_of_element_located((By.CLASS_NAME, "flash")))
            .text
        )
        driver.get(site.url + PAGES["timeline"])
        seen["timeline"] = [
            item.text for item in driver.find_elements(By.CSS_SELECTOR, "#timeline li")
        ]
        return seen

    seen = await asyncio.to_thread(steps)

    assert "13" == seen["answered"]
    assert "Austria 4 2 0 2 0" == " ".join(str(seen["austria"]).split())
    assert {} == seen["wide"]
    assert "Sent already to those who answered (13)." in str(seen["shared"])
    assert "Queued again: 1. The service sends them now." == seen["resent"]
    assert 13 == sum((await site.app.store.outbox.counts(f"poll:{POLL}:results")).values())
    timeline = [" ".join(str(item).split()) for item in seen["timeline"]]  # type: ignore[attr-defined]
    assert timeline[-1].endswith(
        "Answered the poll “Would you attend a business forum in Nikšić?”: Only online"
    )
