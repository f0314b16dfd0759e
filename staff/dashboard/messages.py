"""What the outbox did, job by job (broadcasts, campaign steps, notices): waiting, sent, failed,
not sent — and the messages of unknown fate a crash left, which only staff can resend.

A message is of unknown fate when the bot stopped while its request was with the provider: it
may or may not have arrived. It is never resent on its own (a member would get it twice); the
page says how many there are per job and how to resend them (``outbox resend --unknown``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from staff.dashboard.pages import Deps

# Jobs shown: those with unknown messages first, then the latest.
JOBS = 50


class Messages:
    """The messages page."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """The latest jobs with their messages by state; unknown ones stand out."""
        outbox = self.deps.store.outbox
        jobs = await outbox.jobs(JOBS)
        unknown = (await outbox.counts()).get("unknown", 0)
        return self.deps.pages.render(
            request, "messages.html", section="messages", jobs=jobs, unknown=unknown
        )
