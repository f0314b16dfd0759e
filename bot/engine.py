"""The engine: one inbound message in, the replies out, conversation state kept in SQLite.

It reads what a message means with :mod:`bot.choices` (an option, a command, a keyword), runs
commands, walks the current flow's table of states, and handles back, skip and cancel the same
way for every flow: a typed answer it is unsure of gets "did you mean …?", a miss is re-asked
briefly (the reason and the options, not the whole question again), "skip" where nothing may
be skipped is told so, and a flow with answers to lose asks before it is cancelled. It knows
no channel.
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
    CONTROLS,
    DISCARD,
    EDITING,
    END,
    RESUME,
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

log = logging.getLogger(__name__)

# Keys of a conversation's answers that belong to the engine, not to a flow.
_LANGUAGE = "_lang"
_RESUME = "_resume"
# Set while the open question also takes free text: typed words must then name an option as it
# is to be taken for it (see Question.free_text).
_FREE_TEXT = "_free_text"
# A question longer than this (about three lines on a phone) is not repeated after a miss.
_LONG_QUESTION = 160
# The words (locale key words.<name>, every language) that also name each control.
_CONTROL_WORDS = {SKIP: "skip", BACK: "back", CANCEL: "cancel"}

Menu = Callable[[Context], Awaitable[Question]]
# Free text outside a flow (the wiring's: handlers.questions reads it as a question), and what
# every message of a member sets off first (answers held by WhatsApp's window go out).
Fallback = Callable[[Context, str], Awaitable[Go | None]]
Arrival = Callable[[Context], Awaitable[None]]
# Options the member was sent outside the conversation since their last message (a poll through
# the outbox): set as what was offered, so a typed number or word answers them, not the menu.
Offers = Callable[[Context, Conversation], Awaitable[None]]


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
        fallback: Fallback | None = None,
        arrival: Arrival | None = None,
        offers: Offers | None = None,
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
        self.fallback = fallback
        self.arrival = arrival
        self.offers = offers
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
        member, conversation = await self.store.members.arriving(inbound.address, now)
        linked = False
        if member is None and inbound.channel in self.phone_channels:
            member = await self.store.members.link_by_phone(
                inbound.address, address_id(inbound.address), now
            )
            linked = member is not None
            if linked:
                # What the address was doing before it was known is of no use to the member.
                await conversations.delete(inbound.address)
                conversation = Conversation(address=inbound.address)
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
        if self.arrival is not None and member is not None:
            await self.arrival(ctx)
        if self.offers is not None and member is not None and not conversation.active:
            await self.offers(ctx, conversation)
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
            exact = conversation.active and bool(conversation.answers.get(_FREE_TEXT))
            answer = choices.resolve(inbound, conversation.offered, exact=exact)
            if answer.choice and answer.choice.startswith("/"):
                command = choices.command(answer.choice)
        if command is not None:
            await self._run_command(ctx, conversation, *command)
            return
        assert answer is not None
        if not conversation.active:
            if answer.suggested:
                self._suggest(ctx, conversation, answer.suggested)
                return
            if inbound.kind is Kind.MEDIA or inbound.kind is Kind.LOCATION:
                ctx.say(ctx.t("engine.unsupported_outside_flow"))
            elif inbound.kind is Kind.CHOICE:
                # A button of a question that is over: say so rather than ignore the press.
                ctx.say(ctx.t("engine.stale_button"))
            elif inbound.kind is Kind.TEXT and self.fallback is not None and inbound.text.strip():
                # Free text is never ignored: the fallback reads it (as a question); when it
                # says nothing (a greeting), the menu answers.
                said = len(ctx.notes)
                taken = await self.fallback(ctx, inbound.text)
                if isinstance(taken, Go):
                    await self._start(ctx, conversation, taken)
                    return
                if len(ctx.notes) > said:
                    return
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
        if self._is_skip(ctx, conversation, answer):
            # "skip" where nothing may be skipped: say so, rather than read it as an answer
            # (a country: "did you mean Cyprus?").
            await self._reask(ctx, conversation, ctx.t("engine.cannot_skip"))
            return
        if answer.suggested:
            self._suggest(ctx, conversation, answer.suggested)
            return
        if answer.choice == CANCEL:
            await self._cancel(ctx, conversation)
            return
        if answer.choice == DISCARD:
            await self._cancel(ctx, conversation, confirmed=True)
            return
        if answer.choice == RESUME:
            await self._ask(ctx, conversation)
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
                # /cancel again while asked whether to throw the answers away: yes.
                confirmed = any(entry[0] == DISCARD for entry in conversation.offered)
                await self._cancel(ctx, conversation, confirmed=confirmed)
            else:
                ctx.say(ctx.t("engine.nothing_to_cancel"))
                await self._show_menu(ctx, conversation)
            return
        if conversation.active and handler is not None:
            flow = self.flows.get(conversation.flow or "")
            if flow is not None and flow.left_by_commands and flow.left_by_commands(ctx):
                self._clear(ctx, conversation)
        if name == "menu" and handler is not None and conversation.active:
            # The menu, and a way back to the question still open.
            await handler(ctx, payload)
            await self._show_menu(ctx, conversation, resume=True)
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
            if result.question is not None:
                ctx.say(result.reason)
                await self._ask(ctx, conversation, result.question)
            else:
                await self._reask(ctx, conversation, result.reason)
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

    async def _cancel(
        self, ctx: Context, conversation: Conversation, *, confirmed: bool = False
    ) -> None:
        flow = self.flows.get(conversation.flow or "")
        loses = flow.confirm_cancel(ctx) if flow and flow.confirm_cancel else None
        if loses and not confirmed:
            # Asked first: the question stays open, "no" comes back to it.
            question = Question(
                loses,
                options=[
                    Option(DISCARD, ctx.t("engine.discard_yes")),
                    Option(RESUME, ctx.t("engine.discard_no")),
                ],
                aliases={
                    DISCARD: choices.words(ctx.content, "yes"),
                    RESUME: choices.words(ctx.content, "no"),
                },
            )
            self._offer(ctx, conversation, question, [], replace=False)
            return
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
        # Only the flow's own questions say whether free text is an answer; a menu or a "did
        # you mean" shown meanwhile leaves it as the question set it.
        if question.free_text:
            conversation.answers[_FREE_TEXT] = True
        else:
            conversation.answers.pop(_FREE_TEXT, None)
        controls = []
        if question.skip:
            controls.append(Option(SKIP, ctx.t("controls.skip")))
        if question.back and conversation.history:
            controls.append(Option(BACK, ctx.t("controls.back")))
        if question.cancel:
            controls.append(Option(CANCEL, ctx.t("controls.cancel")))
        self._offer(ctx, conversation, question, controls, replace=replace)

    async def _show_menu(
        self, ctx: Context, conversation: Conversation, *, resume: bool = False
    ) -> None:
        controls = [Option(RESUME, ctx.t("controls.resume"))] if resume else []
        self._offer(ctx, conversation, await self.menu(ctx), controls, replace=False)

    async def _reask(self, ctx: Context, conversation: Conversation, reason: str) -> None:
        """Asks the open question again after the reason; a long one (the consent, an event's
        details, a summary) briefly: the reason with the buttons, not the whole text again."""
        flow = self.flows[conversation.flow or ""]
        question = await flow.states[conversation.step or ""].ask(ctx)
        if question.options and len(question.text) > _LONG_QUESTION:
            await self._ask(ctx, conversation, replace(question, text=reason))
            return
        ctx.say(reason)
        await self._ask(ctx, conversation, question)

    def _suggest(self, ctx: Context, conversation: Conversation, suggested: Sequence[str]) -> None:
        """Asks "did you mean …?" with the options typed text might mean as buttons (and the
        controls on offer); "yes" takes a single one."""
        offered = {entry[0]: entry for entry in conversation.offered}
        options = [Option(key, offered[key][1]) for key in suggested if key in offered]
        controls = [
            Option(key, entry[1])
            for key, entry in offered.items()
            if key in CONTROLS and key not in suggested and key != DISCARD
        ]
        if len(options) == 1:
            text = ctx.t("engine.did_you_mean", option=options[0].label)
            aliases = {options[0].id: (*offered[options[0].id][2:], *self._words(ctx, "yes"))}
        else:
            text = ctx.t("engine.did_you_mean_one_of")
            aliases = {option.id: tuple(offered[option.id][2:]) for option in options}
        question = Question(text, options=options, aliases=aliases)
        self._offer(ctx, conversation, question, controls, replace=False)

    def _words(self, ctx: Context, name: str) -> tuple[str, ...]:
        return choices.words(ctx.content, name)

    def _is_skip(self, ctx: Context, conversation: Conversation, answer: Answer) -> bool:
        """Whether typed text is a "skip" word while the question on offer has no Skip."""
        if answer.choice is not None or answer.choices:
            return False
        folded = fold(answer.text)
        if not folded or any(entry[0] == SKIP for entry in conversation.offered):
            return False
        return folded in choices.folded_words(ctx.content, "skip")

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
        aliases: dict[str, Sequence[str]] = {
            key: self._words(ctx, name) for key, name in _CONTROL_WORDS.items()
        }
        aliases.update(question.aliases)
        conversation.offered = [
            [option.id, option.label, *aliases.get(option.id, ())] for option in offered
        ]

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
