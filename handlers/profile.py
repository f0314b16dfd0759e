"""The registration's summary: every answer on one screen, a “Change …” button for each, and
saving the profile on confirm. ``/profile`` opens the same summary to a registered member.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot import zones
from bot.flow import END, Answer, Context, Go, Question, Retry
from bot.messages import Option
from bot.store import PROFILE_FIELDS
from handlers import changes, labels, offer_states
from handlers.registration_states import FIELD_STATES

CONFIRM = "confirm"


def _profile(ctx: Context) -> dict[str, Any]:
    return {field: ctx.answers.get(field) for field in PROFILE_FIELDS}


async def ask_summary(ctx: Context) -> Question:
    """Shows every answer, offers to change any of them, and asks to confirm."""
    editing = bool(ctx.answers.get("_profile"))
    heading = ctx.t("registration.profile_heading" if editing else "registration.summary_heading")
    options = [Option(CONFIRM, ctx.t("registration.save" if editing else "registration.confirm"))]
    options += changes.change_options(ctx, FIELD_STATES, "fields")
    text = f"{heading}\n\n{labels.profile_text(ctx, _profile(ctx))}"
    aliases = {CONFIRM: labels.words(ctx, "yes")}
    return Question(text, options=options, back=False, columns=2, aliases=aliases)


async def got_summary(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Saves the profile on confirm, or opens the question of the answer to change."""
    state = changes.changed(ctx, answer.choice, FIELD_STATES)
    if state is not None:
        return state
    if answer.choice != CONFIRM:
        return Retry(ctx.t("registration.pick_from_list"))
    if ctx.member is None:
        # The consent record is gone (the member was erased from another channel meanwhile).
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    now = ctx.now()
    first_time = not ctx.member.registered
    fields: dict[str, Any] = dict(_profile(ctx))
    if first_time:
        fields["registered_at"] = now.isoformat()
    # The member's own time zone, from the city they live in (the country's applies otherwise);
    # the city table loads on first use, off the event loop.
    fields["timezone"] = await asyncio.to_thread(
        zones.city_zone, fields.get("country"), fields.get("city")
    )
    await ctx.store.members.update(ctx.member.id, now, **fields)
    ctx.member = await ctx.store.members.get(ctx.member.id)
    ctx.say(
        ctx.t(
            "registration.thanks" if first_time else "registration.saved",
            name=(ctx.answers.get("name") or "").split(" ")[0],
        )
    )
    # Interested in mentoring local businesses or investing: invited to offer help at once.
    invited = await offer_states.invitation(ctx) if first_time else None
    return invited or END
