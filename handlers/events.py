"""Events and RSVPs: the upcoming events, one event's details, going (with guests), maybe or not
going, "my events" to change or cancel an answer, and deep links to one event.

Times are shown in the programme's time zone and, when it differs, in the member's own. Answers
can be changed until the RSVP deadline (or the start, when there is none). When an event is
full, "going" joins the waitlist; seats that free up go to the waitlist in order, and the
members who get them are told through the outbox.
"""

from __future__ import annotations

from bot.content import Content
from bot.content.events import Event
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.store import Outgoing, Rsvp
from bot.store.rsvps import GOING, MAYBE, NOT_GOING, WAITLISTED, Outcome
from bot.zones import member_zone
from handlers import dates, ics, labels, registration

ASK_EVENT = "ask_event"
ASK_RSVP = "ask_rsvp"
ASK_GUESTS = "ask_guests"
ASK_MY_EVENT = "ask_my_event"

MY_EVENTS = "mine"
ALL_EVENTS = "all"
WITHDRAW = "withdraw"
MAX_GUESTS = 4
LINK_PREFIX = "ev_"
# Guests as options: "just me" first, as members look for it, then "+1" … "+4". A typed number
# picks from the numbered list like on every other question (WhatsApp shows the numbers); a
# typed 0, on no list, means just me.
_GUEST = "guests:"


def is_event_link(content: Content, payload: str) -> bool:
    """Whether a deep link's payload (``ev_<slug>``) names an event in the content folder."""
    return payload.lower().removeprefix(LINK_PREFIX) in content.events


def upcoming(ctx: Context) -> list[Event]:
    """Events that have not ended, soonest first."""
    now = ctx.now()
    return sorted(
        (event for event in ctx.content.events.values() if event.ends_at > now),
        key=lambda event: (event.starts_at, event.slug),
    )


def _title(ctx: Context, event: Event) -> str:
    return event.text("title", ctx.language, ctx.settings.default_language)


def _event(ctx: Context) -> Event | None:
    return ctx.content.events.get(ctx.answers.get("event") or "")


def _closed(ctx: Context, event: Event) -> str | None:
    """Why answers can no longer be given or changed, or None while they can."""
    now = ctx.now()
    if event.ends_at <= now:
        return ctx.t("events.past", title=_title(ctx, event))
    if event.closes_at() <= now:
        return ctx.t(
            "events.closed",
            title=_title(ctx, event),
            deadline=dates.moment_text(
                ctx.content, ctx.language, event.closes_at(), ctx.settings.timezone
            ),
        )
    return None


def _when(ctx: Context, event: Event) -> list[str]:
    """When the event is, in the programme's time zone and, if it differs, the member's."""
    home = ctx.settings.timezone
    span = dates.span_text(ctx.content, ctx.language, event.starts_at, event.ends_at, home)
    lines = [ctx.t("events.when_home", when=span)]
    member = ctx.member
    if member is not None:
        own = member_zone(member.timezone, member.country, home)
        if not dates.same_clock(own, home, event.starts_at):
            local = dates.span_text(ctx.content, ctx.language, event.starts_at, event.ends_at, own)
            zone_name = dates.zone_label(own, ctx.language)
            lines.append(ctx.t("events.when_yours", when=local, zone=zone_name))
    return lines


def _where(ctx: Context, event: Event) -> str:
    """Where the event is, in the member's language: the venue and city, or online."""
    if event.online:
        return ctx.t("events.where_online")
    return ctx.t("events.where", place=event.place(ctx.language, ctx.settings.default_language))


async def _mine(ctx: Context) -> dict[str, Rsvp]:
    """The member's RSVPs to events that have not ended, by event."""
    if ctx.member is None:
        return {}
    coming = {event.slug for event in upcoming(ctx)}
    return {
        rsvp.event: rsvp
        for rsvp in await ctx.store.rsvps.of_member(ctx.member.id)
        if rsvp.event in coming
    }


def _answer_text(ctx: Context, rsvp: Rsvp) -> str:
    """The member's answer, as they read it."""
    if rsvp.status == WAITLISTED:
        return ctx.t("events.status_waitlisted", position=rsvp.position)
    if rsvp.status == GOING and rsvp.guests:
        return ctx.t("events.status_going_guests", guests=rsvp.guests)
    return ctx.t(f"events.status_{rsvp.status}")


async def events(ctx: Context, payload: str) -> Go | None:
    """``/events``: the upcoming events."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if not upcoming(ctx):
        ctx.say(ctx.t("events.none"))
        return None
    return Go(FLOW.name, ASK_EVENT)


async def my_events(ctx: Context, payload: str) -> Go | None:
    """``/myevents``: the member's answers, to change or cancel."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    if not await _mine(ctx):
        ctx.say(ctx.t("events.mine_none"))
        return await events(ctx, payload)
    return Go(FLOW.name, ASK_MY_EVENT)


async def open_link(ctx: Context, slug: str) -> Go | None:
    """A deep link to one event: its RSVP, after consent, name and country for a newcomer."""
    event = ctx.content.events.get(slug.lower())
    if event is None:
        ctx.say(ctx.t("events.link_unknown"))
        return await events(ctx, "")
    if event.ends_at <= ctx.now():
        ctx.say(ctx.t("events.past", title=_title(ctx, event)))
        return await events(ctx, "")
    rsvp = Go(FLOW.name, ASK_RSVP, {"event": event.slug})
    if not registration.has_minimum(ctx.member):
        ctx.say(ctx.t("events.register_first", title=_title(ctx, event)))
        return registration.minimal(ctx, rsvp)
    return rsvp


async def ask_event(ctx: Context) -> Question:
    """Lists the upcoming events with when and where, and offers each (and "my events")."""
    coming = upcoming(ctx)
    if not coming:
        return Question(ctx.t("events.none"), back=False)
    lines = [ctx.t("events.heading")]
    for event in coming:
        lines += ["", f"🗓 {_title(ctx, event)}", *_when(ctx, event)]
        lines.append(_where(ctx, event))
    options = [Option(event.slug, _title(ctx, event)) for event in coming]
    if await _mine(ctx):
        options.append(Option(MY_EVENTS, ctx.t("events.mine")))
    return Question("\n".join(lines), options=options, back=False)


async def got_event(ctx: Context, answer: Answer) -> str | Retry:
    """Opens the chosen event (or the member's own answers)."""
    if answer.choice == MY_EVENTS:
        return ASK_MY_EVENT
    if answer.choice not in {event.slug for event in upcoming(ctx)}:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["event"] = answer.choice
    return ASK_RSVP


async def ask_rsvp(ctx: Context) -> Question:
    """Shows the event's details and the member's answer so far, and asks whether they come."""
    event = _event(ctx)
    if event is None:
        return Question(ctx.t("events.gone"))
    lines = [
        f"🗓 {_title(ctx, event)}",
        "",
        event.text("description", ctx.language, ctx.settings.default_language),
    ]
    lines += ["", *_when(ctx, event), _where(ctx, event)]
    if event.online_url:
        lines.append(ctx.t("events.online", url=event.online_url))
    if event.capacity is not None:
        left = event.capacity - await ctx.store.rsvps.taken(event.slug)
        lines.append(
            ctx.t("events.seats_left", left=left, capacity=event.capacity)
            if left > 0
            else ctx.t("events.full")
        )
    if event.rsvp_deadline is not None:
        deadline = dates.moment_text(
            ctx.content, ctx.language, event.rsvp_deadline, ctx.settings.timezone
        )
        lines.append(ctx.t("events.deadline", deadline=deadline))
    rsvp = await ctx.store.rsvps.get(event.slug, ctx.member.id) if ctx.member else None
    if rsvp is not None:
        lines.append(ctx.t("events.your_answer", answer=_answer_text(ctx, rsvp)))
    closed = _closed(ctx, event)
    if closed is not None:
        return Question("\n".join([*lines, "", closed]))
    options = [
        Option(GOING, ctx.t("events.going")),
        Option(MAYBE, ctx.t("events.maybe")),
        Option(NOT_GOING, ctx.t("events.not_going")),
    ]
    if rsvp is not None:
        options.append(Option(WITHDRAW, ctx.t("events.withdraw")))
    aliases = {
        GOING: labels.words(ctx, "going"),
        MAYBE: labels.words(ctx, "maybe"),
        NOT_GOING: labels.words(ctx, "not_going"),
    }
    return Question(
        "\n".join([*lines, "", ctx.t("events.ask_rsvp")]), options=options, aliases=aliases
    )


async def got_rsvp(ctx: Context, answer: Answer) -> str | Retry | Go:
    """Records maybe or not going, or cancels the answer; for going, asks about guests."""
    event = _event(ctx)
    if event is None:
        return Retry(ctx.t("events.gone"))
    closed = _closed(ctx, event)
    if closed is not None:
        return Retry(closed)
    if answer.choice not in (GOING, MAYBE, NOT_GOING, WITHDRAW):
        return Retry(ctx.t("registration.pick_from_list"))
    if not registration.has_minimum(ctx.member):
        ctx.say(ctx.t("events.register_first", title=_title(ctx, event)))
        state = ASK_GUESTS if answer.choice == GOING and not event.online else ASK_RSVP
        return registration.minimal(ctx, Go(FLOW.name, state, {"event": event.slug}))
    if answer.choice == GOING:
        # Guests take seats; an online event has none, so nobody is asked about guests.
        return await _going(ctx, event, 0) if event.online else ASK_GUESTS
    assert ctx.member is not None
    now = ctx.now()
    if answer.choice == WITHDRAW:
        outcome = await ctx.store.rsvps.cancel(
            event.slug, ctx.member.id, now, capacity=event.capacity
        )
        ctx.say(ctx.t("events.withdrawn", title=_title(ctx, event)))
    else:
        outcome = await ctx.store.rsvps.answer(
            event.slug, ctx.member.id, answer.choice, now, capacity=event.capacity
        )
        ctx.say(ctx.t(f"events.saved_{answer.choice}", title=_title(ctx, event)))
    await _settle(ctx, event, outcome)
    return END


async def ask_guests(ctx: Context) -> Question:
    """Asks how many guests come along: "just me" first, then +1 … +4."""
    options = [Option(f"{_GUEST}0", ctx.t("events.just_me"))]
    options += [
        Option(f"{_GUEST}{count}", ctx.t("events.guests_count", count=count))
        for count in range(1, MAX_GUESTS + 1)
    ]
    return Question(ctx.t("events.ask_guests", most=MAX_GUESTS), options=options, columns=2)


def _guests(answer: Answer) -> int | None:
    if answer.choice and answer.choice.startswith(_GUEST):
        return int(answer.choice.removeprefix(_GUEST))
    text = answer.text.strip()
    return int(text) if text.isdigit() and len(text) <= 3 else None


async def got_guests(ctx: Context, answer: Answer) -> str | Retry:
    """Records "going" with the guests (or a place on the waitlist) and sends a calendar file."""
    event = _event(ctx)
    if event is None:
        return Retry(ctx.t("events.gone"))
    closed = _closed(ctx, event)
    if closed is not None:
        return Retry(closed)
    guests = _guests(answer)
    if guests is None or guests > MAX_GUESTS:
        return Retry(ctx.t("events.invalid_guests", most=MAX_GUESTS))
    return await _going(ctx, event, guests)


async def _going(ctx: Context, event: Event, guests: int) -> str | Retry:
    """Records "going" with ``guests`` (or a place on the waitlist) and sends a calendar
    file."""
    if ctx.member is None:
        ctx.say(ctx.t("registration.consent_missing"))
        return END
    outcome = await ctx.store.rsvps.answer(
        event.slug, ctx.member.id, GOING, ctx.now(), guests=guests, capacity=event.capacity
    )
    if outcome.refused:
        return Retry(ctx.t("events.too_few_seats", seats=outcome.free))
    rsvp = outcome.rsvp
    assert rsvp is not None
    if rsvp.status == WAITLISTED:
        ctx.say(ctx.t("events.saved_waitlisted", title=_title(ctx, event), position=rsvp.position))
    else:
        calendar = ics.event_file(event, ctx.language, ctx.settings.default_language, ctx.now())
        ctx.say(ctx.t("events.saved_going", title=_title(ctx, event)), file=calendar)
    await _settle(ctx, event, outcome)
    return END


async def _settle(ctx: Context, event: Event, outcome: Outcome) -> None:
    """Invites a member with only the minimum to complete the profile, and tells the members
    the waitlist gave seats to."""
    if ctx.member is not None and not ctx.member.registered:
        ctx.say(ctx.t("events.complete_profile"))
    await tell_promoted(ctx, event, outcome.promoted)


async def tell_promoted(ctx: Context, event: Event, promoted: tuple[Rsvp, ...]) -> None:
    """Queues a notice, in their own language, for each member who got a seat."""
    now = ctx.now()
    messages = []
    for rsvp in promoted:
        member = await ctx.store.members.get(rsvp.member_id)
        if member is None:
            continue
        language = member.language
        when = dates.span_text(
            ctx.content, language, event.starts_at, event.ends_at, ctx.settings.timezone
        )
        body = ctx.content.text(
            language,
            "events.promoted",
            title=event.text("title", language, ctx.settings.default_language),
            when=when,
        )
        messages.append(
            Outgoing(
                job=f"rsvp:{event.slug}:{rsvp.id}:seated:{rsvp.updated_at}",
                kind="notice",
                member_id=member.id,
                body=body,
                not_before=now,
            )
        )
    if messages:
        await ctx.store.outbox.enqueue(messages, now)


async def ask_my_event(ctx: Context) -> Question:
    """Lists the member's answers to upcoming events; picking one opens it to change it."""
    mine = await _mine(ctx)
    lines = [ctx.t("events.mine_heading")]
    options = []
    for event in upcoming(ctx):
        rsvp = mine.get(event.slug)
        if rsvp is None:
            continue
        lines += ["", f"🗓 {_title(ctx, event)}", *_when(ctx, event)]
        lines.append(ctx.t("events.your_answer", answer=_answer_text(ctx, rsvp)))
        options.append(Option(event.slug, _title(ctx, event)))
    if not options:
        lines = [ctx.t("events.mine_none")]
    options.append(Option(ALL_EVENTS, ctx.t("events.all")))
    return Question("\n".join(lines), options=options)


async def got_my_event(ctx: Context, answer: Answer) -> str | Retry:
    """Opens one of the member's events (or the list of all)."""
    if answer.choice == ALL_EVENTS:
        return ASK_EVENT
    if answer.choice not in await _mine(ctx):
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["event"] = answer.choice
    return ASK_RSVP


FLOW = Flow(
    name="events",
    start=ASK_EVENT,
    states={
        ASK_EVENT: State(ask_event, got_event),
        ASK_RSVP: State(ask_rsvp, got_rsvp),
        ASK_GUESTS: State(ask_guests, got_guests),
        ASK_MY_EVENT: State(ask_my_event, got_my_event),
    },
)
