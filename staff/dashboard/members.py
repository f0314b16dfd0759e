"""The members table (search, filters, sorting, pages) and a member's own page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from bot.store import MemberQuery
from staff import timeline
from staff.dashboard.i18n import N_
from staff.dashboard.pages import Deps, query_string, record_id

PAGE_SIZE = 25
# The table's filters (query parameters, MemberQuery fields and staff.stats dimensions alike).
FILTERS = ("country", "municipality", "sector", "interest", "language", "channel")
# Columns that sort when their heading is clicked or are chosen under "Sort by" (all in the
# directory's SORTS).
SORTS_OFFERED = (
    ("registered_at", N_("Registration")),
    ("name", N_("Name")),
    ("country", N_("Country")),
    ("city", N_("City")),
    ("municipality", N_("Municipality")),
    ("sector", N_("Sector")),
)
SORTABLE = tuple(column for column, _ in SORTS_OFFERED)
DEFAULT_SORT = "registered_at"


@dataclass(frozen=True)
class Selection:
    """The members a request asks for: the query, and what the form shows back."""

    query: MemberQuery
    values: dict[str, str]
    errors: tuple[str, ...] = ()


def selection(
    params: Mapping[str, str], gettext: Callable[[str], str] = lambda text: text
) -> Selection:
    """Reads the filters from a query string or a form; bad dates are reported (in the
    coordinator's language, through ``gettext``), not used."""
    _ = gettext
    values = {name: params.get(name, "").strip() for name in FILTERS}
    values["q"] = params.get("q", "").strip()[:200]
    dates: dict[str, date | None] = {}
    errors = []
    for name, said in (("from", _("registered from")), ("to", _("registered to"))):
        text = values[name] = params.get(name, "").strip()
        try:
            dates[name] = date.fromisoformat(text) if text else None
        except ValueError:
            dates[name] = None
            errors.append(
                _("“%(text)s” is not a date (%(said)s); use YYYY-MM-DD.")
                % {"text": text, "said": said}
            )
        # A day is searched up to the next day's start, which the calendar's last day lacks.
        if dates[name] == date.max:
            dates[name] = None
            errors.append(
                _("“%(text)s” is out of range (%(said)s); use a date before %(last)s.")
                % {"text": text, "said": said, "last": date.max}
            )
    query = MemberQuery(
        country=values["country"] or None,
        municipality=values["municipality"] or None,
        sector=values["sector"] or None,
        interest=values["interest"] or None,
        language=values["language"] or None,
        channel=values["channel"] or None,
        registered_from=dates["from"],
        registered_to=dates["to"],
        search=values["q"] or None,
    )
    return Selection(query, values, tuple(errors))


class Members:
    """The members pages."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def table(self, request: Request) -> Response:
        """One page of the members the filters match."""
        params = request.query_params
        chosen = selection(params, self.deps.gettext(request))
        sort = params.get("sort", DEFAULT_SORT)
        if sort not in SORTABLE:
            sort = DEFAULT_SORT
        descending = params.get("order", "desc" if sort == DEFAULT_SORT else "asc") == "desc"
        try:
            page_number = int(params.get("page", "1"))
        except ValueError:
            page_number = 1
        directory = self.deps.store.directory
        page = await directory.search(
            chosen.query,
            sort=sort,
            descending=descending,
            page=page_number,
            page_size=PAGE_SIZE,
        )
        options = {name: await directory.values(name) for name in FILTERS}
        state = {**chosen.values, "sort": sort, "order": "desc" if descending else "asc"}
        return self.deps.pages.render(
            request,
            "members.html",
            # A filter that could not be used: the page says which and why.
            status_code=400 if chosen.errors else 200,
            section="members",
            page=page,
            values=chosen.values,
            errors=chosen.errors,
            filters=FILTERS,
            options=options,
            sortable=SORTABLE,
            sort_choices=SORTS_OFFERED,
            sort=sort,
            descending=descending,
            state=state,
            link=lambda **changes: "?" + query_string(state, **changes),
        )

    async def member(self, request: Request) -> Response:
        """Everything held on one member: profile, addresses, RSVPs, applications, and their
        history with the programme as one timeline."""
        member_id = record_id(request, "member_id")
        store = self.deps.store
        found = await store.directory.get(member_id) if member_id is not None else None
        if member_id is None or found is None:
            _ = self.deps.gettext(request)
            return self.deps.pages.render(
                request,
                "missing.html",
                status_code=404,
                what=_("member #%s") % request.path_params["member_id"],
            )
        content = self.deps.content
        await content.poll()
        rsvps = await store.rsvps.of_member(member_id)
        applications = await store.applications.of_member(member_id)
        language = self.deps.language(request)
        default = content.default_language
        return self.deps.pages.render(
            request,
            "member.html",
            section="members",
            row=found,
            member=found.member,
            addresses=await store.members.addresses(member_id),
            rsvps=rsvps,
            event_titles={
                slug: event.text("title", language, default)
                for slug, event in content.events.items()
            },
            applications=applications,
            programme_titles={
                slug: programme.text("title", language, default)
                for slug, programme in content.fellowships.items()
            },
            imported=await store.imports.of_member(member_id),
            moments=await timeline.timeline(store, content, found.member, language),
        )
