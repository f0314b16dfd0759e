-- One outbox for every message that is not a direct reply: campaign steps, broadcasts, notices.
-- Unique per (job, member): no amount of re-planning sends a message twice.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    job TEXT NOT NULL,
    kind TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    template TEXT,
    state TEXT NOT NULL DEFAULT 'queued',
    not_before TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    address TEXT,
    provider_id TEXT,
    delivery TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (job, member_id)
);
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE INDEX outbox_member ON outbox (member_id);
CREATE INDEX outbox_provider ON outbox (provider_id);
CREATE INDEX outbox_job ON outbox (job);
