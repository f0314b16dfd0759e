"""Fellowship programmes from ``content/fellowships/<slug>.yaml``: what members apply to.

A programme names the fields of expertise it looks for, the institutions that host fellows,
how long a placement lasts, the deadline for applications, and how fellows may work (on site,
remote, hybrid). Texts are per language, like events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.content.events import read_mapping, read_moment, read_texts
from bot.content.yamlfile import Located

HOST_KINDS = (
    "university",
    "ministry",
    "agency",
    "municipality",
    "hospital",
    "school",
    "business",
    "ngo",
)
WORK_MODES = ("on_site", "remote", "hybrid")
KEYS = {
    "title",
    "description",
    "fields",
    "hosts",
    "duration_months",
    "deadline",
    "work_modes",
}
REQUIRED = ("title", "description", "fields", "hosts", "duration_months", "deadline")
FIELD_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
LONGEST_MONTHS = 36


def _text(texts: dict[str, str], language: str, default_language: str) -> str:
    return texts.get(language) or texts.get(default_language) or next(iter(texts.values()))


@dataclass(frozen=True)
class Host:
    """An institution that hosts fellows."""

    name: dict[str, str]
    kind: str
    city: str | None = None

    def text(self, language: str, default_language: str) -> str:
        return _text(self.name, language, default_language)


@dataclass(frozen=True)
class Fellowship:
    """One fellowship programme; ``fields`` maps a field's id to its name per language."""

    slug: str
    title: dict[str, str]
    description: dict[str, str]
    fields: dict[str, dict[str, str]]
    hosts: tuple[Host, ...]
    duration_months: tuple[int, int]
    deadline: datetime
    work_modes: tuple[str, ...] = WORK_MODES
    path: str = ""

    def text(self, field: str, language: str, default_language: str) -> str:
        """The title or description in ``language``, else the default, else any."""
        texts: dict[str, str] = getattr(self, field)
        return _text(texts, language, default_language)

    def field_name(self, field_id: str, language: str, default_language: str) -> str:
        """A field of expertise by its id; text a member typed comes back as it is."""
        texts = self.fields.get(field_id)
        return _text(texts, language, default_language) if texts else field_id

    @property
    def host_kinds(self) -> tuple[str, ...]:
        """The kinds of the host institutions, in the order the file names them."""
        return tuple(dict.fromkeys(host.kind for host in self.hosts))

    def open_at(self, now: datetime) -> bool:
        return now <= self.deadline


def _months(located: Located, value: Any) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        shortest = longest = value
    elif (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    ):
        shortest, longest = value
    else:
        raise located.error(
            "duration_months: expected a number of months, or [shortest, longest]",
            "duration_months",
        )
    if not 1 <= shortest <= longest <= LONGEST_MONTHS:
        raise located.error(
            f"duration_months: expected 1 to {LONGEST_MONTHS} months, shortest first",
            "duration_months",
        )
    return shortest, longest


def _fields(located: Located, data: dict[str, Any], languages: set[str]) -> dict[str, Any]:
    value = data["fields"]
    if not isinstance(value, dict) or not value:
        raise located.error(
            "fields: expected the fields of expertise by id, e.g. e_services: {en: …}", "fields"
        )
    fields = {}
    for field_id in value:
        if not isinstance(field_id, str) or not FIELD_ID.match(field_id):
            raise located.error(
                f"fields: {field_id!r} is not an id (lower-case letters, digits, underscores)",
                "fields",
                field_id,
            )
        fields[field_id] = read_texts(located, value, field_id, languages, ("fields",))
    return fields


def _hosts(located: Located, data: dict[str, Any], languages: set[str]) -> tuple[Host, ...]:
    value = data["hosts"]
    if not isinstance(value, list) or not value:
        raise located.error("hosts: expected a list of host institutions", "hosts")
    hosts = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise located.error(
                f"hosts: item {index + 1} must have a name and a kind", "hosts", index
            )
        unknown = set(item) - {"name", "kind", "city"}
        if unknown:
            key = sorted(unknown)[0]
            raise located.error(
                f"hosts: unknown key {key!r} (expected name, kind, city)", "hosts", index, key
            )
        kind = item.get("kind")
        if kind not in HOST_KINDS:
            raise located.error(
                f"hosts: kind {kind!r} is not one of {', '.join(HOST_KINDS)}",
                "hosts",
                index,
                "kind",
            )
        city = item.get("city")
        if city is not None and (not isinstance(city, str) or not city.strip()):
            raise located.error("hosts: city must be text", "hosts", index, "city")
        name = read_texts(located, item, "name", languages, ("hosts", index))
        hosts.append(Host(name=name, kind=kind, city=city.strip() if city else None))
    return tuple(hosts)


def _work_modes(located: Located, data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("work_modes", list(WORK_MODES))
    if not isinstance(value, list) or not value:
        raise located.error(f"work_modes: expected a list of {', '.join(WORK_MODES)}", "work_modes")
    for index, mode in enumerate(value):
        if mode not in WORK_MODES:
            raise located.error(
                f"work_modes: {mode!r} is not one of {', '.join(WORK_MODES)}", "work_modes", index
            )
    return tuple(mode for mode in WORK_MODES if mode in value)


def parse_fellowship(located: Located, languages: set[str]) -> Fellowship:
    """Validates one programme file; every problem is a ContentError with its line."""
    slug, data = read_mapping(located, "a fellowship", KEYS, REQUIRED)
    return Fellowship(
        slug=slug,
        title=read_texts(located, data, "title", languages),
        description=read_texts(located, data, "description", languages),
        fields=_fields(located, data, languages),
        hosts=_hosts(located, data, languages),
        duration_months=_months(located, data["duration_months"]),
        deadline=read_moment(located, data, "deadline"),
        work_modes=_work_modes(located, data),
        path=str(located.path),
    )
