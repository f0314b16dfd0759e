"""``/broadcast`` (staff only): write a message — or take a campaign file's text — in each
language, choose the audience with a live member count, see the message exactly as members
will, and send it through the outbox (rate limits, ``/stop``, WhatsApp's 24-hour window and
exactly-once all apply). Its progress is then reported in this chat by
:mod:`scheduler.progress`, and it can be stopped while it goes out.

WhatsApp members outside the 24-hour window get only an approved template: the preview says
honestly how many get the text, the template or nothing, and offers a template step (a content
SID and its variables, or the campaign's own template when the text came from one).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from bot.content.campaign_fields import WhatsAppTemplate
from bot.content.campaigns import WHATSAPP_LIMIT
from bot.content.placeholders import MEMBER_PLACEHOLDERS
from bot.flow import END, Answer, Context, Flow, Go, Question, Retry, State
from bot.messages import Option
from bot.roles import STAFF
from scheduler import broadcast
from scheduler.planner import calendar
from scheduler.progress import number
from scheduler.render import event_values, fill, member_values
from staff import segment

ASK_SOURCE = "ask_source"
ASK_TEXT = "ask_text"
ASK_AUDIENCE = "ask_audience"
ASK_FILTER = "ask_filter"
ASK_RSVP = "ask_rsvp"
ASK_CONFIRM = "ask_confirm"
ASK_TEMPLATE = "ask_template"
ASK_STOP = "ask_stop"
ASK_TOPIC = "ask_topic"

WRITE = "write"
EVERYONE = "everyone"
PREVIEW = "preview"
SEND = "send"
CHANGE_TEXT = "text"
CHANGE_AUDIENCE = "audience"
CHANGE_TEMPLATE = "template"
CHANGE_TOPIC = "topic"
# The kind of message (content/programme.yaml's topics): who turned it off is skipped.
TOPIC = "topic"
CAMPAIGN_TEMPLATE = "campaign_template"
NO_TEMPLATE = "no_template"
STOP = "stop"
KEEP = "keep"
_CAMPAIGN = "c"
_FORMATTER = string.Formatter()


async def start(ctx: Context, payload: str) -> Go | None:
    """``/broadcast``: a new broadcast, from the start."""
    return Go(FLOW.name, ASK_SOURCE, {})


def _texts(ctx: Context) -> dict[str, str]:
    texts: dict[str, str] = ctx.answers.setdefault("texts", {})
    return texts


def _language_name(ctx: Context, language: str) -> str:
    return ctx.content.text(language, "language_name")


async def ask_source(ctx: Context) -> Question:
    """Asks whether to write a message or use a campaign file's text."""
    campaigns = sorted(ctx.content.campaigns.values(), key=lambda campaign: campaign.id)
    ctx.answers["_campaigns"] = [campaign.id for campaign in campaigns]
    options = [Option(WRITE, ctx.t("broadcast.write"))] + [
        Option(f"{_CAMPAIGN}{index}", f"📄 {campaign.title or campaign.id}")
        for index, campaign in enumerate(campaigns)
    ]
    return Question(ctx.t("broadcast.ask_source"), options=options, back=False)


async def got_source(ctx: Context, answer: Answer) -> str | Retry:
    """Starts writing, or takes a campaign's texts and audience and asks for the audience."""
    if answer.choice == WRITE:
        ctx.answers["texts"] = {}
        ctx.answers["_language"] = 0
        return ASK_TEXT
    ids: list[str] = ctx.answers.get("_campaigns", [])
    index = (answer.choice or "").removeprefix(_CAMPAIGN)
    found = ids[int(index)] if index.isdigit() and int(index) < len(ids) else ""
    campaign = ctx.content.campaigns.get(found)
    if campaign is None:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers["texts"] = _campaign_texts(ctx, campaign.texts, campaign.event)
    ctx.answers["audience"] = segment.start_from(campaign.audience)
    ctx.answers[TOPIC] = campaign.topic
    template = campaign.usable_template
    ctx.answers.pop("template", None)
    ctx.answers.pop("_campaign_template", None)
    if template is not None:
        kept = {
            "sid": template.content_sid
            if isinstance(template.content_sid, str)
            else dict(template.content_sid),
            "variables": _campaign_texts(ctx, template.variables, campaign.event),
        }
        ctx.answers["template"] = ctx.answers["_campaign_template"] = kept
    return ASK_AUDIENCE


def _campaign_texts(ctx: Context, texts: Mapping[str, str], slug: str | None) -> dict[str, str]:
    """A campaign's texts with its event's details filled in; member names stay to fill."""
    event = ctx.content.events.get(slug or "")
    filled = {}
    for language, text in texts.items():
        values: dict[str, str] = {}
        if event is not None:
            values = event_values(
                event, language, ctx.content.default_language, calendar(ctx.content, language)
            )
            values["event_link"] = f"/start ev_{event.slug}"
        filled[language] = text.format_map(_Keep(values))
    return filled


class _Keep(dict[str, str]):
    """Fills what it knows and leaves other ``{placeholders}`` for later."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


async def ask_text(ctx: Context) -> Question:
    """Asks for the message in the next language (the first is required, others optional)."""
    languages = ctx.content.languages
    index = min(int(ctx.answers.get("_language", 0)), len(languages) - 1)
    language = languages[index]
    values = {
        "language": _language_name(ctx, language),
        "number": index + 1,
        "count": len(languages),
    }
    if index == 0:
        return Question(ctx.t("broadcast.ask_text", **values))
    fallback = _language_name(ctx, languages[0])
    return Question(ctx.t("broadcast.ask_text_optional", fallback=fallback, **values), skip=True)


async def got_text(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the text in this language and asks for the next one, then for the audience."""
    languages = ctx.content.languages
    index = min(int(ctx.answers.get("_language", 0)), len(languages) - 1)
    texts = _texts(ctx)
    if answer.skipped and index > 0:
        texts.pop(languages[index], None)
    else:
        text = answer.text.strip()
        problem = _problem(ctx, text)
        if problem is not None:
            return Retry(problem)
        texts[languages[index]] = text
    if index + 1 < len(languages):
        ctx.answers["_language"] = index + 1
        return ASK_TEXT
    return ASK_AUDIENCE


def _problem(ctx: Context, text: str) -> str | None:
    """Why a text cannot be broadcast, or None."""
    if len(text) > WHATSAPP_LIMIT:
        return ctx.t("broadcast.too_long", length=len(text), limit=WHATSAPP_LIMIT)
    try:
        names = {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    except ValueError:
        return ctx.t("broadcast.bad_placeholder", placeholder="{ }")
    unknown = sorted(names - MEMBER_PLACEHOLDERS)
    if unknown:
        return ctx.t("broadcast.bad_placeholder", placeholder="{" + unknown[0] + "}")
    return None


def _template(ctx: Context) -> WhatsAppTemplate | None:
    """The template chosen for WhatsApp members outside the window, if any."""
    kept = ctx.answers.get("template")
    if not kept:
        return None
    return WhatsAppTemplate(kept["sid"], dict(kept.get("variables") or {}))


async def _plan(ctx: Context) -> broadcast.Plan:
    chosen, applicants = segment.audience(ctx)
    texts = _texts(ctx)
    default = ctx.content.default_language
    return await broadcast.plan(
        ctx.store,
        texts.get(default) or next(iter(texts.values()), ""),
        chosen,
        ctx.settings.timezone,
        ctx.now(),
        texts=texts,
        applicants=applicants,
        default_language=default,
        template=_template(ctx),
        topic=_topic(ctx),
    )


def _topic(ctx: Context) -> str:
    """The broadcast's topic: the one chosen (or the campaign's), else news, else the first."""
    topics = ctx.content.programme.topics if ctx.content.programme else ()
    chosen = str(ctx.answers.get(TOPIC) or broadcast.DEFAULT_TOPIC)
    return chosen if chosen in topics or not topics else topics[0]


async def ask_audience(ctx: Context) -> Question:
    """Shows the audience so far with its live member count, and the filters to add."""
    members = (await _plan(ctx)).members
    count = number(ctx.content, ctx.language, members)
    chosen, applicants = segment.audience(ctx)
    options = []
    if not chosen.everyone or applicants is not None:
        options.append(Option(EVERYONE, ctx.t("broadcast.everyone")))
    options += [Option(kind, ctx.t(f"broadcast.by_{kind}")) for kind in segment.KINDS]
    options.append(Option(PREVIEW, ctx.t("broadcast.preview", count=count)))
    text = ctx.t("broadcast.ask_audience", audience=segment.describe(ctx), count=count)
    return Question(text, options=options, columns=2)


async def got_audience(ctx: Context, answer: Answer) -> str | Retry:
    """Clears the filters, opens one to choose from, or goes on to the preview."""
    if answer.choice == EVERYONE:
        ctx.answers["audience"] = {}
        return ASK_AUDIENCE
    if answer.choice in segment.KINDS:
        ctx.answers["_filter"] = answer.choice
        return ASK_FILTER
    if answer.choice == PREVIEW:
        if not (await _plan(ctx)).members:
            return Retry(ctx.t("broadcast.empty_audience"))
        return ASK_CONFIRM
    return Retry(ctx.t("registration.pick_from_list"))


async def ask_filter(ctx: Context) -> Question:
    """Offers the values of the chosen filter (several may be chosen where it is a list)."""
    kind = str(ctx.answers.get("_filter"))
    choices = await segment.options(ctx, kind)
    if not choices:
        return Question(ctx.t("broadcast.nothing_to_choose"))
    return Question(
        ctx.t(f"broadcast.ask_{'programme' if kind == segment.APPLICANTS else kind}"),
        options=choices,
        multi=kind in segment.LISTS,
        selected=segment.selected(ctx, kind),
        columns=2,
    )


async def got_filter(ctx: Context, answer: Answer) -> str | Retry:
    """Adds (or removes) the chosen values and shows the audience again."""
    kind = str(ctx.answers.get("_filter"))
    allowed = {option.id for option in await segment.options(ctx, kind)}
    picked = list(answer.choices) or ([answer.choice] if answer.choice else [])
    if not picked and kind == "country" and answer.text:
        code = ctx.countries.lookup(answer.text).code
        if code is None:
            return Retry(ctx.t("broadcast.unknown_country"))
        picked, allowed = [code], allowed | {code}
    if not picked or not set(picked) <= allowed:
        return Retry(ctx.t("registration.pick_from_list"))
    chosen = segment.filters(ctx)
    if kind == segment.EVENT:
        chosen[segment.EVENT] = picked[0]
        return ASK_RSVP
    if kind == segment.APPLICANTS:
        chosen[segment.APPLICANTS] = picked[0]
        return ASK_AUDIENCE
    for option_id in picked:
        segment.toggle(ctx, kind, segment.value_of(ctx, kind, option_id))
    return ASK_AUDIENCE


async def ask_rsvp(ctx: Context) -> Question:
    """Asks which answers to the chosen event count."""
    event = ctx.content.events.get(segment.filters(ctx).get(segment.EVENT) or "")
    title = event.text("title", ctx.language, ctx.content.default_language) if event else ""
    return Question(
        ctx.t("broadcast.ask_rsvp", title=title),
        options=[Option(option_id, ctx.t(key)) for option_id, _, key in segment.RSVPS],
    )


async def got_rsvp(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the answers and shows the audience again."""
    for option_id, statuses, _ in segment.RSVPS:
        if answer.choice == option_id:
            segment.filters(ctx)["rsvp"] = list(statuses)
            return ASK_AUDIENCE
    return Retry(ctx.t("registration.pick_from_list"))


async def ask_confirm(ctx: Context) -> Question:
    """Shows the message in each language as members will see it, warns where a language
    members use has no text, and asks to send."""
    plan = await _plan(ctx)
    sample = member_values(ctx.t("broadcast.sample_name"))
    by_text: dict[str, int] = {}
    for language, members in plan.languages.most_common():
        used, _ = plan.text_for(language)
        by_text[used] = by_text.get(used, 0) + members
        if used != language:
            ctx.say(
                ctx.t(
                    "broadcast.missing_language",
                    count=number(ctx.content, ctx.language, members),
                    language=_language_name(ctx, language),
                    fallback=_language_name(ctx, used),
                )
            )
    for language in ctx.content.languages:
        if language not in plan.texts:
            continue
        ctx.say(
            ctx.t(
                "broadcast.preview_heading",
                language=_language_name(ctx, language),
                count=number(ctx.content, ctx.language, by_text.get(language, 0)),
            )
        )
        ctx.say(fill(plan.texts[language], ctx.channel, member=sample))
    count = number(ctx.content, ctx.language, plan.members)
    channels = ", ".join(
        ctx.t(
            "broadcast.channel_count",
            channel=_channel_name(ctx, channel),
            count=number(ctx.content, ctx.language, members),
        )
        for channel, members in sorted(plan.channels.items())
    )
    reach = _whatsapp_reach(ctx, plan)
    options = [
        Option(SEND, ctx.t("broadcast.send", count=count)),
        Option(CHANGE_TEXT, ctx.t("broadcast.change_text")),
        Option(CHANGE_AUDIENCE, ctx.t("broadcast.change_audience")),
    ]
    if plan.whatsapp[broadcast.BY_TEMPLATE] or plan.whatsapp[broadcast.NOTHING]:
        options.append(Option(CHANGE_TEMPLATE, ctx.t("broadcast.change_template")))
    options.append(Option(CHANGE_TOPIC, ctx.t("broadcast.change_topic")))
    text = ctx.t("broadcast.ask_confirm", count=count, channels=channels)
    topic = ctx.t("broadcast.topic_line", topic=ctx.t(f"topic_names.{plan.topic}"))
    if plan.topic_off:
        count = number(ctx.content, ctx.language, plan.topic_off)
        topic += " · " + ctx.t("broadcast.topic_skipped", count=count)
    text = f"{topic}\n\n{text}"
    return Question(f"{reach}\n\n{text}" if reach else text, options=options, back=False)


async def ask_topic(ctx: Context) -> Question:
    """Asks which kind of message the broadcast is (members who turned it off are skipped)."""
    topics = ctx.content.programme.topics if ctx.content.programme else ()
    options = [Option(code, ctx.t(f"topic_names.{code}")) for code in topics]
    return Question(ctx.t("broadcast.ask_topic"), options=options, columns=2)


async def got_topic(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the topic and shows the preview again with the new counts."""
    topics = ctx.content.programme.topics if ctx.content.programme else ()
    if answer.choice not in topics:
        return Retry(ctx.t("registration.pick_from_list"))
    ctx.answers[TOPIC] = answer.choice
    return ASK_CONFIRM


def _whatsapp_reach(ctx: Context, plan: broadcast.Plan) -> str:
    """``WhatsApp 194: 20 in the 24-hour window get the text · 174 get template HX…`` (or
    ``… get nothing``): what WhatsApp members will really get; "" when none is on WhatsApp."""
    gets = plan.whatsapp
    parts = []
    if gets[broadcast.IN_WINDOW]:
        parts.append(ctx.t("broadcast.whatsapp_text", count=_n(ctx, gets[broadcast.IN_WINDOW])))
    if gets[broadcast.BY_TEMPLATE] and plan.template is not None:
        sid = plan.template.sid(ctx.language, ctx.content.default_language)
        parts.append(
            ctx.t(
                "broadcast.whatsapp_template",
                count=_n(ctx, gets[broadcast.BY_TEMPLATE]),
                sid=sid,
            )
        )
    if gets[broadcast.NOTHING]:
        parts.append(ctx.t("broadcast.whatsapp_nothing", count=_n(ctx, gets[broadcast.NOTHING])))
    if not parts:
        return ""
    total = _n(ctx, sum(gets.values()))
    return ctx.t("broadcast.whatsapp_reach", total=total, parts=" · ".join(parts))


def _n(ctx: Context, value: int) -> str:
    return number(ctx.content, ctx.language, value)


async def ask_template(ctx: Context) -> Question:
    """Asks for the approved template WhatsApp members outside the window get (its content
    SID and variables), offers the campaign's own, or none."""
    options = []
    if ctx.answers.get("_campaign_template"):
        options.append(Option(CAMPAIGN_TEMPLATE, ctx.t("broadcast.campaign_template")))
    options.append(Option(NO_TEMPLATE, ctx.t("broadcast.no_template")))
    return Question(ctx.t("broadcast.ask_template"), options=options)


async def got_template(ctx: Context, answer: Answer) -> str | Retry:
    """Keeps the template (typed as ``HX…`` then ``1={first_name}`` lines, the campaign's, or
    none) and shows the preview again with the new counts."""
    if answer.choice == CAMPAIGN_TEMPLATE and ctx.answers.get("_campaign_template"):
        ctx.answers["template"] = ctx.answers["_campaign_template"]
        return ASK_CONFIRM
    if answer.choice == NO_TEMPLATE:
        ctx.answers.pop("template", None)
        return ASK_CONFIRM
    if answer.choice:
        return Retry(ctx.t("registration.pick_from_list"))
    sid, _, rest = answer.text.strip().partition("\n")
    sid, _, first = sid.strip().partition(" ")
    pairs = [part.strip() for part in re.split(r"[\n;]", f"{first}\n{rest}") if part.strip()]
    try:
        template = broadcast.parse_template(sid, pairs)
    except ValueError:
        return Retry(ctx.t("broadcast.bad_template"))
    ctx.answers["template"] = {"sid": template.content_sid, "variables": dict(template.variables)}
    return ASK_CONFIRM


def _channel_name(ctx: Context, channel: str) -> str:
    key = f"channels.{channel}"
    return ctx.t(key) if ctx.content.has(ctx.language, key) else channel


async def got_confirm(ctx: Context, answer: Answer) -> str | Retry:
    """Queues the broadcast (and says so), or goes back to the text or the audience."""
    if answer.choice == CHANGE_TEXT:
        return ASK_SOURCE
    if answer.choice == CHANGE_AUDIENCE:
        return ASK_AUDIENCE
    if answer.choice == CHANGE_TEMPLATE:
        return ASK_TEMPLATE
    if answer.choice == CHANGE_TOPIC:
        return ASK_TOPIC
    if answer.choice != SEND:
        return Retry(ctx.t("registration.pick_from_list"))
    plan = await _plan(ctx)
    if not plan.members:
        return Retry(ctx.t("broadcast.empty_audience"))
    sent, queued = await broadcast.queue(
        ctx.store,
        plan,
        ctx.address,
        ctx.now(),
        ctx.settings.timezone,
        report_to=ctx.address,
        report_language=ctx.language,
    )
    ctx.answers["_broadcast"] = sent.id
    ctx.say(ctx.t("broadcast.queued", id=sent.id, count=number(ctx.content, ctx.language, queued)))
    return ASK_STOP


async def ask_stop(ctx: Context) -> Question:
    """Offers to stop the broadcast while it goes out."""
    return Question(
        ctx.t("broadcast.ask_stop"),
        options=[Option(STOP, ctx.t("broadcast.stop")), Option(KEEP, ctx.t("broadcast.keep"))],
        back=False,
        cancel=False,
    )


async def got_stop(ctx: Context, answer: Answer) -> str | Retry:
    """Cancels what is still queued of the broadcast, or leaves it running."""
    if answer.choice == KEEP:
        return END
    if answer.choice != STOP:
        return Retry(ctx.t("registration.pick_from_list"))
    broadcast_id = int(ctx.answers.get("_broadcast", 0))
    job = f"broadcast:{broadcast_id}"
    cancelled = await ctx.store.outbox.cancel_job(job, ctx.now())
    if not cancelled:
        ctx.say(ctx.t("broadcast.already_done", id=broadcast_id))
        return END
    await ctx.store.audit.record(
        ctx.address, "broadcast.cancel", ctx.now(), subject=job, cancelled=cancelled
    )
    ctx.say(ctx.t("broadcast.stopped", count=number(ctx.content, ctx.language, cancelled)))
    return END


FLOW = Flow(
    name="broadcast",
    start=ASK_SOURCE,
    role=STAFF,
    states={
        ASK_SOURCE: State(ask_source, got_source),
        ASK_TEXT: State(ask_text, got_text),
        ASK_AUDIENCE: State(ask_audience, got_audience),
        ASK_FILTER: State(ask_filter, got_filter),
        ASK_RSVP: State(ask_rsvp, got_rsvp),
        ASK_CONFIRM: State(ask_confirm, got_confirm),
        ASK_TEMPLATE: State(ask_template, got_template),
        ASK_STOP: State(ask_stop, got_stop),
        ASK_TOPIC: State(ask_topic, got_topic),
    },
)
