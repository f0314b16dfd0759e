"""Signing in with ``DASHBOARD_PASSWORD`` and signing out.

A wrong password is answered the same whatever was typed, and counted against the client's
address; after five within fifteen minutes that address is told to wait (429), even with the
right password. A successful sign-in starts a fresh session and is audited.
"""

from __future__ import annotations

import logging
import math

from starlette.requests import Request
from starlette.responses import Response

from bot.dashboard.auth import Attempts, Keys, client_of, parse_form
from bot.dashboard.pages import ACTOR, Deps, base, redirect

log = logging.getLogger(__name__)


class SignIn:
    """The sign-in page, its form, and signing out."""

    def __init__(self, deps: Deps, keys: Keys, attempts: Attempts) -> None:
        self.deps = deps
        self.keys = keys
        self.attempts = attempts

    async def page(self, request: Request) -> Response:
        """The sign-in form (or, when already signed in, the overview)."""
        if self.keys.signed_in(request.session):
            return redirect(request, "/")
        return self._form(request, next_page=request.query_params.get("next", ""))

    async def submit(self, request: Request) -> Response:
        """Checks the password; signs in, or says why not."""
        form = parse_form(await request.body())
        next_page = form.get("next", "")
        client = client_of(request)
        wait = self.attempts.wait(client)
        if wait > 0:
            log.warning("dashboard: sign-in refused for %s (too many attempts)", client)
            minutes = max(1, math.ceil(wait / 60))
            return self._form(
                request,
                next_page=next_page,
                error=f"Too many failed sign-ins from your address. Try again in {minutes} "
                f"minute{'s' if minutes != 1 else ''}.",
                status_code=429,
                headers={"Retry-After": str(math.ceil(wait))},
            )
        if not self.keys.matches(form.get("password", "")):
            self.attempts.failed(client)
            log.warning("dashboard: wrong password from %s", client)
            return self._form(
                request, next_page=next_page, error="Wrong password.", status_code=401
            )
        self.attempts.succeeded(client)
        self.keys.sign_in(request.session)
        log.info("dashboard: signed in from %s", client)
        await self.deps.store.audit.record(ACTOR, "dashboard.signin", self.deps.now())
        root = base(request)
        # Only a page of the dashboard itself, never another site.
        if next_page.startswith(root + "/") and not next_page.startswith(("//", "/\\")):
            return redirect(request, next_page.removeprefix(root))
        return redirect(request, "/")

    async def sign_out(self, request: Request) -> Response:
        """Ends the session."""
        request.session.clear()
        return redirect(request, "/signin", "Signed out.")

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
