"""The engine: one inbound message in, the replies out, conversation state kept in SQLite.

It reads what a message means with :mod:`bot.choices` (an option, a command, a keyword), runs
commands, walks the current flow's table of states, and handles back, skip and cancel the same
way for every flow. It knows no channel.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot import choices
from bot.clock import Clock
from bot.content import Content
from bot.countries import CountryIndex
from bot.flow import (
    BACK,
    CANCEL,
    EDITING,
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

log = logging.getLogger(__name__)

# Keys of a conversation's answers that belong to the engine, not to a flow.
_LANGUAGE = "_lang"
_RESUME = "_resume"

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
        self.keywords = choices.Keywords(content, commands)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answers one inbound message (from the content as last loaded: reading the folder is
        the watch-content job's, off the loop)."""
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
            command = self.keywords.match(
                inbound.text, conversation.offered, answering=conversation.active
            )
        if command is None and inbound.choice and inbound.choice.startswith("/"):
            command = choices.command(inbound.choice)
        answer = None
        if command is None:
            answer = choices.resolve(inbound, conversation.offered)
            if answer.choice and answer.choice.startswith("/"):
                command = choices.command(answer.choice)
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
        command = choices.command(text)
        for shortcut in self.shortcuts:
            if command is not None:
                break
            command = shortcut.match(text, self.content, answering=answering)
        return command

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
            if current != flow.summary and conversation.answers.pop(EDITING, False):
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
            Option(option.id, choices.SELECTED + option.label)
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
