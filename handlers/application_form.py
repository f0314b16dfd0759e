"""The fellowship application's questions — field of expertise, kind of host, how long, from
when, how, why, and a CV or LinkedIn link — and how each answer reads on the summary.

Each step stores one answer and asks the next question; the last leads to the summary in
:mod:`handlers.fellowship`, which files the application.
"""

from __future__ import annotations

import re
from typing import Any

from bot.flow import Answer, Context, Question, Retry
from bot.messages import Option
from bot.zones import zone
from handlers import answers, dates
from handlers.answers import Problem
from handlers.fellowship_states import (
    ASK_CONFIRM,
    ASK_DURATION,
    ASK_HOST_KIND,
    ASK_LINK,
    ASK_MOTIVATION,
    ASK_START,
    ASK_WORK_MODE,
    FIELD_STATES,
)
from handlers.programmes import chosen_programme

ANY_HOST = "any"
# How long a member could take part is a number of months within the programme's duration
# ("3" … "6"); applications filed before held one of these ranges, still labelled.
DURATIONS = ("up_to_1", "1_to_3", "3_to_6", "6_to_12")
# At most this many numbers of months are offered (evenly spread over a long programme).
MOST_DURATIONS = 12
START_MONTHS = 12
FIELD_LIMIT = 100
MOTIVATION_SHORTEST = 20
MOTIVATION_LIMIT = 1000
LINK_LIMIT = 300
_MONTH = re.compile(r"^\d{4}-\d{2}$")


async def ask_field(ctx: Context) -> Question:
    """Asks the member's field of expertise: one the programme looks for, or their own words."""
    programme = chosen_programme(ctx)
    options = []
    if programme is not None:
        options = [
            Option(field, programme.field_name(field, ctx.language, ctx.settings.default_language))
            for field in programme.fields
        ]
    return Question(ctx.t("fellowship.ask_field"), options=options, free_text=True)


async def got_field(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the field of expertise and asks for the preferred kind of host."""
    programme = chosen_programme(ctx)
    if programme is None:
        return Retry(ctx.t("fellowship.gone"))
    if answer.choice in programme.fields:
        ctx.answers["field"] = answer.choice
        return ASK_HOST_KIND
    field = answers.label(answer.text, FIELD_LIMIT)
    if field is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=FIELD_LIMIT))
    if isinstance(field, Problem):
        return Retry(ctx.t("fellowship.invalid_field"))
    ctx.answers["field"] = field
    return ASK_HOST_KIND


async def ask_host_kind(ctx: Context) -> Question:
    """Asks which kind of host institution the member would prefer."""
    programme = chosen_programme(ctx)
    kinds = programme.host_kinds if programme else ()
    options = [Option(kind, ctx.t(f"host_kinds.{kind}")) for kind in kinds]
    options.append(Option(ANY_HOST, ctx.t("fellowship.any_host")))
    return Question(ctx.t("fellowship.ask_host_kind"), options=options, columns=2)


async def got_host_kind(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the kind of host and asks how long the member could take part."""
    programme = chosen_programme(ctx)
    kinds = programme.host_kinds if programme else ()
    if answer.choice != ANY_HOST and answer.choice not in kinds:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["host_kind"] = answer.choice
    return ASK_DURATION


def _durations(ctx: Context) -> tuple[str, ...]:
    """The numbers of months within the programme's duration ("3" … "6" for 3 to 6 months)."""
    programme = chosen_programme(ctx)
    if programme is None:
        return ()
    shortest, longest = programme.duration_months
    step = max(1, -(-(longest - shortest) // (MOST_DURATIONS - 1)))
    months = [*range(shortest, longest + 1, step)]
    if months[-1] != longest:
        months.append(longest)
    return tuple(str(count) for count in months)


def _duration_text(ctx: Context, code: str) -> str:
    """``4 months`` (a code of older applications: its range, ``3–6 months``)."""
    if code.isdigit():
        return ctx.t("fellowship.month_count", count=int(code))
    return ctx.t(f"fellowship.durations.{code}")


async def ask_duration(ctx: Context) -> Question:
    """Asks how long the member could take part, within the programme's duration."""
    options = [Option(code, _duration_text(ctx, code)) for code in _durations(ctx)]
    return Question(ctx.t("fellowship.ask_duration"), options=options, columns=2)


async def got_duration(ctx: Context, answer: Answer) -> str | Retry:
    """Stores how long, and asks from when."""
    if answer.choice not in _durations(ctx):
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["duration"] = answer.choice
    return ASK_START


def _months(ctx: Context) -> list[tuple[str, str]]:
    """The next months, from the coming one, as (YYYY-MM, "March 2027")."""
    today = ctx.now().astimezone(zone(ctx.settings.timezone))
    months = []
    for step in range(1, START_MONTHS + 1):
        year, month = divmod(today.month - 1 + step, 12)
        year, month = today.year + year, month + 1
        label = dates.month_year(ctx.content, ctx.language, year, month)
        months.append((f"{year}-{month:02d}", label))
    return months


async def ask_start(ctx: Context) -> Question:
    """Asks from which month the member could start."""
    options = [Option(code, label) for code, label in _months(ctx)]
    return Question(ctx.t("fellowship.ask_start"), options=options, columns=3)


async def got_start(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the month and asks how the member would like to work."""
    if answer.choice not in {code for code, _ in _months(ctx)}:
        return Retry(ctx.t("fellowship.invalid_start"))
    ctx.answers["available_from"] = answer.choice
    return ASK_WORK_MODE


async def ask_work_mode(ctx: Context) -> Question:
    """Asks whether the member would work on site, remotely or both, as the programme allows."""
    programme = chosen_programme(ctx)
    modes = programme.work_modes if programme else ()
    options = [Option(mode, ctx.t(f"work_modes.{mode}")) for mode in modes]
    return Question(ctx.t("fellowship.ask_work_mode"), options=options)


async def got_work_mode(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the way of working and asks for a short motivation."""
    programme = chosen_programme(ctx)
    if programme is None or answer.choice not in programme.work_modes:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["work_mode"] = answer.choice
    return ASK_MOTIVATION


async def ask_motivation(ctx: Context) -> Question:
    """Asks, in a few sentences, what the member would like to bring."""
    return Question(ctx.t("fellowship.ask_motivation", limit=MOTIVATION_LIMIT))


async def got_motivation(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the motivation and asks for a CV or LinkedIn link."""
    motivation = answers.prose(answer.text, MOTIVATION_LIMIT, shortest=MOTIVATION_SHORTEST)
    if motivation is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=MOTIVATION_LIMIT))
    if isinstance(motivation, Problem):
        return Retry(ctx.t("fellowship.motivation_short", least=MOTIVATION_SHORTEST))
    ctx.answers["motivation"] = motivation
    return ASK_LINK


async def ask_link(ctx: Context) -> Question:
    """Asks for a link to a CV or LinkedIn profile (optional)."""
    return Question(ctx.t("fellowship.ask_link"), skip=True)


async def got_link(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the validated link and shows the summary."""
    if answer.skipped:
        ctx.answers["link"] = None
        return ASK_CONFIRM
    link = answers.https_link(answer.text, LINK_LIMIT)
    if link is None:
        return Retry(ctx.t("fellowship.invalid_link"))
    ctx.answers["link"] = link
    return ASK_CONFIRM


def _value(ctx: Context, name: str, value: Any) -> str:
    """One answer as the member reads it."""
    if value in (None, ""):
        return ctx.t("profile.not_given")
    programme = chosen_programme(ctx)
    if name == "field" and programme is not None:
        return programme.field_name(str(value), ctx.language, ctx.settings.default_language)
    if name == "host_kind":
        return ctx.t("fellowship.any_host" if value == ANY_HOST else f"host_kinds.{value}")
    if name == "duration":
        return _duration_text(ctx, str(value))
    if name == "available_from" and _MONTH.match(str(value)):
        year, month = str(value).split("-")
        return dates.month_year(ctx.content, ctx.language, int(year), int(month))
    if name == "work_mode":
        return ctx.t(f"work_modes.{value}")
    return str(value)


def answers_text(ctx: Context, given: dict[str, Any]) -> str:
    """Every answer of the application with its value, one a line."""
    return "\n".join(
        ctx.t(f"application_fields.{name}") + ": " + _value(ctx, name, given.get(name))
        for name in FIELD_STATES
    )
