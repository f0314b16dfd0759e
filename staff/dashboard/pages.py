"""What every dashboard page needs: the app's parts it reads (:class:`Deps`), the Jinja2
templates (autoescaped, strict) and the words of the coordinator's language.

A coordinator chooses the dashboard's language (``?lang=cnr`` from the switch in the header,
kept in the session; the programme's default language until then). The dashboard's own words
are translated by :mod:`staff.dashboard.i18n`; stored codes read as the flows show them to
members (countries, sectors, interests, languages, host institutions) and times in programme
time with the zone's name, through :class:`staff.words.Words`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from bot.clock import Clock
from bot.content import Content
from bot.store import Store
from staff.dashboard.auth import CSRF_FIELD, csrf_token
from staff.dashboard.i18n import LANGUAGE_KEY, translations
from staff.dashboard.states import STATES, namer
from staff.texts import said
from staff.words import Words

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

TEMPLATES = Path(__file__).with_name("templates")
ACTOR = "dashboard"
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
        return self.pages.language(request)

    def words(self, request: Request) -> Words:
        """Codes and times as this coordinator reads them."""
        return Words(self.content, self.language(request), self.timezone.key)

    def gettext(self, request: Request) -> Callable[[str], str]:
        """The dashboard's own words (flash messages) in this coordinator's language."""
        return translations(self.language(request)).gettext

    def said(self, request: Request, text: object) -> str:
        """What a staff module said (a refusal, a reason) in this coordinator's language."""
        return speaker(Words(self.content, self.language(request), self.timezone.key))(text)


class Pages:
    """Renders the templates in the coordinator's language, with what every page shows (the
    base path, the CSRF field, a message left by the last action, the language switch)."""

    def __init__(self, content: Content, timezone: ZoneInfo) -> None:
        self.content = content
        self.timezone = timezone
        self._templates: dict[str, Jinja2Templates] = {}

    def language(self, request: Request) -> str:
        """``?lang=`` when it names a language (kept for the session), else the one kept,
        else the programme's default."""
        asked = request.query_params.get("lang")
        if asked in self.content.locales:
            request.session[LANGUAGE_KEY] = asked
        return self.kept(request.session)

    def kept(self, session: Mapping[str, Any]) -> str:
        """The language the session keeps, else the programme's default (the guard's answers
        read in it, before any page is drawn)."""
        chosen = session.get(LANGUAGE_KEY)
        if isinstance(chosen, str) and chosen in self.content.locales:
            return chosen
        return self.content.default_language

    def templates(self, language: str) -> Jinja2Templates:
        """The templates with ``language``'s translations, labels and times (made once)."""
        found = self._templates.get(language)
        if found is not None:
            return found
        # Jinja is imported with the first page drawn, not when the service starts: an idle
        # service's footprint (issue 12).
        from jinja2 import Environment, FileSystemLoader, StrictUndefined
        from starlette.templating import Jinja2Templates

        environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        environment.install_gettext_translations(  # type: ignore[attr-defined]
            translations(language), newstyle=True
        )
        words = Words(self.content, language, self.timezone.key)
        environment.globals["label"] = words.label
        environment.globals["t"] = words.text
        environment.globals["state"] = namer(translations(language))
        environment.globals["said"] = speaker(words)
        environment.globals["language"] = language
        environment.filters["local"] = words.time
        found = self._templates[language] = Jinja2Templates(env=environment)
        return found

    def render(
        self, request: Request, template: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        session = request.session
        token = csrf_token(session)
        language = self.language(request)
        values = {
            "base": base(request),
            "csrf": Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token),
            "flash": session.pop("flash", None),
            "section": "",
            "languages": [
                (code, self.content.text(code, "language_name")) for code in self.content.languages
            ],
            "here": request.url.path,
            **context,
        }
        return self.templates(language).TemplateResponse(
            request, template, values, status_code=status_code
        )


def speaker(words: Words) -> Callable[[object], str]:
    """Says what staff modules say (:mod:`staff.texts`) in the language of ``words``: the
    sentence through the dashboard's catalogue, its codes as labels or the dashboard's states."""
    gettext = translations(words.language).gettext
    state = namer(translations(words.language))

    def name(kind: str, code: str | tuple[str, ...]) -> str:
        return state(kind, code) if kind in STATES else words.label(kind, code)

    return lambda text: said(text, gettext, name)


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


def query_string(values: Mapping[str, object], **changes: object) -> str:
    """``values`` with ``changes`` as a query string, blanks left out (for sort and page
    links that keep the filters)."""
    merged = {**values, **changes}
    return urlencode({key: str(value) for key, value in merged.items() if value not in (None, "")})
