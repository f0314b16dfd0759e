"""A campaign file's front matter, field by field: the schedule and the WhatsApp template, and
the placeholders of any text, each problem with its line.

:func:`bot.content.campaigns.problems` reads a file with these; they add what is wrong to a
:class:`Problems` and return what can be used (None when nothing can).
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from bot.content import moments, yamlfile
from bot.content.audience import Audience, AudienceError, Vocabulary, parse_audience
from bot.content.events import Event
from bot.content.placeholders import PLACEHOLDERS
from bot.content.schedule import (
    EVENT_ANCHORS,
    After,
    Cron,
    QuietHours,
    Schedule,
    SendAt,
    check_cron,
    parse_clock,
    parse_offset,
)
from bot.errors import ContentError
from bot.messages import Template

CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
CHANNELS = ("telegram", "whatsapp")
# A sample file's stand-in for a real SID (HX and 32 x's): loaded, never sent, flagged by check.
PLACEHOLDER_SID = re.compile(r"^HX[xX]{32}$")
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class WhatsAppTemplate:
    """An approved template: a content SID (or one per language) and its variables."""

    content_sid: str | Mapping[str, str]
    variables: Mapping[str, str]

    @property
    def placeholder(self) -> bool:
        """Whether a SID is still the sample's stand-in (nothing can be sent with it)."""
        sids = (
            [self.content_sid]
            if isinstance(self.content_sid, str)
            else list(self.content_sid.values())
        )
        return any(PLACEHOLDER_SID.match(sid) for sid in sids)

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
class Context:
    """What a campaign file is checked against."""

    languages: Collection[str]
    default_language: str
    events: Mapping[str, Event]
    vocabulary: Vocabulary
    # The programme's zone: a send_at without an offset is a local time in it.
    timezone: str = "UTC"


class Problems:
    """Every problem found in one file, as ``file:line: message`` errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[ContentError] = []

    def add(self, line: int, message: str) -> None:
        self.found.append(ContentError(str(self.path), line, message))


def placeholders(text: str) -> list[tuple[str | None, str | None]]:
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


def bad_value_line(text: str) -> int:
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


def when(value: Any, zone_name: str) -> datetime:
    """A ``send_at``: local time in ``zone_name`` (``2027-01-15 10:00``) or ISO with offset."""
    return moments.instant(value, zone_name)


def schedule(
    located: yamlfile.Located, data: dict[str, Any], context: Context, problems: Problems
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
            return SendAt(when(data["send_at"], context.timezone))
        except (ValueError, TypeError) as error:
            problems.add(line, f"send_at: {error}")
            return None
    if kind == "cron":
        try:
            check_cron(str(data["cron"]))
        except ValueError as error:
            problems.add(line, f"cron: bad expression {data['cron']!r}: {error}")
            return None
        return Cron(str(data["cron"]))
    anchor = data["after"]
    if anchor not in ("registration", *EVENT_ANCHORS):
        problems.add(
            line, f"after: expected registration, event_start or event_end, not {anchor!r}"
        )
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
    if anchor in EVENT_ANCHORS:
        if event is None:
            problems.add(line, f"after: {anchor} needs event: <slug>")
            return None
        if str(event) not in context.events:
            problems.add(located.line("event"), f"event: unknown event {event!r}")
            return None
    elif event is not None:
        problems.add(located.line("event"), "event goes with after: event_start or event_end")
    return After(anchor, offset, at, str(event) if anchor in EVENT_ANCHORS else None)


def channels(
    located: yamlfile.Located, data: dict[str, Any], problems: Problems
) -> tuple[str, ...]:
    """``channels:``: the channels the message may go out on (none named: any)."""
    if "channels" not in data:
        return ()
    raw = data["channels"]
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not values or any(v not in CHANNELS for v in values):
        problems.add(located.line("channels"), f"channels: expected a list of {list(CHANNELS)}")
        return ()
    return tuple(values)


def quiet_hours(
    located: yamlfile.Located, data: dict[str, Any], problems: Problems
) -> QuietHours | None:
    """``quiet_hours:``: the member's hours for messages (09:00-20:00 unless given; null: any)."""
    if "quiet_hours" not in data:
        return QuietHours()
    raw = data["quiet_hours"]
    try:
        return None if raw is None else QuietHours.parse(str(raw))
    except ValueError as error:
        problems.add(located.line("quiet_hours"), f"quiet_hours: {error} (or null to send at once)")
        return QuietHours()


class Delivery(NamedTuple):
    """Who gets a campaign or a poll, and how: the keys both files share."""

    audience: Audience
    channels: tuple[str, ...]
    quiet_hours: QuietHours | None
    template: WhatsAppTemplate | None


def delivery(
    located: yamlfile.Located,
    data: dict[str, Any],
    context: Context,
    timing: Schedule | None,
    problems: Problems,
) -> Delivery:
    """``audience``, ``channels``, ``quiet_hours`` and ``whatsapp_template``, each checked, and
    an ``at:`` of the schedule ``timing`` outside the quiet hours."""
    try:
        audience = parse_audience(data.get("audience"), context.vocabulary)
    except AudienceError as error:
        problems.add(located.line("audience", *error.where), str(error))
        audience = Audience()
    chosen = channels(located, data, problems)
    quiet = quiet_hours(located, data, problems)
    at = timing.at if isinstance(timing, After) else None
    if at is not None and quiet is not None and not quiet.allows(at):
        problems.add(
            located.line("at"),
            f"at: {at:%H:%M} is outside the quiet hours {quiet}; change at or quiet_hours",
        )
    approved = template(located, data.get("whatsapp_template"), context, problems)
    return Delivery(audience, chosen, quiet, approved)


def topic(
    located: yamlfile.Located, data: dict[str, Any], context: Context, problems: Problems
) -> str:
    """The kind of message (``topic:``, one of content/programme.yaml's topics); without one, a
    message about an event is ``events`` and any other ``news`` (when the programme has them)."""
    topics = tuple(context.vocabulary.topics)
    if "topic" in data:
        value = str(data["topic"])
        if topics and value not in topics:
            problems.add(
                located.line("topic"),
                f"topic: unknown topic {value!r} (expected one of {list(topics)})",
            )
        return value
    about_event = "event" in data or (
        isinstance(data.get("audience"), dict) and "event" in data["audience"]
    )
    wanted = "events" if about_event else "news"
    return wanted if wanted in topics or not topics else topics[0]


def template(
    located: yamlfile.Located, value: Any, context: Context, problems: Problems
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
        if not isinstance(sid, str) or not (CONTENT_SID.match(sid) or PLACEHOLDER_SID.match(sid)):
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
        for name, error in placeholders(str(text)):
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
