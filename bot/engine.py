"""The engine: one inbound message in, the replies out, conversation state kept in SQLite.

It resolves typed numbers and labels to the options last offered, runs commands, walks the
current flow's table of states, and handles back, skip and cancel the same way for every flow.
It knows no channel.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.clock import Clock
from bot.countries import CountryIndex
from bot.flow import (
    BACK,
    CANCEL,
    CONTROLS,
    END,
    SKIP,
    Answer,
    Command,
    Context,
    Flow,
    FlowSettings,
    Go,
    Question,
    Retry,
    Shortcut,
)
from bot.messages import Inbound, Kind, Option, Reply, address_id
from bot.roles import Restricted, Roles
from bot.store import Conversation, Member, Store
from bot.text import fold
from scheduler.content import Content

log = logging.getLogger(__name__)

_NUMBERS = re.compile(r"^\d{1,3}(?:\s*[,;\s]\s*\d{1,3})*$")
# A deep link's payload, as Telegram allows it after /start.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
SELECTED = "✅ "
# Keys of a conversation's answers that belong to the engine, not to a flow.
_LANGUAGE = "_lang"
_RESUME = "_resume"
_EDITING = "_edit"

Menu = Callable[[Context], Awaitable[Question]]


class Engine:
    """Turns inbound messages into replies. Safe to call concurrently: one address at a time."""

    def __init__(
        self,
        *,
        store: Store,
        content: Content,
        clock: Clock,
        countries: CountryIndex,
        settings: FlowSettings,
        flows: Mapping[str, Flow],
        commands: Mapping[str, Command],
        menu: Menu,
        hidden_commands: frozenset[str] = frozenset(),
        shortcuts: Sequence[Shortcut] = (),
        keyword_channels: frozenset[str] = frozenset(),
        phone_channels: frozenset[str] = frozenset(),
        staff_commands: Mapping[str, Restricted] | None = None,
        roles: Roles | None = None,
    ) -> None:
        self.store = store
        self.content = content
        self.clock = clock
        self.countries = countries
        self.settings = settings
        self.flows = flows
        self.commands = commands
        self.menu = menu
        self.hidden_commands = hidden_commands
        self.shortcuts = tuple(shortcuts)
        # Channels without slash commands (WhatsApp), where plain words such as STOP or POMOĆ
        # (locale keys keywords.<command>, every language at once) stand for the commands.
        self.keyword_channels = keyword_channels
        # Channels whose address is a phone number (WhatsApp): a first message from a number a
        # registered member proved is theirs joins that member instead of starting anew.
        self.phone_channels = phone_channels
        # Commands only staff or coordinators may use; to anyone else they are unknown (and the
        # attempt is logged), like the names in hidden_commands.
        self.staff_commands = dict(staff_commands or {})
        self.roles = roles or Roles()
        self._keywords: dict[str, str] = {}
        self._keywords_generation = -1
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answers one inbound message."""
        self.content.refresh()
        lock = self._locks.get(inbound.address)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[inbound.address] = lock
        async with lock:
            try:
                return await self._handle(inbound)
            except Exception:
                log.exception("failed to handle a message from %s", inbound.channel)
                language = self.content.language_for_hint(inbound.language_hint)
                text = self.content.text(
                    language or self.content.default_language, "errors.internal"
                )
                return [Reply(text)]

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        now = self.clock.now()
        conversations = self.store.conversations
        if inbound.provider_id and not await conversations.first_seen(inbound.provider_id, now):
            log.info("ignoring a redelivered message on %s", inbound.channel)
            return []
        member = await self.store.members.by_address(inbound.address)
        linked = False
        if member is None and inbound.channel in self.phone_channels:
            member = await self.store.members.link_by_phone(
                inbound.address, address_id(inbound.address), now
            )
            linked = member is not None
            if linked:
                await conversations.delete(inbound.address)
        if member is not None:
            await self.store.members.touch_address(inbound.address, now)
        conversation = await conversations.load(inbound.address)
        ctx = Context(
            store=self.store,
            content=self.content,
            clock=self.clock,
            countries=self.countries,
            settings=self.settings,
            inbound=inbound,
            member=member,
            language=self._language(member, conversation, inbound),
            role=self.roles.of(inbound.address),
            answers=conversation.answers,
            flow=conversation.flow,
        )
        if linked:
            ctx.say(ctx.t("engine.linked"))
        await self._dispatch(ctx, conversation)
        if ctx.forget:
            await conversations.delete(inbound.address)
        else:
            await conversations.save(conversation, now)
        # The language each reply is in, for channels that add words of their own.
        return [replace(note, language=note.language or ctx.language) for note in ctx.notes]

    def _language(self, member: Member | None, conversation: Conversation, inbound: Inbound) -> str:
        for candidate in (
            member.language if member else None,
            conversation.answers.get(_LANGUAGE),
            self.content.language_for_hint(inbound.language_hint),
        ):
            if candidate in self.content.locales:
                return str(candidate)
        return self.content.default_language

    async def _dispatch(self, ctx: Context, conversation: Conversation) -> None:
        inbound = ctx.inbound
        command = (
            self._command(inbound.text, answering=conversation.active)
            if inbound.kind is Kind.TEXT
            else None
        )
        if (
            command is None
            and inbound.kind is Kind.TEXT
            and inbound.channel in self.keyword_channels
        ):
            command = self._keyword(inbound.text, conversation)
        if command is None and inbound.choice and inbound.choice.startswith("/"):
            command = _command(inbound.choice)
        answer = None
        if command is None:
            answer = self._resolve(inbound, conversation)
            if answer.choice and answer.choice.startswith("/"):
                command = _command(answer.choice)
        if command is not None:
            await self._run_command(ctx, conversation, *command)
            return
        assert answer is not None
        if not conversation.active:
            if inbound.kind is Kind.MEDIA or inbound.kind is Kind.LOCATION:
                ctx.say(ctx.t("engine.unsupported_outside_flow"))
            elif inbound.kind is Kind.CHOICE:
                # A button of a question that is over: say so rather than ignore the press.
                ctx.say(ctx.t("engine.stale_button"))
            await self._show_menu(ctx, conversation)
            return
        flow = self.flows.get(conversation.flow or "")
        if flow is not None and flow.role and not self.roles.allows(ctx.address, flow.role):
            # A role taken away mid-flow: the flow ends without a word about it.
            log.warning("dropped a %s flow of an address without the role", flow.name)
            flow = None
        state = flow.states.get(conversation.step or "") if flow else None
        if flow is None or state is None:
            log.warning(
                "dropping a conversation in unknown state %s/%s",
                conversation.flow,
                conversation.step,
            )
            self._clear(ctx, conversation)
            await self._show_menu(ctx, conversation)
            return
        if inbound.kind is Kind.CHOICE and (
            inbound.ref != conversation.seq or answer.choice is None
        ):
            ctx.say(ctx.t("engine.stale_button"))
            await self._ask(ctx, conversation)
            return
        if answer.unsupported:
            ctx.say(ctx.t("engine.unsupported"))
            await self._ask(ctx, conversation)
            return
        if answer.choice == CANCEL:
            await self._cancel(ctx, conversation)
            return
        if answer.choice == BACK:
            if conversation.history:
                conversation.step = conversation.history.pop()
            await self._ask(ctx, conversation)
            return
        if answer.choice == SKIP:
            answer = Answer(skipped=True)
        result = await state.answer(ctx, answer)
        await self._advance(ctx, conversation, flow, result)

    def _command(self, text: str, *, answering: bool) -> tuple[str, str] | None:
        """A ``/command payload``, or a typed phrase that stands for one (a shortcut)."""
        command = _command(text)
        for shortcut in self.shortcuts:
            if command is not None:
                break
            command = shortcut.match(text, self.content, answering=answering)
        return command

    def _keyword(self, text: str, conversation: Conversation) -> tuple[str, str] | None:
        """The command a plain word stands for (``STOP``, ``pomoć``, ``START ev_slug``), or None.

        An option on offer wins over a keyword: inside a flow, CANCEL picks the Cancel the list
        shows (leaving the question); elsewhere it is WhatsApp's opt-out word, like STOP. Inside
        a flow, a word of an option's label is taken as an attempt at that option, not as a
        command ("events" while asked for interests does not leave the registration).
        """
        folded = fold(text)
        if not folded:
            return None
        labels = [f" {fold(label.removeprefix(SELECTED))} " for _, label in conversation.offered]
        if any(label == f" {folded} " for label in labels):
            return None
        if conversation.active and any(f" {folded} " in label for label in labels):
            return None
        keywords = self.keywords()
        if folded in keywords:
            return keywords[folded], ""
        first, _, rest = text.strip().partition(" ")
        if keywords.get(fold(first)) == "start" and _PAYLOAD.fullmatch(rest.strip()):
            return "start", rest.strip()
        return None

    def keywords(self) -> dict[str, str]:
        """Folded keyword → command, from every language's ``keywords.<command>`` list."""
        content = self.content
        if self._keywords_generation != content.generation:
            table: dict[str, str] = {}
            for language in content.languages:
                locale = content.locales.get(language, {})
                for command in self.commands:
                    for word in locale.get(f"keywords.{command}", "").split(","):
                        if fold(word):
                            table.setdefault(fold(word), command)
            self._keywords, self._keywords_generation = table, content.generation
        return self._keywords

    async def _run_command(
        self, ctx: Context, conversation: Conversation, name: str, payload: str
    ) -> None:
        handler = self.commands.get(name)
        restricted = self.staff_commands.get(name)
        if restricted is not None:
            if self.roles.allows(ctx.address, restricted.role):
                handler = restricted.command
            else:
                # The channel only: a WhatsApp address is a phone number.
                log.warning("refused staff command /%s from %s", name, ctx.inbound.channel)
        if name == "cancel":
            if conversation.active:
                await self._cancel(ctx, conversation)
            else:
                ctx.say(ctx.t("engine.nothing_to_cancel"))
                await self._show_menu(ctx, conversation)
            return
        if handler is None:
            if name in self.hidden_commands and restricted is None:
                log.warning("refused staff command /%s from %s", name, ctx.inbound.channel)
            ctx.say(ctx.t("engine.unknown_command", command=f"/{name}"))
            await self._resume_or_menu(ctx, conversation)
            return
        result = await handler(ctx, payload)
        ctx.answers = conversation.answers
        if isinstance(result, Go):
            await self._start(ctx, conversation, result)
        elif conversation.active:
            await self._ask(ctx, conversation)
        elif ctx.forget:
            return
        else:
            await self._show_menu(ctx, conversation)

    async def _advance(
        self, ctx: Context, conversation: Conversation, flow: Flow, result: str | Retry | Go
    ) -> None:
        if isinstance(result, Go):
            await self._start(ctx, conversation, result)
            return
        if isinstance(result, Retry):
            ctx.say(result.reason)
            await self._ask(ctx, conversation, result.question)
            return
        if result == END:
            await self._finish(ctx, conversation)
            return
        if result not in flow.states:
            raise LookupError(f"flow {flow.name} has no state {result!r}")
        current = conversation.step
        if result != current:
            if current != flow.summary and conversation.answers.pop(_EDITING, False):
                assert flow.summary is not None
                result = flow.summary
                if result in conversation.history:
                    del conversation.history[conversation.history.index(result) :]
            else:
                assert current is not None
                conversation.history.append(current)
        replace = result == current and ctx.inbound.kind is Kind.CHOICE
        conversation.step = result
        await self._ask(ctx, conversation, replace=replace)

    async def _start(self, ctx: Context, conversation: Conversation, go: Go) -> None:
        flow = self.flows[go.flow]
        answers: dict[str, Any] = dict(go.answers)
        if _LANGUAGE in conversation.answers:
            answers[_LANGUAGE] = conversation.answers[_LANGUAGE]
        if flow.interrupts and conversation.active and conversation.flow != go.flow:
            answers[_RESUME] = {
                "flow": conversation.flow,
                "step": conversation.step,
                "answers": conversation.answers,
                "history": conversation.history,
            }
        elif flow.interrupts and conversation.flow == go.flow and _RESUME in conversation.answers:
            # Opening the same interruption twice must not lose the flow it interrupted.
            answers[_RESUME] = conversation.answers[_RESUME]
        conversation.flow = flow.name
        conversation.step = go.state or flow.start
        conversation.answers = answers
        conversation.history = []
        ctx.answers = answers
        ctx.flow = flow.name
        await self._ask(ctx, conversation)

    async def _finish(self, ctx: Context, conversation: Conversation) -> None:
        resume = conversation.answers.get(_RESUME)
        language = conversation.answers.get(_LANGUAGE)
        self._clear(ctx, conversation)
        # A flow that erased the member (``forget``) never hands back to the one it interrupted.
        if resume and not ctx.forget and resume.get("flow") in self.flows:
            conversation.flow = resume["flow"]
            conversation.step = resume["step"]
            conversation.answers = resume["answers"]
            conversation.history = resume["history"]
            if language and ctx.member is None:
                conversation.answers[_LANGUAGE] = language
            ctx.answers = conversation.answers
            ctx.flow = conversation.flow
            await self._ask(ctx, conversation)
            return
        if not ctx.forget:
            await self._show_menu(ctx, conversation)

    async def _cancel(self, ctx: Context, conversation: Conversation) -> None:
        flow = self.flows.get(conversation.flow or "")
        if flow is not None and flow.on_cancel is not None:
            await flow.on_cancel(ctx)
        else:
            ctx.say(ctx.t("engine.cancelled"))
        await self._finish(ctx, conversation)

    def _clear(self, ctx: Context, conversation: Conversation) -> None:
        language = conversation.answers.get(_LANGUAGE)
        conversation.flow = conversation.step = None
        keep = language and ctx.member is None
        conversation.answers = {_LANGUAGE: language} if keep else {}
        conversation.history = []
        ctx.answers = conversation.answers
        ctx.flow = None

    async def _resume_or_menu(self, ctx: Context, conversation: Conversation) -> None:
        if conversation.active:
            await self._ask(ctx, conversation)
        else:
            await self._show_menu(ctx, conversation)

    async def _ask(
        self,
        ctx: Context,
        conversation: Conversation,
        question: Question | None = None,
        *,
        replace: bool = False,
    ) -> None:
        flow = self.flows[conversation.flow or ""]
        state = flow.states[conversation.step or ""]
        if question is None:
            question = await state.ask(ctx)
        controls = []
        if question.skip:
            controls.append(Option(SKIP, ctx.t("controls.skip")))
        if question.back and conversation.history:
            controls.append(Option(BACK, ctx.t("controls.back")))
        if question.cancel:
            controls.append(Option(CANCEL, ctx.t("controls.cancel")))
        self._offer(ctx, conversation, question, controls, replace=replace)

    async def _show_menu(self, ctx: Context, conversation: Conversation) -> None:
        self._offer(ctx, conversation, await self.menu(ctx), [], replace=False)

    def _offer(
        self,
        ctx: Context,
        conversation: Conversation,
        question: Question,
        controls: list[Option],
        *,
        replace: bool,
    ) -> None:
        options = [
            Option(option.id, SELECTED + option.label)
            if question.multi and option.id in question.selected
            else option
            for option in question.options
        ]
        offered = [*options, *controls]
        conversation.seq += 1
        conversation.offered = [[option.id, option.label] for option in offered]
        ctx.notes.append(
            Reply(
                question.text,
                options=tuple(offered),
                ref=conversation.seq,
                replace=replace,
                request_phone=question.request_phone,
                phone_label=ctx.t("controls.share_phone") if question.request_phone else "",
                phone_hint=ctx.t("controls.share_phone_hint") if question.request_phone else "",
                columns=question.columns,
                file=question.file,
                multi=question.multi,
            )
        )

    def _resolve(self, inbound: Inbound, conversation: Conversation) -> Answer:
        """Turns a press, a typed number or a typed label into an option id."""
        offered = conversation.offered
        ids = [option_id for option_id, _ in offered]
        if inbound.kind is Kind.CHOICE:
            return Answer(choice=inbound.choice if inbound.choice in ids else None)
        if inbound.kind is Kind.CONTACT:
            return Answer(contact_phone=inbound.contact_phone)
        if inbound.kind is not Kind.TEXT or not inbound.text.strip():
            return Answer(unsupported=True)
        text = inbound.text.strip()
        if offered and _NUMBERS.match(text):
            numbers = [int(part) for part in re.split(r"[\s,;]+", text) if part]
            if all(1 <= number <= len(offered) for number in numbers):
                picked = tuple(dict.fromkeys(ids[number - 1] for number in numbers))
                if len(picked) == 1:
                    return Answer(text=text, choice=picked[0])
                if not set(picked) & set(CONTROLS):
                    return Answer(text=text, choices=picked)
        by_label = {fold(label.removeprefix(SELECTED)): option_id for option_id, label in offered}
        folded = fold(text)
        if folded in by_label:
            return Answer(text=text, choice=by_label[folded])
        if "," in text:
            parts = [fold(part) for part in text.split(",") if part.strip()]
            if parts and all(part in by_label for part in parts):
                picked = tuple(dict.fromkeys(by_label[part] for part in parts))
                if not set(picked) & set(CONTROLS):
                    return Answer(text=text, choices=picked)
        return Answer(text=text)


def _command(text: str | None) -> tuple[str, str] | None:
    """Splits ``/name payload`` into its parts; None when the text is not a command."""
    match = _COMMAND.match((text or "").strip())
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()
