"""The local businesses pages in a real headless Chromium (see test_browser.py): a coordinator
opens a request, proposes the top suggestion with its button and lands on the match; every page
fits a desktop (1280 px) and a phone (390 px) without sideways scrolling. Screenshots of each
are written to ``DASHBOARD_SCREENSHOTS`` when it names a folder (to look at them)."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from bot.clock import FixedClock
from tests.staff.dashboard.conftest import PASSWORD
from tests.staff.dashboard.test_browser import Browser, Site, _sign_in, browser, site
from tests.staff.dashboard.test_businesses import seed_businesses

__all__ = ["browser", "site"]
WIDTHS = (1280, 390)


def _fits(browser: Browser) -> bool:
    """Whether the page needs no sideways scrolling (tables scroll inside their own box)."""
    return bool(
        browser.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1"
        )
    )


def _shoot(browser: Browser, name: str, width: int) -> None:
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # The whole page, not just the window.
        height = browser.driver.execute_script("return document.documentElement.scrollHeight")
        browser.driver.set_window_size(width, min(max(int(height) + 120, 600), 4000))
        browser.driver.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))


async def test_a_coordinator_proposes_the_top_suggestion_and_every_page_fits_a_phone(
    browser: Browser, site: Site, clock: FixedClock
) -> None:
    """The requests page leads to Konoba Zora, whose first suggestion is Ana with her reasons;
    its button proposes her and opens the match, proposed; the requests, request, offers and
    matches pages fit 1280 px and 390 px."""
    found = await seed_businesses(site.app.store, clock, site.people)
    zora = found["zora"].id
    ana = site.people.ana.id

    def steps() -> tuple[list[str], str, dict[str, bool]]:
        driver = browser.driver
        driver.set_window_size(1280, 900)
        driver.get(site.url + "/dashboard/businesses")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(expected_conditions.presence_of_element_located((By.ID, "businesses")))
        driver.find_element(By.CSS_SELECTOR, f"#business-{zora} a").click()
        browser.wait().until(
            expected_conditions.presence_of_element_located((By.ID, "suggestions"))
        )
        first = driver.find_element(By.CSS_SELECTOR, "#suggestions li.card")
        reasons = [item.text for item in first.find_elements(By.CSS_SELECTOR, ".reasons li")]
        fitting = {}
        for width in WIDTHS:
            for name, path in (
                ("businesses", "/dashboard/businesses"),
                ("business", f"/dashboard/businesses/{zora}"),
                ("offers", "/dashboard/offers"),
            ):
                driver.set_window_size(width, 900)
                driver.get(site.url + path)
                fitting[f"{name}-{width}"] = _fits(browser)
                _shoot(browser, name, width)
        driver.set_window_size(1280, 900)
        driver.get(site.url + f"/dashboard/businesses/{zora}")
        driver.find_element(By.ID, f"propose-{ana}").click()
        status = browser.wait().until(
            expected_conditions.presence_of_element_located((By.ID, "match-status"))
        )
        shown = status.text
        match_page = driver.current_url
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            driver.get(match_page)
            fitting[f"match-{width}"] = _fits(browser)
            _shoot(browser, "match", width)
            driver.get(site.url + "/dashboard/matches")
            fitting[f"matches-{width}"] = _fits(browser)
            _shoot(browser, "matches", width)
        return reasons, shown, fitting

    reasons, shown, fitting = await asyncio.to_thread(steps)

    assert "+40 needs: covers 📝 Business plan review, 🧭 Mentoring (2 of 2)" == reasons[0]
    assert "proposed" == shown
    assert {name: True for name in fitting} == fitting
    [match] = await site.app.store.matches.all()
    assert (zora, ana, "dashboard") == (match.business_id, match.member_id, match.proposed_by)
    assert 2 == len(await site.app.store.outbox.due(datetime(2100, 1, 1, tzinfo=UTC)))
