"""The sign-in limit, kept in the database so that a restart forgets nothing.

- An unknown browser is counted by its address (:mod:`staff.dashboard.proxies`): after five
  failures within fifteen minutes that address waits until the oldest of them is fifteen
  minutes old, even with the right password.
- Twenty failures of unknown browsers within fifteen minutes, from any addresses, mean someone
  guesses from many: then every unknown browser, wherever it is, gets one attempt thirty
  seconds after the latest failure. Rotating addresses buys two guesses a minute, and the
  slow-down ends fifteen minutes after the guessing stops.
- A browser that signed in here before (a cookie it keeps for ninety days) is counted on its
  own: five failures lock out that browser only, and neither its address's lock nor the
  slow-down applies to it. So whoever shares a coordinator's address (an office, or every
  client of a proxy not named in TRUSTED_PROXIES) or floods the form from many addresses
  cannot lock out a coordinator who has signed in before; at worst a new browser waits.

A refused attempt is not counted (the password is not even read), so trying while told to wait
never lengthens the wait.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.clock import Clock
from bot.store import SignIns
from bot.store.signins import address_key, browser_key

BROWSER_COOKIE = "dashboard_browser"
REMEMBER = timedelta(days=90)


@dataclass(frozen=True)
class Client:
    """Who tries to sign in: an address, and the token of the browser when it signed in
    before."""

    address: str
    browser: str | None = None

    @property
    def key(self) -> str:
        """Whose failures this attempt counts with."""
        return browser_key(self.browser) if self.browser else address_key(self.address)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused, and how many seconds until the next may be made."""

    seconds: float
    who: Literal["address", "browser", "everyone"]


class Lockout:
    """Counts failed sign-ins and says who must wait (see the module)."""

    def __init__(
        self,
        signins: SignIns,
        clock: Clock,
        *,
        limit: int = 5,
        window: timedelta = timedelta(minutes=15),
        crowd: int = 20,
        spacing: timedelta = timedelta(seconds=30),
    ) -> None:
        self.signins = signins
        self.clock = clock
        self.limit = limit
        self.window = window
        self.crowd = crowd
        self.spacing = spacing

    async def client(self, address: str, browser: str | None) -> Client:
        """The client at ``address`` whose browser sent the cookie ``browser`` (kept only when
        it names a browser that signed in within :data:`REMEMBER`)."""
        if browser:
            since = self.clock.now() - REMEMBER
            if await self.signins.known_browser(browser, since=since):
                return Client(address, browser)
        return Client(address)

    async def refusal(self, client: Client) -> Refusal | None:
        """Why ``client`` may not try now, or None."""
        now = self.clock.now()
        failures = await self.signins.failures(client.key, now - self.window)
        if len(failures) >= self.limit:
            until = failures[-self.limit] + self.window
            return Refusal(
                (until - now).total_seconds(), "browser" if client.browser else "address"
            )
        if client.browser:
            return None
        count, latest = await self.signins.unknown_failures(now - self.window)
        if count >= self.crowd and latest is not None and latest + self.spacing > now:
            return Refusal((latest + self.spacing - now).total_seconds(), "everyone")
        return None

    async def failed(self, client: Client) -> None:
        """Counts a wrong password from ``client``."""
        now = self.clock.now()
        await self.signins.failed(
            client.key, now, known=client.browser is not None, forget_before=now - self.window
        )

    async def succeeded(self, client: Client) -> str:
        """Forgets ``client``'s failures and remembers its browser; the browser's token, for
        its cookie (a new one for a browser not known before)."""
        now = self.clock.now()
        await self.signins.forget(client.key, forget_before=now - self.window)
        token = client.browser or secrets.token_urlsafe(32)
        await self.signins.signed_in(token, now, forget_before=now - REMEMBER)
        return token
