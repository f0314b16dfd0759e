-- Campaign occurrences the planner has dealt with, staff broadcasts, and what planning reads.

-- One row per outbox job of a campaign (campaign:<id>, or campaign:<id>@<moment> for each
-- occurrence of a cron campaign): when it is due, whether it was planned or missed, and the
-- last time the planner looked at it. A missed occurrence is recorded here once, never sent.
CREATE TABLE campaign_runs (
    job TEXT PRIMARY KEY,
    campaign TEXT NOT NULL,
    -- planned | missed
    state TEXT NOT NULL,
    -- the moment the occurrence is due (before member-local times and quiet hours); NULL for
    -- schedules that count from each member's registration
    due_at TEXT,
    members INTEGER NOT NULL DEFAULT 0,
    checked_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX campaign_runs_campaign ON campaign_runs (campaign);

-- Staff broadcasts; each is the outbox job broadcast:<id>.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    actor TEXT NOT NULL,
    text TEXT NOT NULL,
    audience TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The channels an outbox row may go out on (comma-separated); NULL for any.
ALTER TABLE outbox ADD COLUMN channels TEXT;

-- The planner reads members that changed since its last look.
CREATE INDEX members_updated_at ON members (updated_at);

-- The unique (job, member_id) index already serves lookups by job.
DROP INDEX outbox_job;

-- Only sent rows have a provider id: index those alone, so queueing a large plan stays cheap.
DROP INDEX outbox_provider;
CREATE INDEX outbox_provider ON outbox (provider_id) WHERE provider_id IS NOT NULL;
