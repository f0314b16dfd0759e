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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from bot.content import campaign_fields as fields
from bot.content import yamlfile
from bot.content.audience import Audience
from bot.content.campaign_fields import (
    Context,
    Problems,
    WhatsAppTemplate,
    bad_value_line,
    placeholders,
)
from bot.content.placeholders import EVENT_PLACEHOLDERS, PLACEHOLDERS
from bot.content.schedule import After, QuietHours, Schedule
from bot.errors import ContentError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
CHANNELS = fields.CHANNELS
SECTION = re.compile(r"^#\s+([a-z]{2,3}(?:-[A-Za-z]{2,4})?)\s*$")
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
    "topic",
)
WHATSAPP_LIMIT = 1600


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
    # The kind of message (content/programme.yaml's topics): members who turned it off are
    # skipped.
    topic: str = "news"

    @property
    def event(self) -> str | None:
        """The event the campaign is about: its schedule's, else its audience's."""
        if isinstance(self.schedule, After) and self.schedule.event:
            return self.schedule.event
        return self.audience.event

    @property
    def usable_template(self) -> WhatsAppTemplate | None:
        """The WhatsApp template, unless its SID is still a sample's placeholder (which is
        never sent: those members count as having no template)."""
        template = self.whatsapp_template
        return None if template is None or template.placeholder else template

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
class Section:
    language: str
    line: int
    lines: list[tuple[int, str]]

    @property
    def body(self) -> str:
        return "\n".join(text for _number, text in self.lines).strip()


def split(text: str, problems: Problems) -> tuple[str, list[Section]]:
    """The front matter (its YAML starts on line 2) and the ``# <lang>`` sections."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.add(1, "a campaign starts with YAML front matter between two --- lines")
        return "", []
    end = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
    if end is None:
        problems.add(1, "the front matter is not closed with a --- line")
        return "", []
    sections: list[Section] = []
    for number, line in enumerate(lines[end + 1 :], start=end + 2):
        match = SECTION.match(line)
        if match:
            sections.append(Section(match.group(1), number, []))
        elif sections:
            sections[-1].lines.append((number, line))
        elif line.strip():
            problems.add(number, "text before the first '# <language>' section")
    return "\n".join(lines[1:end]) or "{}", sections


def section_texts(
    sections: list[Section], context: Context, event: str | None, found: Problems
) -> dict[str, str]:
    """The text of each ``# <lang>`` section, by language; a section in an unknown language,
    a second one, an empty one and unknown placeholders are problems."""
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
            for name, problem in placeholders(part):
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
    return texts


# The front matter's YAML starts on the file's second line, after "---".
FIRST_LINE = 2


class Parts(NamedTuple):
    """A campaign or poll file, read: its front matter (a mapping) and its sections."""

    located: yamlfile.Located
    data: dict[str, Any]
    sections: list[Section]


def read_parts(path: Path, text: str, found: Problems) -> Parts | None:
    """A campaign or poll file's parts, its name checked as a slug; None when the front matter
    cannot be used (``found`` says why)."""
    if not SLUG.match(path.stem):
        found.add(1, "file name must be a slug: lower-case letters, digits, dashes")
    front, sections = split(text, found)
    if not front:
        return None
    try:
        located = yamlfile.parse(path, front, first_line=FIRST_LINE)
    except ContentError as error:
        found.found.append(error)
        return None
    except (ValueError, TypeError) as error:
        # PyYAML builds dates itself: 2027-13-01 fails there, with no line. Find it.
        found.add(bad_value_line(front) + FIRST_LINE - 1, f"bad value: {error}")
        return None
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        found.add(FIRST_LINE, "the front matter must be a mapping of keys")
        return None
    return Parts(located, data, sections)


def message_texts(
    sections: list[Section], context: Context, event: str | None, found: Problems, what: str
) -> dict[str, str]:
    """:func:`section_texts`, and a problem when there is no section (naming ``what`` the
    sections hold) or none in the default language."""
    texts = section_texts(sections, context, event, found)
    if not sections:
        found.add(FIRST_LINE, f"no '# <language>' section with the {what}")
    elif texts and context.default_language not in texts:
        found.add(
            sections[0].line,
            f"missing the '# {context.default_language}' section (the default language)",
        )
    return texts


def key_lines(
    located: yamlfile.Located, data: dict[str, Any], sections: list[Section]
) -> dict[str, int]:
    """The line of each front matter key and of each ``# <lang>`` section."""
    lines = {str(key): located.line(str(key)) for key in data}
    lines.update({f"# {section.language}": section.line for section in sections})
    return lines


def problems(path: Path, text: str, context: Context) -> tuple[Campaign | None, list[ContentError]]:
    """Parses one campaign file; returns it (None when unusable) and every problem found."""
    found = Problems(path)
    campaign_id = path.stem
    parts = read_parts(path, text, found)
    if parts is None:
        return None, found.found
    located, data, sections = parts
    for key in data:
        if key not in KEYS:
            found.add(located.line(key), f"unknown key {key!r} (expected one of {list(KEYS)})")
    schedule = fields.schedule(located, data, context, found)
    audience, channels, quiet, template = fields.delivery(located, data, context, schedule, found)
    event = schedule.event if isinstance(schedule, After) and schedule.event else audience.event
    texts = message_texts(sections, context, event, found, "message")
    if template is not None and event is None:
        for name in template.variables.values():
            if any(n in EVENT_PLACEHOLDERS for n, _e in placeholders(name) if n):
                found.add(
                    located.line("whatsapp_template"),
                    "whatsapp_template uses event placeholders but the campaign has no event",
                )
                break
    topic = fields.topic(located, data, context, found)
    lines = key_lines(located, data, sections)
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
        topic=topic,
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
    """A campaign file's text (a ContentError unless it is a small UTF-8 text file)."""
    return yamlfile.read_text(path)
