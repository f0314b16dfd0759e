-- foreign_keys: off
-- (Tables are rebuilt below; with foreign keys on, dropping a parent table would cascade to its
-- children. The migration runner switches them off for this script and checks them after.)

-- 1. Imported contacts link only to a member whose phone number the platform proved: a number
-- shared with Telegram's own-contact button (members.verified_phone) or the number of a WhatsApp
-- chat (signed by Twilio). A typed phone or e-mail proves nothing — anyone can type another
-- person's — so it links nobody, and links made that way so far are undone.
DROP TRIGGER members_link_imported_contacts;

-- 2. Ids that staff act on by number (`fellowship status 12 …`, audit entries, dashboard forms,
-- check-in, broadcasts, imported contacts) are never given again after an erasure:
-- AUTOINCREMENT, as members already have. Each table is rebuilt with its rows, ids and indexes.
CREATE TABLE new_fellowship_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    field TEXT,
    host_kind TEXT,
    -- how long the applicant can take part (up_to_1, 1_to_3, 3_to_6, 6_to_12 months) and the
    -- month they could start (YYYY-MM)
    duration TEXT,
    available_from TEXT,
    -- on_site | remote | hybrid
    work_mode TEXT,
    motivation TEXT,
    link TEXT,
    -- submitted | screening | shortlisted | accepted | declined | withdrawn
    status TEXT NOT NULL DEFAULT 'submitted',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (programme, member_id)
);
INSERT INTO new_fellowship_applications SELECT * FROM fellowship_applications;
DROP TABLE fellowship_applications;
ALTER TABLE new_fellowship_applications RENAME TO fellowship_applications;
CREATE INDEX fellowship_member ON fellowship_applications (member_id);

CREATE TABLE new_application_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES fellowship_applications (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    status TEXT,
    note TEXT,
    at TEXT NOT NULL
);
INSERT INTO new_application_notes SELECT * FROM application_notes;
DROP TABLE application_notes;
ALTER TABLE new_application_notes RENAME TO application_notes;
CREATE INDEX application_notes_application ON application_notes (application_id);

CREATE TABLE new_rsvps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- going | maybe | not_going | waitlisted
    status TEXT NOT NULL,
    -- people coming along with the member; a "going" RSVP takes 1 + guests seats
    guests INTEGER NOT NULL DEFAULT 0,
    -- the waitlist is served in this order (kept while a waitlisted member changes guests)
    waitlisted_at TEXT,
    checked_in_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (event, member_id)
);
INSERT INTO new_rsvps SELECT * FROM rsvps;
DROP TABLE rsvps;
ALTER TABLE new_rsvps RENAME TO rsvps;
CREATE INDEX rsvps_event_status ON rsvps (event, status);
CREATE INDEX rsvps_member ON rsvps (member_id);

CREATE TABLE new_broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor TEXT NOT NULL,
    text TEXT NOT NULL,
    audience TEXT NOT NULL,
    created_at TEXT NOT NULL,
    texts TEXT,
    report_to TEXT,
    report_language TEXT,
    reported_at TEXT
);
INSERT INTO new_broadcasts (id, actor, text, audience, created_at, texts, report_to,
    report_language, reported_at)
SELECT id, actor, text, audience, created_at, texts, report_to, report_language, reported_at
FROM broadcasts;
DROP TABLE broadcasts;
ALTER TABLE new_broadcasts RENAME TO broadcasts;
CREATE INDEX broadcasts_reporting ON broadcasts (reported_at) WHERE report_to IS NOT NULL;

CREATE TABLE new_audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    detail TEXT
);
INSERT INTO new_audit_log SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE new_audit_log RENAME TO audit_log;

CREATE TABLE new_imported_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_imported_contacts SELECT * FROM imported_contacts;
DROP TABLE imported_contacts;
ALTER TABLE new_imported_contacts RENAME TO imported_contacts;
CREATE UNIQUE INDEX imported_contacts_phone ON imported_contacts (phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX imported_contacts_email ON imported_contacts (email) WHERE email IS NOT NULL;
CREATE INDEX imported_contacts_member ON imported_contacts (member_id);

-- Back to 1: undo links that no proved number supports, then link by proof only, from now on.
UPDATE imported_contacts SET member_id = NULL, linked_at = NULL
WHERE member_id IS NOT NULL AND NOT (phone IS NOT NULL AND EXISTS (
    SELECT 1 FROM members m WHERE m.id = imported_contacts.member_id
    AND (m.verified_phone = imported_contacts.phone OR EXISTS (
        SELECT 1 FROM addresses a WHERE a.member_id = m.id
        AND a.address = 'whatsapp:' || imported_contacts.phone))));

CREATE TRIGGER members_link_imported_contacts
AFTER UPDATE OF registered_at, verified_phone ON members
WHEN NEW.registered_at IS NOT NULL
BEGIN
    UPDATE imported_contacts
    SET member_id = NEW.id, linked_at = NEW.updated_at, updated_at = NEW.updated_at
    WHERE member_id IS NULL AND phone IS NOT NULL
      AND (phone = NEW.verified_phone OR EXISTS (
          SELECT 1 FROM addresses a WHERE a.member_id = NEW.id
          AND a.address = 'whatsapp:' || imported_contacts.phone));
END;

-- A WhatsApp chat that joins a registered member later (by the number they proved on
-- Telegram) proves that number too.
CREATE TRIGGER addresses_link_imported_contacts
AFTER INSERT ON addresses
WHEN NEW.channel = 'whatsapp'
BEGIN
    UPDATE imported_contacts
    SET member_id = NEW.member_id, linked_at = NEW.created_at, updated_at = NEW.created_at
    WHERE member_id IS NULL AND phone = substr(NEW.address, 10)
      AND EXISTS (SELECT 1 FROM members m WHERE m.id = NEW.member_id
                  AND m.registered_at IS NOT NULL);
END;
