"""The offer's questions: what the member can give (the needs businesses name), in which
sectors and languages, remotely or on site, how many hours a month, for investment an optional
range, and how a business may reach them once both sides agree."""

from __future__ import annotations

from bot.flow import Answer, Context, Question, Retry
from bot.messages import Option, address_id
from bot.store.businesses import NEEDS
from bot.store.offers import INVESTMENT_RANGES, MODES
from bot.text import clean
from handlers import answers, checklist, labels
from handlers.business_form import NOT_BUSINESS_SECTORS
from handlers.offer_states import (
    ASK_CONTACT,
    ASK_GIVES,
    ASK_HOURS,
    ASK_INVESTMENT,
    ASK_LANGUAGES,
    ASK_MODE,
    ASK_SECTORS,
    SUMMARY,
)

MOST_HOURS = 160
_CONTACT = "contact:"


def sectors(ctx: Context) -> tuple[str, ...]:
    """The sectors help can be offered in (those a business can be in)."""
    return tuple(code for code in labels.programme(ctx).sectors if code not in NOT_BUSINESS_SECTORS)


async def ask_gives(ctx: Context) -> Question:
    """Asks what the member can give (several; at least one)."""
    return checklist.listed(ctx, ctx.t("offer.ask_gives"), "gives", "needs", NEEDS, skip=False)


async def got_gives(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles what they give; on done (with one at least), asks for the sectors."""
    result = checklist.toggle(ctx, answer, "gives", NEEDS, ASK_GIVES, ASK_SECTORS)
    if result == ASK_SECTORS and not ctx.answers.get("gives"):
        return Retry(ctx.t("offer.gives_required"))
    return result


async def ask_sectors(ctx: Context) -> Question:
    """Asks in which sectors they can help (several, optional)."""
    return checklist.listed(ctx, ctx.t("offer.ask_sectors"), "sectors", "sectors", sectors(ctx))


async def got_sectors(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles a sector; on done, asks for the languages."""
    return checklist.toggle(ctx, answer, "sectors", sectors(ctx), ASK_SECTORS, ASK_LANGUAGES)


async def ask_languages(ctx: Context) -> Question:
    """Asks in which languages they can work with a business (several)."""
    codes = labels.programme(ctx).spoken_languages
    return checklist.listed(
        ctx, ctx.t("offer.ask_languages"), "languages", "spoken_languages", codes
    )


async def got_languages(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles a language; on done, asks how they would work (skipped: the languages of the
    profile)."""
    codes = labels.programme(ctx).spoken_languages
    result = checklist.toggle(ctx, answer, "languages", codes, ASK_LANGUAGES, ASK_MODE)
    if result == ASK_MODE and not ctx.answers.get("languages") and ctx.member is not None:
        ctx.answers["languages"] = list(ctx.member.languages)
    return result


async def ask_mode(ctx: Context) -> Question:
    """Asks whether they would help remotely, on site in the home country, or both."""
    return Question(
        ctx.t("offer.ask_mode"), options=labels.listed_options(ctx, "work_modes", MODES)
    )


async def got_mode(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the way of working and asks for the hours."""
    if answer.choice not in MODES:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["mode"] = answer.choice
    return ASK_HOURS


async def ask_hours(ctx: Context) -> Question:
    """Asks how many hours a month they could give (a number typed)."""
    return Question(ctx.t("offer.ask_hours", most=MOST_HOURS))


async def got_hours(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the hours; asks for an investment range if they offer investment, else how to
    reach them."""
    text = clean(answer.text).lower().removesuffix("h").strip()
    if not text.isdigit() or not 1 <= int(text) <= MOST_HOURS:
        return Retry(ctx.t("offer.invalid_hours", most=MOST_HOURS))
    ctx.answers["hours"] = int(text)
    return ASK_INVESTMENT if "investment" in ctx.answers.get("gives", []) else ASK_CONTACT


async def ask_investment(ctx: Context) -> Question:
    """Asks, optionally, in which range they might invest."""
    return Question(
        ctx.t("offer.ask_investment"),
        options=labels.listed_options(ctx, "investment_ranges", INVESTMENT_RANGES),
        skip=True,
    )


async def got_investment(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the range (or none) and asks how a business may reach them."""
    if answer.skipped:
        ctx.answers["investment"] = None
        return ASK_CONTACT
    if answer.choice not in INVESTMENT_RANGES:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["investment"] = answer.choice
    return ASK_CONTACT


def _known_contacts(ctx: Context) -> list[str]:
    """The profile's e-mail and phone, and this chat's WhatsApp number."""
    member = ctx.member
    found = [value for value in (member.email, member.phone) if value] if member else []
    if ctx.channel == "whatsapp":
        number = answers.shared_phone(address_id(ctx.address))
        if number and number not in found:
            found.append(number)
    return found


async def ask_contact(ctx: Context) -> Question:
    """Asks how a business may reach them once both agree: an e-mail address or phone of the
    profile, or one typed."""
    options = [
        Option(f"{_CONTACT}{index}", value) for index, value in enumerate(_known_contacts(ctx))
    ]
    return Question(ctx.t("offer.ask_contact"), options=options, free_text=True)


async def got_contact(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the contact and shows the summary."""
    known = _known_contacts(ctx)
    choice = answer.choice or ""
    if choice.startswith(_CONTACT) and choice.removeprefix(_CONTACT).isdigit():
        index = int(choice.removeprefix(_CONTACT))
        if index < len(known):
            ctx.answers["contact"] = known[index]
            return SUMMARY
    if "@" in answer.text:
        contact = answers.email_address(answer.text)
    else:
        contact = answers.normalise_phone(
            answer.text, ctx.member.country if ctx.member is not None else None
        )
    if contact is None:
        return Retry(ctx.t("offer.invalid_contact"))
    ctx.answers["contact"] = contact
    return SUMMARY
