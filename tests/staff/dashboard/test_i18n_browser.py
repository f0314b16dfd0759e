"""The local businesses and questions pages in Montenegrin in a real headless Chromium (see
test_browser.py): the longer Montenegrin words fit a desktop (1280 px) and a phone (390 px)
without sideways scrolling. Screenshots of each are written to ``DASHBOARD_SCREENSHOTS`` when
it names a folder (to look at them)."""

from __future__ import annotations

import asyncio

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from bot.clock import FixedClock
from staff import answers, introductions
from tests.staff.dashboard.conftest import PASSWORD
from tests.staff.dashboard.test_browser import Browser, Site, _sign_in, browser, site
from tests.staff.dashboard.test_businesses import seed_businesses
from tests.staff.dashboard.test_businesses_browser import WIDTHS, _fits, _shoot

__all__ = ["browser", "site"]


async def test_the_montenegrin_business_and_question_pages_fit_a_desktop_and_a_phone(
    browser: Browser, site: Site, clock: FixedClock
) -> None:
    """Businesses, a request, Offers, Matches, a match, Questions and a question, in
    Montenegrin: each shows its Montenegrin words and needs no sideways scrolling at 1280 or
    390 px."""
    app, people = site.app, site.people
    found = await seed_businesses(app.store, clock, people)
    zora = found["zora"].id
    now = clock.now()
    match = await introductions.propose(
        app.store, app.content, zora, people.ana.id, now, actor="dashboard"
    )
    thread, _ = await app.store.questions.open_thread(
        people.jelena.id, "cnr", "Penzija moje bake iz Crne Gore više ne stiže u Minhen.", now
    )
    await answers.answer(
        app.store, app.content, thread.id, "Pišite Fondu PIO.", now, actor="dashboard"
    )
    pages = {
        "cnr-businesses": ("/dashboard/businesses", "Lokalni biznisi"),
        "cnr-business": (f"/dashboard/businesses/{zora}", "potrebe: pokriva"),
        "cnr-offers": ("/dashboard/offers", "Ponude pomoći"),
        "cnr-matches": ("/dashboard/matches", "Povezivanja"),
        "cnr-match": (f"/dashboard/matches/{match.id}", "+40 potrebe: pokriva"),
        "cnr-questions": ("/dashboard/questions?status=answered", "Pitanja"),
        "cnr-question": (f"/dashboard/questions/{thread.id}", f"Pitanje br. {thread.id}"),
    }

    def steps() -> tuple[dict[str, bool], dict[str, bool]]:
        driver = browser.driver
        driver.set_window_size(1280, 900)
        driver.get(site.url + "/dashboard/signin")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(expected_conditions.url_to_be(site.url + "/dashboard/"))
        driver.get(site.url + "/dashboard/?lang=cnr")
        fitting, said = {}, {}
        for width in WIDTHS:
            for name, (path, words) in pages.items():
                driver.set_window_size(width, 900)
                driver.get(site.url + path)
                said[name] = words in driver.find_element(By.TAG_NAME, "main").text
                fitting[f"{name}-{width}"] = _fits(browser)
                _shoot(browser, name, width)
        return fitting, said

    fitting, said = await asyncio.to_thread(steps)

    assert {name: True for name in pages} == said
    assert {name: True for name in fitting} == fitting
