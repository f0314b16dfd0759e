"""The words of introductions between local businesses and members who offered help, and the
notices about them that go through the outbox.

Shared by the three rooms that speak of introductions — the chat (answers: handlers/), the staff
tools (proposals: staff/) and what time drives (expiry, follow-ups: scheduler/) — so each side
reads the same summary wherever it comes from. Before both sides accept, a side only ever reads
an anonymised summary of the other (:func:`member_summary`, :func:`business_summary`: no name,
no contact, no city, nothing the member typed freely); the cards with names and contacts
(:func:`member_card`, :func:`business_card`) are for introduced matches only.

A notice to a WhatsApp member outside the 24-hour window goes as the programme's approved
``introductions`` template (content/programme.yaml), which asks them to reply INTRO.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.content import Content
from bot.countries import country_name
from bot.messages import Template
from bot.store import Business, Match, Member, Offer, Outgoing, Store
from bot.store.matches import BUSINESS, MEMBER

DAYS_TO_ANSWER = 14
TIME_TO_ANSWER = timedelta(days=DAYS_TO_ANSWER)
TEMPLATE = "introductions"
KIND = "introduction"
# A sample's stand-in for a real content SID: never sent.
_PLACEHOLDER = "HX" + "x" * 32


def template(content: Content, member: Member) -> Template | None:
    """The approved template for a notice to ``member`` (their language's, else the default
    language's, else one for all), or None when there is none or it is a sample's."""
    programme = content.programme
    sids = programme.whatsapp_templates.get(TEMPLATE, {}) if programme else {}
    sid = sids.get(member.language) or sids.get(content.default_language) or sids.get("*")
    if not sid or sid.lower() == _PLACEHOLDER.lower():
        return None
    return Template(sid, {"1": member.first_name or "-"})


def notice(
    content: Content,
    member: Member,
    job: str,
    key: str,
    now: datetime,
    *,
    not_before: datetime | None = None,
    **values: object,
) -> Outgoing:
    """A notice to ``member`` in their language (the locale text ``key`` with ``values`` and
    their first name), queued under ``job`` (unique per member)."""
    body = content.text(member.language, key, first_name=member.first_name, **values)
    return Outgoing(
        job=job,
        kind=KIND,
        member_id=member.id,
        body=body,
        not_before=not_before or now,
        template=template(content, member),
    )


def _listed(content: Content, language: str, group: str, codes: Iterable[str]) -> str:
    labels = [content.text(language, f"{group}.{code}") for code in codes]
    return ", ".join(labels) or content.text(language, "profile.not_given")


def member_summary(content: Content, language: str, member: Member, offer: Offer) -> str:
    """What a business reads of a member before both accepted: no name, no contact, no city,
    nothing typed freely."""
    lines = [
        content.text(
            language,
            "intro.member_summary",
            country=country_name(member.country, language)
            if member.country
            else content.text(language, "profile.not_given"),
            gives=_listed(content, language, "needs", offer.gives),
            sectors=_listed(content, language, "sectors", offer.sectors),
            languages=_listed(content, language, "spoken_languages", offer.languages),
            mode=content.text(language, f"work_modes.{offer.mode}"),
            hours=offer.hours,
        )
    ]
    if member.municipality:
        lines.append(content.text(language, "intro.member_from", municipality=member.municipality))
    if offer.investment and "investment" in offer.gives:
        lines.append(
            content.text(
                language,
                "intro.member_investment",
                range=content.text(language, f"investment_ranges.{offer.investment}"),
            )
        )
    return "\n".join(lines)


def business_summary(content: Content, language: str, business: Business) -> str:
    """What a member reads of a business before both accepted: no name, no contact."""
    not_given = content.text(language, "profile.not_given")
    return content.text(
        language,
        "intro.business_summary",
        municipality=business.municipality or not_given,
        sector=content.text(language, f"sectors.{business.sector}")
        if business.sector
        else not_given,
        stage=content.text(language, f"stages.{business.stage}") if business.stage else not_given,
        needs=_listed(content, language, "needs", business.needs),
        languages=_listed(content, language, "spoken_languages", business.languages),
        description=business.description or not_given,
    )


def business_contact(business: Business) -> str:
    """How to reach a business's contact person: phone and e-mail as given."""
    return " · ".join(value for value in (business.phone, business.email) if value)


def member_contact(member: Member, offer: Offer | None) -> str:
    """How a business may reach a member: what the offer says, else the profile's."""
    if offer is not None and offer.contact:
        return offer.contact
    return " · ".join(value for value in (member.email, member.phone) if value)


def business_card(content: Content, language: str, business: Business) -> str:
    """The business's name and contact, for an introduced member."""
    return content.text(
        language,
        "intro.business_card",
        name=business.name,
        municipality=business.municipality or "",
        contact_name=business.contact_name or "",
        contact=business_contact(business) or content.text(language, "profile.not_given"),
    )


def member_card(content: Content, language: str, member: Member, offer: Offer | None) -> str:
    """The member's name and contact, for an introduced business."""
    return content.text(
        language,
        "intro.member_card",
        name=member.name or "",
        country=country_name(member.country, language) if member.country else "",
        contact=member_contact(member, offer) or content.text(language, "profile.not_given"),
    )


def other_side(
    content: Content, language: str, side: str, business: Business | None, member: Member | None
) -> str:
    """Who the other side of an introduction is, without a name: "a business in Kotor
    (Tourism)" for a member, "a diaspora member living in Germany" for a business."""
    not_given = content.text(language, "profile.not_given")
    if side == MEMBER:
        return content.text(
            language,
            "intro.other_business",
            municipality=(business.municipality if business else None) or not_given,
            sector=content.text(language, f"sectors.{business.sector}")
            if business and business.sector
            else not_given,
        )
    country = member.country if member else None
    return content.text(
        language,
        "intro.other_member",
        country=country_name(country, language) if country else not_given,
    )


async def sides(store: Store, match: Match) -> dict[str, tuple[Member | None, Business | None]]:
    """Each side's person (None when erased or not in the bot) and the business."""
    business = await store.businesses.get(match.business_id)
    contact = (
        await store.members.get(business.member_id)
        if business is not None and business.member_id is not None
        else None
    )
    return {
        BUSINESS: (contact, business),
        MEMBER: (await store.members.get(match.member_id), business),
    }


async def tell_proposed(store: Store, content: Content, match: Match, now: datetime) -> int:
    """Queues the proposal to both sides, each with the other's anonymised summary; returns
    how many were queued."""
    people = await sides(store, match)
    helper, business = people[MEMBER][0], people[MEMBER][1]
    offer = await store.offers.of_member(match.member_id)
    messages = []
    for side, (person, _) in people.items():
        if person is None or business is None or helper is None or offer is None:
            continue
        language = person.language
        summary = (
            member_summary(content, language, helper, offer)
            if side == BUSINESS
            else business_summary(content, language, business)
        )
        messages.append(
            notice(
                content,
                person,
                f"match:{match.id}:proposed",
                f"intro.notice.proposed_{side}",
                now,
                summary=summary,
                business=business.name,
                days=DAYS_TO_ANSWER,
            )
        )
    return await store.outbox.enqueue(messages, now)


def card_for(
    content: Content,
    side: str,
    person: Member,
    other: Member | None,
    business: Business,
    offer: Offer | None,
) -> str:
    """What ``person`` (on ``side``) learns of the other once both accepted."""
    language = person.language
    if side == MEMBER:
        return business_card(content, language, business)
    if other is None:
        return content.text(language, "profile.not_given")
    return member_card(content, language, other, offer)


async def tell_introduced(
    store: Store, content: Content, match: Match, now: datetime, *, spare: int | None = None
) -> int:
    """Queues the other's name and contact to each side of an introduced match but ``spare``
    (who reads it in the chat at once); returns how many were queued."""
    if match.status != "introduced":
        raise ValueError(f"match {match.id} is {match.status}, not introduced")
    people = await sides(store, match)
    offer = await store.offers.of_member(match.member_id)
    messages = []
    for side, (person, business) in people.items():
        if person is None or business is None or person.id == spare:
            continue
        other = people[MEMBER if side == BUSINESS else BUSINESS][0]
        card = card_for(content, side, person, other, business, offer)
        messages.append(
            notice(
                content,
                person,
                f"match:{match.id}:introduced",
                "intro.notice.introduced",
                now,
                card=card,
            )
        )
    return await store.outbox.enqueue(messages, now)


async def tell_closed(
    store: Store,
    content: Content,
    match: Match,
    now: datetime,
    *,
    why: str,
    spare: int | None = None,
) -> int:
    """Queues "it will not go ahead" (``intro.why.<why>``) to each side of a closed proposal
    but ``spare`` (who closed it); returns how many were queued."""
    people = await sides(store, match)
    messages = []
    for side, (person, business) in people.items():
        if person is None or person.id == spare:
            continue
        other = people[MEMBER if side == BUSINESS else BUSINESS][0]
        language = person.language
        messages.append(
            notice(
                content,
                person,
                f"match:{match.id}:{match.status}",
                "intro.notice.closed",
                now,
                other=other_side(content, language, side, business, other),
                why=content.text(language, f"intro.why.{why}"),
            )
        )
    return await store.outbox.enqueue(messages, now)
