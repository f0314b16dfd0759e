"""The dashboard in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``),
driven by Selenium, against the app served by uvicorn on 127.0.0.1.

Without the browser these tests are skipped with the reason, except in CI (``CI`` set), where
they fail: ``.ci/run`` installs it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from bot import web
from bot.app import App
from bot.clock import FixedClock
from tests.sample import SUPPER, add_member
from tests.staff.dashboard.conftest import (
    PASSWORD,
    TODAY,
    People,
    dashboard_settings,
    seed,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 10.0


@dataclass
class Browser:
    driver: webdriver.Chrome
    downloads: Path

    def wait(self) -> WebDriverWait[webdriver.Chrome]:
        return WebDriverWait(self.driver, WAIT)


@dataclass
class Site:
    app: App
    url: str
    people: People


def _require_chromium() -> None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        reason = (
            f"headless Chromium is not installed ({', '.join(missing)} missing): "
            "apt-get install chromium chromium-driver"
        )
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must install it (.ci/run)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the module, downloading into a temporary folder."""
    _require_chromium()
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
        },
    )
    # The driver's path is given, so Selenium Manager never looks for (or downloads) one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield Browser(driver, downloads)
    finally:
        driver.quit()


@pytest.fixture
async def site(browser: Browser, tmp_path: Path, clock: FixedClock) -> AsyncIterator[Site]:
    """The app with the sample data, served by uvicorn on a free port of 127.0.0.1; the
    browser starts with no cookies."""
    browser.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    async with App(dashboard_settings(tmp_path), clock=clock) as app:
        people = await seed(app.store, clock)
        server = web.Server(app.asgi(), "127.0.0.1", 0)
        await server.start()
        try:
            yield Site(app, f"http://127.0.0.1:{server.port}", people)
        finally:
            await server.stop()


def _sign_in(browser: Browser, site: Site, password: str) -> None:
    driver = browser.driver
    field = driver.find_element(By.ID, "password")
    field.clear()
    field.send_keys(password)
    driver.find_element(By.ID, "signin").click()


def _names(browser: Browser) -> list[str]:
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#members tbody tr td:first-child a")
    return [row.text for row in rows]


async def test_a_wrong_password_is_refused_and_the_right_one_opens_the_table(
    browser: Browser, site: Site
) -> None:
    """A stranger lands on the sign-in form; a wrong password is refused with a message; the
    right one opens the page first asked for."""

    def steps() -> None:
        driver = browser.driver
        driver.get(site.url + "/dashboard/members")
        assert "/dashboard/signin" in driver.current_url
        assert "Ana" not in driver.page_source

        _sign_in(browser, site, "not the password")
        error = browser.wait().until(
            expected_conditions.visibility_of_element_located((By.ID, "signin-error"))
        )
        assert "Wrong password." == error.text
        assert "Ana" not in driver.page_source

        _sign_in(browser, site, PASSWORD)
        browser.wait().until(expected_conditions.presence_of_element_located((By.ID, "members")))
        assert driver.current_url.endswith("/dashboard/members")
        assert "Ana Marković" in _names(browser)

    await asyncio.to_thread(steps)


async def test_filtering_the_table_and_downloading_what_it_shows(
    browser: Browser, site: Site
) -> None:
    """Country and sector narrow the table; its CSV download holds those members, with a
    formula neutralised, and is audited."""

    def steps() -> list[dict[str, str]]:
        driver = browser.driver
        driver.get(site.url + "/dashboard/signin")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(expected_conditions.url_to_be(site.url + "/dashboard/"))
        driver.get(site.url + "/dashboard/members")
        Select(driver.find_element(By.ID, "filter-country")).select_by_value("DE")
        Select(driver.find_element(By.ID, "filter-sector")).select_by_value("it")
        driver.find_element(By.ID, "apply").click()
        browser.wait().until(expected_conditions.url_contains("country=DE"))
        assert ["Jelena Popović", "Ana Marković"] == _names(browser)
        assert "2 members" == driver.find_element(By.ID, "total").text

        for old in browser.downloads.glob("members-*"):
            old.unlink()
        driver.find_element(By.ID, "download-members-csv").click()
        path = _downloaded(browser.downloads, "members-2026-11-27.csv")
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))

    rows = await asyncio.to_thread(steps)

    assert ["Ana Marković", "Jelena Popović"] == [row["name"] for row in rows]
    [entry, *_] = await site.app.store.audit.entries()
    assert ("dashboard", "export.members") == (entry.actor, entry.action)
    assert {"country": "DE", "sector": "it"} == entry.detail["filters"]


async def test_downloading_all_members_neutralises_formulas(browser: Browser, site: Site) -> None:
    """From the downloads page, every member; Petar's formula-like name arrives as text."""

    def steps() -> list[dict[str, str]]:
        driver = browser.driver
        driver.get(site.url + "/dashboard/downloads")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(
            expected_conditions.presence_of_element_located((By.ID, "download-members-csv"))
        )
        for old in browser.downloads.glob("members-*"):
            old.unlink()
        driver.find_element(By.ID, "download-members-csv").click()
        path = _downloaded(browser.downloads, "members-2026-11-27.csv")
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))

    rows = await asyncio.to_thread(steps)

    assert '\'=HYPERLINK("x")' == rows[-1]["name"]


async def test_changing_an_applications_status_tells_the_applicant(
    browser: Browser, site: Site
) -> None:
    """Accepting Jelena's application shows the change, and her notice waits in the outbox
    in Montenegrin."""

    def steps() -> str:
        driver = browser.driver
        driver.get(site.url + "/dashboard/fellowship")
        _sign_in(browser, site, PASSWORD)
        browser.wait().until(
            expected_conditions.presence_of_element_located((By.ID, "applications"))
        )
        driver.find_element(By.CSS_SELECTOR, "#application-1 a").click()
        Select(driver.find_element(By.ID, "new-status")).select_by_value("accepted")
        driver.find_element(By.ID, "status-note").send_keys("Interviewed on Monday")
        driver.find_element(By.ID, "change-status").click()
        flash = browser.wait().until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash"))
        )
        assert "accepted" == driver.find_element(By.ID, "current-status").text
        return flash.text

    flash = await asyncio.to_thread(steps)

    assert (
        "Status changed from submitted to accepted; the applicant will be told in their "
        "language." == flash
    )
    [notice] = await site.app.store.outbox.due(datetime(2100, 1, 1, tzinfo=UTC))
    assert ("notice", site.people.jelena.id) == (notice.kind, notice.member_id)
    assert "Digitalna javna uprava 2027" in notice.body


def _overflow(driver: webdriver.Chrome) -> list[str]:
    """The page's parts wider than the window, which a phone would have to scroll sideways."""
    found: list[str] = driver.execute_script(
        "const width = document.documentElement.clientWidth;"
        "return [...document.querySelectorAll('main table, main form, main section')]"
        ".filter(e => e.getBoundingClientRect().right > width + 1"
        " || e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.id || e.tagName);"
    )
    if driver.execute_script(
        "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
    ):
        found.append("page")
    return found


async def test_an_events_page_fits_a_phone_and_finds_a_name_at_the_door(
    browser: Browser, site: Site
) -> None:
    """At 390 px wide the going list and the waitlist fit the screen (no sideways scroll);
    a typed name narrows the going list to that party, whom one tap checks in."""
    now = site.app.clock.now()
    for number in range(8):
        member = await add_member(
            site.app.store, f"telegram:9{number}", now,
            name=f"Aleksandra Radulović-Vujošević {number}", country="DE",
        )  # fmt: skip
        await site.app.store.rsvps.answer(TODAY, member.id, "going", now, capacity=50)
    for number in range(3):
        member = await add_member(
            site.app.store, f"telegram:8{number}", now,
            name=f"Konstantin Dragićević-Šćekić {number}", country="DE",
        )  # fmt: skip
        await site.app.store.rsvps.answer(SUPPER, member.id, "going", now, capacity=3)

    def steps() -> tuple[list[str], list[str], list[str], str]:
        driver = browser.driver
        driver.set_window_size(390, 844)
        try:
            driver.get(site.url + f"/dashboard/events/{SUPPER}")
            _sign_in(browser, site, PASSWORD)
            browser.wait().until(
                expected_conditions.presence_of_element_located((By.ID, "waitlist"))
            )
            supper = _overflow(driver)
            driver.get(site.url + f"/dashboard/events/{TODAY}")
            door = _overflow(driver)
            field = driver.find_element(By.ID, "q")
            field.send_keys("ana MARKOVIC")
            field.submit()
            browser.wait().until(expected_conditions.url_contains("q=ana"))
            names = [
                cell.text
                for cell in driver.find_elements(By.CSS_SELECTOR, "#going tbody td:first-child a")
            ]
            driver.find_element(By.CSS_SELECTOR, "#going button.checkin").click()
            flash = browser.wait().until(
                expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash"))
            )
            return supper, door, names, flash.text
        finally:
            driver.set_window_size(1280, 900)

    supper, door, names, flash = await asyncio.to_thread(steps)

    assert ([], []) == (supper, door)
    assert ["Ana Marković"] == names
    assert "Ana Marković is checked in." == flash


def _downloaded(folder: Path, name: str) -> Path:
    """Waits for Chromium to finish writing ``name`` into ``folder``."""
    path = folder / name
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if path.exists() and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.05)
    raise AssertionError(f"{name} was not downloaded; found {sorted(os.listdir(folder))}")
