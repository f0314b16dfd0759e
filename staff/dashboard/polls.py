"""Polls on the dashboard: every poll with how many were asked and answered, and one poll's
exact counts — per option, and by country, language and municipality — with the latest answers
in members' own words, how its sending went, and the button that sends the results to those
who answered (confirmed, audited)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.store.polls import DIMENSIONS, poll_job
from staff import polls, reach, svg
from staff.dashboard.auth import parse_form
from staff.dashboard.pages import ACTOR, Deps, redirect
from staff.suppression import THRESHOLD

# Answers in members' own words shown on a poll's page (newest first).
OWN_WORDS = 50


class Polls:
    """The polls pages and the results button."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def listing(self, request: Request) -> Response:
        """Every poll: when it goes, its topic, who was asked and who answered."""
        content = self.deps.content
        await content.poll()
        store = self.deps.store
        answered = await store.polls.answered_counts()
        asked = {
            poll.id: (await store.outbox.counts(poll_job(poll.id))).get("sent", 0)
            for poll in content.polls.values()
        }
        found = sorted(content.polls.values(), key=lambda poll: (poll.schedule is None, poll.id))
        return self.deps.pages.render(
            request,
            "polls.html",
            section="polls",
            polls=found,
            answered=answered,
            asked=asked,
            now=self.deps.now(),
        )

    async def poll(self, request: Request) -> Response:
        """One poll's exact counts, its sending, its own words, and the results button."""
        content = self.deps.content
        await content.poll()
        poll_id = request.path_params["poll_id"]
        found = content.polls.get(poll_id)
        _ = self.deps.gettext(request)
        if found is None:
            return self.deps.pages.render(
                request, "missing.html", status_code=404, what=_("poll “%s”") % poll_id
            )
        store = self.deps.store
        language = self.deps.language(request)
        counted = await polls.results(store, found)
        default = content.default_language
        answered = counted.tally.answered
        chart = svg.bars(
            [
                svg.Bar(
                    f"{option.label(language, default)} · "
                    + _percent(counted.tally.options.get(option.id, 0), answered),
                    counted.tally.options.get(option.id, 0),
                    str(counted.tally.options.get(option.id, 0)),
                )
                for option in found.options
            ],
            title=found.title or found.id,
            empty=_("No options: answers are in members' own words."),
        )
        sending = await reach.one(store, content, poll_job(found.id), language)
        return self.deps.pages.render(
            request,
            "poll.html",
            section="polls",
            poll=found,
            results=counted,
            chart=chart,
            dimensions=DIMENSIONS,
            question=_sample(
                found.text(language, default)[1], content.text(language, "broadcast.sample_name")
            ),
            own_words=await store.polls.texts(found.id, OWN_WORDS),
            sending=sending,
            shared=await store.outbox.counts(f"{poll_job(found.id)}:results"),
            threshold=THRESHOLD,
            now=self.deps.now(),
        )

    async def share(self, request: Request) -> Response:
        """Sends the results to those who answered, once the coordinator ticked the box."""
        poll_id = request.path_params["poll_id"]
        form = parse_form(await request.body())
        _ = self.deps.gettext(request)
        back = f"/polls/{poll_id}"
        if form.get("confirm") != "yes":
            return redirect(request, back, _("Tick the box to confirm, then send."))
        try:
            queued = await polls.share(
                self.deps.store, self.deps.content, poll_id, self.deps.now(), actor=ACTOR
            )
        except polls.PollRefused as refused:
            return redirect(request, back, _("Not sent: %s.") % self.deps.said(request, refused))
        return redirect(
            request,
            back,
            _("The results are on their way to those who answered (%(count)d).")
            % {"count": queued},
        )


def _percent(count: int, total: int) -> str:
    """``40%``: a count's share of the answers."""
    return f"{round(100 * count / total)}%" if total else "—"


def _sample(question: str, name: str) -> str:
    """The question as a member reads it, with a sample member's name for ``{first_name}``
    (and ``{name}``); other placeholders stay as written."""
    first = name.split(" ")[0]
    return question.replace("{first_name}", first).replace("{name}", name)
