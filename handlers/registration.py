"""Registration — the diaspora map: language, consent, then the profile, a summary, confirm.

Nothing is asked before consent, and nothing is stored if the member declines. The answers
live in the conversation state until the member confirms the summary; ``/profile`` reopens
the same summary to change any answer, and never creates a second member.

A deep link to an event (or the fellowship) needs only the minimum first: :func:`minimal` runs
this flow up to the country, saves name and country, and hands over to the flow the member came
for. Such a member is not registered yet; ``/register`` later continues at the city.

This module holds the profile's questions and the table of states. The opening (language and
consent), the contact questions and the summary live in :mod:`handlers.consent`,
:mod:`handlers.contact` and :mod:`handlers.profile`; the state names in
:mod:`handlers.registration_states`, which all of them import.
"""

from __future__ import annotations

from typing import Any

import pycountry

from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import PROFILE_FIELDS, Member
from bot.text import clean
from handlers import answers, checklist, consent, contact, labels, profile
from handlers.answers import Problem
from handlers.registration_states import (
    ASK_CITY,
    ASK_CONSENT,
    ASK_CONTACT,
    ASK_COUNTRY,
    ASK_EMAIL,
    ASK_EMIGRATION_YEAR,
    ASK_INTERESTS,
    ASK_LANGUAGE,
    ASK_LANGUAGES,
    ASK_MUNICIPALITY,
    ASK_NAME,
    ASK_PHONE,
    ASK_SECTOR,
    ASK_SKILLS,
    SUMMARY,
)

USE_NAME = "use_name"
NAME_LIMIT = 100
CITY_LIMIT = 80
SKILLS_LIMIT = 500
EARLIEST_YEAR = 1940
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
    begin_with = {
        **_suggestion(ctx),
        _THEN: {"flow": then.flow, "state": then.state, "answers": dict(then.answers)},
    }
    return Go(FLOW.name, ASK_NAME if ctx.member is not None else ASK_LANGUAGE, begin_with)


def _suggestion(ctx: Context) -> dict[str, Any]:
    name = clean(ctx.inbound.display_name or "", limit=NAME_LIMIT)
    return {"_suggested_name": name} if answers.has_letter(name) else {}


async def ask_name(ctx: Context) -> Question:
    """Asks for the member's name, offering the one their app shows."""
    suggested = ctx.answers.get("_suggested_name")
    options = [Option(USE_NAME, suggested)] if suggested and not ctx.answers.get("name") else []
    return Question(ctx.t("registration.ask_name"), options=options, free_text=True)


async def got_name(ctx: Context, answer: Answer) -> str | Retry:
    """Stores the name and asks for the country."""
    if answer.choice == USE_NAME:
        ctx.answers["name"] = ctx.answers["_suggested_name"]
        return ASK_COUNTRY
    name = answers.label(answer.text, NAME_LIMIT)
    if name is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=NAME_LIMIT))
    if isinstance(name, Problem):
        return Retry(ctx.t("registration.invalid_name"))
    ctx.answers["name"] = name
    return ASK_COUNTRY


async def ask_country(ctx: Context) -> Question:
    """Asks where the member lives, with buttons for the largest diaspora countries."""
    top = labels.programme(ctx).top_countries
    return Question(
        ctx.t("registration.ask_country"),
        options=labels.country_options(ctx, top),
        columns=2,
        # Any country can be typed: the country list, not these buttons, reads it.
        free_text=True,
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
                    free_text=True,
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
    city = answers.place(answer.text, CITY_LIMIT)
    if city is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=CITY_LIMIT))
    if isinstance(city, Problem):
        return Retry(ctx.t("registration.invalid_city"))
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
    this_year = ctx.now().year
    year = answers.past_year(answer.text, this_year, EARLIEST_YEAR)
    if year is Problem.IN_FUTURE:
        return Retry(ctx.t("registration.year_in_future", year=this_year))
    if year is Problem.TOO_EARLY:
        return Retry(ctx.t("registration.year_too_early", year=EARLIEST_YEAR))
    if isinstance(year, Problem):
        return Retry(ctx.t("registration.invalid_year"))
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
    skills = answers.prose(answer.text, SKILLS_LIMIT)
    if skills is Problem.TOO_LONG:
        return Retry(ctx.t("registration.too_long", limit=SKILLS_LIMIT))
    if isinstance(skills, Problem):
        return Retry(ctx.t("registration.invalid_skills"))
    ctx.answers["skills"] = skills
    return ASK_LANGUAGES


async def ask_languages(ctx: Context) -> Question:
    """Asks which languages the member speaks (several)."""
    codes = labels.programme(ctx).spoken_languages
    return checklist.question(ctx, "languages", "spoken_languages", codes)


async def got_languages(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles a language; on done, asks for interests."""
    codes = labels.programme(ctx).spoken_languages
    return checklist.toggle(ctx, answer, "languages", codes, ASK_LANGUAGES, ASK_INTERESTS)


async def ask_interests(ctx: Context) -> Question:
    """Asks what the member would like to take part in (several)."""
    return checklist.question(ctx, "interests", "interests", labels.programme(ctx).interests)


async def got_interests(ctx: Context, answer: Answer) -> str | Retry:
    """Toggles an interest; on done, asks how the member prefers to be contacted."""
    codes = labels.programme(ctx).interests
    return checklist.toggle(ctx, answer, "interests", codes, ASK_INTERESTS, ASK_CONTACT)


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


def unsaved(ctx: Context) -> dict[str, Any]:
    """The answers of a registration (or profile change) under way that the stored profile does
    not hold yet, by field; also while a flow such as the language is put in between."""
    answers: dict[str, Any] = {}
    if ctx.flow == FLOW.name:
        answers = ctx.answers
    elif (ctx.answers.get("_resume") or {}).get("flow") == FLOW.name:
        answers = ctx.answers["_resume"].get("answers") or {}
    stored = ctx.member.profile() if ctx.member is not None else {}
    return {
        field: answers[field]
        for field in PROFILE_FIELDS
        if answers.get(field) not in (None, "", []) and answers[field] != stored.get(field)
    }


def _changed(ctx: Context) -> bool:
    """Whether the answers so far differ from the profile as stored (new answers, or changes)."""
    return bool(unsaved(ctx))


def confirm_cancel(ctx: Context) -> str | None:
    """What cancelling would throw away, asked about first; None when nothing is lost."""
    if not _changed(ctx):
        return None
    editing = bool(ctx.answers.get("_profile"))
    return ctx.t("registration.confirm_discard" if editing else "registration.confirm_cancel")


def left_by_commands(ctx: Context) -> bool:
    """A command leaves the profile (opened by /profile) rather than coming back to it, saying
    so when changes not saved yet are dropped; a registration under way waits for the member."""
    if not ctx.answers.get("_profile"):
        return False
    if _changed(ctx):
        ctx.say(ctx.t("registration.edit_cancelled"))
    return True


FLOW = Flow(
    name="registration",
    start=ASK_LANGUAGE,
    summary=SUMMARY,
    on_cancel=on_cancel,
    confirm_cancel=confirm_cancel,
    left_by_commands=left_by_commands,
    states={
        ASK_LANGUAGE: State(consent.ask_language, consent.got_language),
        ASK_CONSENT: State(consent.ask_consent, consent.got_consent),
        ASK_NAME: State(ask_name, got_name),
        ASK_COUNTRY: State(ask_country, got_country),
        ASK_CITY: State(ask_city, got_city),
        ASK_MUNICIPALITY: State(ask_municipality, got_municipality),
        ASK_EMIGRATION_YEAR: State(ask_emigration_year, got_emigration_year),
        ASK_SECTOR: State(ask_sector, got_sector),
        ASK_SKILLS: State(ask_skills, got_skills),
        ASK_LANGUAGES: State(ask_languages, got_languages),
        ASK_INTERESTS: State(ask_interests, got_interests),
        ASK_CONTACT: State(contact.ask_contact, contact.got_contact),
        ASK_EMAIL: State(contact.ask_email, contact.got_email),
        ASK_PHONE: State(contact.ask_phone, contact.got_phone),
        SUMMARY: State(profile.ask_summary, profile.got_summary),
    },
)
