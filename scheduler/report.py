"""``diaspora-bot outbox status``: rows by state and job, what each broadcast, campaign and poll
achieved (delivered, read, failed, skipped, answered), what needs a person's eye, last errors."""

from __future__ import annotations

from bot.messages import channel_of
from bot.store import STATES, Store
from bot.store.polls import JOB_PREFIX


async def outbox_status(store: Store, *, jobs: int = 15, errors: int = 10) -> list[str]:
    """The outbox as lines of text (no member's personal data: ids and channels only)."""
    counts = await store.outbox.counts()
    lines = ["Outbox by state:"]
    total = sum(counts.values())
    for state in STATES:
        if counts.get(state):
            lines.append(f"  {state:<15} {counts[state]:>9}")
    lines.append(f"  {'total':<15} {total:>9}")
    by_job = await store.outbox.by_job()
    if by_job:
        lines += ["", f"Jobs (latest {jobs}):"]
        for job in list(by_job)[-jobs:]:
            states = ", ".join(f"{state} {count}" for state, count in sorted(by_job[job].items()))
            lines.append(f"  {job}: {states}")
    lines += await _achieved(store, jobs)
    unknown = await store.outbox.in_state("unknown", errors)
    if unknown:
        lines += [
            "",
            f"Unknown — the bot stopped while sending; never resent; check with the member"
            f" ({counts.get('unknown', 0)}):",
        ]
        lines += [
            f"  row {row.id} {row.job} member {row.member_id}"
            f" on {channel_of(row.address) if row.address else '?'}"
            for row in unknown
        ]
        lines.append("  By job (`outbox resend --unknown --job JOB` sends them again: a possible")
        lines.append("  duplicate rather than a miss):")
        lines += [
            f"  {job}: {states['unknown']}"
            for job, states in by_job.items()
            if states.get("unknown")
        ]
    missed = await store.runs.missed(errors)
    if missed:
        lines += ["", "Missed — due while the bot was down for longer than the grace period:"]
        lines += [f"  {run.job} due {run.due_at} ({run.members} members)" for run in missed]
    if counts.get("missed"):
        lines.append(f"  {counts['missed']} single messages to members were missed")
    failed = await store.outbox.last_errors(errors)
    if failed:
        lines += ["", "Last errors:"]
        lines += [f"  row {row.id} {row.job} [{row.state}] {row.error}" for row in failed]
    return lines


async def _achieved(store: Store, jobs: int) -> list[str]:
    """What each broadcast, campaign and poll achieved: the funnel in one line a job."""
    funnels = await store.deliveries.funnels(jobs)
    if not funnels:
        return []
    lines = ["", f"What each broadcast, campaign and poll achieved (latest {jobs}):"]
    for funnel in funnels:
        answered = ""
        if funnel.kind == "poll":
            tally = await store.polls.tally(funnel.job.removeprefix(JOB_PREFIX))
            answered = f" · answered {tally.answered}"
        retry = f" ({funnel.retryable} may be resent)" if funnel.retryable else ""
        lines.append(
            f"  {funnel.job}: queued {funnel.total} · sent {funnel.sent} · delivered"
            f" {funnel.delivered} · read {funnel.read} · failed {funnel.failed}{retry} · needs"
            f" template {funnel.needs_template} · skipped: stopped {funnel.skipped_stopped},"
            f" topic {funnel.skipped_topic}, other {funnel.skipped_other}{answered}"
        )
    if any(funnel.retryable for funnel in funnels):
        lines.append("  (`outbox retry --job JOB` sends again what failed for a reason that may")
        lines.append("  pass: the provider kept failing, or WhatsApp could not deliver for now)")
    return lines
