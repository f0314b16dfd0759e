"""The content folder: locales and the programme's reference lists, reloaded when files change.

A broken file never takes the bot down: the last good version of it stays in use and the
problem is logged (and reported by ``diaspora-bot campaigns check``) as ``file:line: message``.
"""

from __future__ import annotations

import logging
import os
import string
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from bot.errors import ContentError
from scheduler import campaigns as campaign_files
from scheduler import yamlfile
from scheduler.audience import Vocabulary
from scheduler.campaign_fields import Context as CampaignContext
from scheduler.campaigns import Campaign
from scheduler.events import Event, parse_event
from scheduler.fellowships import Fellowship, parse_fellowship

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Programme:
    """The programme's reference lists (content/programme.yaml)."""

    home_country: str
    municipalities: tuple[str, ...]
    top_countries: tuple[str, ...]
    country_aliases: dict[str, str]
    spoken_languages: tuple[str, ...]
    sectors: tuple[str, ...]
    interests: tuple[str, ...]
    language_hints: dict[str, str]
    # Days a profile is kept after the member's last message (None: until they delete it).
    retention_days: int | None = None

    @classmethod
    def parse(cls, located: yamlfile.Located) -> Programme:
        data = located.data
        if not isinstance(data, dict):
            raise located.error("programme.yaml must be a mapping")

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key)
            if not isinstance(value, list) or not value:
                raise located.error(f"{key}: expected a non-empty list", key)
            for index, item in enumerate(value):
                if not isinstance(item, str) or not item.strip():
                    raise located.error(f"{key}: item {index + 1} must be text", key, index)
            return tuple(value)

        def country(code: object, *where: str | int) -> str:
            if not isinstance(code, str) or pycountry.countries.get(alpha_2=code.upper()) is None:
                raise located.error(f"unknown country code {code!r}", *where)
            return code.upper()

        top = tuple(
            country(code, "top_countries", index)
            for index, code in enumerate(strings("top_countries"))
        )
        aliases_raw = data.get("country_aliases") or {}
        if not isinstance(aliases_raw, dict):
            raise located.error("country_aliases: expected a mapping", "country_aliases")
        aliases = {
            str(name): country(code, "country_aliases", name) for name, code in aliases_raw.items()
        }
        hints_raw = data.get("language_hints") or {}
        if not isinstance(hints_raw, dict):
            raise located.error("language_hints: expected a mapping", "language_hints")
        retention = data.get("retention_days")
        if retention is not None and (
            not isinstance(retention, int) or isinstance(retention, bool) or retention < 30
        ):
            raise located.error(
                f"retention_days: expected a whole number of days, at least 30, not {retention!r}",
                "retention_days",
            )
        return cls(
            home_country=country(data.get("home_country"), "home_country"),
            municipalities=strings("municipalities"),
            top_countries=top,
            country_aliases=aliases,
            spoken_languages=strings("spoken_languages"),
            sectors=strings("sectors"),
            interests=strings("interests"),
            language_hints={str(k).lower(): str(v) for k, v in hints_raw.items()},
            retention_days=retention,
        )


@dataclass
class _Loaded:
    mtime: float
    value: Any


@dataclass
class Content:
    """Everything in the content folder that the flows read, kept fresh without a restart."""

    root: Path
    default_language: str = "en"
    min_interval: float = 1.0
    locales: dict[str, dict[str, str]] = field(default_factory=dict)
    programme: Programme | None = None
    events: dict[str, Event] = field(default_factory=dict)
    fellowships: dict[str, Fellowship] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    errors: dict[str, ContentError] = field(default_factory=dict)
    # Goes up whenever a file is loaded, changed, broken or removed (the planner re-plans then).
    generation: int = 0
    _loaded: dict[Path, _Loaded] = field(default_factory=dict)
    _checked_at: float = -1e9

    @classmethod
    def load(cls, root: Path, default_language: str = "en") -> Content:
        content = cls(root=Path(root), default_language=default_language)
        content.refresh(force=True)
        if content.programme is None:
            raise content.errors.get(
                str(content.root / "programme.yaml"),
                ContentError(str(content.root / "programme.yaml"), 1, "file is missing"),
            )
        if default_language not in content.locales:
            raise ContentError(
                str(content.root / "locales" / f"{default_language}.yaml"),
                1,
                f"the default language {default_language!r} has no locale file",
            )
        return content

    def refresh(self, *, force: bool = False) -> None:
        """Reloads the files that changed since the last look (at most once a second)."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.min_interval:
            return
        self._checked_at = now
        locale_dir = self.root / "locales"
        seen = set()
        for path in sorted(locale_dir.glob("*.yaml")):
            seen.add(path)
            flat = self._reload(path, lambda located: _flatten(located))
            if flat is not None:
                self.locales[path.stem] = flat
        for path in [p for p in self._loaded if p.parent == locale_dir and p not in seen]:
            del self._loaded[path]
            self.locales.pop(path.stem, None)
        programme = self._reload(self.root / "programme.yaml", Programme.parse)
        if programme is not None:
            self.programme = programme
        languages = set(self.locales)
        events = self._reload_folder("events", lambda located: parse_event(located, languages))
        if set(events) != set(self.events):
            # Campaigns are checked against the events: look at them again.
            self._forget("campaigns")
        self.events = events
        self.fellowships = self._reload_folder(
            "fellowships", lambda located: parse_fellowship(located, languages)
        )
        context = self.campaign_context()
        self.campaigns = self._reload_folder(
            "campaigns",
            lambda text_and_path: campaign_files.parse_campaign(
                text_and_path[1], text_and_path[0], context
            ),
            pattern="*.md",
            load=lambda path: (campaign_files.read(path), path),
        )

    def campaign_context(self) -> CampaignContext:
        """What campaign files are checked against: languages, events, the programme's lists."""
        programme = self.programme
        return CampaignContext(
            languages=set(self.locales),
            default_language=self.default_language,
            events=dict(self.events),
            vocabulary=Vocabulary(
                languages=set(self.locales),
                municipalities=programme.municipalities if programme else (),
                sectors=programme.sectors if programme else (),
                interests=programme.interests if programme else (),
                events=set(self.events),
            ),
        )

    def _forget(self, name: str) -> None:
        folder = self.root / name
        for path in [p for p in self._loaded if p.parent == folder]:
            del self._loaded[path]

    def _reload_folder(
        self, name: str, parse: Any, *, pattern: str = "*.yaml", load: Any = yamlfile.load
    ) -> dict[str, Any]:
        """Loads every file of a folder; a broken file keeps its last good version."""
        folder = self.root / name
        found: dict[str, Any] = {}
        paths = set(folder.glob(pattern))
        for path in sorted(paths):
            value = self._reload(path, parse, load)
            if value is not None:
                found[path.stem] = value
        for path in [p for p in self._loaded if p.parent == folder and p not in paths]:
            del self._loaded[path]
            self.errors.pop(str(path), None)
            self.generation += 1
        return found

    def _reload(self, path: Path, parse: Any, load: Any = yamlfile.load) -> Any:
        try:
            mtime = os.stat(path).st_mtime_ns
        except FileNotFoundError:
            return None
        cached = self._loaded.get(path)
        if cached is not None and cached.mtime == mtime:
            return cached.value
        self.generation += 1
        try:
            try:
                value = parse(load(path))
            except (ValueError, TypeError) as error:
                # PyYAML builds values such as 2027-13-01 itself and raises plain errors.
                raise ContentError(str(path), 1, f"invalid value: {error}") from error
        except ContentError as error:
            if str(path) not in self.errors or str(self.errors[str(path)]) != str(error):
                log.error("content error, keeping the last good version: %s", error)
            self.errors[str(path)] = error
            self._loaded[path] = _Loaded(mtime, cached.value if cached else None)
            return cached.value if cached else None
        self.errors.pop(str(path), None)
        self._loaded[path] = _Loaded(mtime, value)
        if cached is not None:
            log.info("reloaded %s", path)
        return value

    @property
    def languages(self) -> list[str]:
        """The languages members can choose: those with a locale file, default first."""
        others = sorted(code for code in self.locales if code != self.default_language)
        return [self.default_language, *others]

    def text(self, language: str, key: str, /, **values: Any) -> str:
        """The text for ``key`` in ``language``, falling back to the default language."""
        template = self.locales.get(language, {}).get(key)
        if template is None:
            template = self.locales.get(self.default_language, {}).get(key)
        if template is None:
            log.error("missing locale key %r", key)
            return key
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError) as error:
            log.error("locale %s key %r: cannot fill placeholders: %s", language, key, error)
            return template

    def has(self, language: str, key: str) -> bool:
        return key in self.locales.get(language, {}) or key in self.locales.get(
            self.default_language, {}
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
