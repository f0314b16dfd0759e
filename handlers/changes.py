"""A summary's “Change …” buttons, one for each answer, as registration and the fellowship both
offer them.

Pressing one opens that answer's question and marks the conversation as editing; the engine
then returns to the flow's summary after the next answer instead of walking on through the
questions that follow it.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.flow import EDITING, Context
from bot.messages import Option

_CHANGE = "edit:"


def change_options(ctx: Context, field_states: Mapping[str, str], group: str) -> list[Option]:
    """A “Change …” button for each answer, named by the locale's ``<group>.<answer>``."""
    return [
        Option(f"{_CHANGE}{name}", ctx.t("registration.change", field=ctx.t(f"{group}.{name}")))
        for name in field_states
    ]


def changed(ctx: Context, choice: str | None, field_states: Mapping[str, str]) -> str | None:
    """The question to reopen when ``choice`` is a “Change …” button (marking the edit)."""
    if choice is None or not choice.startswith(_CHANGE):
        return None
    state = field_states.get(choice[len(_CHANGE) :])
    if state is not None:
        ctx.answers[EDITING] = True
    return state
