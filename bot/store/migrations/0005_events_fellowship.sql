-- RSVPs to events (content/events/<slug>.yaml) and fellowship applications
-- (content/fellowships/<slug>.yaml). Both vanish with the member.
CREATE TABLE rsvps (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX rsvps_event_status ON rsvps (event, status);
CREATE INDEX rsvps_member ON rsvps (member_id);

CREATE TABLE fellowship_applications (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX fellowship_member ON fellowship_applications (member_id);

-- Status changes and coordinators' notes on an application, oldest first (never sent to the
-- member; the member is told of a status change by a notice in the outbox).
CREATE TABLE application_notes (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES fellowship_applications (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    status TEXT,
    note TEXT,
    at TEXT NOT NULL
);
CREATE INDEX application_notes_application ON application_notes (application_id);
