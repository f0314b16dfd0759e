"""The content folder: locales, the programme's lists, events, fellowships, the FAQ, campaigns and
polls, reloaded when files change.

A broken file never takes the bot down. Each file keeps its last good version on its own (a
broken campaign hides none of the good ones beside it, a broken event none of its campaigns),
its problem is logged once, when the change is seen, and ``diaspora-bot campaigns check``
reports it as ``file:line: message``. Every file is bounded before it is read (see
:mod:`bot.content.yamlfile`) and a folder is read up to :data:`MAX_FILES` files.

The running bot never reads the folder while it answers: the ``watch-content`` job calls
:meth:`Content.poll` every two seconds, which compares the files' times and sizes in a worker
thread, parses only those that changed there, and swaps the new snapshot in at once.
"""

from __future__ import annotations

import asyncio
import logging
import string
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import plurals
from bot.content import campaigns as campaign_files
from bot.content import polls as poll_files
from bot.content import yamlfile
from bot.content.audience import Vocabulary
from bot.content.campaign_fields import Context as CampaignContext
from bot.content.campaigns import Campaign
from bot.content.events import Event, parse_event
from bot.content.faq import Faq, parse_faq
from bot.content.fellowships import Fellowship, parse_fellowship
from bot.content.files import MAX_FILES, Files
from bot.content.polls import Poll
from bot.content.programme import Programme
from bot.errors import ContentError
from bot.text import fold

log = logging.getLogger(__name__)

# TIMEZONE's default (bot.settings): the zone of content times when none is given.
DEFAULT_TIMEZONE = "Europe/Podgorica"

_FORMATTER = string.Formatter()


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a locale string expects."""
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(text) if name}
    except ValueError:
        return set()


def _flatten(located: yamlfile.Located) -> dict[str, str]:
    data = located.data
    if not isinstance(data, dict):
        raise located.error("a locale file must be a mapping of keys to texts")
    flat: dict[str, str] = {}

    def walk(node: dict[Any, Any], prefix: tuple[str, ...]) -> None:
        for key, value in node.items():
            path = (*prefix, str(key))
            if isinstance(value, dict):
                walk(value, path)
            elif isinstance(value, str | int | float):
                text = str(value)
                try:
                    list(_FORMATTER.parse(text))
                except ValueError as error:
                    raise located.error(
                        f"{'.'.join(path)}: bad placeholder ({error})", *path
                    ) from error
                flat[".".join(path)] = text
            else:
                raise located.error(f"{'.'.join(path)}: expected text", *path)

    walk(data, ())
    return flat


def campaign_context(
    languages: set[str],
    default_language: str,
    programme: Programme | None,
    events: Mapping[str, Event],
    timezone: str = "UTC",
    locales: Mapping[str, Mapping[str, str]] | None = None,
) -> CampaignContext:
    """What campaign files are checked against: languages, events, the programme's lists (and
    their labels in every shipped language), and the zone of times written without an
    offset."""
    return CampaignContext(
        languages=languages,
        default_language=default_language,
        events=dict(events),
        timezone=timezone,
        vocabulary=Vocabulary(
            languages=languages,
            municipalities=programme.municipalities if programme else (),
            sectors=programme.sectors if programme else (),
            interests=programme.interests if programme else (),
            events=set(events),
            labels=_labels(locales or {}),
            topics=programme.topics if programme else (),
        ),
    )


def _labels(locales: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Folded label → code for the audience filters that have labels, in every language."""
    labels: dict[str, dict[str, str]] = {"languages": {}, "sectors": {}, "interests": {}}
    for language, texts in locales.items():
        if "language_name" in texts:
            labels["languages"][fold(texts["language_name"])] = language
        for key, text in texts.items():
            group, _, code = key.partition(".")
            if group in ("sectors", "interests") and code and "." not in code:
                labels[group].setdefault(fold(text), code)
    return labels


@dataclass(frozen=True)
class _Snapshot:
    """Everything one look at the folder found, swapped in at once."""

    number: int
    generation: int
    locales: dict[str, dict[str, str]]
    programme: Programme | None
    events: dict[str, Event]
    fellowships: dict[str, Fellowship]
    campaigns: dict[str, Campaign]
    errors: dict[str, ContentError]
    faq: dict[str, Faq] = field(default_factory=dict)
    polls: dict[str, Poll] = field(default_factory=dict)


@dataclass(eq=False)
class Content:
    """Everything in the content folder that the flows read, kept fresh without a restart."""

    root: Path
    default_language: str = "en"
    # The programme's time zone (TIMEZONE): event times and send_at without an offset are in it.
    timezone: str = DEFAULT_TIMEZONE
    # Seconds between two looks at the folder (poll() and refresh() without force).
    min_interval: float = 2.0
    monotonic: Callable[[], float] = time.monotonic
    max_files: int = MAX_FILES
    locales: dict[str, dict[str, str]] = field(default_factory=dict)
    programme: Programme | None = None
    events: dict[str, Event] = field(default_factory=dict)
    fellowships: dict[str, Fellowship] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    faq: dict[str, Faq] = field(default_factory=dict)
    polls: dict[str, Poll] = field(default_factory=dict)
    errors: dict[str, ContentError] = field(default_factory=dict)
    # Goes up whenever a file is loaded, changed, broken or removed (the planner re-plans then).
    generation: int = 0
    # How many times the folder was looked at.
    scans: int = 0
    # What the looks keep between them; only _scan touches these, one look at a time.
    _files: Files = field(init=False, repr=False)
    _event_slugs: frozenset[str] = frozenset()
    _looks: int = 0
    _scanning: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Which look the public fields show, and when the last look started.
    _shown: int = 0
    _checked_at: float | None = None
    _polling: asyncio.Lock | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._files = Files(self.root, self.max_files)

    @classmethod
    def load(
        cls,
        root: Path,
        default_language: str = "en",
        *,
        monotonic: Callable[[], float] = time.monotonic,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> Content:
        """Reads the whole folder; a ContentError when the programme or the default language's
        locale cannot be used (the bot cannot start without them)."""
        content = cls(
            root=Path(root),
            default_language=default_language,
            monotonic=monotonic,
            timezone=timezone,
        )
        content.refresh(force=True)
        programme_path = str(content.root / "programme.yaml")
        if content.programme is None:
            raise content.errors.get(
                programme_path, ContentError(programme_path, 1, "file is missing")
            )
        if default_language not in content.locales:
            locale = content.root / "locales" / f"{default_language}.yaml"
            raise content.errors.get(
                str(locale),
                ContentError(
                    str(locale), 1, f"the default language {default_language!r} has no locale file"
                ),
            )
        return content

    def refresh(self, *, force: bool = False) -> bool:
        """Reloads the files that changed, here and now (for the command line and tests; the
        running bot uses :meth:`poll`); unless forced, at most once every ``min_interval``
        seconds. True when something changed."""
        if not force and not self._due():
            return False
        self._checked_at = self.monotonic()
        return self._show(self._scan())

    async def poll(self, *, force: bool = False) -> bool:
        """Reloads the files that changed, reading and parsing them in a worker thread so that
        the event loop never waits for the disk; unless forced, at most once every
        ``min_interval`` seconds. True when something changed."""
        if self._polling is None:
            self._polling = asyncio.Lock()
        async with self._polling:
            if not force and not self._due():
                return False
            self._checked_at = self.monotonic()
            try:
                snapshot = await asyncio.to_thread(self._scan)
            except Exception:
                # A bug, not a file's problem (those are ContentErrors kept per file).
                log.exception("reading the content folder failed; the last good content stays")
                return False
            return self._show(snapshot)

    def _due(self) -> bool:
        return self._checked_at is None or self.monotonic() - self._checked_at >= self.min_interval

    def _show(self, snapshot: _Snapshot) -> bool:
        """Makes a look's snapshot the current content, unless a later one is shown already."""
        if snapshot.number <= self._shown:
            return False
        changed = snapshot.generation != self.generation
        self._shown = snapshot.number
        self.generation = snapshot.generation
        self.locales = snapshot.locales
        self.programme = snapshot.programme
        self.events = snapshot.events
        self.fellowships = snapshot.fellowships
        self.faq = snapshot.faq
        self.campaigns = snapshot.campaigns
        self.polls = snapshot.polls
        self.errors = snapshot.errors
        return changed

    def _scan(self) -> _Snapshot:
        """One look at the folder: every file whose stamp changed is read again."""
        with self._scanning:
            self.scans += 1
            files = self._files
            problems: dict[str, ContentError] = {}
            locales = files.folder("locales", "*.yaml", yamlfile.load, _flatten, problems)
            programme = self._programme(problems)
            languages = set(locales)
            events = files.folder(
                "events",
                "*.yaml",
                yamlfile.load,
                lambda located: parse_event(located, languages, self.timezone),
                problems,
            )
            if frozenset(events) != self._event_slugs:
                # Campaigns and polls are checked against the events: read them again.
                self._event_slugs = frozenset(events)
                files.forget("campaigns")
                files.forget("polls")
            fellowships = files.folder(
                "fellowships",
                "*.yaml",
                yamlfile.load,
                lambda located: parse_fellowship(located, languages),
                problems,
            )
            faq = files.folder(
                "faq",
                "*.yaml",
                yamlfile.load,
                lambda located: parse_faq(located, languages),
                problems,
            )
            context = campaign_context(
                languages, self.default_language, programme, events, self.timezone, locales
            )
            campaigns = files.folder(
                "campaigns",
                "*.md",
                lambda path: (path, campaign_files.read(path)),
                lambda read: campaign_files.parse_campaign(read[0], read[1], context),
                problems,
            )
            polls = files.folder(
                "polls",
                "*.md",
                lambda path: (path, poll_files.read(path)),
                lambda read: poll_files.parse_poll(read[0], read[1], context),
                problems,
            )
            self._looks += 1
            return _Snapshot(
                self._looks,
                files.changes,
                locales,
                programme,
                events,
                fellowships,
                campaigns,
                problems | files.problems(),
                faq,
                polls,
            )

    def paths(self, name: str, pattern: str) -> list[Path]:
        """The files of a folder that are read: by name, at most ``max_files``."""
        return self._files.paths(name, pattern)

    def _programme(self, problems: dict[str, ContentError]) -> Programme | None:
        path = self.root / "programme.yaml"
        programme = self._files.one(path, yamlfile.load, Programme.parse)
        if not path.exists():
            problems[str(path)] = ContentError(str(path), 1, "file is missing")
        return programme if isinstance(programme, Programme) else None

    def campaign_context(self) -> CampaignContext:
        """What campaign files are checked against, from the content in use."""
        return campaign_context(
            set(self.locales),
            self.default_language,
            self.programme,
            self.events,
            self.timezone,
            self.locales,
        )

    @property
    def languages(self) -> list[str]:
        """The languages members can choose: those with a locale file, default first."""
        others = sorted(code for code in self.locales if code != self.default_language)
        return [self.default_language, *others]

    def text(self, language: str, key: str, /, **values: Any) -> str:
        """The text for ``key`` in ``language``, falling back to the default language. A text
        given in plural forms (``key.one``, ``key.few``, ``key.other``) takes the form of the
        ``count`` value in that language (see :mod:`bot.plurals`)."""
        template = self._template(language, key)
        if template is None and "count" in values:
            template = self._plural(language, key, values["count"])
        if template is None:
            log.error("missing locale key %r", key)
            return key
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError) as error:
            log.error("locale %s key %r: cannot fill placeholders: %s", language, key, error)
            return template

    def _template(self, language: str, key: str) -> str | None:
        """The text of ``key`` in ``language``, else in the default language, else None."""
        template = self.locales.get(language, {}).get(key)
        if template is None:
            template = self.locales.get(self.default_language, {}).get(key)
        return template

    def _plural(self, language: str, key: str, count: object) -> str | None:
        """The plural form of ``key`` for ``count`` (its ``other`` form when there is none)."""
        number = plurals.number_of(count)
        found = self.locales.get(language, {})
        if f"{key}.other" not in found:
            language, found = self.default_language, self.locales.get(self.default_language, {})
        if number is not None:
            form = found.get(f"{key}.{plurals.category(language, number)}")
            if form is not None:
                return form
        return found.get(f"{key}.other")

    def has(self, language: str, key: str) -> bool:
        """Whether ``key`` has a text (or plural forms) in ``language`` or the default."""
        return any(
            name in self.locales.get(code, {})
            for code in (language, self.default_language)
            for name in (key, f"{key}.other")
        )

    def language_for_hint(self, hint: str | None) -> str | None:
        """Maps a client's language code (``de``, ``sr-Latn``, ``en-GB``) to a shipped language."""
        if not hint:
            return None
        code = hint.lower().replace("_", "-")
        base = code.split("-")[0]
        hints = self.programme.language_hints if self.programme else {}
        for candidate in (code, base):
            if candidate in self.locales:
                return candidate
            mapped = hints.get(candidate)
            if mapped in self.locales:
                return mapped
        return None
