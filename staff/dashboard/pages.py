"""What every dashboard page needs: the app's parts it reads (:class:`Deps`), the Jinja2
templates (autoescaped, strict) and the labels that turn stored codes into words.

Stored codes read in the programme's default language, with the labels the flows show members
(countries, sectors, interests, languages, host institutions); the dashboard's own words are
in its templates, for staff only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.templating import Jinja2Templates

from bot.clock import Clock
from bot.content import Content
from bot.store import Store
from staff import stats
from staff.dashboard.auth import CSRF_FIELD, csrf_token
from staff.words import Words

TEMPLATES = Path(__file__).with_name("templates")
ACTOR = "dashboard"
# The session key of the dashboard language a coordinator chose.
LANGUAGE_KEY = "language"
# SQLite's largest integer: no row has a bigger id, and asking for one would overflow.
LARGEST_ID = 2**63 - 1


@dataclass(frozen=True)
class Deps:
    """The parts of the running app the dashboard reads and writes."""

    store: Store
    content: Content
    clock: Clock
    timezone: ZoneInfo
    pages: Pages

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today in the programme's time zone."""
        return self.clock.now().astimezone(self.timezone).date()

    def language(self, request: Request) -> str:
        """The language the coordinator chose for the dashboard (the default one until then)."""
        chosen = request.session.get(LANGUAGE_KEY)
        if isinstance(chosen, str) and chosen in self.content.locales:
            return chosen
        return self.content.default_language

    def words(self, request: Request) -> Words:
        """Codes and times as this coordinator reads them."""
        return Words(self.content, self.language(request), self.timezone.key)


class Labels:
    """Stored codes as coordinators read them, in the programme's default language."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def __call__(self, dimension: str, code: object) -> str:
        """``label("sector", "it")`` → ``IT and software``; blank for nothing. ``dimension``
        is one of :data:`staff.stats.DIMENSIONS`, or a locale group (``host_kinds``)."""
        if code in (None, "", []):
            return ""
        if isinstance(code, list | tuple):
            return ", ".join(self(dimension, item) for item in code)
        content, language, text = self.content, self.content.default_language, str(code)
        if dimension in stats.DIMENSIONS:
            return stats.label(content, language, dimension, text)
        key = f"{dimension}.{text}"
        return content.text(language, key) if content.has(language, key) else text

    def text(self, key: str) -> str:
        """A locale text (``fields.name``) in the default language."""
        return self.content.text(self.content.default_language, key)


class Pages:
    """Renders the templates with what every page shows (the base path, the CSRF field, a
    message left by the last action)."""

    def __init__(self, content: Content, timezone: ZoneInfo) -> None:
        environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        labels = Labels(content)
        environment.globals["label"] = labels
        environment.globals["t"] = labels.text
        environment.filters["local"] = lambda value: local_time(value, timezone)
        self.templates = Jinja2Templates(env=environment)

    def render(
        self, request: Request, template: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        session = request.session
        token = csrf_token(session)
        values = {
            "base": base(request),
            "csrf": Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token),
            "flash": session.pop("flash", None),
            "section": "",
            **context,
        }
        return self.templates.TemplateResponse(request, template, values, status_code=status_code)


def record_id(request: Request, name: str) -> int | None:
    """The id in the path (digits only, by the route), or None when no row can have it."""
    number = int(request.path_params[name])
    return number if number <= LARGEST_ID else None


def base(request: Request) -> str:
    """Where the dashboard is mounted (``/dashboard``), for links."""
    return str(request.scope.get("root_path", ""))


def redirect(request: Request, path: str, flash: str | None = None) -> RedirectResponse:
    """After a form: back to a dashboard page (303), with a message for it."""
    if flash:
        request.session["flash"] = flash
    return RedirectResponse(base(request) + path, status_code=303)


def local_time(value: object, timezone: ZoneInfo) -> str:
    """An ISO time (or datetime) as ``2026-11-27 11:00`` in the programme's time zone."""
    if value in (None, ""):
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone)
    return moment.strftime("%Y-%m-%d %H:%M")


def query_string(values: Mapping[str, object], **changes: object) -> str:
    """``values`` with ``changes`` as a query string, blanks left out (for sort and page
    links that keep the filters)."""
    merged = {**values, **changes}
    return urlencode({key: str(value) for key, value in merged.items() if value not in (None, "")})
