"""The fellowship programmes as a member reads them — which are open, their titles, deadlines
and durations — and the member's own applications to them.

Shared by the fellowship's steps in :mod:`handlers.fellowship`, :mod:`handlers.application_form`
and :mod:`handlers.applications`, so a title or a status reads the same on every screen.
"""

from __future__ import annotations

from bot.content.fellowships import Fellowship
from bot.flow import Context
from bot.store import Application
from handlers import dates


def open_programmes(ctx: Context) -> list[Fellowship]:
    """Programmes still taking applications, closest deadline first."""
    now = ctx.now()
    return sorted(
        (item for item in ctx.content.fellowships.values() if item.open_at(now)),
        key=lambda item: (item.deadline, item.slug),
    )


def chosen_programme(ctx: Context) -> Fellowship | None:
    """The programme the member opened (or is applying to), if it is still offered."""
    return ctx.content.fellowships.get(ctx.answers.get("programme") or "")


def programme_title(ctx: Context, programme: Fellowship) -> str:
    """The programme's title in the member's language."""
    return programme.text("title", ctx.language, ctx.settings.default_language)


def title_of(ctx: Context, slug: str) -> str:
    """The title of the programme ``slug``; the slug itself once the programme is gone."""
    programme = ctx.content.fellowships.get(slug)
    return programme_title(ctx, programme) if programme else slug


def deadline_text(ctx: Context, programme: Fellowship) -> str:
    """The programme's deadline as the member reads it, in the organisers' time zone."""
    return dates.moment_text(ctx.content, ctx.language, programme.deadline, ctx.settings.timezone)


def duration_text(ctx: Context, programme: Fellowship) -> str:
    """How long the programme lasts: ``3 months`` or ``3 to 6 months``."""
    shortest, longest = programme.duration_months
    if shortest == longest:
        return ctx.t("fellowship.months", months=shortest)
    return ctx.t("fellowship.months_range", shortest=shortest, longest=longest)


async def member_applications(ctx: Context) -> list[Application]:
    """The member's applications (none before the member exists)."""
    return await ctx.store.applications.of_member(ctx.member.id) if ctx.member else []


async def application_to(ctx: Context, programme: Fellowship) -> Application | None:
    """The member's application to ``programme``, if there is one."""
    for application in await member_applications(ctx):
        if application.programme == programme.slug:
            return application
    return None


def status_text(ctx: Context, application: Application) -> str:
    """The application's status in the member's language."""
    return ctx.t(f"fellowship.statuses.{application.status}")
