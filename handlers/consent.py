"""The opening of registration: the language the member wants, then consent.

Nothing is asked before consent. Agreeing creates the member with the consent version and time;
declining keeps nothing, and erases a member who is not registered yet (one who agreed, then
went back to consent).
"""

from __future__ import annotations

from bot.flow import END, Answer, Context, Question, Retry
from bot.messages import Option
from handlers import labels
from handlers.registration_states import ASK_CONSENT, ASK_NAME

AGREE = "agree"
DECLINE = "decline"


async def ask_language(ctx: Context) -> Question:
    """Asks which language the member wants to use."""
    options = labels.language_options(ctx)
    text = labels.before_language(ctx, "registration.ask_language")
    return Question(text, options=options, back=False, columns=2)


async def got_language(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the language and asks for consent."""
    if answer.choice not in ctx.content.languages:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.language = ctx.answers["_lang"] = answer.choice
    if ctx.member is not None and ctx.member.language != answer.choice:
        # Back from the name to here after consenting: the stored language wins, so change it.
        await ctx.store.members.update(ctx.member.id, ctx.now(), language=answer.choice)
        ctx.member.language = answer.choice
    return ASK_CONSENT


async def ask_consent(ctx: Context) -> Question:
    """Explains what is collected, why, who sees it, for how long, and asks for consent."""
    return Question(
        ctx.t("consent.text", version=ctx.settings.consent_version),
        options=[Option(AGREE, ctx.t("consent.agree")), Option(DECLINE, ctx.t("consent.decline"))],
        aliases=labels.yes_no(ctx, AGREE, DECLINE),
    )


async def got_consent(ctx: Context, answer: Answer) -> str | Retry:
    """Records consent (version and time) and asks for the name; on decline, keeps nothing."""
    if answer.choice == AGREE:
        if ctx.member is None:
            ctx.member = await ctx.store.members.create(
                ctx.address,
                language=ctx.language,
                consent_version=ctx.settings.consent_version,
                now=ctx.now(),
            )
        return ASK_NAME
    if answer.choice == DECLINE:
        if ctx.member is not None and not ctx.member.registered:
            await ctx.store.members.delete(ctx.member.id)
            ctx.member = None
        ctx.say(ctx.t("consent.declined"))
        ctx.forget = True
        return END
    return Retry(ctx.t("consent.pick"))
