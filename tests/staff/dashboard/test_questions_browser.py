"""Answering a member's question in a real headless Chromium: the list, the question with the
member's profile line, the reply box; at 1280 and 390 px wide (a phone) nothing overflows."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from tests.staff.dashboard.conftest import PASSWORD
from tests.staff.dashboard.test_browser import Browser, Site, browser, site

__all__ = ["browser", "site"]
# Where to keep screenshots for a person to look at (unset: none are kept).
SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")


def _shot(browser: Browser, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        browser.driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


async def test_a_coordinator_answers_a_question_from_the_dashboard(
    browser: Browser, site: Site
) -> None:
    """From the list to the question, an answer typed and sent: the page says it went, the
    outbox holds it for the member, and at phone width nothing is wider than the screen."""
    app, people = site.app, site.people
    now = app.clock.now()
    await app.store.questions.open_thread(
        people.jelena.id, "cnr", "Penzija moje bake iz Crne Gore više ne stiže u Minhen.", now
    )
    await app.store.questions.open_thread(
        people.ana.id, "en", "Who should I talk to about investing in a hotel in Kotor?", now
    )

    def steps() -> tuple[str, int, int]:
        driver = browser.driver
        driver.set_window_size(1280, 900)
        driver.get(site.url + "/dashboard/signin")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "signin").click()
        browser.wait().until(expected_conditions.url_to_be(site.url + "/dashboard/"))
        driver.get(site.url + "/dashboard/questions")
        _shot(browser, "questions-1280")
        driver.find_element(By.LINK_TEXT, "2").click()
        browser.wait().until(expected_conditions.presence_of_element_located((By.ID, "answer")))
        profile = driver.find_element(By.ID, "profile").text
        driver.find_element(By.ID, "answer").send_keys("Talk to the Investment Agency (MIA).")
        driver.find_element(By.ID, "send-answer").click()
        flash = browser.wait().until(
            expected_conditions.visibility_of_element_located((By.CLASS_NAME, "flash"))
        )
        assert "Answer sent to the member" in flash.text
        _shot(browser, "question-1280")
        driver.set_window_size(390, 844)
        driver.get(site.url + "/dashboard/questions/2")
        _shot(browser, "question-390")
        width = int(driver.execute_script("return document.documentElement.scrollWidth"))
        inner = int(driver.execute_script("return window.innerWidth"))
        driver.get(site.url + "/dashboard/questions")
        _shot(browser, "questions-390")
        driver.set_window_size(1280, 900)
        return profile, width, inner

    profile, width, inner = await asyncio.to_thread(steps)

    assert profile.startswith("Ana Marković · Germany, Berlin · IT and software")
    assert width <= inner
    [row] = await app.store.outbox.due(app.clock.now())
    assert (people.ana.id, True) == (row.member_id, row.body.endswith("(MIA)."))
