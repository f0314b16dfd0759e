"""``/topics`` (see topics.mmd): which kinds of messages a member gets — the topics of
content/programme.yaml (events, news, the fellowship, business), each named by every campaign,
poll and broadcast. Everyone starts with all of them on, and registration asks nothing about
them; a member who turns one off is skipped by the messages of that topic (counted as
``skipped: topic``). ``/stop`` still stops every announcement at once, whatever is ticked here.
Answers to a member's own questions and notices about their own RSVPs, applications and
introductions are replies, not announcements: they always go.

Each tap is kept at once, so nothing is lost if the member walks away before Done.
"""

from __future__ import annotations

from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from handlers import checklist, labels, registration

ASK_TOPICS = "ask_topics"
# The topics ticked (on), in the programme's order.
ON = "on"
GROUP = "topic_names"


def _codes(ctx: Context) -> tuple[str, ...]:
    return tuple(labels.programme(ctx).topics)


async def topics(ctx: Context, payload: str) -> Go | None:
    """``/topics``: the topics with the member's choices ticked."""
    if registration.in_progress(ctx):
        ctx.say(ctx.t("registration.continue"))
        return None
    member = ctx.member
    if member is None or not registration.has_minimum(member):
        ctx.say(ctx.t("topics.not_registered"))
        return None
    off = await ctx.store.topics.off(member.id)
    return Go(FLOW.name, ASK_TOPICS, {ON: [code for code in _codes(ctx) if code not in off]})


async def ask_topics(ctx: Context) -> Question:
    """Asks which topics the member wants (ticked: on), with Done."""
    text = ctx.t("topics.ask")
    if ctx.member is not None and ctx.member.stopped_at:
        text += "\n\n" + ctx.t("topics.stopped")
    return checklist.listed(ctx, text, ON, GROUP, _codes(ctx), skip=False)


async def got_topics(ctx: Context, answer: Answer) -> str | Retry:
    """Turns the topic tapped on or off (kept at once); on Done, says what the member gets."""
    codes = _codes(ctx)
    result = checklist.toggle(ctx, answer, ON, codes, ASK_TOPICS, END)
    if isinstance(result, Retry):
        return result
    member = ctx.member
    assert member is not None
    on = set(ctx.answers.get(ON) or [])
    off = await ctx.store.topics.off(member.id)
    for code in codes:
        if (code in on) == (code in off):
            await ctx.store.topics.turn(member.id, code, on=code in on, now=ctx.now())
    if result == END:
        if on:
            names = ", ".join(ctx.t(f"{GROUP}.{code}") for code in codes if code in on)
            ctx.say(ctx.t("topics.saved", topics=names))
        else:
            ctx.say(ctx.t("topics.none_on"))
    return result


FLOW = Flow(
    name="topics",
    start=ASK_TOPICS,
    states={ASK_TOPICS: State(ask_topics, got_topics)},
)
