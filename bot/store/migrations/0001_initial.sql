-- Members, the addresses that reach them, conversation state and the audit log.
CREATE TABLE members (
    -- AUTOINCREMENT: an erased member's number is never given to someone else.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    country TEXT,
    city TEXT,
    municipality TEXT,
    emigration_year INTEGER,
    sector TEXT,
    skills TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    preferred_channel TEXT,
    email TEXT,
    phone TEXT,
    language TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consent_at TEXT NOT NULL,
    registered_at TEXT,
    stopped_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX members_phone ON members (phone);
CREATE INDEX members_registered_at ON members (registered_at);

CREATE TABLE addresses (
    address TEXT PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    unreachable_at TEXT,
    last_inbound_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX addresses_member ON addresses (member_id);

CREATE TABLE conversations (
    address TEXT PRIMARY KEY,
    flow TEXT,
    step TEXT,
    answers TEXT NOT NULL DEFAULT '{}',
    history TEXT NOT NULL DEFAULT '[]',
    seq INTEGER NOT NULL DEFAULT 0,
    offered TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    detail TEXT
);
