"""The offer flow's states and the invitation registration ends with.

Apart from :mod:`handlers.offer` so that the end of registration (:mod:`handlers.profile`) can
hand over to the offer without importing the flow, which itself leans on registration: imports
stay one-way.
"""

from __future__ import annotations

from bot.flow import Context, Go

FLOW_NAME = "offer"
ASK_INVITE = "ask_invite"
ASK_GIVES = "ask_gives"
ASK_SECTORS = "ask_sectors"
ASK_LANGUAGES = "ask_languages"
ASK_MODE = "ask_mode"
ASK_HOURS = "ask_hours"
ASK_INVESTMENT = "ask_investment"
ASK_CONTACT = "ask_contact"
SUMMARY = "summary"
ASK_MANAGE = "ask_manage"
ASK_WITHDRAW = "ask_withdraw"

# Which question changes which answer from the summary (labels: offer_fields.<name>).
FIELD_STATES = {
    "gives": ASK_GIVES,
    "sectors": ASK_SECTORS,
    "languages": ASK_LANGUAGES,
    "mode": ASK_MODE,
    "hours": ASK_HOURS,
    "investment": ASK_INVESTMENT,
    "contact": ASK_CONTACT,
}
# Interests (content/programme.yaml) of members invited to offer help when they register:
# "Mentoring local businesses" and "Investing and business".
OFFER_INTERESTS = frozenset({"mentoring", "investment"})


async def invitation(ctx: Context) -> Go | None:
    """After a first registration: the invitation to offer help, for a member who chose one of
    :data:`OFFER_INTERESTS` and has no offer yet; None for everyone else."""
    member = ctx.member
    if member is None or not OFFER_INTERESTS & set(member.interests):
        return None
    if await ctx.store.offers.of_member(member.id) is not None:
        return None
    return Go(FLOW_NAME, ASK_INVITE)
