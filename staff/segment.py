"""The audience a staff member builds in ``/broadcast``: filters kept in the conversation's
answers, the options each filter offers, and the audience described in the staff's language.

The filters are those of campaign audiences (:class:`bot.content.audience.Audience`) plus
fellowship applicants; inside one filter any chosen value matches, and filters narrow.
"""

from __future__ import annotations

from typing import Any

from bot.content.audience import Audience
from bot.countries import country_name
from bot.flow import Context
from bot.messages import Option
from handlers import labels
from scheduler.broadcast import ANY_PROGRAMME

# Filter → the Audience field (a tuple of values) it fills.
LISTS = {
    "country": "countries",
    "language": "languages",
    "municipality": "municipalities",
    "interest": "interests",
    "sector": "sectors",
}
EVENT = "event"
APPLICANTS = "applicants"
KINDS = (*LISTS, EVENT, APPLICANTS)
# RSVP answers to pick from, as (option id, statuses, locale key).
RSVPS = (
    ("going", ("going",), "broadcast.rsvp_going"),
    ("waiting", ("going", "waitlisted"), "broadcast.rsvp_waiting"),
    ("maybe", ("maybe",), "broadcast.rsvp_maybe"),
    ("any", ("going", "waitlisted", "maybe", "not_going"), "broadcast.rsvp_any"),
)
# Countries offered as buttons (the ones with most members); any other can be typed.
COUNTRY_BUTTONS = 24


def filters(ctx: Context) -> dict[str, Any]:
    """The filters chosen so far (kept in the conversation's answers)."""
    chosen: dict[str, Any] = ctx.answers.setdefault("audience", {})
    return chosen


def audience(ctx: Context) -> tuple[Audience, str | None]:
    """The chosen filters as an Audience, and the applicants filter (None: not applied)."""
    chosen = filters(ctx)
    found = Audience(
        languages=tuple(chosen.get("languages", ())),
        countries=tuple(chosen.get("countries", ())),
        municipalities=tuple(chosen.get("municipalities", ())),
        sectors=tuple(chosen.get("sectors", ())),
        interests=tuple(chosen.get("interests", ())),
        event=chosen.get(EVENT),
        rsvp=tuple(chosen.get("rsvp") or ("going",)),
    )
    return found, chosen.get(APPLICANTS)


def start_from(campaign_audience: Audience) -> dict[str, Any]:
    """The filters of a campaign's audience, to start a broadcast of its text from."""
    chosen: dict[str, Any] = {
        field: list(getattr(campaign_audience, field))
        for field in LISTS.values()
        if getattr(campaign_audience, field)
    }
    if campaign_audience.event:
        chosen[EVENT] = campaign_audience.event
        chosen["rsvp"] = list(campaign_audience.rsvp)
    return chosen


def toggle(ctx: Context, kind: str, value: str) -> None:
    """Adds a value to a list filter, or removes it when it is there."""
    values: list[str] = filters(ctx).setdefault(LISTS[kind], [])
    if value in values:
        values.remove(value)
    else:
        values.append(value)


def selected(ctx: Context, kind: str) -> frozenset[str]:
    if kind in LISTS:
        return frozenset(filters(ctx).get(LISTS[kind], ()))
    return frozenset()


async def options(ctx: Context, kind: str) -> list[Option]:
    """What a filter offers to choose from."""
    content = ctx.content
    programme = labels.programme(ctx)
    if kind == "country":
        counts = await ctx.store.stats.by_field("country")
        ranked = sorted(
            ((code, count) for code, count in counts.items() if code),
            key=lambda item: (-item[1], item[0] or ""),
        )
        codes = [str(code) for code, _ in ranked[:COUNTRY_BUTTONS]]
        codes += [code for code in selected(ctx, kind) if code not in codes]
        return [Option(code, country_name(code, ctx.language)) for code in codes]
    if kind == "language":
        return [Option(code, content.text(code, "language_name")) for code in content.languages]
    if kind == "municipality":
        return labels.municipality_options(ctx)
    if kind == "interest":
        return labels.listed_options(ctx, "interests", programme.interests)
    if kind == "sector":
        return labels.listed_options(ctx, "sectors", programme.sectors)
    if kind == EVENT:
        events = sorted(content.events.values(), key=lambda event: event.starts_at, reverse=True)
        return [
            Option(event.slug, event.text("title", ctx.language, content.default_language))
            for event in events
        ]
    programmes = sorted(content.fellowships.values(), key=lambda item: item.deadline)
    return [Option(ANY_PROGRAMME, ctx.t("broadcast.any_programme"))] + [
        Option(item.slug, item.text("title", ctx.language, content.default_language))
        for item in programmes
    ]


def value_of(ctx: Context, kind: str, option_id: str) -> str:
    """The value a filter keeps for a chosen option (a municipality's name for its id)."""
    if kind == "municipality":
        names = {option.id: option.label for option in labels.municipality_options(ctx)}
        return names.get(option_id, option_id)
    return option_id


def describe(ctx: Context) -> str:
    """The audience in the staff's language: ``countries: Germany, Austria · language: …``."""
    chosen, applicants = audience(ctx)
    content = ctx.content
    parts = []
    names = {
        "countries": lambda code: country_name(code, ctx.language),
        "languages": lambda code: content.text(code, "language_name"),
        "municipalities": lambda name: name,
        "interests": lambda code: ctx.t(f"interests.{code}"),
        "sectors": lambda code: ctx.t(f"sectors.{code}"),
    }
    for field, name in names.items():
        values = getattr(chosen, field)
        if values:
            parts.append(ctx.t(f"broadcast.audience_{field}", values=", ".join(map(name, values))))
    if chosen.event:
        event = content.events.get(chosen.event)
        title = event.text("title", ctx.language, content.default_language) if event else ""
        answer = next(
            (ctx.t(key) for _, statuses, key in RSVPS if statuses == chosen.rsvp),
            ", ".join(chosen.rsvp),
        )
        parts.append(ctx.t("broadcast.audience_event", title=title or chosen.event, answers=answer))
    if applicants is not None:
        programme = content.fellowships.get(applicants)
        label = (
            programme.text("title", ctx.language, content.default_language)
            if programme
            else ctx.t("broadcast.any_programme")
        )
        parts.append(ctx.t("broadcast.audience_applicants", programme=label))
    return " · ".join(parts) or ctx.t("broadcast.audience_all")
