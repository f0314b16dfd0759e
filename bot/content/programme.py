"""The programme's reference lists, from ``content/programme.yaml``: the home country, its
municipalities, the countries most members live in, spoken languages, sectors, interests, how
long a silent member's profile is kept, the topics members choose their messages by, and the
approved WhatsApp templates of the notices that are not campaigns (introductions between
businesses and members)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pycountry

from bot.content import yamlfile

# A month at least (members must have time to come back), ten years at most (what the consent
# text can honestly promise, and a number no date arithmetic overflows on).
SHORTEST_RETENTION = 30
LONGEST_RETENTION = 3650
# The notices that may need an approved template outside WhatsApp's 24-hour window.
TEMPLATE_NOTICES = ("introductions", "answers")
_SID = re.compile(r"^HX(?:[0-9a-fA-F]{32}|[xX]{32})$")
# The kinds of messages members choose from (/topics) when programme.yaml names none.
TOPICS = ("events", "news", "fellowship", "business")
_TOPIC = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


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
    # Notice → language → approved content SID (HX and 32 x's: a sample's, never sent); the
    # template's variable {{1}} is the member's first name.
    whatsapp_templates: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The kinds of messages members choose to get (/topics); campaigns, polls and broadcasts
    # each name one. Labels: locale keys topics.<code>.
    topics: tuple[str, ...] = TOPICS

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
            not isinstance(retention, int)
            or isinstance(retention, bool)
            or not SHORTEST_RETENTION <= retention <= LONGEST_RETENTION
        ):
            raise located.error(
                "retention_days: expected a whole number of days from"
                f" {SHORTEST_RETENTION} to {LONGEST_RETENTION}, not {retention!r}",
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
            whatsapp_templates=_templates(located, data.get("whatsapp_templates")),
            topics=_topics(located, data.get("topics")),
        )


def _topics(located: yamlfile.Located, raw: object) -> tuple[str, ...]:
    """``topics``: codes of lower-case letters, digits and ``_``, each once."""
    if raw is None:
        return TOPICS
    if not isinstance(raw, list) or not raw:
        raise located.error("topics: expected a non-empty list of codes", "topics")
    for index, code in enumerate(raw):
        if not isinstance(code, str) or not _TOPIC.match(code) or raw.index(code) != index:
            raise located.error(
                f"topics: item {index + 1} must be a new code of lower-case letters, digits"
                f" and _, not {code!r}",
                "topics",
                index,
            )
    return tuple(raw)


def _templates(located: yamlfile.Located, raw: object) -> dict[str, dict[str, str]]:
    """``whatsapp_templates``: notice → a content SID, or language → content SID."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise located.error("whatsapp_templates: expected a mapping", "whatsapp_templates")
    found: dict[str, dict[str, str]] = {}
    for notice, sids in raw.items():
        where: tuple[str | int, ...] = ("whatsapp_templates", notice)
        if notice not in TEMPLATE_NOTICES:
            known = ", ".join(TEMPLATE_NOTICES)
            raise located.error(f"whatsapp_templates: unknown notice {notice!r} ({known})", *where)
        by_language = sids if isinstance(sids, dict) else {"*": sids}
        for sid in by_language.values():
            if not isinstance(sid, str) or not _SID.match(sid):
                raise located.error(
                    f"whatsapp_templates.{notice}: a content SID is HX and 32 hex digits,"
                    f" not {sid!r}",
                    *where,
                )
        found[str(notice)] = {str(language): str(sid) for language, sid in by_language.items()}
    return found
