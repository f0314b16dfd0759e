"""``diaspora-bot campaigns check``: every problem in the content folder, as ``file:line: message``.

Every problem of a campaign, poll, event or FAQ file is listed, not only the first. Beyond what a
file says on its own, campaigns and polls are checked against the members the bot has: a
language section is missing for a language members read the bot in, or one may reach WhatsApp
members but has no approved template for those outside the 24-hour window, or only the sample's
placeholder SID (``HX`` and 32 x's), which the bot never sends. A poll's next step must name a
poll that exists.
"""

from __future__ import annotations

import logging

from bot.content import Content, yamlfile
from bot.content import campaigns as campaign_files
from bot.content import polls as poll_files
from bot.content.campaign_fields import Context as CampaignContext
from bot.content.events import event_problems
from bot.content.faq import faq_problems, folder_problems
from bot.errors import ContentError
from bot.plurals import counted
from bot.store import Store

log = logging.getLogger(__name__)


def _sort_key(error: ContentError) -> tuple[str, int, str]:
    return (error.path, error.line, error.message)


async def check(content: Content, store: Store, *, whatsapp_enabled: bool) -> list[ContentError]:
    """Every problem: broken files of any kind, then what members' languages and channels need."""
    await content.poll(force=True)
    found: dict[str, list[ContentError]] = {path: [error] for path, error in content.errors.items()}
    context = content.campaign_context()
    languages, channels = await store.recipients.in_use()
    whatsapp = whatsapp_enabled or channels.get("whatsapp", 0) > 0
    languages_shipped = set(content.locales)
    for path in content.paths("events", "*.yaml"):
        try:
            _event, problems = event_problems(
                yamlfile.load(path), languages_shipped, content.timezone
            )
        except ContentError as error:
            problems = [error]
        if problems:
            found[str(path)] = problems
    for path in content.paths("faq", "*.yaml"):
        try:
            _entry, problems = faq_problems(yamlfile.load(path), languages_shipped)
        except ContentError as error:
            problems = [error]
        if problems:
            found[str(path)] = problems
    for problem in folder_problems(content.faq, languages_shipped):
        found.setdefault(problem.path, []).append(problem)
    for path in content.paths("campaigns", "*.md"):
        try:
            text = campaign_files.read(path)
            campaign, problems = campaign_files.problems(path, text, context)
            if campaign is not None:
                problems += _members_problems(campaign, languages, whatsapp, channels)
        except ContentError as error:
            found[str(path)] = [error]
            continue
        except Exception as error:
            # A checker's bug: still one line for this file, and the others are checked.
            log.exception("checking %s failed", path)
            found[str(path)] = [
                ContentError(str(path), 1, f"cannot be checked ({type(error).__name__})")
            ]
            continue
        if problems:
            found[str(path)] = problems
        else:
            found.pop(str(path), None)
    _polls(content, context, languages, whatsapp, channels, found)
    return sorted((error for errors in found.values() for error in errors), key=_sort_key)


def _polls(
    content: Content,
    context: CampaignContext,
    languages: dict[str, int],
    whatsapp: bool,
    channels: dict[str, int],
    found: dict[str, list[ContentError]],
) -> None:
    """Every poll file's problems, those of the members it reaches, and next steps naming a
    poll that is not there."""
    polls: dict[str, poll_files.Poll] = {}
    for path in content.paths("polls", "*.md"):
        try:
            poll, problems = poll_files.problems(path, poll_files.read(path), context)
        except ContentError as error:
            found[str(path)] = [error]
            continue
        if poll is not None:
            polls[poll.id] = poll
            if poll.schedule is not None:
                problems += _members_problems(poll, languages, whatsapp, channels)
        if problems:
            found[str(path)] = problems
        else:
            found.pop(str(path), None)
    for problem in poll_files.dangling(polls):
        found.setdefault(problem.path, []).append(problem)


def _members_problems(
    campaign: campaign_files.Campaign | poll_files.Poll,
    languages: dict[str, int],
    whatsapp: bool,
    channels: dict[str, int],
) -> list[ContentError]:
    problems = []
    wanted = campaign.audience.languages or tuple(sorted(languages))
    first_section = min(
        (line for key, line in campaign.lines.items() if key.startswith("# ")), default=1
    )
    for language in wanted:
        count = languages.get(language, 0)
        if count and language not in campaign.texts:
            problems.append(
                ContentError(
                    campaign.path,
                    first_section,
                    f"no '# {language}' section, but"
                    f" {counted(count, 'member reads', 'members read')} the bot in {language!r}"
                    " (they would get the default language)",
                )
            )
    template = campaign.whatsapp_template
    if campaign.may_use("whatsapp") and template is not None and template.placeholder:
        problems.append(
            ContentError(
                campaign.path,
                campaign.line("whatsapp_template"),
                "whatsapp_template: the content_sid is the sample's placeholder (HX and 32 x's),"
                " which is never sent; put the SID of your approved template (Twilio Console,"
                " Content Template Builder), or set channels: [telegram]",
            )
        )
    if whatsapp and campaign.may_use("whatsapp") and template is None:
        where = campaign.line("channels") if campaign.channels else 1
        members = channels.get("whatsapp", 0)
        problems.append(
            ContentError(
                campaign.path,
                where,
                f"may go to WhatsApp ({counted(members, 'member', 'members')}) but has no"
                " whatsapp_template for those"
                " outside the 24-hour window; add one, or set channels: [telegram]",
            )
        )
    return problems
