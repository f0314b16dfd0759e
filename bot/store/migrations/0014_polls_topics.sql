-- Polls and post-event feedback (content/polls/<id>.md), the topics members choose, and the
-- options an outbox message offers (issue 16).

-- One member's answer to one poll: the options chosen (a JSON list of option ids, in the poll's
-- order) and/or their own words when the poll takes free text. Changed while the poll is open
-- (``changes`` counts how often); it goes with the member.
CREATE TABLE poll_answers (
    poll TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    choices TEXT NOT NULL DEFAULT '[]',
    text TEXT,
    -- the channel the answer came on: telegram, whatsapp, terminal
    channel TEXT,
    answered_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (poll, member_id)
);
CREATE INDEX poll_answers_member ON poll_answers (member_id);

-- The kinds of messages (content/programme.yaml's topics) a member turned off with /topics.
-- Everyone starts with every topic on, so only what was turned off is kept.
CREATE TABLE topics_off (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (member_id, topic)
) WITHOUT ROWID;
CREATE INDEX topics_off_topic ON topics_off (topic);

-- The options an outbox message offers (a poll's buttons), as a JSON list of [id, label]; NULL
-- for a message with none.
ALTER TABLE outbox ADD COLUMN options TEXT;
