-- Dashboard sign-ins kept on the server: sessions that signing out (or a new password) ends,
-- browsers that signed in before, and failed attempts, so the sign-in limit survives a
-- restart. And the audit log forgets the words of searches recorded before.

-- One signed-in browser. The cookie carries the id; only its SHA-256 is stored, so a copy of
-- the database opens nothing. `proof` is a keyed digest of the password the session was
-- opened with (never the password): a session whose proof is not the current one is over.
CREATE TABLE dashboard_sessions (
    digest TEXT PRIMARY KEY,
    proof TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at);

-- A browser that signed in before (the SHA-256 of its cookie): its failed attempts count on
-- their own, so whoever shares its address cannot lock it out.
CREATE TABLE dashboard_browsers (
    digest TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);

-- Failed sign-ins within the last window: `client` is `address:<ip>` or `browser:<digest>`.
CREATE TABLE dashboard_failures (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    client TEXT NOT NULL,
    known INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dashboard_failures_client ON dashboard_failures (client, at);
CREATE INDEX dashboard_failures_at ON dashboard_failures (known, at);

-- A search's words could name a member and outlive her erasure: keep only that there was one.
UPDATE audit_log SET detail = json_set(detail, '$.filters.search', json('true'))
WHERE json_valid(detail) AND json_type(detail, '$.filters.search') = 'text';
UPDATE audit_log SET detail = json_set(detail, '$.search', json('true'))
WHERE json_valid(detail) AND json_type(detail, '$.search') = 'text';
