-- Local businesses that ask for help, diaspora members' offers of help, and the introductions
-- between them (matches), with their history and the outcomes the follow-ups record.

-- A business's request. ``member_id`` is its contact person in the bot (a members row made at
-- their consent; they need not be registered in the diaspora map). A request imported from a
-- municipality's list has none until its contact person writes to the bot, consents and proves
-- the imported phone number is theirs (WhatsApp's own number, or Telegram's own-contact button):
-- until then nobody is messaged about it. The request goes with its contact person.
CREATE TABLE businesses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- one of the 25 municipalities of content/programme.yaml, as members see them
    municipality TEXT,
    -- a sector code of content/programme.yaml
    sector TEXT,
    -- idea | starting | established
    stage TEXT,
    -- JSON list of business_plan, mentoring, expertise, market_access, investment
    needs TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    -- JSON list of spoken-language codes the business can work in
    languages TEXT NOT NULL DEFAULT '[]',
    contact_name TEXT,
    -- E.164; proved_phone is 1 when the platform vouched that it is the contact person's own
    phone TEXT,
    proved_phone INTEGER NOT NULL DEFAULT 0,
    email TEXT,
    -- open | paused | closed
    status TEXT NOT NULL DEFAULT 'open',
    -- 'chat', or the imported file's name and the row that named the business
    source TEXT NOT NULL,
    source_row INTEGER,
    consent_version TEXT,
    consent_at TEXT,
    linked_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX businesses_member ON businesses (member_id);
CREATE INDEX businesses_unclaimed_phone ON businesses (phone) WHERE member_id IS NULL;

-- A member's offer of help: one per member, paused or withdrawn by them.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL UNIQUE REFERENCES members (id) ON DELETE CASCADE,
    -- JSON lists: the needs they can meet, sectors, and languages they can work in
    gives TEXT NOT NULL DEFAULT '[]',
    sectors TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    -- on_site | remote | hybrid (the labels of work_modes.* in the locales)
    mode TEXT NOT NULL,
    -- hours a month they can give
    hours INTEGER NOT NULL,
    -- for investment, an optional range code (under_10k, 10k_50k, 50k_250k, over_250k)
    investment TEXT,
    -- how a business may reach them once both sides agreed (an e-mail address or a phone)
    contact TEXT,
    -- active | paused | withdrawn
    status TEXT NOT NULL DEFAULT 'active',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- An introduction a coordinator proposed between a business and a member who offered help.
-- A member is proposed to a business once, ever (UNIQUE). Each side answers; only when both
-- accepted (status 'introduced') are names and contacts exchanged.
CREATE TABLE matches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id INTEGER NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- proposed | introduced | declined | expired | withdrawn | ended
    status TEXT NOT NULL DEFAULT 'proposed',
    -- accepted | declined, per side; NULL until that side answered
    business_answer TEXT,
    business_answered_at TEXT,
    member_answer TEXT,
    member_answered_at TEXT,
    -- the ranking's score and reasons when it was proposed (JSON list of text)
    score INTEGER,
    reasons TEXT NOT NULL DEFAULT '[]',
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    introduced_at TEXT,
    closed_at TEXT,
    -- why it was declined, expired, withdrawn or ended
    reason TEXT,
    -- the best outcome either side reported: met (0/1), plan (drafted | completed), investment
    met INTEGER,
    plan TEXT,
    investment INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (business_id, member_id)
);
CREATE INDEX matches_member ON matches (member_id);
CREATE INDEX matches_status ON matches (status, expires_at);

-- Every state a match went through, oldest first, with who moved it and why.
CREATE TABLE match_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT
);
CREATE INDEX match_events_match ON match_events (match_id);

-- The follow-ups two weeks and two months after an introduction: one row per side and round,
-- asked (queued in the outbox) then answered in the chat.
CREATE TABLE match_follow_ups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    -- business | member
    side TEXT NOT NULL,
    -- 2w | 2m
    round TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    answered_at TEXT,
    -- yes | no | not_yet
    met TEXT,
    -- none | drafted | completed
    plan TEXT,
    -- yes | no
    investment TEXT,
    continues TEXT,
    UNIQUE (match_id, side, round)
);
