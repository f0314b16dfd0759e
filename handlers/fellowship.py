"""The knowledge-transfer fellowship: open programmes, one programme's details, a short
application (field, kind of host, how long and from when, how, why, a CV or LinkedIn link), a
summary to check, and the member's applications — their status, and withdrawing one.

A newcomer gives consent, name and country first (:func:`registration.minimal`). Coordinators
change an application's status from the command line; the member is told through the outbox
(:func:`status_notice`).

This module holds the programmes, the summary and the table of states. The application's
questions live in :mod:`handlers.application_form`, the member's applications in
:mod:`handlers.applications`, what a programme reads like in :mod:`handlers.programmes`, and
the state names in :mod:`handlers.fellowship_states`, which all of them import.
"""

from __future__ import annotations

from datetime import datetime

from bot.content import Content
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Application, Member, Outgoing
from bot.store.fellowship import WITHDRAWN
from handlers import application_form, applications, changes, labels, registration
from handlers.applications import WITHDRAW
from handlers.fellowship_states import (
    ASK_APPLICATION,
    ASK_CONFIRM,
    ASK_DURATION,
    ASK_FIELD,
    ASK_HOST_KIND,
    ASK_INTEREST,
    ASK_LINK,
    ASK_MOTIVATION,
    ASK_PROGRAMME,
    ASK_START,
    ASK_WITHDRAW,
    ASK_WORK_MODE,
    FIELD_STATES,
)
from handlers.programmes import (
    application_to,
    chosen_programme,
    deadline_text,
    duration_text,
    member_applications,
    open_programmes,
    programme_title,
    status_text,
)

INTERESTED = "apply"
MY_APPLICATIONS = "mine"
SUBMIT = "submit"


async def fellowship(ctx: Context, payload: str) -> Go | None:
    """``/fellowship``: the open programmes (and the member's applications)."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if open_programmes(ctx):
        return Go(FLOW.name, ASK_PROGRAMME)
    ctx.say(ctx.t("fellowship.none"))
    return Go(FLOW.name, ASK_APPLICATION) if await member_applications(ctx) else None


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
            f"🎓 {programme_title(ctx, programme)}",
            ctx.t("fellowship.hosts", hosts=hosts),
            ctx.t("fellowship.duration", duration=duration_text(ctx, programme)),
            ctx.t("fellowship.deadline", deadline=deadline_text(ctx, programme)),
        ]
    options = [Option(programme.slug, programme_title(ctx, programme)) for programme in programmes]
    if await member_applications(ctx):
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
    programme = chosen_programme(ctx)
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
        f"🎓 {programme_title(ctx, programme)}",
        "",
        programme.text("description", language, default),
        "",
        ctx.t("fellowship.fields", fields=fields),
        ctx.t("fellowship.hosts_list", hosts=hosts),
        ctx.t("fellowship.duration", duration=duration_text(ctx, programme)),
        ctx.t("fellowship.modes", modes=modes),
        ctx.t("fellowship.deadline", deadline=deadline_text(ctx, programme)),
    ]
    application = await application_to(ctx, programme)
    if application is not None:
        lines.append(ctx.t("fellowship.your_status", status=status_text(ctx, application)))
    options = []
    if application is not None and application.withdrawable:
        options.append(Option(WITHDRAW, ctx.t("fellowship.withdraw")))
    elif not programme.open_at(ctx.now()):
        lines += ["", ctx.t("fellowship.closed", deadline=deadline_text(ctx, programme))]
    elif application is None or application.status == WITHDRAWN:
        options.append(Option(INTERESTED, ctx.t("fellowship.interested")))
    return Question("\n".join(lines), options=options)


async def got_interest(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Starts the application (after the minimum registration), or opens the withdrawal."""
    programme = chosen_programme(ctx)
    if programme is None:
        return Retry(ctx.t("fellowship.gone"))
    application = await application_to(ctx, programme)
    if answer.choice == WITHDRAW and application is not None and application.withdrawable:
        ctx.answers["application"] = application.id
        return ASK_WITHDRAW
    if answer.choice != INTERESTED:
        return Retry(ctx.t("registration.pick_from_list"))
    if not programme.open_at(ctx.now()):
        return Retry(ctx.t("fellowship.closed", deadline=deadline_text(ctx, programme)))
    if application is not None and application.status != WITHDRAWN:
        return Retry(ctx.t("fellowship.already", status=status_text(ctx, application)))
    if not registration.has_minimum(ctx.member):
        ctx.say(ctx.t("fellowship.register_first", title=programme_title(ctx, programme)))
        return registration.minimal(ctx, Go(FLOW.name, ASK_FIELD, {"programme": programme.slug}))
    return ASK_FIELD


async def ask_confirm(ctx: Context) -> Question:
    """Shows every answer, offers to change any of them, and asks to submit."""
    programme = chosen_programme(ctx)
    title = programme_title(ctx, programme) if programme else ""
    given = application_form.answers_text(ctx, ctx.answers)
    text = "\n".join([ctx.t("fellowship.summary_heading", title=title), "", given])
    options = [Option(SUBMIT, ctx.t("fellowship.submit"))]
    options += changes.change_options(ctx, FIELD_STATES, "application_fields")
    aliases = {SUBMIT: labels.words(ctx, "yes")}
    return Question(text, options=options, back=False, columns=2, aliases=aliases)


async def got_confirm(ctx: Context, answer: Answer) -> str | Retry:
    """Files the application on submit, or opens the question of the answer to change."""
    state = changes.changed(ctx, answer.choice, FIELD_STATES)
    if state is not None:
        return state
    if answer.choice != SUBMIT:
        return Retry(ctx.t("registration.pick_from_list"))
    programme = chosen_programme(ctx)
    if programme is None:
        return Retry(ctx.t("fellowship.gone"))
    if not programme.open_at(ctx.now()):
        ctx.say(ctx.t("fellowship.closed", deadline=deadline_text(ctx, programme)))
        return END
    if ctx.member is None:
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    given = {name: ctx.answers.get(name) for name in FIELD_STATES}
    application = await ctx.store.applications.submit(
        programme.slug, ctx.member.id, ctx.now(), given
    )
    if application is None:
        existing = await application_to(ctx, programme)
        status = status_text(ctx, existing) if existing else ""
        ctx.say(ctx.t("fellowship.already", status=status))
        return END
    ctx.say(
        ctx.t("fellowship.submitted", title=programme_title(ctx, programme), number=application.id)
    )
    if not ctx.member.registered:
        ctx.say(ctx.t("events.complete_profile"))
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
        ASK_FIELD: State(application_form.ask_field, application_form.got_field),
        ASK_HOST_KIND: State(application_form.ask_host_kind, application_form.got_host_kind),
        ASK_DURATION: State(application_form.ask_duration, application_form.got_duration),
        ASK_START: State(application_form.ask_start, application_form.got_start),
        ASK_WORK_MODE: State(application_form.ask_work_mode, application_form.got_work_mode),
        ASK_MOTIVATION: State(application_form.ask_motivation, application_form.got_motivation),
        ASK_LINK: State(application_form.ask_link, application_form.got_link),
        ASK_CONFIRM: State(ask_confirm, got_confirm),
        ASK_APPLICATION: State(applications.ask_application, applications.got_application),
        ASK_WITHDRAW: State(applications.ask_withdraw, applications.got_withdraw),
    },
)
