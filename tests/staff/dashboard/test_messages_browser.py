"""The messages page in a real headless Chromium (see test_browser.py): after a crash, the
unknown count of each job can be read on a desktop (1280 px) and on a phone (390 px), where each
job is a card and the page needs no sideways scrolling. Screenshots are written to
``DASHBOARD_SCREENSHOTS`` when it names a folder (to look at them)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from bot.clock import FixedClock
from tests.staff.dashboard.conftest import PASSWORD
from tests.staff.dashboard.test_browser import Browser, Site, _sign_in, browser, site
from tests.staff.dashboard.test_messages import crashed_broadcast

__all__ = ["browser", "site"]
WIDTHS = (1280, 390)


def _shoot(browser: Browser, width: int) -> None:
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = browser.driver.execute_script("return document.documentElement.scrollHeight")
        browser.driver.set_window_size(width, min(max(int(height) + 120, 600), 4000))
        browser.driver.save_screenshot(str(Path(folder) / f"messages-{width}.png"))


async def test_unknown_messages_per_job_read_on_a_desktop_and_a_phone(
    browser: Browser, site: Site, clock: FixedClock
) -> None:
    """From the header's link: broadcast:1's two unknown messages under the Unknown heading
    (beside it on a desktop, in its card on a phone), the notice above, no sideways scrolling."""
    await crashed_broadcast(site.app.store, clock, site.people)

    def steps() -> dict[int, tuple[str, str, bool, bool]]:
        driver = browser.driver
        driver.set_window_size(1280, 900)
        driver.get(site.url + "/dashboard/")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(expected_conditions.url_to_be(site.url + "/dashboard/"))
        driver.find_element(By.LINK_TEXT, "Messages").click()
        browser.wait().until(expected_conditions.presence_of_element_located((By.ID, "jobs")))
        seen = {}
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            driver.get(site.url + "/dashboard/messages")
            row = driver.find_element(By.CSS_SELECTOR, "#jobs tr.unknown")
            cell = row.find_elements(By.TAG_NAME, "td")[-1]
            label = driver.execute_script(
                "return getComputedStyle(arguments[0], '::before').content", cell
            )
            heading = driver.find_elements(By.CSS_SELECTOR, "#jobs thead th")[-1]
            seen[width] = (
                cell.text,
                str(label).strip('"') if width < 640 else heading.text,
                driver.find_element(By.ID, "unknown-notice").is_displayed(),
                bool(
                    driver.execute_script(
                        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
                    )
                ),
            )
            _shoot(browser, width)
        return seen

    seen = await asyncio.to_thread(steps)

    assert {width: ("2", "Unknown", True, True) for width in WIDTHS} == seen
