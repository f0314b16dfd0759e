"""The member's fellowship applications: each with its status and date, and withdrawing one.

An application can be withdrawn unless it was declined or withdrawn already
(``Application.withdrawable``), and only once the member confirms.
"""

from __future__ import annotations

from datetime import datetime

from bot.flow import END, Answer, Context, Question, Retry
from bot.messages import Option
from bot.store import Application
from bot.store.fellowship import WITHDRAWN
from handlers import dates, labels
from handlers.fellowship_states import ASK_PROGRAMME, ASK_WITHDRAW
from handlers.programmes import member_applications, open_programmes, status_text, title_of

ALL_PROGRAMMES = "all"
WITHDRAW = "withdraw"
KEEP = "keep"
_WITHDRAW_ONE = "withdraw:"


async def ask_application(ctx: Context) -> Question:
    """Lists the member's applications with their status; offers to withdraw an open one."""
    applications = await member_applications(ctx)
    lines = [ctx.t("fellowship.mine_heading")]
    options = []
    for application in applications:
        title = title_of(ctx, application.programme)
        submitted = dates.date_text(
            ctx.content, ctx.language, datetime.fromisoformat(application.created_at)
        )
        lines += [
            "",
            f"🎓 {title} (#{application.id})",
            ctx.t("fellowship.mine_line", status=status_text(ctx, application), date=submitted),
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
        for application in await member_applications(ctx)
        if application.withdrawable
    }
    if choice not in ids:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["application"] = ids[choice]
    return ASK_WITHDRAW


async def _own_application(ctx: Context) -> Application | None:
    application_id = ctx.answers.get("application")
    for application in await member_applications(ctx):
        if application.id == application_id:
            return application
    return None


async def ask_withdraw(ctx: Context) -> Question:
    """Asks the member to confirm withdrawing the application."""
    application = await _own_application(ctx)
    title = title_of(ctx, application.programme) if application else ""
    return Question(
        ctx.t("fellowship.confirm_withdraw", title=title),
        options=[
            Option(WITHDRAW, ctx.t("fellowship.withdraw_yes")),
            Option(KEEP, ctx.t("fellowship.withdraw_no")),
        ],
        aliases=labels.yes_no(ctx, WITHDRAW, KEEP),
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
    ctx.say(ctx.t("fellowship.withdrawn", title=title_of(ctx, application.programme)))
    return END
