-- Questions members put to the programme team (issue 14): one thread per question, and every
-- message in it — the member's, the team's answers and the team's internal notes. Both go with
-- the member (/delete, the retention job).
CREATE TABLE question_threads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- open (waiting for the team) | answered (the team spoke last) | closed
    status TEXT NOT NULL DEFAULT 'open',
    -- the language the member asked in (answers are framed in it)
    language TEXT NOT NULL,
    -- the FAQ entry the member was offered and said did not help, if any
    faq TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_answered_at TEXT,
    closed_at TEXT
);
CREATE INDEX question_threads_member ON question_threads (member_id, status);
CREATE INDEX question_threads_status ON question_threads (status, created_at);

CREATE TABLE question_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id INTEGER NOT NULL REFERENCES question_threads (id) ON DELETE CASCADE,
    -- member | answer | note (internal: never sent)
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    -- who on the team wrote it (telegram:42, dashboard, cli:login); NULL for the member
    author TEXT,
    at TEXT NOT NULL,
    -- the staff group's message that shows a member's message: a reply to it is an answer
    posted_chat TEXT,
    posted_id TEXT
);
CREATE INDEX question_messages_thread ON question_messages (thread_id);
CREATE UNIQUE INDEX question_messages_posted ON question_messages (posted_chat, posted_id)
    WHERE posted_id IS NOT NULL;
CREATE INDEX question_messages_unposted ON question_messages (at) WHERE posted_id IS NULL
    AND kind = 'member';
