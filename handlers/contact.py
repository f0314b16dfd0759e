"""How to reach the member: the preferred channel, an e-mail address and a phone number.

The address the preferred channel needs is required, the others optional. A phone shared with
the app's own-contact button proves the number is the member's, so a chat begun on Telegram
joins the member who registered from that number on WhatsApp instead of becoming a second one.
Only that proves it: a typed number, or a contact card the platform does not vouch for, is kept
as the member's phone and joins nobody.
"""

from __future__ import annotations

from bot.flow import EDITING, END, Answer, Context, Question, Retry
from bot.messages import Option
from bot.store import Member
from handlers import answers, labels
from handlers.registration_states import ASK_EMAIL, ASK_PHONE, SUMMARY


async def ask_contact(ctx: Context) -> Question:
    """Asks how the member prefers to be contacted."""
    return Question(
        ctx.t("registration.ask_contact"),
        options=[Option(channel, ctx.t(f"channels.{channel}")) for channel in labels.CHANNELS],
        aliases={"email": labels.words(ctx, "email")},
    )


async def got_contact(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the preferred channel and asks for an e-mail address."""
    if answer.choice not in labels.CHANNELS:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["preferred_channel"] = answer.choice
    needed = {"email": "email", "whatsapp": "phone"}.get(answer.choice)
    if needed and not ctx.answers.get(needed) and ctx.answers.get(EDITING):
        # Changed from the summary to a channel we hold no address for: instead of going
        # straight back to the summary, walk through the contact questions again.
        del ctx.answers[EDITING]
    return ASK_EMAIL


async def ask_email(ctx: Context) -> Question:
    """Asks for an e-mail address (required only when e-mail is the preferred channel)."""
    required = ctx.answers.get("preferred_channel") == "email"
    key = "registration.ask_email_required" if required else "registration.ask_email"
    return Question(ctx.t(key), skip=not required)


async def got_email(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the validated e-mail address and asks for a phone number."""
    if answer.skipped:
        ctx.answers["email"] = None
        return ASK_PHONE
    email = answers.email_address(answer.text)
    if email is None:
        return Retry(ctx.t("registration.invalid_email"))
    ctx.answers["email"] = email
    return ASK_PHONE


# The country whose example number is shown when the member's country is not known.
_EXAMPLE_COUNTRY = "DE"


def phone_example(country: str | None) -> str:
    """A mobile number as someone in ``country`` writes it with the country code (``+1
    201-555-0123`` in the United States), so a member abroad sees their own format."""
    import phonenumbers  # with the first phone question, not at start (issue 12)

    kind = phonenumbers.PhoneNumberType.MOBILE
    example = phonenumbers.example_number_for_type(
        country or _EXAMPLE_COUNTRY, kind
    ) or phonenumbers.example_number_for_type(_EXAMPLE_COUNTRY, kind)
    assert example is not None  # phonenumbers has an example mobile for every country it knows
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _example(ctx: Context) -> str:
    country = ctx.answers.get("country") or (ctx.member.country if ctx.member else None)
    return phone_example(country)


async def ask_phone(ctx: Context) -> Question:
    """Asks for a phone number (with an example in the member's country's format), with a
    share button where the app has one."""
    required = ctx.answers.get("preferred_channel") == "whatsapp"
    key = "registration.ask_phone_required" if required else "registration.ask_phone"
    return Question(ctx.t(key, example=_example(ctx)), skip=not required, request_phone=True)


async def got_phone(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the phone number in E.164 and shows the summary."""
    if answer.skipped:
        ctx.answers["phone"] = None
        return SUMMARY
    if answer.contact_phone and answer.contact_own:
        phone = answers.shared_phone(answer.contact_phone)
    else:
        # A typed number, or a contact card the platform does not vouch is the member's own
        # (someone else's, or a number with no Telegram account): kept as typed, proves nothing.
        typed = answer.contact_phone or answer.text
        phone = answers.normalise_phone(typed, ctx.answers.get("country"))
    if phone is None:
        return Retry(ctx.t("registration.invalid_phone", example=_example(ctx)))
    if answer.contact_phone and answer.contact_own and ctx.member is not None:
        # The app's own-contact button proves the number is theirs (a typed one or another
        # card proves nothing): a later chat from this number on WhatsApp joins this member.
        await ctx.store.members.update(ctx.member.id, ctx.now(), verified_phone=phone)
        holder = await ctx.store.members.holder_of(phone)
        if holder is not None and holder.id != ctx.member.id and not ctx.member.registered:
            return await _join(ctx, holder, phone)
    ctx.answers["phone"] = phone
    return SUMMARY


async def _join(ctx: Context, holder: Member, phone: str) -> str:
    """Joins this chat to the member who registered from the proved number elsewhere (on
    WhatsApp); the registration begun here, a duplicate, is dropped."""
    assert ctx.member is not None
    now = ctx.now()
    await ctx.store.members.move_address(ctx.address, holder.id, now)
    await ctx.store.members.delete(ctx.member.id)
    await ctx.store.members.update(holder.id, now, verified_phone=phone)
    ctx.member = holder
    ctx.language = holder.language
    ctx.say(ctx.t("engine.linked"))
    return END
