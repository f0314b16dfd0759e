"""Questions answered by ticking several items, then Done: the languages a member speaks and
what they would like to take part in.

Each tap toggles one item and asks again with the ticks shown; typed numbers ("1, 3, 13") pick
several at once and count as Done. The chosen items are kept in the list's own order, so the
profile reads the same however they were picked.
"""

from __future__ import annotations

from bot.flow import Answer, Context, Question, Retry
from bot.messages import Option
from handlers import labels

DONE = "done"


def question(ctx: Context, key: str, group: str, codes: tuple[str, ...]) -> Question:
    """Asks ``registration.ask_<key>`` with a button for each item (labelled ``<group>.<code>``),
    the ones chosen so far ticked, and Done."""
    return listed(ctx, ctx.t(f"registration.ask_{key}"), key, group, codes)


def listed(
    ctx: Context, text: str, key: str, group: str, codes: tuple[str, ...], *, skip: bool = True
) -> Question:
    """Asks ``text`` with a button for each item (labelled ``<group>.<code>``), the ones chosen
    so far (under ``key``) ticked, and Done; ``skip`` says whether it may be skipped."""
    selected = frozenset(ctx.answers.get(key) or [])
    options = [*labels.listed_options(ctx, group, codes), Option(DONE, ctx.t("controls.done"))]
    return Question(text, options=options, multi=True, selected=selected, skip=skip, columns=2)


def toggle(
    ctx: Context, answer: Answer, key: str, codes: tuple[str, ...], here: str, after: str
) -> str | Retry:
    """Toggles the item tapped and asks ``here`` again; on Done, skip or typed numbers, stores
    the choice under ``key`` and goes on to ``after``."""
    chosen = list(ctx.answers.get(key) or [])
    if answer.skipped:
        # Skip means "not answered", as on every other optional question.
        ctx.answers[key] = []
        return after
    if answer.choice == DONE:
        ctx.answers[key] = chosen
        return after
    if answer.choices:
        # "1, 3, 13" picks two and presses Done; Done itself is no item.
        picked = set(answer.choices) - {DONE}
        if not picked <= set(codes):
            return Retry(ctx.t("registration.pick_from_list"))
        ctx.answers[key] = [code for code in codes if code in picked]
        return after
    if answer.choice not in codes:
        return Retry(ctx.t("registration.pick_several"))
    if answer.choice in chosen:
        chosen.remove(answer.choice)
    else:
        chosen.append(answer.choice)
    ctx.answers[key] = [code for code in codes if code in chosen]
    return here
