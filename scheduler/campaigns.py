"""Campaign files: ``content/campaigns/<id>.md``, YAML front matter and one section per language.

::

    ---
    after: event_start
    event: diaspora-days-2027
    offset: -2d
    at: "10:00"
    audience: {event: diaspora-days-2027, rsvp: [going, maybe]}
    whatsapp_template: {content_sid: HX…, variables: {"1": "{first_name}"}}
    ---
    # en
    Hello {first_name}! {event_title} starts on {event_date} at {event_time}.
    # cnr
    Zdravo {first_name}! …

Every problem is a ContentError reading ``file:line: message``; :func:`problems` lists them all
(for ``campaigns check``), :func:`parse_campaign` raises the first (for the running bot, which
then keeps the file's last good version).
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError
from bot.messages import Template
from scheduler import yamlfile
from scheduler.audience import Audience, AudienceError, Vocabulary, parse_audience
from scheduler.events import Event
from scheduler.render import EVENT_PLACEHOLDERS, PLACEHOLDERS
from scheduler.schedule import (
    After,
    Cron,
    QuietHours,
    Schedule,
    SendAt,
    check_cron,
    parse_clock,
    parse_offset,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
SECTION = re.compile(r"^#\s+([a-z]{2,3}(?:-[A-Za-z]{2,4})?)\s*$")
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
CHANNELS = ("telegram", "whatsapp")
KEYS = (
    "title",
    "audience",
    "send_at",
    "after",
    "event",
    "offset",
    "at",
    "cron",
    "channels",
    "quiet_hours",
    "whatsapp_template",
)
WHATSAPP_LIMIT = 1600
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class WhatsAppTemplate:
    """An approved template: a content SID (or one per language) and its variables."""

    content_sid: str | Mapping[str, str]
    variables: Mapping[str, str]

    def sid(self, language: str, default_language: str) -> str:
        if isinstance(self.content_sid, str):
            return self.content_sid
        sids = self.content_sid
        return sids.get(language) or sids.get(default_language) or next(iter(sids.values()))

    def build(self, language: str, default_language: str, values: Mapping[str, str]) -> Template:
        """The template for one member, variables filled."""
        return Template(
            self.sid(language, default_language),
            {key: text.format_map(values) for key, text in self.variables.items()},
        )


@dataclass(frozen=True)
class Campaign:
    """One campaign file, validated."""

    id: str
    path: str
    schedule: Schedule
    texts: Mapping[str, str]
    audience: Audience = field(default_factory=Audience)
    channels: tuple[str, ...] = ()
    quiet_hours: QuietHours | None = field(default_factory=QuietHours)
    whatsapp_template: WhatsAppTemplate | None = None
    title: str = ""
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def event(self) -> str | None:
        """The event the campaign is about: its schedule's, else its audience's."""
        if isinstance(self.schedule, After) and self.schedule.event:
            return self.schedule.event
        return self.audience.event

    def may_use(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def text(self, language: str, default_language: str) -> tuple[str, str]:
        """The section for ``language`` (else the default's, else the first) and its language."""
        for candidate in (language, default_language):
            if candidate in self.texts:
                return candidate, self.texts[candidate]
        first = next(iter(self.texts))
        return first, self.texts[first]

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Context:
    """What a campaign file is checked against."""

    languages: Collection[str]
    default_language: str
    events: Mapping[str, Event]
    vocabulary: Vocabulary


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[ContentError] = []

    def add(self, line: int, message: str) -> None:
        self.found.append(ContentError(str(self.path), line, message))


@dataclass(frozen=True)
class _Section:
    language: str
    line: int
    lines: list[tuple[int, str]]

    @property
    def body(self) -> str:
        return "\n".join(text for _number, text in self.lines).strip()


def _split(text: str, problems: _Problems) -> tuple[str, list[_Section]]:
    """The front matter (its YAML starts on line 2) and the ``# <lang>`` sections."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.add(1, "a campaign starts with YAML front matter between two --- lines")
        return "", []
    end = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
    if end is None:
        problems.add(1, "the front matter is not closed with a --- line")
        return "", []
    sections: list[_Section] = []
    for number, line in enumerate(lines[end + 1 :], start=end + 2):
        match = SECTION.match(line)
        if match:
            sections.append(_Section(match.group(1), number, []))
        elif sections:
            sections[-1].lines.append((number, line))
        elif line.strip():
            problems.add(number, "text before the first '# <language>' section")
    return "\n".join(lines[1:end]) or "{}", sections


def _placeholders(text: str) -> list[tuple[str | None, str | None]]:
    """(placeholder, error) for every field in one line of text."""
    found: list[tuple[str | None, str | None]] = []
    try:
        for _literal, name, spec, conversion in _FORMATTER.parse(text):
            if name is None:
                continue
            if spec or conversion:
                found.append((None, f"placeholder {{{name}}}: no format spec allowed"))
            else:
                found.append((name, None))
    except ValueError as error:
        found.append((None, f"bad placeholder ({error}); write {{{{ or }}}} for a brace"))
    return found


def _bad_value_line(text: str) -> int:
    """The line of the first scalar in ``text`` that PyYAML cannot turn into a value."""
    loader = yaml.SafeLoader(text)
    try:
        stack = [loader.get_single_node()]
        while stack:
            node = stack.pop(0)
            if isinstance(node, yaml.ScalarNode):
                try:
                    loader.construct_object(node, deep=True)
                except (ValueError, TypeError):
                    return int(node.start_mark.line) + 1
            elif isinstance(node, yaml.MappingNode):
                stack += [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value
    finally:
        loader.dispose()
    return 1


def _when(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("needs a UTC offset, e.g. 2027-01-15T10:00:00+01:00")
    return moment


def _schedule(
    located: yamlfile.Located, data: dict[str, Any], context: Context, problems: _Problems
) -> Schedule | None:
    kinds = [key for key in ("send_at", "after", "cron") if key in data]
    if len(kinds) != 1:
        problems.add(
            1 if not kinds else located.line(kinds[1]),
            "give exactly one schedule: send_at, after or cron",
        )
        return None
    kind = kinds[0]
    line = located.line(kind)
    for key in ("offset", "at", "event"):
        if key in data and kind != "after":
            problems.add(located.line(key), f"{key} goes with after:, not with {kind}:")
    if kind == "send_at":
        try:
            return SendAt(_when(data["send_at"]))
        except (ValueError, TypeError) as error:
            problems.add(line, f"send_at: bad date and time: {error}")
            return None
    if kind == "cron":
        try:
            check_cron(str(data["cron"]))
        except ValueError as error:
            problems.add(line, f"cron: bad expression {data['cron']!r}: {error}")
            return None
        return Cron(str(data["cron"]))
    anchor = data["after"]
    if anchor not in ("registration", "event_start"):
        problems.add(line, f"after: expected registration or event_start, not {anchor!r}")
        return None
    try:
        offset = parse_offset(str(data.get("offset", "0d")))
    except ValueError as error:
        problems.add(located.line("offset"), f"offset: {error}")
        return None
    if anchor == "registration" and offset < timedelta():
        problems.add(located.line("offset"), "offset: a message cannot go before registration")
    at = None
    if "at" in data:
        try:
            at = parse_clock(str(data["at"]))
        except ValueError as error:
            problems.add(located.line("at"), f"at: {error}")
    event = data.get("event")
    if anchor == "event_start":
        if event is None:
            problems.add(line, "after: event_start needs event: <slug>")
            return None
        if str(event) not in context.events:
            problems.add(located.line("event"), f"event: unknown event {event!r}")
            return None
    elif event is not None:
        problems.add(located.line("event"), "event goes with after: event_start")
    return After(anchor, offset, at, str(event) if anchor == "event_start" else None)


def _template(
    located: yamlfile.Located, value: Any, context: Context, problems: _Problems
) -> WhatsAppTemplate | None:
    if value is None:
        return None
    line = located.line("whatsapp_template")
    if not isinstance(value, dict) or "content_sid" not in value:
        problems.add(line, "whatsapp_template: expected content_sid and variables")
        return None
    for key in value:
        if key not in ("content_sid", "variables"):
            problems.add(
                located.line("whatsapp_template", key), f"whatsapp_template: unknown key {key!r}"
            )
    raw_sid = value["content_sid"]
    sids = raw_sid if isinstance(raw_sid, dict) else {"": raw_sid}
    for language, sid in sids.items():
        if language and language not in context.languages:
            problems.add(
                located.line("whatsapp_template", "content_sid", language),
                f"whatsapp_template: unknown language {language!r}",
            )
        if not isinstance(sid, str) or not CONTENT_SID.match(sid):
            problems.add(
                located.line("whatsapp_template", "content_sid"),
                f"whatsapp_template: content_sid must look like HX and 32 hex digits, not {sid!r}",
            )
    variables = value.get("variables") or {}
    if not isinstance(variables, dict):
        problems.add(
            located.line("whatsapp_template", "variables"),
            'whatsapp_template.variables: expected a mapping like {"1": "{first_name}"}',
        )
        variables = {}
    checked: dict[str, str] = {}
    for key, text in variables.items():
        where = located.line("whatsapp_template", "variables", key)
        if not isinstance(text, str | int | float):
            problems.add(where, f"whatsapp_template.variables.{key}: expected text")
            continue
        for name, error in _placeholders(str(text)):
            if error:
                problems.add(where, f"whatsapp_template.variables.{key}: {error}")
            elif name not in PLACEHOLDERS:
                problems.add(
                    where, f"whatsapp_template.variables.{key}: unknown placeholder {{{name}}}"
                )
        checked[str(key)] = str(text)
    content_sid: str | dict[str, str] = (
        {str(k): str(v) for k, v in raw_sid.items()} if isinstance(raw_sid, dict) else str(raw_sid)
    )
    return WhatsAppTemplate(content_sid, checked)


def problems(path: Path, text: str, context: Context) -> tuple[Campaign | None, list[ContentError]]:
    """Parses one campaign file; returns it (None when unusable) and every problem found."""
    found = _Problems(path)
    campaign_id = path.stem
    if not SLUG.match(campaign_id):
        found.add(1, "file name must be a slug: lower-case letters, digits, dashes")
    front, sections = _split(text, found)
    first_line = 2
    if not front:
        return None, found.found
    try:
        located = yamlfile.parse(path, front, first_line=first_line)
    except ContentError as error:
        return None, [*found.found, error]
    except (ValueError, TypeError) as error:
        # PyYAML builds dates itself: 2027-13-01 fails there, with no line. Find it.
        line = _bad_value_line(front) + first_line - 1
        found.add(line, f"bad value: {error}")
        return None, found.found
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        found.add(first_line, "the front matter must be a mapping of keys")
        return None, found.found
    for key in data:
        if key not in KEYS:
            found.add(located.line(key), f"unknown key {key!r} (expected one of {list(KEYS)})")
    schedule = _schedule(located, data, context, found)
    try:
        audience = parse_audience(data.get("audience"), context.vocabulary)
    except AudienceError as error:
        found.add(located.line("audience", *error.where), str(error))
        audience = Audience()
    channels: tuple[str, ...] = ()
    if "channels" in data:
        raw = data["channels"]
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not values or any(v not in CHANNELS for v in values):
            found.add(located.line("channels"), f"channels: expected a list of {list(CHANNELS)}")
        else:
            channels = tuple(values)
    quiet: QuietHours | None = QuietHours()
    if "quiet_hours" in data:
        raw_quiet = data["quiet_hours"]
        try:
            quiet = None if raw_quiet is None else QuietHours.parse(str(raw_quiet))
        except ValueError as error:
            found.add(
                located.line("quiet_hours"), f"quiet_hours: {error} (or null to send at once)"
            )
    if (
        isinstance(schedule, After)
        and schedule.at is not None
        and quiet is not None
        and not quiet.allows(schedule.at)
    ):
        found.add(
            located.line("at"),
            f"at: {schedule.at:%H:%M} is outside the quiet hours {quiet}; change at or quiet_hours",
        )
    template = _template(located, data.get("whatsapp_template"), context, found)
    event = schedule.event if isinstance(schedule, After) and schedule.event else audience.event
    texts: dict[str, str] = {}
    for section in sections:
        language, number, body = section.language, section.line, section.body
        if language not in context.languages:
            found.add(
                number,
                f"unknown language section '# {language}' (expected one of"
                f" {sorted(context.languages)})",
            )
            continue
        if language in texts:
            found.add(number, f"a second '# {language}' section")
            continue
        if not body:
            found.add(number, f"the '# {language}' section is empty")
            continue
        for line, part in section.lines:
            for name, problem in _placeholders(part):
                if problem:
                    found.add(line, problem)
                elif name not in PLACEHOLDERS:
                    known = ", ".join(f"{{{known}}}" for known in sorted(PLACEHOLDERS))
                    found.add(line, f"unknown placeholder {{{name}}} (known: {known})")
                elif name in EVENT_PLACEHOLDERS and event is None:
                    found.add(
                        line, f"placeholder {{{name}}} needs an event (event: or audience.event)"
                    )
        texts[language] = body
    if template is not None and event is None:
        for name in template.variables.values():
            if any(n in EVENT_PLACEHOLDERS for n, _e in _placeholders(name) if n):
                found.add(
                    located.line("whatsapp_template"),
                    "whatsapp_template uses event placeholders but the campaign has no event",
                )
                break
    if not sections:
        found.add(first_line, "no '# <language>' section with the message")
    elif texts and context.default_language not in texts:
        found.add(
            sections[0].line,
            f"missing the '# {context.default_language}' section (the default language)",
        )
    lines = {str(key): located.line(str(key)) for key in data}
    lines.update({f"# {section.language}": section.line for section in sections})
    if schedule is None or not texts:
        return None, found.found
    campaign = Campaign(
        id=campaign_id,
        path=str(path),
        schedule=schedule,
        texts=texts,
        audience=audience,
        channels=channels,
        quiet_hours=quiet,
        whatsapp_template=template,
        title=str(data.get("title") or ""),
        lines=lines,
    )
    return campaign, found.found


def parse_campaign(path: Path, text: str, context: Context) -> Campaign:
    """Parses one campaign file; raises its first problem as a ContentError."""
    campaign, found = problems(path, text, context)
    if found:
        raise found[0]
    assert campaign is not None
    return campaign


def read(path: Path) -> str:
    """A campaign file's text."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(str(path), 1, "not UTF-8 text") from error
