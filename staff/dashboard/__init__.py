"""The coordinators' web dashboard, mounted at ``/dashboard`` beside the webhooks by the wiring
(:meth:`bot.app.App.asgi`).

| route | does |
|---|---|
| ``GET, POST /signin`` · ``POST /signout`` | sign-in with ``DASHBOARD_PASSWORD`` |
| ``GET /`` | overview: members by country, sector, interest; registrations over time |
| ``GET /members`` · ``GET /members/<id>`` | members: search, filters, sort, pages; one member |
| ``GET /events`` · ``GET /events/<slug>`` | RSVP lists with waitlist positions |
| ``POST /events/<slug>/checkin`` | check a member in on the day of the event |
| ``GET /fellowship`` · ``GET /fellowship/<id>`` | fellowship applications; one with its history |
| ``POST /fellowship/<id>/status`` · ``POST /fellowship/<id>/note`` | a decision; a note |
| ``GET /businesses`` · ``GET /businesses/<id>`` | requests (funnel); one, its offers ranked |
| ``POST /businesses/<id>/propose`` | propose an introduction (both sides asked) |
| ``GET /offers`` · ``GET /matches`` · ``GET /matches/<id>`` | offers; matches, their states |
| ``POST /matches/<id>/withdraw`` · ``POST /businesses/download`` | withdraw; the exports |
| ``GET /messages`` | the outbox job by job; messages of unknown fate a crash left |
| ``GET /polls`` · ``GET /polls/<id>`` | polls; one poll's exact counts, by place and language |
| ``POST /polls/<id>/share`` | send a poll's results to those who answered (confirmed, audited) |
| ``GET /reach`` · ``GET /reach/job?id=JOB`` | what each broadcast, campaign and poll achieved |
| ``POST /reach/resend`` | resend what failed for a passing reason (confirmed, audited) |
| ``GET /engagement`` | the programme's funnel, registered → … → outcome, by month and country |
| ``GET /mapping`` | the mapping report (aggregates, small counts suppressed) |
| ``POST /mapping/download`` | the mapping report as an HTML or XLSX file to share (audited) |
| ``GET /questions`` · ``GET /questions/<id>`` | members' questions (open, answered, closed); one |
| ``POST /questions/<id>/answer`` · ``/note`` · ``/close`` · ``/reopen`` | answer, note, status |
| ``GET /downloads`` · ``POST /download`` | the CLI's exports as CSV or XLSX |
| ``GET /static/dashboard.css`` | the one stylesheet |

Without ``DASHBOARD_PASSWORD`` every dashboard path answers 404 (the dashboard is off). With
it, :class:`staff.dashboard.auth.Guard` sends anyone not signed in to the sign-in page and
checks the CSRF token of every form. The session cookie is signed with
``DASHBOARD_SECRET_KEY`` (or a random key for this process, so sign-ins end on restart) and
names a session the server keeps (:class:`staff.dashboard.auth.Access`): signing out, a new
password or twelve hours end it. Failed sign-ins are limited per address, per browser and
across all (:mod:`staff.dashboard.lockout`); the address is the peer's, or behind a proxy named
in ``TRUSTED_PROXIES`` the one it forwarded (:mod:`staff.dashboard.proxies`).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from bot.clock import Clock
from bot.content import Content
from bot.settings import Settings
from bot.store import Store
from staff.dashboard.applications import Applications
from staff.dashboard.auth import Access, Guard, Keys
from staff.dashboard.businesses import Businesses
from staff.dashboard.downloads import Downloads
from staff.dashboard.engagement import Engagement
from staff.dashboard.events import Events
from staff.dashboard.lockout import Lockout
from staff.dashboard.matches import Matches
from staff.dashboard.members import Members
from staff.dashboard.messages import Messages
from staff.dashboard.overview import Overview
from staff.dashboard.pages import Deps, Pages
from staff.dashboard.polls import Polls
from staff.dashboard.proxies import Proxies
from staff.dashboard.questions import Questions
from staff.dashboard.reach import Reach
from staff.dashboard.signin import SignIn

log = logging.getLogger(__name__)

PATH = "/dashboard"
COOKIE = "dashboard_session"
# A sign-in lasts a working day.
SESSION_SECONDS = 12 * 60 * 60
STATIC = Path(__file__).with_name("static")


def build(settings: Settings, store: Store, content: Content, clock: Clock) -> ASGIApp:
    """The dashboard over the running service's store and content (or a 404 for everything
    when it is off)."""
    if settings.dashboard_password is None:
        return PlainTextResponse(
            "The dashboard is off: set DASHBOARD_PASSWORD to turn it on.", status_code=404
        )
    if settings.dashboard_secret_key is not None:
        secret_key = settings.dashboard_secret_key.get_secret_value()
    else:
        log.warning(
            "DASHBOARD_SECRET_KEY is not set: using a random key, so dashboard sign-ins end "
            "when the bot restarts"
        )
        secret_key = secrets.token_urlsafe(32)
    timezone = ZoneInfo(settings.timezone)
    deps = Deps(
        store=store,
        content=content,
        clock=clock,
        timezone=timezone,
        pages=Pages(content, timezone),
    )
    https = (settings.public_base_url or "").lower().startswith("https://")
    keys = Keys(settings.dashboard_password.get_secret_value(), secret_key)
    access = Access(keys, store.sessions, clock, timedelta(seconds=SESSION_SECONDS))
    signin = SignIn(
        deps,
        keys,
        access,
        Lockout(store.signins, clock),
        Proxies(settings.trusted_proxies),
        secure=https,
    )
    overview = Overview(deps)
    members = Members(deps)
    events = Events(deps)
    applications = Applications(deps)
    businesses = Businesses(deps)
    matches = Matches(deps)
    downloads = Downloads(deps)
    questions = Questions(deps)
    messages = Messages(deps)
    polls = Polls(deps)
    reach = Reach(deps)
    engagement = Engagement(deps)
    routes = [
        Route("/signin", signin.page, methods=["GET"]),
        Route("/signin", signin.submit, methods=["POST"]),
        Route("/signout", signin.sign_out, methods=["POST"]),
        Route("/", overview.overview, methods=["GET"]),
        Route("/mapping", overview.mapping, methods=["GET"]),
        Route("/mapping/download", overview.download, methods=["POST"]),
        Route("/members", members.table, methods=["GET"]),
        Route("/members/{member_id:int}", members.member, methods=["GET"]),
        Route("/events", events.listing, methods=["GET"]),
        Route("/events/{slug}", events.event, methods=["GET"]),
        Route("/events/{slug}/checkin", events.check_in, methods=["POST"]),
        Route("/fellowship", applications.listing, methods=["GET"]),
        Route("/fellowship/{application_id:int}", applications.application, methods=["GET"]),
        Route(
            "/fellowship/{application_id:int}/status",
            applications.change_status,
            methods=["POST"],
        ),
        Route("/fellowship/{application_id:int}/note", applications.add_note, methods=["POST"]),
        Route("/businesses", businesses.listing, methods=["GET"]),
        Route("/businesses/download", businesses.download, methods=["POST"]),
        Route("/businesses/{business_id:int}", businesses.business, methods=["GET"]),
        Route("/businesses/{business_id:int}/propose", businesses.propose, methods=["POST"]),
        Route("/offers", businesses.offers, methods=["GET"]),
        Route("/matches", matches.listing, methods=["GET"]),
        Route("/matches/{match_id:int}", matches.match, methods=["GET"]),
        Route("/matches/{match_id:int}/withdraw", matches.withdraw, methods=["POST"]),
        Route("/messages", messages.listing, methods=["GET"]),
        Route("/polls", polls.listing, methods=["GET"]),
        Route("/polls/{poll_id}", polls.poll, methods=["GET"]),
        Route("/polls/{poll_id}/share", polls.share, methods=["POST"]),
        Route("/reach", reach.listing, methods=["GET"]),
        Route("/reach/job", reach.job, methods=["GET"]),
        Route("/reach/resend", reach.resend, methods=["POST"]),
        Route("/engagement", engagement.page, methods=["GET"]),
        Route("/questions", questions.listing, methods=["GET"]),
        Route("/questions/{thread_id:int}", questions.question, methods=["GET"]),
        Route("/questions/{thread_id:int}/answer", questions.answer, methods=["POST"]),
        Route("/questions/{thread_id:int}/note", questions.note, methods=["POST"]),
        Route("/questions/{thread_id:int}/close", questions.close, methods=["POST"]),
        Route("/questions/{thread_id:int}/reopen", questions.reopen, methods=["POST"]),
        Route("/downloads", downloads.page, methods=["GET"]),
        Route("/download", downloads.download, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=secret_key,
                session_cookie=COOKIE,
                max_age=SESSION_SECONDS,
                path=PATH,
                same_site="strict",
                https_only=https,
            ),
            Middleware(Guard, access=access, language=deps.pages.kept),
        ],
    )
