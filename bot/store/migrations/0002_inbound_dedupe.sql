-- Provider message ids already handled, so a redelivered update or webhook is processed once
-- (ids only: nothing that points to a person);
-- and the member's own time zone, worked out from their country and city.
CREATE TABLE inbound_seen (
    provider_id TEXT PRIMARY KEY,
    at TEXT NOT NULL
);
CREATE INDEX inbound_seen_at ON inbound_seen (at);

ALTER TABLE members ADD COLUMN timezone TEXT;
