"""The menu shown outside a flow, so no message ever goes unanswered."""

from __future__ import annotations

from bot.flow import Context, Question
from bot.messages import Option
from handlers import registration


async def menu(ctx: Context) -> Question:
    """Offers what the member can do next."""
    member = ctx.member
    events = Option("/events", ctx.t("menu.events"))
    fellowship = Option("/fellowship", ctx.t("menu.fellowship"))
    # Introductions waiting for this person's answer come first (members and businesses).
    waiting = await ctx.store.matches.awaiting(member.id) if member is not None else []
    intro = [Option("/intro", ctx.t("menu.intro", count=len(waiting)))] if waiting else []
    if member is None or not (member.registered or registration.has_minimum(member)):
        return Question(
            ctx.t("menu.guest"),
            options=[
                *intro,
                Option("/register", ctx.t("menu.register")),
                events,
                fellowship,
                Option("/language", ctx.t("menu.language")),
                Option("/help", ctx.t("menu.help")),
            ],
            columns=2,
        )
    offer = Option("/offer", ctx.t("menu.offer"))
    if member.registered:
        options = [*intro, events, fellowship, offer, Option("/profile", ctx.t("menu.profile"))]
    else:
        # Came in through an event or the fellowship with only name and country.
        options = [
            *intro,
            Option("/register", ctx.t("menu.complete_profile")),
            events,
            fellowship,
            offer,
        ]
    options += [
        Option("/language", ctx.t("menu.language")),
        Option("/mydata", ctx.t("menu.mydata")),
        Option("/ask", ctx.t("menu.ask")),
        Option("/help", ctx.t("menu.help")),
    ]
    if member.stopped_at:
        options.append(Option("/start", ctx.t("menu.resume")))
    else:
        options.append(Option("/topics", ctx.t("menu.topics")))
        options.append(Option("/stop", ctx.t("menu.stop")))
    options.append(Option("/delete", ctx.t("menu.delete")))
    return Question(ctx.t("menu.member", name=member.first_name), options=options, columns=2)
