"""Signing in with ``DASHBOARD_PASSWORD`` and signing out.

A wrong password is answered the same whatever was typed, and counted by
:class:`staff.dashboard.lockout.Lockout`; a client it refuses is told how long to wait (429),
even with the right password. A successful sign-in opens a fresh session on the server, marks
the browser as one that signed in here, and is audited. Signing out ends the session on the
server, so a copy of the cookie opens nothing afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import math

from starlette.requests import Request
from starlette.responses import Response

from staff.dashboard.auth import Access, Keys, parse_form
from staff.dashboard.i18n import N_, translations
from staff.dashboard.lockout import BROWSER_COOKIE, REMEMBER, Lockout, Refusal
from staff.dashboard.pages import ACTOR, Deps, base, redirect
from staff.dashboard.proxies import Proxies

log = logging.getLogger(__name__)

# What a refused client reads, by whose failures refused it.
REFUSED = {
    "address": N_("Too many failed sign-ins from your address."),
    "browser": N_("Too many failed sign-ins from this browser."),
    "everyone": N_("Too many failed sign-ins to the dashboard lately."),
}


class SignIn:
    """The sign-in page, its form, and signing out."""

    def __init__(
        self,
        deps: Deps,
        keys: Keys,
        access: Access,
        lockout: Lockout,
        proxies: Proxies,
        *,
        secure: bool,
    ) -> None:
        self.deps = deps
        self.keys = keys
        self.access = access
        self.lockout = lockout
        self.proxies = proxies
        self.secure = secure
        # One attempt is checked at a time, so parallel guesses cannot all pass the limit
        # before any of them is counted.
        self._one_at_a_time = asyncio.Lock()

    async def page(self, request: Request) -> Response:
        """The sign-in form (or, when already signed in, the overview)."""
        if await self.access.signed_in(request.session):
            return redirect(request, "/")
        return self._form(request, next_page=request.query_params.get("next", ""))

    async def submit(self, request: Request) -> Response:
        """Checks the password; signs in, or says why not."""
        form = parse_form(await request.body())
        next_page = form.get("next", "")
        address = self.proxies.client(request.scope)
        async with self._one_at_a_time:
            client = await self.lockout.client(address, request.cookies.get(BROWSER_COOKIE))
            refusal = await self.lockout.refusal(client)
            if refusal is not None:
                log.warning("dashboard: sign-in refused for %s (too many attempts)", address)
                return self._refused(request, next_page, refusal)
            if not self.keys.matches(form.get("password", "")):
                await self.lockout.failed(client)
                log.warning("dashboard: wrong password from %s", address)
                _ = self.deps.gettext(request)
                return self._form(
                    request, next_page=next_page, error=_("Wrong password."), status_code=401
                )
            browser = await self.lockout.succeeded(client)
        await self.access.sign_in(request.session)
        log.info("dashboard: signed in from %s", address)
        await self.deps.store.audit.record(ACTOR, "dashboard.signin", self.deps.now())
        root = base(request)
        # Only a page of the dashboard itself, never another site.
        if next_page.startswith(root + "/") and not next_page.startswith(("//", "/\\")):
            response = redirect(request, next_page.removeprefix(root))
        else:
            response = redirect(request, "/")
        response.set_cookie(
            BROWSER_COOKIE,
            browser,
            max_age=int(REMEMBER.total_seconds()),
            path=root or "/",
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )
        return response

    async def sign_out(self, request: Request) -> Response:
        """Ends the session, on the server too."""
        _ = self.deps.gettext(request)
        await self.access.sign_out(request.session)
        return redirect(request, "/signin", _("Signed out."))

    def _refused(self, request: Request, next_page: str, refusal: Refusal) -> Response:
        """429, saying how long to wait."""
        seconds = max(1, math.ceil(refusal.seconds))
        minutes = max(1, math.ceil(seconds / 60))
        translated = translations(self.deps.language(request))
        wait = translated.ngettext(
            "Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes
        ) % {"num": minutes}
        return self._form(
            request,
            next_page=next_page,
            error=f"{translated.gettext(REFUSED[refusal.who])} {wait}",
            status_code=429,
            headers={"Retry-After": str(seconds)},
        )

    def _form(
        self,
        request: Request,
        *,
        next_page: str,
        error: str | None = None,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        response = self.deps.pages.render(
            request,
            "signin.html",
            status_code=status_code,
            section="signin",
            error=error,
            next_page=next_page,
        )
        response.headers.update(headers or {})
        return response
