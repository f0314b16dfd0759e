"""Registration — the diaspora map: language, consent, then the profile, a summary, confirm.

Nothing is asked before consent, and nothing is stored if the member declines. The answers
live in the conversation state until the member confirms the summary; ``/profile`` reopens
the same summary to change any answer, and never creates a second member.

A deep link to an event (or the fellowship) needs only the minimum first: :func:`minimal` runs
this flow up to the country, saves name and country, and hands over to the flow the member came
for. Such a member is not registered yet; ``/register`` later continues at the city.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import PROFILE_FIELDS, Member
from bot.text import clean
from handlers import labels
from scheduler import zones

ASK_LANGUAGE = "ask_language"
ASK_CONSENT = "ask_consent"
ASK_NAME = "ask_name"
ASK_COUNTRY = "ask_country"
ASK_CITY = "ask_city"
ASK_MUNICIPALITY = "ask_municipality"
ASK_EMIGRATION_YEAR = "ask_emigration_year"
ASK_SECTOR = "ask_sector"
ASK_SKILLS = "ask_skills"
ASK_LANGUAGES = "ask_languages"
ASK_INTERESTS = "ask_interests"
ASK_CONTACT = "ask_contact"
ASK_EMAIL = "ask_email"
ASK_PHONE = "ask_phone"
SUMMARY = "summary"

# Which question changes which field from the summary.
FIELD_STATES = {
    "name": ASK_NAME,
    "country": ASK_COUNTRY,
    "city": ASK_CITY,
    "municipality": ASK_MUNICIPALITY,
    "emigration_year": ASK_EMIGRATION_YEAR,
    "sector": ASK_SECTOR,
    "skills": ASK_SKILLS,
    "languages": ASK_LANGUAGES,
    "interests": ASK_INTERESTS,
    "preferred_channel": ASK_CONTACT,
    "email": ASK_EMAIL,
    "phone": ASK_PHONE,
}
USE_NAME = "use_name"
DONE = "done"
CONFIRM = "confirm"
AGREE = "agree"
DECLINE = "decline"
NAME_LIMIT = 100
CITY_LIMIT = 80
SKILLS_LIMIT = 500
EARLIEST_YEAR = 1940
_HAS_LETTER = re.compile(r"[^\W\d_]")
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
# Where a minimal registration hands over once name and country are saved.
_THEN = "_then"


def in_progress(ctx: Context) -> bool:
    """Whether the member is registering, or has put registration aside (to pick a language)."""
    # "_resume" is where the engine keeps the flow an interrupting flow will hand back to.
    put_aside = ctx.answers.get("_resume") or {}
    return ctx.flow == FLOW.name or put_aside.get("flow") == FLOW.name


async def register(ctx: Context, payload: str) -> Go | None:
    """``/register`` and ``/profile``: a new member registers, a known one edits the profile."""
    if in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    member = ctx.member
    if member is not None and member.registered:
        return Go(FLOW.name, SUMMARY, {**member.profile(), "_profile": True})
    if member is not None and has_minimum(member):
        return Go(FLOW.name, ASK_CITY, member.profile())
    if member is not None:
        return Go(FLOW.name, ASK_NAME, _suggestion(ctx))
    return Go(FLOW.name, ASK_LANGUAGE, _suggestion(ctx))


def has_minimum(member: Member | None) -> bool:
    """Whether the member consented and gave name and country (enough to RSVP or apply)."""
    return member is not None and bool(member.name) and bool(member.country)


def minimal(ctx: Context, then: Go) -> Go:
    """Registration down to consent, name and country; then ``then``."""
    answers = {
        **_suggestion(ctx),
        _THEN: {"flow": then.flow, "state": then.state, "answers": dict(then.answers)},
    }
    return Go(FLOW.name, ASK_NAME if ctx.member is not None else ASK_LANGUAGE, answers)


def _suggestion(ctx: Context) -> dict[str, Any]:
    name = clean(ctx.inbound.display_name or "", limit=NAME_LIMIT)
    return {"_suggested_name": name} if _HAS_LETTER.search(name) else {}


def _one_line(text: str) -> str:
    """Cleaned text on one line: a name or city typed over several lines would break the
    one-field-a-line summary and the exports."""
    return " ".join(clean(text).split())


async def ask_language(ctx: Context) -> Question:
    """Asks which language the member wants to use."""
    options = [
        Option(code, ctx.content.text(code, "language_name")) for code in ctx.content.languages
    ]
    return Question(ctx.t("registration.ask_language"), options=options, back=False, columns=2)


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


async def ask_name(ctx: Context) -> Question:
    """Asks for the member's name, offering the one their app shows."""
    suggested = ctx.answers.get("_suggested_name")
    options = [Option(USE_NAME, suggested)] if suggested and not ctx.answers.get("name") else []
    return Question(ctx.t("registration.ask_name"), options=options)


async def got_name(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the name and asks for the country."""
    if answer.choice == USE_NAME:
        ctx.answers["name"] = ctx.answers["_suggested_name"]
        return ASK_COUNTRY
    name = _one_line(answer.text)
    if not _HAS_LETTER.search(name) or _LINK.search(name):
        return Retry(ctx.t("registration.invalid_name"))
    if len(name) > NAME_LIMIT:
        return Retry(ctx.t("registration.too_long", limit=NAME_LIMIT))
    ctx.answers["name"] = name
    return ASK_COUNTRY


async def ask_country(ctx: Context) -> Question:
    """Asks where the member lives, with buttons for the largest diaspora countries."""
    top = labels.programme(ctx).top_countries
    return Question(
        ctx.t("registration.ask_country"), options=labels.country_options(ctx, top), columns=2
    )


async def got_country(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Stores the country (picked or typed in any language) and asks for the city; a minimal
    registration saves name and country here and hands over."""
    code = answer.choice
    if code is None:
        match = ctx.countries.lookup(clean(answer.text, limit=200))
        if match.code is None and match.suggestions:
            return Retry(
                ctx.t("registration.country_did_you_mean"),
                Question(
                    ctx.t("registration.ask_country_again"),
                    options=labels.country_options(ctx, match.suggestions),
                ),
            )
        code = match.code
    if code is None or pycountry.countries.get(alpha_2=code) is None:
        return Retry(ctx.t("registration.country_unknown"))
    ctx.answers["country"] = code
    if _THEN in ctx.answers:
        return await _save_minimum(ctx)
    return ASK_CITY


async def _save_minimum(ctx: Context) -> str | Go:
    """Saves name and country, invites to complete the profile later, and hands over."""
    if ctx.member is None:
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    name, country = ctx.answers["name"], ctx.answers["country"]
    await ctx.store.members.update(ctx.member.id, ctx.now(), name=name, country=country)
    ctx.member.name, ctx.member.country = name, country
    ctx.say(ctx.t("registration.minimum_saved", name=ctx.member.first_name))
    then = ctx.answers[_THEN]
    return Go(then["flow"], then["state"], then["answers"])


async def ask_city(ctx: Context) -> Question:
    """Asks for the city."""
    return Question(ctx.t("registration.ask_city"))


async def got_city(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the city and asks for the municipality of origin."""
    city = _one_line(answer.text)
    if not _HAS_LETTER.search(city):
        return Retry(ctx.t("registration.invalid_city"))
    if len(city) > CITY_LIMIT:
        return Retry(ctx.t("registration.too_long", limit=CITY_LIMIT))
    ctx.answers["city"] = city
    return ASK_MUNICIPALITY


async def ask_municipality(ctx: Context) -> Question:
    """Asks which municipality of the home country the member comes from (optional)."""
    return Question(
        ctx.t("registration.ask_municipality"),
        options=labels.municipality_options(ctx),
        skip=True,
        columns=3,
    )


async def got_municipality(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the municipality and asks for the year of emigration."""
    if answer.skipped:
        ctx.answers["municipality"] = None
        return ASK_EMIGRATION_YEAR
    names = {option.id: option.label for option in labels.municipality_options(ctx)}
    if answer.choice not in names:
        return Retry(ctx.t("registration.invalid_municipality"))
    ctx.answers["municipality"] = names[answer.choice]
    return ASK_EMIGRATION_YEAR


async def ask_emigration_year(ctx: Context) -> Question:
    """Asks in which year the member left (optional)."""
    return Question(ctx.t("registration.ask_emigration_year"), skip=True)


async def got_emigration_year(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the year of emigration and asks for the sector."""
    if answer.skipped:
        ctx.answers["emigration_year"] = None
        return ASK_SECTOR
    text = clean(answer.text)
    if not re.fullmatch(r"\d{4}", text):
        return Retry(ctx.t("registration.invalid_year"))
    year, this_year = int(text), ctx.now().year
    if year > this_year:
        return Retry(ctx.t("registration.year_in_future", year=this_year))
    if year < EARLIEST_YEAR:
        return Retry(ctx.t("registration.year_too_early", year=EARLIEST_YEAR))
    ctx.answers["emigration_year"] = year
    return ASK_SECTOR


async def ask_sector(ctx: Context) -> Question:
    """Asks the member's occupation sector."""
    sectors = labels.programme(ctx).sectors
    return Question(
        ctx.t("registration.ask_sector"),
        options=labels.listed_options(ctx, "sectors", sectors),
        skip=True,
        columns=2,
    )


async def got_sector(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the sector and asks for skills."""
    if answer.skipped:
        ctx.answers["sector"] = None
        return ASK_SKILLS
    if answer.choice not in labels.programme(ctx).sectors:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["sector"] = answer.choice
    return ASK_SKILLS


async def ask_skills(ctx: Context) -> Question:
    """Asks, in the member's words, what they know and do."""
    return Question(ctx.t("registration.ask_skills"), skip=True)


async def got_skills(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the skills and asks for the languages spoken."""
    if answer.skipped:
        ctx.answers["skills"] = None
        return ASK_LANGUAGES
    skills = clean(answer.text)
    if not _HAS_LETTER.search(skills):
        return Retry(ctx.t("registration.invalid_skills"))
    if len(skills) > SKILLS_LIMIT:
        return Retry(ctx.t("registration.too_long", limit=SKILLS_LIMIT))
    ctx.answers["skills"] = skills
    return ASK_LANGUAGES


def _multi(ctx: Context, key: str, group: str, codes: tuple[str, ...]) -> Question:
    selected = frozenset(ctx.answers.get(key) or [])
    options = [*labels.listed_options(ctx, group, codes), Option(DONE, ctx.t("controls.done"))]
    return Question(
        ctx.t(f"registration.ask_{key}"),
        options=options,
        multi=True,
        selected=selected,
        skip=True,
        columns=2,
    )


def _toggle(
    ctx: Context, answer: Answer, key: str, codes: tuple[str, ...], here: str, after: str
) -> str | Retry:
    chosen = list(ctx.answers.get(key) or [])
    if answer.skipped:
        # Skip means "not answered", as on every other optional question.
        ctx.answers[key] = []
        return after
    if answer.choice == DONE:
        ctx.answers[key] = chosen
        return after
    if answer.choices:
        # "1, 3, 13" picks two and presses Done; Done itself is no item.
        picked = set(answer.choices) - {DONE}
        if not picked <= set(codes):
            return Retry(ctx.t("registration.pick_from_list"))
        ctx.answers[key] = [code for code in codes if code in picked]
        return after
    if answer.choice not in codes:
        return Retry(ctx.t("registration.pick_several"))
    if answer.choice in chosen:
        chosen.remove(answer.choice)
    else:
        chosen.append(answer.choice)
    ctx.answers[key] = [code for code in codes if code in chosen]
    return here


async def ask_languages(ctx: Context) -> Question:
    """Asks which languages the member speaks (several)."""
    return _multi(ctx, "languages", "spoken_languages", labels.programme(ctx).spoken_languages)


async def got_languages(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles a language; on done, asks for interests."""
    codes = labels.programme(ctx).spoken_languages
    return _toggle(ctx, answer, "languages", codes, ASK_LANGUAGES, ASK_INTERESTS)


async def ask_interests(ctx: Context) -> Question:
    """Asks what the member would like to take part in (several)."""
    return _multi(ctx, "interests", "interests", labels.programme(ctx).interests)


async def got_interests(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles an interest; on done, asks how the member prefers to be contacted."""
    codes = labels.programme(ctx).interests
    return _toggle(ctx, answer, "interests", codes, ASK_INTERESTS, ASK_CONTACT)


async def ask_contact(ctx: Context) -> Question:
    """Asks how the member prefers to be contacted."""
    return Question(
        ctx.t("registration.ask_contact"),
        options=[Option(channel, ctx.t(f"channels.{channel}")) for channel in labels.CHANNELS],
    )


async def got_contact(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the preferred channel and asks for an e-mail address."""
    if answer.choice not in labels.CHANNELS:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["preferred_channel"] = answer.choice
    needed = {"email": "email", "whatsapp": "phone"}.get(answer.choice)
    if needed and not ctx.answers.get(needed) and ctx.answers.get("_edit"):
        # Changed from the summary to a channel we hold no address for: instead of going
        # straight back to the summary, walk through the contact questions again.
        del ctx.answers["_edit"]
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
    try:
        email = validate_email(clean(answer.text, limit=320), check_deliverability=False)
    except EmailNotValidError:
        return Retry(ctx.t("registration.invalid_email"))
    ctx.answers["email"] = email.normalized
    return ASK_PHONE


async def ask_phone(ctx: Context) -> Question:
    """Asks for a phone number, with a share button where the app has one."""
    required = ctx.answers.get("preferred_channel") == "whatsapp"
    key = "registration.ask_phone_required" if required else "registration.ask_phone"
    return Question(ctx.t(key), skip=not required, request_phone=True)


def normalise_phone(text: str, country: str | None) -> str | None:
    """The number in E.164, read in the member's country's format if it has no prefix."""
    raw = clean(text, limit=40)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif raw.isdigit() and len(raw) > 10 and country is None:
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


async def got_phone(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the phone number in E.164 and shows the summary."""
    if answer.skipped:
        ctx.answers["phone"] = None
        return SUMMARY
    if answer.contact_phone:
        shared = answer.contact_phone.strip()
        phone = normalise_phone(shared if shared.startswith("+") else "+" + shared, None)
    else:
        phone = normalise_phone(answer.text, ctx.answers.get("country"))
    if phone is None:
        return Retry(ctx.t("registration.invalid_phone"))
    if answer.contact_phone and ctx.member is not None:
        # The app's own-contact button proves the number is theirs (a typed one proves
        # nothing): a later chat from this number on WhatsApp joins this member.
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


def _profile(ctx: Context) -> dict[str, Any]:
    return {field: ctx.answers.get(field) for field in PROFILE_FIELDS}


async def ask_summary(ctx: Context) -> Question:
    """Shows every answer, offers to change any of them, and asks to confirm."""
    editing = bool(ctx.answers.get("_profile"))
    heading = ctx.t("registration.profile_heading" if editing else "registration.summary_heading")
    options = [Option(CONFIRM, ctx.t("registration.save" if editing else "registration.confirm"))]
    options += [
        Option(f"edit:{field}", ctx.t("registration.change", field=ctx.t(f"fields.{field}")))
        for field in FIELD_STATES
    ]
    text = f"{heading}\n\n{labels.profile_text(ctx, _profile(ctx))}"
    return Question(text, options=options, back=False, columns=2)


async def got_summary(ctx: Context, answer: Answer) -> str | Retry:
    """Saves the profile on confirm, or opens the question of the answer to change."""
    choice = answer.choice or ""
    if choice.startswith("edit:") and choice[5:] in FIELD_STATES:
        ctx.answers["_edit"] = True
        return FIELD_STATES[choice[5:]]
    if choice != CONFIRM:
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
    return END


async def on_cancel(ctx: Context) -> None:
    """Drops unsaved answers; a member who never got as far as a name is erased entirely."""
    member = ctx.member
    if member is not None and (member.registered or has_minimum(member)):
        ctx.say(ctx.t("registration.edit_cancelled"))
        return
    if member is not None:
        await ctx.store.members.delete(member.id)
        ctx.member = None
    ctx.say(ctx.t("registration.cancelled"))
    ctx.forget = True


FLOW = Flow(
    name="registration",
    start=ASK_LANGUAGE,
    summary=SUMMARY,
    on_cancel=on_cancel,
    states={
        ASK_LANGUAGE: State(ask_language, got_language),
        ASK_CONSENT: State(ask_consent, got_consent),
        ASK_NAME: State(ask_name, got_name),
        ASK_COUNTRY: State(ask_country, got_country),
        ASK_CITY: State(ask_city, got_city),
        ASK_MUNICIPALITY: State(ask_municipality, got_municipality),
        ASK_EMIGRATION_YEAR: State(ask_emigration_year, got_emigration_year),
        ASK_SECTOR: State(ask_sector, got_sector),
        ASK_SKILLS: State(ask_skills, got_skills),
        ASK_LANGUAGES: State(ask_languages, got_languages),
        ASK_INTERESTS: State(ask_interests, got_interests),
        ASK_CONTACT: State(ask_contact, got_contact),
        ASK_EMAIL: State(ask_email, got_email),
        ASK_PHONE: State(ask_phone, got_phone),
        SUMMARY: State(ask_summary, got_summary),
    },
)
