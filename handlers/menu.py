"""The menu shown outside a flow, so no message ever goes unanswered."""

from __future__ import annotations

from bot.flow import Context, Question
from bot.messages import Option


async def menu(ctx: Context) -> Question:
    """Offers what the member can do next."""
    member = ctx.member
    if member is None or not member.registered:
        return Question(
            ctx.t("menu.guest"),
            options=[
                Option("/register", ctx.t("menu.register")),
                Option("/language", ctx.t("menu.language")),
                Option("/help", ctx.t("menu.help")),
            ],
            columns=2,
        )
    options = [
        Option("/profile", ctx.t("menu.profile")),
        Option("/language", ctx.t("menu.language")),
        Option("/mydata", ctx.t("menu.mydata")),
        Option("/help", ctx.t("menu.help")),
    ]
    if member.stopped_at:
        options.append(Option("/start", ctx.t("menu.resume")))
    else:
        options.append(Option("/stop", ctx.t("menu.stop")))
    options.append(Option("/delete", ctx.t("menu.delete")))
    return Question(ctx.t("menu.member", name=member.first_name), options=options, columns=2)
