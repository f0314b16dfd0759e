"""The knowledge-transfer fellowship: open programmes, one programme's details, a short
application (field, kind of host, how long and from when, how, why, a CV or LinkedIn link), a
summary to check, and the member's applications — their status, and withdrawing one.

A newcomer gives consent, name and country first (:func:`registration.minimal`). Coordinators
change an application's status from the command line; the member is told through the outbox
(:func:`status_notice`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Application, Member, Outgoing
from bot.store.fellowship import WITHDRAWN
from bot.text import clean
from handlers import dates, registration
from scheduler.content import Content
from scheduler.fellowships import Fellowship
from scheduler.zones import zone

ASK_PROGRAMME = "ask_programme"
ASK_INTEREST = "ask_interest"
ASK_FIELD = "ask_field"
ASK_HOST_KIND = "ask_host_kind"
ASK_DURATION = "ask_duration"
ASK_START = "ask_start"
ASK_WORK_MODE = "ask_work_mode"
ASK_MOTIVATION = "ask_motivation"
ASK_LINK = "ask_link"
ASK_CONFIRM = "ask_confirm"
ASK_APPLICATION = "ask_application"
ASK_WITHDRAW = "ask_withdraw"

# Which question changes which answer from the summary.
FIELD_STATES = {
    "field": ASK_FIELD,
    "host_kind": ASK_HOST_KIND,
    "duration": ASK_DURATION,
    "available_from": ASK_START,
    "work_mode": ASK_WORK_MODE,
    "motivation": ASK_MOTIVATION,
    "link": ASK_LINK,
}
INTERESTED = "apply"
MY_APPLICATIONS = "mine"
ALL_PROGRAMMES = "all"
SUBMIT = "submit"
WITHDRAW = "withdraw"
KEEP = "keep"
ANY_HOST = "any"
DURATIONS = ("up_to_1", "1_to_3", "3_to_6", "6_to_12")
START_MONTHS = 12
FIELD_LIMIT = 100
MOTIVATION_SHORTEST = 20
MOTIVATION_LIMIT = 1000
LINK_LIMIT = 300
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_URL_LIKE = re.compile(r"https?://|www\.", re.IGNORECASE)
_WITHDRAW_ONE = "withdraw:"


def open_programmes(ctx: Context) -> list[Fellowship]:
    """Programmes still taking applications, closest deadline first."""
    now = ctx.now()
    return sorted(
        (item for item in ctx.content.fellowships.values() if item.open_at(now)),
        key=lambda item: (item.deadline, item.slug),
    )


def _programme(ctx: Context) -> Fellowship | None:
    return ctx.content.fellowships.get(ctx.answers.get("programme") or "")


def _title(ctx: Context, programme: Fellowship) -> str:
    return programme.text("title", ctx.language, ctx.settings.default_language)


def _title_of(ctx: Context, slug: str) -> str:
    programme = ctx.content.fellowships.get(slug)
    return _title(ctx, programme) if programme else slug


def _deadline(ctx: Context, programme: Fellowship) -> str:
    return dates.moment_text(ctx.content, ctx.language, programme.deadline, ctx.settings.timezone)


def _duration(ctx: Context, programme: Fellowship) -> str:
    shortest, longest = programme.duration_months
    if shortest == longest:
        return ctx.t("fellowship.months", months=shortest)
    return ctx.t("fellowship.months_range", shortest=shortest, longest=longest)


async def _applications(ctx: Context) -> list[Application]:
    return await ctx.store.applications.of_member(ctx.member.id) if ctx.member else []


async def _application(ctx: Context, programme: Fellowship) -> Application | None:
    for application in await _applications(ctx):
        if application.programme == programme.slug:
            return application
    return None


async def fellowship(ctx: Context, payload: str) -> Go | None:
    """``/fellowship``: the open programmes (and the member's applications)."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if open_programmes(ctx):
        return Go(FLOW.name, ASK_PROGRAMME)
    ctx.say(ctx.t("fellowship.none"))
    return Go(FLOW.name, ASK_APPLICATION) if await _applications(ctx) else None


async def open_link(ctx: Context) -> Go | None:
    """The deep link ``/start fellowship``: the programmes, like ``/fellowship``."""
    return await fellowship(ctx, "")


async def ask_programme(ctx: Context) -> Question:
    """Lists the open programmes with deadline, duration and hosts, and offers each."""
    programmes = open_programmes(ctx)
    if not programmes:
        return Question(ctx.t("fellowship.none"), back=False)
    lines = [ctx.t("fellowship.heading")]
    for programme in programmes:
        hosts = ", ".join(
            host.text(ctx.language, ctx.settings.default_language) for host in programme.hosts
        )
        lines += [
            "",
            f"🎓 {_title(ctx, programme)}",
            ctx.t("fellowship.hosts", hosts=hosts),
            ctx.t("fellowship.duration", duration=_duration(ctx, programme)),
            ctx.t("fellowship.deadline", deadline=_deadline(ctx, programme)),
        ]
    options = [Option(programme.slug, _title(ctx, programme)) for programme in programmes]
    if await _applications(ctx):
        options.append(Option(MY_APPLICATIONS, ctx.t("fellowship.mine")))
    return Question("\n".join(lines), options=options, back=False)


async def got_programme(ctx: Context, answer: Answer) -> str | Retry:
    """Opens the chosen programme (or the member's applications)."""
    if answer.choice == MY_APPLICATIONS:
        return ASK_APPLICATION
    if answer.choice not in {programme.slug for programme in open_programmes(ctx)}:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["programme"] = answer.choice
    return ASK_INTEREST


async def ask_interest(ctx: Context) -> Question:
    """Shows the programme in full, and the member's application to it if there is one."""
    programme = _programme(ctx)
    if programme is None:
        return Question(ctx.t("fellowship.gone"))
    language, default = ctx.language, ctx.settings.default_language
    fields = ", ".join(programme.field_name(field, language, default) for field in programme.fields)
    hosts = "\n".join(
        f"• {host.text(language, default)}" + (f", {host.city}" if host.city else "")
        for host in programme.hosts
    )
    modes = ", ".join(ctx.t(f"work_modes.{mode}") for mode in programme.work_modes)
    lines = [
        f"🎓 {_title(ctx, programme)}",
        "",
        programme.text("description", language, default),
        "",
        ctx.t("fellowship.fields", fields=fields),
        ctx.t("fellowship.hosts_list", hosts=hosts),
        ctx.t("fellowship.duration", duration=_duration(ctx, programme)),
        ctx.t("fellowship.modes", modes=modes),
        ctx.t("fellowship.deadline", deadline=_deadline(ctx, programme)),
    ]
    application = await _application(ctx, programme)
    if application is not None:
        lines.append(ctx.t("fellowship.your_status", status=_status(ctx, application)))
    options = []
    if application is not None and application.withdrawable:
        options.append(Option(WITHDRAW, ctx.t("fellowship.withdraw")))
    elif not programme.open_at(ctx.now()):
        lines += ["", ctx.t("fellowship.closed", deadline=_deadline(ctx, programme))]
    elif application is None or application.status == WITHDRAWN:
        options.append(Option(INTERESTED, ctx.t("fellowship.interested")))
    return Question("\n".join(lines), options=options)


async def got_interest(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Starts the application (after the minimum registration), or opens the withdrawal."""
    programme = _programme(ctx)
    if programme is None:
        return Retry(ctx.t("fellowship.gone"))
    application = await _application(ctx, programme)
    if answer.choice == WITHDRAW and application is not None and application.withdrawable:
        ctx.answers["application"] = application.id
        return ASK_WITHDRAW
    if answer.choice != INTERESTED:
        return Retry(ctx.t("registration.pick_from_list"))
    if not programme.open_at(ctx.now()):
        return Retry(ctx.t("fellowship.closed", deadline=_deadline(ctx, programme)))
    if application is not None and application.status != WITHDRAWN:
        return Retry(ctx.t("fellowship.already", status=_status(ctx, application)))
    if not registration.has_minimum(ctx.member):
        ctx.say(ctx.t("fellowship.register_first", title=_title(ctx, programme)))
        return registration.minimal(ctx, Go(FLOW.name, ASK_FIELD, {"programme": programme.slug}))
    return ASK_FIELD


async def ask_field(ctx: Context) -> Question:
    """Asks the member's field of expertise: one the programme looks for, or their own words."""
    programme = _programme(ctx)
    options = []
    if programme is not None:
        options = [
            Option(field, programme.field_name(field, ctx.language, ctx.settings.default_language))
            for field in programme.fields
        ]
    return Question(ctx.t("fellowship.ask_field"), options=options)


async def got_field(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the field of expertise and asks for the preferred kind of host."""
    programme = _programme(ctx)
    if programme is None:
        return Retry(ctx.t("fellowship.gone"))
    if answer.choice in programme.fields:
        ctx.answers["field"] = answer.choice
        return ASK_HOST_KIND
    field = " ".join(clean(answer.text).split())
    if not _HAS_LETTER.search(field) or _URL_LIKE.search(field):
        return Retry(ctx.t("fellowship.invalid_field"))
    if len(field) > FIELD_LIMIT:
        return Retry(ctx.t("registration.too_long", limit=FIELD_LIMIT))
    ctx.answers["field"] = field
    return ASK_HOST_KIND


async def ask_host_kind(ctx: Context) -> Question:
    """Asks which kind of host institution the member would prefer."""
    programme = _programme(ctx)
    kinds = programme.host_kinds if programme else ()
    options = [Option(kind, ctx.t(f"host_kinds.{kind}")) for kind in kinds]
    options.append(Option(ANY_HOST, ctx.t("fellowship.any_host")))
    return Question(ctx.t("fellowship.ask_host_kind"), options=options, columns=2)


async def got_host_kind(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the kind of host and asks how long the member could take part."""
    programme = _programme(ctx)
    kinds = programme.host_kinds if programme else ()
    if answer.choice != ANY_HOST and answer.choice not in kinds:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["host_kind"] = answer.choice
    return ASK_DURATION


async def ask_duration(ctx: Context) -> Question:
    """Asks how long the member could take part."""
    options = [Option(code, ctx.t(f"fellowship.durations.{code}")) for code in DURATIONS]
    return Question(ctx.t("fellowship.ask_duration"), options=options, columns=2)


async def got_duration(ctx: Context, answer: Answer) -> str | Retry:
    """Stores how long, and asks from when."""
    if answer.choice not in DURATIONS:
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
    programme = _programme(ctx)
    modes = programme.work_modes if programme else ()
    options = [Option(mode, ctx.t(f"work_modes.{mode}")) for mode in modes]
    return Question(ctx.t("fellowship.ask_work_mode"), options=options)


async def got_work_mode(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the way of working and asks for a short motivation."""
    programme = _programme(ctx)
    if programme is None or answer.choice not in programme.work_modes:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["work_mode"] = answer.choice
    return ASK_MOTIVATION


async def ask_motivation(ctx: Context) -> Question:
    """Asks, in a few sentences, what the member would like to bring."""
    return Question(ctx.t("fellowship.ask_motivation", limit=MOTIVATION_LIMIT))


async def got_motivation(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the motivation and asks for a CV or LinkedIn link."""
    motivation = clean(answer.text)
    if len(motivation) < MOTIVATION_SHORTEST or not _HAS_LETTER.search(motivation):
        return Retry(ctx.t("fellowship.motivation_short", least=MOTIVATION_SHORTEST))
    if len(motivation) > MOTIVATION_LIMIT:
        return Retry(ctx.t("registration.too_long", limit=MOTIVATION_LIMIT))
    ctx.answers["motivation"] = motivation
    return ASK_LINK


async def ask_link(ctx: Context) -> Question:
    """Asks for a link to a CV or LinkedIn profile (optional)."""
    return Question(ctx.t("fellowship.ask_link"), skip=True)


def https_link(text: str) -> str | None:
    """The text as an https link to a web page, or None; ``linkedin.com/in/ana`` gets https://."""
    link = clean(text, limit=LINK_LIMIT + 1)
    if not re.match(r"^[a-z][a-z0-9+.-]*://", link, re.IGNORECASE):
        link = "https://" + link
    if len(link) > LINK_LIMIT or any(char.isspace() for char in link):
        return None
    parts = urlsplit(link)
    host = parts.hostname or ""
    if parts.scheme.lower() != "https" or "." not in host or parts.username or parts.password:
        return None
    if not re.fullmatch(r"[a-z0-9.-]+", host) or host.startswith(".") or ".." in host:
        return None
    return link


async def got_link(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the validated link and shows the summary."""
    if answer.skipped:
        ctx.answers["link"] = None
        return ASK_CONFIRM
    link = https_link(answer.text)
    if link is None:
        return Retry(ctx.t("fellowship.invalid_link"))
    ctx.answers["link"] = link
    return ASK_CONFIRM


def _value(ctx: Context, name: str, value: Any) -> str:
    """One answer as the member reads it."""
    if value in (None, ""):
        return ctx.t("profile.not_given")
    programme = _programme(ctx)
    if name == "field" and programme is not None:
        return programme.field_name(str(value), ctx.language, ctx.settings.default_language)
    if name == "host_kind":
        return ctx.t("fellowship.any_host" if value == ANY_HOST else f"host_kinds.{value}")
    if name == "duration":
        return ctx.t(f"fellowship.durations.{value}")
    if name == "available_from" and _MONTH.match(str(value)):
        year, month = str(value).split("-")
        return dates.month_year(ctx.content, ctx.language, int(year), int(month))
    if name == "work_mode":
        return ctx.t(f"work_modes.{value}")
    return str(value)


def _answers_text(ctx: Context, answers: dict[str, Any]) -> str:
    return "\n".join(
        ctx.t(f"application_fields.{name}") + ": " + _value(ctx, name, answers.get(name))
        for name in FIELD_STATES
    )


async def ask_confirm(ctx: Context) -> Question:
    """Shows every answer, offers to change any of them, and asks to submit."""
    programme = _programme(ctx)
    title = _title(ctx, programme) if programme else ""
    text = "\n".join(
        [ctx.t("fellowship.summary_heading", title=title), "", _answers_text(ctx, ctx.answers)]
    )
    options = [Option(SUBMIT, ctx.t("fellowship.submit"))]
    options += [
        Option(
            f"edit:{name}", ctx.t("registration.change", field=ctx.t(f"application_fields.{name}"))
        )
        for name in FIELD_STATES
    ]
    return Question(text, options=options, back=False, columns=2)


async def got_confirm(ctx: Context, answer: Answer) -> str | Retry:
    """Files the application on submit, or opens the question of the answer to change."""
    choice = answer.choice or ""
    if choice.startswith("edit:") and choice[5:] in FIELD_STATES:
        ctx.answers["_edit"] = True
        return FIELD_STATES[choice[5:]]
    if choice != SUBMIT:
        return Retry(ctx.t("registration.pick_from_list"))
    programme = _programme(ctx)
    if programme is None:
        return Retry(ctx.t("fellowship.gone"))
    if not programme.open_at(ctx.now()):
        ctx.say(ctx.t("fellowship.closed", deadline=_deadline(ctx, programme)))
        return END
    if ctx.member is None:
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    answers = {name: ctx.answers.get(name) for name in FIELD_STATES}
    application = await ctx.store.applications.submit(
        programme.slug, ctx.member.id, ctx.now(), answers
    )
    if application is None:
        existing = await _application(ctx, programme)
        status = _status(ctx, existing) if existing else ""
        ctx.say(ctx.t("fellowship.already", status=status))
        return END
    ctx.say(ctx.t("fellowship.submitted", title=_title(ctx, programme), number=application.id))
    if not ctx.member.registered:
        ctx.say(ctx.t("events.complete_profile"))
    return END


def _status(ctx: Context, application: Application) -> str:
    return ctx.t(f"fellowship.statuses.{application.status}")


async def ask_application(ctx: Context) -> Question:
    """Lists the member's applications with their status; offers to withdraw an open one."""
    applications = await _applications(ctx)
    lines = [ctx.t("fellowship.mine_heading")]
    options = []
    for application in applications:
        title = _title_of(ctx, application.programme)
        submitted = dates.date_text(
            ctx.content, ctx.language, datetime.fromisoformat(application.created_at)
        )
        lines += [
            "",
            f"🎓 {title} (#{application.id})",
            ctx.t("fellowship.mine_line", status=_status(ctx, application), date=submitted),
        ]
        if application.withdrawable:
            label = ctx.t("fellowship.withdraw_one", title=title)
            options.append(Option(f"{_WITHDRAW_ONE}{application.id}", label))
    if not applications:
        lines = [ctx.t("fellowship.mine_none")]
    if open_programmes(ctx):
        options.append(Option(ALL_PROGRAMMES, ctx.t("fellowship.all")))
    return Question("\n".join(lines), options=options)


async def got_application(ctx: Context, answer: Answer) -> str | Retry:
    """Opens the withdrawal of the chosen application (or the list of programmes)."""
    choice = answer.choice or ""
    if choice == ALL_PROGRAMMES:
        return ASK_PROGRAMME
    ids = {
        f"{_WITHDRAW_ONE}{application.id}": application.id
        for application in await _applications(ctx)
        if application.withdrawable
    }
    if choice not in ids:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["application"] = ids[choice]
    return ASK_WITHDRAW


async def _own_application(ctx: Context) -> Application | None:
    application_id = ctx.answers.get("application")
    for application in await _applications(ctx):
        if application.id == application_id:
            return application
    return None


async def ask_withdraw(ctx: Context) -> Question:
    """Asks the member to confirm withdrawing the application."""
    application = await _own_application(ctx)
    title = _title_of(ctx, application.programme) if application else ""
    return Question(
        ctx.t("fellowship.confirm_withdraw", title=title),
        options=[
            Option(WITHDRAW, ctx.t("fellowship.withdraw_yes")),
            Option(KEEP, ctx.t("fellowship.withdraw_no")),
        ],
    )


async def got_withdraw(ctx: Context, answer: Answer) -> str | Retry:
    """Withdraws the application, or keeps it."""
    if answer.choice == KEEP:
        ctx.say(ctx.t("fellowship.kept"))
        return END
    if answer.choice != WITHDRAW:
        return Retry(ctx.t("registration.pick_from_list"))
    application = await _own_application(ctx)
    if application is None or not application.withdrawable or ctx.member is None:
        ctx.say(ctx.t("fellowship.not_withdrawable"))
        return END
    await ctx.store.applications.change(
        application.id, WITHDRAWN, ctx.now(), author=f"member:{ctx.member.id}"
    )
    ctx.say(ctx.t("fellowship.withdrawn", title=_title_of(ctx, application.programme)))
    return END


def status_notice(
    content: Content, member: Member, application: Application, now: datetime
) -> Outgoing:
    """The message that tells a member, in their language, that their application's status
    changed (queued in the outbox by whoever changed it)."""
    programme = content.fellowships.get(application.programme)
    language = member.language
    title = (
        programme.text("title", language, content.default_language)
        if programme
        else application.programme
    )
    return Outgoing(
        job=f"fellowship:{application.id}:{application.status}:{now.isoformat()}",
        kind="notice",
        member_id=member.id,
        body=content.text(language, f"fellowship.notice.{application.status}", title=title),
        not_before=now,
    )


FLOW = Flow(
    name="fellowship",
    start=ASK_PROGRAMME,
    summary=ASK_CONFIRM,
    states={
        ASK_PROGRAMME: State(ask_programme, got_programme),
        ASK_INTEREST: State(ask_interest, got_interest),
        ASK_FIELD: State(ask_field, got_field),
        ASK_HOST_KIND: State(ask_host_kind, got_host_kind),
        ASK_DURATION: State(ask_duration, got_duration),
        ASK_START: State(ask_start, got_start),
        ASK_WORK_MODE: State(ask_work_mode, got_work_mode),
        ASK_MOTIVATION: State(ask_motivation, got_motivation),
        ASK_LINK: State(ask_link, got_link),
        ASK_CONFIRM: State(ask_confirm, got_confirm),
        ASK_APPLICATION: State(ask_application, got_application),
        ASK_WITHDRAW: State(ask_withdraw, got_withdraw),
    },
)
