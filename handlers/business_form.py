"""The business request's questions: the business's name, municipality, sector, stage, what it
needs, a short description, the languages it works in, the contact person's name and how to
reach them.

A phone number counts as proved only when the platform vouches for it — the WhatsApp number the
chat comes from, or Telegram's own-contact button — and only a proved number lets the request
join one a municipality sent us (:mod:`handlers.business`). A typed number or e-mail address is
kept as the way to reach them, and proves nothing.
"""

from __future__ import annotations

from bot.flow import Answer, Context, Question, Retry
from bot.messages import Option, address_id
from bot.store.businesses import NEEDS, STAGES
from handlers import answers, checklist, labels
from handlers.answers import Problem
from handlers.business_states import (
    ASK_CONTACT_NAME,
    ASK_DESCRIPTION,
    ASK_LANGUAGES,
    ASK_MUNICIPALITY,
    ASK_NEEDS,
    ASK_REACH,
    ASK_SECTOR,
    ASK_STAGE,
    SUMMARY,
)

NAME_LIMIT = 120
DESCRIPTION_LIMIT = 800
DESCRIPTION_SHORTEST = 20
CONTACT_NAME_LIMIT = 100
# Sectors of the programme's list that are no business's.
NOT_BUSINESS_SECTORS = frozenset({"student", "retired"})
THIS_NUMBER = "this_number"
USE_NAME = "use_name"


def sectors(ctx: Context) -> tuple[str, ...]:
    """The programme's sectors a business can be in."""
    return tuple(code for code in labels.programme(ctx).sectors if code not in NOT_BUSINESS_SECTORS)


async def ask_name(ctx: Context) -> Question:
    """Asks the business's name."""
    return Question(ctx.t("business.ask_name"), free_text=True)


async def got_name(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the business's name and asks for its municipality."""
    name = answers.label(answer.text, NAME_LIMIT)
    if name is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=NAME_LIMIT))
    if isinstance(name, Problem):
        return Retry(ctx.t("business.invalid_name"))
    ctx.answers["name"] = name
    return ASK_MUNICIPALITY


async def ask_municipality(ctx: Context) -> Question:
    """Asks in which of the municipalities the business is."""
    return Question(
        ctx.t("business.ask_municipality"), options=labels.municipality_options(ctx), columns=3
    )


async def got_municipality(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the municipality and asks for the sector."""
    names = {option.id: option.label for option in labels.municipality_options(ctx)}
    if answer.choice not in names:
        return Retry(ctx.t("registration.invalid_municipality"))
    ctx.answers["municipality"] = names[answer.choice]
    return ASK_SECTOR


async def ask_sector(ctx: Context) -> Question:
    """Asks the business's sector."""
    return Question(
        ctx.t("business.ask_sector"),
        options=labels.listed_options(ctx, "sectors", sectors(ctx)),
        columns=2,
    )


async def got_sector(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the sector and asks how far the business is."""
    if answer.choice not in sectors(ctx):
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["sector"] = answer.choice
    return ASK_STAGE


async def ask_stage(ctx: Context) -> Question:
    """Asks whether the business is an idea, starting or established."""
    return Question(
        ctx.t("business.ask_stage"), options=labels.listed_options(ctx, "stages", STAGES)
    )


async def got_stage(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the stage and asks what the business needs."""
    if answer.choice not in STAGES:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["stage"] = answer.choice
    return ASK_NEEDS


async def ask_needs(ctx: Context) -> Question:
    """Asks what the business needs (several; at least one)."""
    return checklist.listed(ctx, ctx.t("business.ask_needs"), "needs", "needs", NEEDS, skip=False)


async def got_needs(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles a need; on done (with one at least), asks for a short description."""
    result = checklist.toggle(ctx, answer, "needs", NEEDS, ASK_NEEDS, ASK_DESCRIPTION)
    if result == ASK_DESCRIPTION and not ctx.answers.get("needs"):
        return Retry(ctx.t("business.needs_required"))
    return result


async def ask_description(ctx: Context) -> Question:
    """Asks, in a few sentences, what the business does and what help it wants."""
    return Question(ctx.t("business.ask_description", limit=DESCRIPTION_LIMIT))


async def got_description(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the description and asks for the languages the business works in."""
    text = answers.prose(answer.text, DESCRIPTION_LIMIT, shortest=DESCRIPTION_SHORTEST)
    if text is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=DESCRIPTION_LIMIT))
    if isinstance(text, Problem):
        return Retry(ctx.t("business.invalid_description", shortest=DESCRIPTION_SHORTEST))
    ctx.answers["description"] = text
    return ASK_LANGUAGES


async def ask_languages(ctx: Context) -> Question:
    """Asks which languages the business can work in (several)."""
    codes = labels.programme(ctx).spoken_languages
    return checklist.listed(
        ctx, ctx.t("business.ask_languages"), "languages", "spoken_languages", codes
    )


async def got_languages(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles a language; on done, asks the contact person's name (skipped: the language of
    this chat)."""
    codes = labels.programme(ctx).spoken_languages
    result = checklist.toggle(ctx, answer, "languages", codes, ASK_LANGUAGES, ASK_CONTACT_NAME)
    if result == ASK_CONTACT_NAME and not ctx.answers.get("languages"):
        ctx.answers["languages"] = [ctx.language] if ctx.language in codes else []
    return result


async def ask_contact_name(ctx: Context) -> Question:
    """Asks the contact person's name, offering the one the profile or the app shows."""
    suggested = _suggested_name(ctx)
    options = [Option(USE_NAME, suggested)] if suggested else []
    return Question(ctx.t("business.ask_contact_name"), options=options, free_text=True)


def _suggested_name(ctx: Context) -> str | None:
    name = (ctx.member.name if ctx.member else None) or ctx.inbound.display_name or ""
    found = answers.label(name, CONTACT_NAME_LIMIT)
    return None if isinstance(found, Problem) else found


async def got_contact_name(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the contact person's name and asks how to reach them."""
    if answer.choice == USE_NAME and _suggested_name(ctx):
        ctx.answers["contact_name"] = _suggested_name(ctx)
        return ASK_REACH
    name = answers.label(answer.text, CONTACT_NAME_LIMIT)
    if name is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=CONTACT_NAME_LIMIT))
    if isinstance(name, Problem):
        return Retry(ctx.t("registration.invalid_name"))
    ctx.answers["contact_name"] = name
    return ASK_REACH


async def ask_reach(ctx: Context) -> Question:
    """Asks how a member who agrees to help may reach them: a phone (shared or typed, or this
    WhatsApp number) or an e-mail address."""
    options = []
    if ctx.channel == "whatsapp":
        options.append(Option(THIS_NUMBER, ctx.t("business.this_number")))
    return Question(
        ctx.t("business.ask_reach"), options=options, request_phone=True, free_text=True
    )


async def got_reach(ctx: Context, answer: Answer) -> str | Retry:
    """Stores a phone number (proved or not) or an e-mail address and shows the summary."""
    phone: str | None = None
    email: str | None = None
    proved = False
    if answer.choice == THIS_NUMBER and ctx.channel == "whatsapp":
        phone, proved = answers.shared_phone(address_id(ctx.address)), True
    elif answer.contact_phone and answer.contact_own:
        # Telegram vouches that the shared number is the sender's own.
        phone, proved = answers.shared_phone(answer.contact_phone), True
    elif "@" in answer.text:
        email = answers.email_address(answer.text)
        if email is None:
            return Retry(ctx.t("registration.invalid_email"))
    else:
        typed = answer.contact_phone or answer.text
        phone = answers.normalise_phone(typed, labels.programme(ctx).home_country)
    if phone is None and email is None:
        return Retry(ctx.t("business.invalid_reach"))
    ctx.answers.update(phone=phone, email=email, proved=proved and phone is not None)
    return SUMMARY
