"""Proposals a member or a business takes back by pausing or withdrawing their offer or request:
each open proposal is withdrawn with the reason, and the other side is told it will not go
ahead."""

from __future__ import annotations

from collections.abc import Sequence

from bot import notices
from bot.flow import Context
from bot.store import Match
from bot.store.matches import WITHDRAWN


async def withdraw(ctx: Context, matches: Sequence[Match], *, reason: str) -> int:
    """Withdraws the open proposals among ``matches`` and tells the other sides; returns how
    many were withdrawn."""
    assert ctx.member is not None
    actor = f"member:{ctx.member.id}"
    withdrawn = 0
    for match in matches:
        closed = await ctx.store.matches.close(
            match.id, WITHDRAWN, ctx.now(), actor=actor, reason=reason
        )
        if closed is None:
            continue
        withdrawn += 1
        await notices.tell_closed(
            ctx.store, ctx.content, closed, ctx.now(), why=WITHDRAWN, spare=ctx.member.id
        )
        await ctx.store.audit.record(
            actor, "match.withdrawn", ctx.now(), subject=f"match:{match.id}", by="member"
        )
    return withdrawn
