"""RSVP lists per event, with waitlist positions, and checking members in on the day.

Check-in is open from the event's first to its last day in the programme's time zone; only a
member who is going can be checked in, and each check-in (or its undoing) is audited. At the
door the lists read A to Z (or in the order people answered) and a name search narrows them,
so a phone shows the one party arriving, not 68 to scroll through.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from bot.content.events import Event
from bot.store.rsvps import GOING, STATUSES, WAITLISTED, Rsvp
from bot.text import fold
from staff.dashboard.auth import parse_form
from staff.dashboard.pages import ACTOR, Deps, redirect

# The orders of the lists: A to Z by name (at the door), or as people answered.
BY_NAME = "name"
BY_ANSWER = "answered"
ORDERS = (BY_NAME, BY_ANSWER)


def _arranged(rsvps: list[Rsvp], names: dict[int, str], query: str, order: str) -> list[Rsvp]:
    """The RSVPs whose member's name has every word of ``query`` (case and accents ignored),
    A to Z by name or in the order they answered."""
    words = fold(query).split()
    found = [r for r in rsvps if all(word in fold(names[r.member_id]) for word in words)]
    if order == BY_NAME:
        found.sort(key=lambda rsvp: (fold(names[rsvp.member_id]), rsvp.member_id))
    return found


class Events:
    """The events pages and the check-in button."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """Every event, soonest first, with its RSVP counts."""
        content = self.deps.content
        await content.poll()
        counts = {counts.event: counts for counts in await self.deps.store.stats.rsvps()}
        events = sorted(content.events.values(), key=lambda event: event.starts_at)
        # RSVPs to events whose files are gone still show, by their slug.
        gone = sorted(set(counts) - set(content.events))
        return self.deps.pages.render(
            request,
            "events.html",
            section="events",
            events=events,
            gone=gone,
            counts=counts,
            language=self.deps.language(request),
        )

    async def event(self, request: Request) -> Response:
        """One event's RSVPs: going (with check-in on the day), waitlist, maybe, not going."""
        slug = request.path_params["slug"]
        content = self.deps.content
        await content.poll()
        event = content.events.get(slug)
        store = self.deps.store
        rsvps = await store.rsvps.listing(slug)
        _ = self.deps.gettext(request)
        if event is None and not rsvps:
            return self.deps.pages.render(
                request, "missing.html", status_code=404, what=_("event “%s”") % slug
            )
        members = {}
        for rsvp in rsvps:
            found = await store.members.get(rsvp.member_id)
            if found is not None:
                members[rsvp.member_id] = found
        names = {
            rsvp.member_id: (found.name if (found := members.get(rsvp.member_id)) else None)
            or f"#{rsvp.member_id}"
            for rsvp in rsvps
        }
        query = request.query_params.get("q", "").strip()[:100]
        order = request.query_params.get("order", BY_NAME)
        if order not in ORDERS:
            order = BY_NAME
        groups = {status: [r for r in rsvps if r.status == status] for status in STATUSES}
        everyone = groups
        groups = {
            status: _arranged(found, names, query, order if status != WAITLISTED else BY_ANSWER)
            for status, found in groups.items()
        }
        language = self.deps.language(request)
        return self.deps.pages.render(
            request,
            "event.html",
            section="events",
            slug=slug,
            event=event,
            language=language,
            title=event.text("title", language, content.default_language) if event else slug,
            groups=groups,
            everyone=everyone,
            members=members,
            query=query,
            order=order,
            seats=sum(r.seats for r in everyone[GOING]),
            waiting=sum(r.seats for r in everyone[WAITLISTED]),
            checked_in=sum(1 for r in everyone[GOING] if r.checked_in_at),
            check_in_open=event is not None and self._check_in_open(event),
            days=self._days(event) if event else None,
        )

    async def check_in(self, request: Request) -> Response:
        """Checks a member in (or takes it back) on the day of the event."""
        slug = request.path_params["slug"]
        form = parse_form(await request.body())
        event = self.deps.content.events.get(slug)
        _ = self.deps.gettext(request)
        # Back to the list as it was (the search at the door stays).
        kept = {key: form[key] for key in ("q", "order") if form.get(key)}
        back = f"/events/{slug}" + (f"?{urlencode(kept)}" if kept else "")
        if event is None or not self._check_in_open(event):
            return redirect(request, back, _("Check-in is open only on the day of the event."))
        try:
            member_id = int(form.get("member_id", ""))
        except ValueError:
            return redirect(request, back, _("No such member."))
        undo = form.get("undo") == "1"
        now = self.deps.now()
        rsvp = await self.deps.store.rsvps.check_in(slug, member_id, None if undo else now)
        if rsvp is None:
            return redirect(request, back, _("Only a member who is going can be checked in."))
        await self.deps.store.audit.record(
            ACTOR,
            "rsvp.check_in_undone" if undo else "rsvp.check_in",
            now,
            subject=f"rsvp:{rsvp.id}",
            event=slug,
        )
        member = await self.deps.store.members.get(member_id)
        name = (member.name if member else None) or f"#{member_id}"
        done = _("%s is no longer checked in.") if undo else _("%s is checked in.")
        return redirect(request, back + f"#member-{member_id}", done % name)

    def _days(self, event: Event) -> tuple[date, date]:
        zone = self.deps.timezone
        return event.starts_at.astimezone(zone).date(), event.ends_at.astimezone(zone).date()

    def _check_in_open(self, event: Event) -> bool:
        first, last = self._days(event)
        return first <= self.deps.today() <= last
