-- WhatsApp messages kept from the webhook's arrival until every reply went out, so neither a
-- crash nor a Twilio outage loses one. A row is deleted once answered; its fields (the member's
-- message) are dropped as soon as the engine has handled it.
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    -- Twilio's MessageSid: a webhook Twilio repeats is stored once.
    provider_id TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    -- the webhook's fields (JSON) until handled, then '{}'
    fields TEXT NOT NULL,
    -- received | replying
    state TEXT NOT NULL DEFAULT 'received',
    -- the rendered replies still to send (JSON list)
    parts TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL,
    error TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX inbox_address ON inbox (address, id);
CREATE INDEX inbox_not_before ON inbox (not_before);

-- A phone number the member proved is theirs (shared with Telegram's own-contact button), so a
-- WhatsApp chat from that number joins the same member. A typed number proves nothing.
ALTER TABLE members ADD COLUMN verified_phone TEXT;
CREATE INDEX members_verified_phone ON members (verified_phone);
