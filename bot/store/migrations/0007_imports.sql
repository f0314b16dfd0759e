-- Contacts imported from earlier diaspora databases (`diaspora-bot members import`). They are
-- never messaged: the outbox only reaches members, and a contact becomes a member only by
-- writing to the bot and consenting. When a member registers (or later changes their phone or
-- e-mail) with a contact's phone or e-mail, the contact is linked to them, and is erased with
-- them. Only the fields the programme needs are kept; phones are E.164, e-mails lower-case.
CREATE TABLE imported_contacts (
    id INTEGER PRIMARY KEY,
    name TEXT,
    phone TEXT,
    email TEXT,
    country TEXT,
    city TEXT,
    municipality TEXT,
    sector TEXT,
    skills TEXT,
    -- the file it came from and the first row of it that named this contact
    source TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    linked_at TEXT,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One contact per phone and per e-mail: a second row with either is the same person (merged).
CREATE UNIQUE INDEX imported_contacts_phone ON imported_contacts (phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX imported_contacts_email ON imported_contacts (email) WHERE email IS NOT NULL;
CREATE INDEX imported_contacts_member ON imported_contacts (member_id);

CREATE TRIGGER members_link_imported_contacts
AFTER UPDATE OF registered_at, phone, email, verified_phone ON members
WHEN NEW.registered_at IS NOT NULL
BEGIN
    UPDATE imported_contacts
    SET member_id = NEW.id, linked_at = NEW.updated_at, updated_at = NEW.updated_at
    WHERE member_id IS NULL
      AND ((phone IS NOT NULL AND (phone = NEW.phone OR phone = NEW.verified_phone))
           OR (email IS NOT NULL AND email = lower(NEW.email)));
END;
