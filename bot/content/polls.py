"""Poll files: ``content/polls/<id>.md``, a campaign's front matter plus the options, then the
question in one ``# <lang>`` section per language.

::

    ---
    title: Which support would make you invest at home?
    send_at: 2027-02-01 10:00
    closes_at: 2027-03-01 20:00
    audience: {interests: [investment]}
    multiple: true                 # several options may be chosen
    free_text: true                # an answer in the member's own words too
    options:
      tax: {en: Lower taxes for returnees' firms, cnr: Niži porezi za firme povratnika}
      land: {en: Land or premises, cnr: Zemljište ili prostor, next: offer}
    next: ask                      # after any answer (an option's own next: wins)
    whatsapp_template: {content_sid: HX…, variables: {"1": "{first_name}"}}
    ---
    # en
    Which support would make you invest at home?
    # cnr
    Koja podrška bi vas podstakla da investirate u domovini?

The schedule is a campaign's (``send_at``, or ``after: registration | event_start | event_end``
with ``offset`` and ``at``) or none at all: a poll without one is asked only as the next step of
another poll's answer. A poll ``after: event_end`` goes to those checked in at the event (or, if
nobody was checked in, those going): post-event feedback. ``next`` is a step after the answer:
``poll:<id>`` asks that poll at once; ``events``, ``fellowship``, ``offer``, ``business``, ``ask``
or ``topics`` opens that conversation. Every problem is a ``file:line: message``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.content import campaign_fields as fields
from bot.content import campaigns, yamlfile
from bot.content.audience import Audience
from bot.content.campaign_fields import Context, Problems, WhatsAppTemplate
from bot.content.schedule import After, Cron, QuietHours, Schedule
from bot.errors import ContentError
from bot.messages import Option

SLUG = campaigns.SLUG
OPTION = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
KEYS = (
    *(key for key in campaigns.KEYS if key != "cron"),
    "options",
    "multiple",
    "free_text",
    "closes_at",
    "next",
)
# What a poll's answer may lead to, besides another poll (``poll:<id>``).
NEXT_STEPS = ("events", "fellowship", "offer", "business", "ask", "topics")
NEXT_POLL = "poll:"
# A button's data on Telegram: ``<ref>:/poll <id> <option>`` in at most 64 bytes.
CALLBACK_LIMIT = 64
_BUTTON = "0:/poll "
# Options a member can be shown at once (a longer list reads badly on a phone).
MOST_OPTIONS = 12
# A poll's buttons are commands, ``/poll <id> <option>``, so a press answers it whatever the
# member is doing; ``~text`` opens an answer in their own words.
COMMAND = "poll"
OWN_WORDS = "~text"


@dataclass(frozen=True)
class PollOption:
    """One answer a member can choose: its id, its label per language, and what comes next."""

    id: str
    labels: Mapping[str, str]
    next: str | None = None

    def label(self, language: str, default_language: str) -> str:
        return (
            self.labels.get(language)
            or self.labels.get(default_language)
            or next(iter(self.labels.values()))
        )


@dataclass(frozen=True)
class Poll:
    """One poll file, validated."""

    id: str
    path: str
    texts: Mapping[str, str]
    options: tuple[PollOption, ...] = ()
    schedule: Schedule | None = None
    audience: Audience = field(default_factory=Audience)
    channels: tuple[str, ...] = ()
    quiet_hours: QuietHours | None = field(default_factory=QuietHours)
    whatsapp_template: WhatsAppTemplate | None = None
    title: str = ""
    topic: str = "news"
    multiple: bool = False
    free_text: bool = False
    closes_at: datetime | None = None
    next: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def event(self) -> str | None:
        """The event the poll is about: its schedule's, else its audience's."""
        if isinstance(self.schedule, After) and self.schedule.event:
            return self.schedule.event
        return self.audience.event

    @property
    def feedback(self) -> bool:
        """Whether it follows an event (``after: event_end``): those who attended get it."""
        return isinstance(self.schedule, After) and self.schedule.anchor == "event_end"

    @property
    def usable_template(self) -> WhatsAppTemplate | None:
        """The WhatsApp template, unless its SID is still a sample's placeholder."""
        template = self.whatsapp_template
        return None if template is None or template.placeholder else template

    def may_use(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def text(self, language: str, default_language: str) -> tuple[str, str]:
        """The question in ``language`` (else the default's, else the first) and its language."""
        for candidate in (language, default_language):
            if candidate in self.texts:
                return candidate, self.texts[candidate]
        first = next(iter(self.texts))
        return first, self.texts[first]

    def option(self, option_id: str) -> PollOption | None:
        return next((option for option in self.options if option.id == option_id), None)

    def closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    def button(self, option: str) -> str:
        """The option id of the button that answers ``option`` (a command)."""
        return f"/{COMMAND} {self.id} {option}"

    def buttons(self, language: str, default_language: str, own_words: str) -> tuple[Option, ...]:
        """The poll's buttons in ``language``: each option, then ``own_words`` (the label of
        an answer in the member's own words) when the poll takes them."""
        options = [
            Option(self.button(option.id), option.label(language, default_language))
            for option in self.options
        ]
        if self.free_text:
            options.append(Option(self.button(OWN_WORDS), own_words))
        return tuple(options)

    def next_after(self, choices: tuple[str, ...]) -> str | None:
        """The step after an answer: the first chosen option's own, else the poll's."""
        for choice in choices:
            found = self.option(choice)
            if found is not None and found.next:
                return found.next
        return self.next


def _next(value: Any, line: int, found: Problems, where: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text in NEXT_STEPS:
        return text
    if text.startswith(NEXT_POLL) and SLUG.match(text.removeprefix(NEXT_POLL)):
        return text
    steps = ", ".join(NEXT_STEPS)
    found.add(line, f"{where}: expected poll:<id> or one of {steps}, not {text!r}")
    return None


def _labels(
    value: Any, languages: set[str], located: yamlfile.Located, key: str, found: Problems
) -> tuple[dict[str, str], str | None]:
    """An option's labels by language (a plain text serves every language) and its next step."""
    line = located.line("options", key)
    if isinstance(value, bool):
        found.add(line, f'options.{key}: quote the label, e.g. "Yes"')
        return {}, None
    if isinstance(value, str | int | float) and str(value).strip():
        return {"*": str(value).strip()}, None
    if not isinstance(value, dict) or not value:
        found.add(line, f"options.{key}: expected a label, or labels by language")
        return {}, None
    labels: dict[str, str] = {}
    step = None
    for language, text in value.items():
        where = located.line("options", key, language)
        if language == "next":
            step = _next(text, where, found, f"options.{key}.next")
            continue
        if language not in languages:
            found.add(
                where,
                f"options.{key}: unknown language {language!r} (expected one of"
                f" {sorted(languages)}, or next)",
            )
            continue
        if isinstance(text, bool):
            # YAML reads a bare yes, no, on or off as true or false.
            found.add(where, f'options.{key}.{language}: quote the label, e.g. "No"')
            continue
        if not isinstance(text, str | int | float) or not str(text).strip():
            found.add(where, f"options.{key}.{language}: expected a label")
            continue
        labels[str(language)] = str(text).strip()
    if not labels:
        found.add(line, f"options.{key}: no label")
    return labels, step


def _options(
    located: yamlfile.Located, data: dict[str, Any], context: Context, poll_id: str, found: Problems
) -> tuple[PollOption, ...]:
    raw = data.get("options")
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        found.add(located.line("options"), "options: expected option ids with their labels")
        return ()
    if len(raw) > MOST_OPTIONS:
        found.add(located.line("options"), f"options: at most {MOST_OPTIONS} options")
    options = []
    for key, value in raw.items():
        option_id = str(key)
        line = located.line("options", key)
        if not OPTION.match(option_id):
            found.add(
                line,
                f"options: {option_id!r} is no option id (lower-case letters, digits, - and _;"
                " at most 20)",
            )
            continue
        if len((_BUTTON + f"{poll_id} {option_id}").encode()) > CALLBACK_LIMIT:
            found.add(
                line,
                f"options.{option_id}: the poll's file name and this id are too long together"
                f" for a Telegram button ({CALLBACK_LIMIT} bytes); shorten either",
            )
        labels, step = _labels(value, set(context.languages), located, key, found)
        if labels:
            if "*" in labels:
                labels = {language: labels["*"] for language in context.languages}
            elif context.default_language not in labels:
                found.add(line, f"options.{option_id}: no label in {context.default_language!r}")
            options.append(PollOption(option_id, labels, step))
    return tuple(options)


def _flag(located: yamlfile.Located, data: dict[str, Any], key: str, found: Problems) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        found.add(located.line(key), f"{key}: expected true or false")
        return False
    return value


def problems(path: Path, text: str, context: Context) -> tuple[Poll | None, list[ContentError]]:
    """Parses one poll file; returns it (None when unusable) and every problem found."""
    found = Problems(path)
    poll_id = path.stem
    parts = campaigns.read_parts(path, text, found)
    if parts is None:
        return None, found.found
    located, data, sections = parts
    for key in data:
        if key == "cron":
            found.add(located.line(key), "cron: a poll is asked once (send_at or after:)")
        elif key not in KEYS:
            found.add(located.line(key), f"unknown key {key!r} (expected one of {list(KEYS)})")
    schedule: Schedule | None = None
    if any(key in data for key in ("send_at", "after")):
        schedule = fields.schedule(located, data, context, found)
        if isinstance(schedule, Cron):
            schedule = None
    else:
        for key in ("offset", "at", "event"):
            if key in data:
                found.add(located.line(key), f"{key} goes with after:")
    audience, channels, quiet, template = fields.delivery(located, data, context, schedule, found)
    options = _options(located, data, context, poll_id, found)
    multiple = _flag(located, data, "multiple", found)
    free_text = _flag(located, data, "free_text", found)
    if not options and not free_text:
        found.add(campaigns.FIRST_LINE, "a poll needs options, or free_text: true, or both")
    if multiple and len(options) < 2:
        found.add(located.line("multiple"), "multiple: needs two options or more")
    closes_at = None
    if "closes_at" in data:
        try:
            closes_at = fields.when(data["closes_at"], context.timezone)
        except (ValueError, TypeError) as error:
            found.add(located.line("closes_at"), f"closes_at: {error}")
    step = _next(data.get("next"), located.line("next"), found, "next")
    event = schedule.event if isinstance(schedule, After) and schedule.event else audience.event
    texts = campaigns.message_texts(sections, context, event, found, "question")
    topic = fields.topic(located, data, context, found)
    lines = campaigns.key_lines(located, data, sections)
    if not texts or (not options and not free_text):
        return None, found.found
    poll = Poll(
        id=poll_id,
        path=str(path),
        texts=texts,
        options=options,
        schedule=schedule,
        audience=audience,
        channels=channels,
        quiet_hours=quiet,
        whatsapp_template=template,
        title=str(data.get("title") or ""),
        topic=topic,
        multiple=multiple,
        free_text=free_text,
        closes_at=closes_at,
        next=step,
        lines=lines,
    )
    return poll, found.found


def parse_poll(path: Path, text: str, context: Context) -> Poll:
    """Parses one poll file; raises its first problem as a ContentError."""
    poll, found = problems(path, text, context)
    if found:
        raise found[0]
    assert poll is not None
    return poll


def read(path: Path) -> str:
    """A poll file's text (a ContentError unless it is a small UTF-8 text file)."""
    return yamlfile.read_text(path)


def dangling(polls: Mapping[str, Poll]) -> list[ContentError]:
    """Next steps naming a poll that does not exist (each poll is read on its own, so this is
    checked over the folder)."""
    found = []
    for poll in polls.values():
        steps = [("next", poll.next)] + [(f"options.{o.id}.next", o.next) for o in poll.options]
        for where, step in steps:
            if step and step.startswith(NEXT_POLL) and step.removeprefix(NEXT_POLL) not in polls:
                found.append(
                    ContentError(
                        poll.path,
                        poll.line("options" if where != "next" else "next"),
                        f"{where}: no poll {step.removeprefix(NEXT_POLL)!r} in content/polls/",
                    )
                )
    return found
