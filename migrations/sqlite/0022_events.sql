-- Joint workshops and events (issue 16): the event with its sessions, who registered (seated or
-- waiting), who came to which session, certificates, feedback and calendar feeds.
CREATE TABLE events (
    id                  INTEGER PRIMARY KEY,
    -- The organisation that organises it: the secretariat, or a member whose proposal the
    -- secretariat approved.
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    title_ar            TEXT NOT NULL,
    title_en            TEXT NOT NULL,
    description_ar      TEXT NOT NULL DEFAULT '',
    description_en      TEXT NOT NULL DEFAULT '',
    kind                TEXT NOT NULL CHECK (kind IN ('workshop', 'training', 'conference', 'field_visit')),
    sector              TEXT NOT NULL DEFAULT '',
    -- Where it takes place (a governorate's code), empty when only online.
    governorate         TEXT NOT NULL DEFAULT '',
    capacity            INTEGER NOT NULL,
    -- The most people one member may register (seated or waiting); NULL for no limit.
    per_member_limit    INTEGER,
    -- Who may register: members (org ids) and roles, comma-separated; empty for anyone.
    eligible_orgs       TEXT NOT NULL DEFAULT '',
    eligible_roles      TEXT NOT NULL DEFAULT '',
    -- The registration window, UTC.
    registration_opens  TEXT NOT NULL,
    registration_closes TEXT NOT NULL,
    certificate         INTEGER NOT NULL DEFAULT 0,
    -- Certificate criterion: the share of sessions attended, in per cent.
    min_attendance      INTEGER NOT NULL DEFAULT 80,
    -- Accreditation hours earned by a certificate, in tenths of an hour.
    hours_tenths        INTEGER NOT NULL DEFAULT 0,
    -- proposed (by a member, waiting for the secretariat), open, closed (attendance final,
    -- certificates issued), cancelled.
    status              TEXT NOT NULL CHECK (status IN ('proposed', 'open', 'closed', 'cancelled')),
    created_by          INTEGER REFERENCES users(id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    closed_at           TEXT
);
CREATE INDEX events_listed ON events(status, registration_closes);

CREATE TABLE event_sessions (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    title       TEXT NOT NULL DEFAULT '',
    -- UTC; shown and typed in Cairo time.
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    online_url  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_sessions_event ON event_sessions(event_id, starts_at);

CREATE TABLE event_registrations (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events(id),
    -- The person registered (a user of a member or of the secretariat) and their organisation.
    user_id         INTEGER NOT NULL REFERENCES users(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    -- The name as registered: what the certificate says.
    name            TEXT NOT NULL,
    registered_by   INTEGER REFERENCES users(id),
    -- seated, waiting (in order of id), cancelled.
    status          TEXT NOT NULL CHECK (status IN ('seated', 'waiting', 'cancelled')),
    -- The check-in code: opaque, random, short enough for a QR code read off a phone.
    code            TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    promoted_at     TEXT,
    cancelled_at    TEXT,
    -- Given when the event is closed to those who met its criterion.
    certificate_serial TEXT UNIQUE,
    certificate_at  TEXT
);
CREATE INDEX event_registrations_event ON event_registrations(event_id, status, id);
CREATE INDEX event_registrations_user ON event_registrations(user_id);
-- One live registration per person and event (a cancelled one may be followed by another).
CREATE UNIQUE INDEX event_registrations_once ON event_registrations(event_id, user_id) WHERE status <> 'cancelled';

CREATE TABLE event_checkins (
    registration_id INTEGER NOT NULL REFERENCES event_registrations(id),
    session_id      INTEGER NOT NULL REFERENCES event_sessions(id),
    checked_at      TEXT NOT NULL,
    late            INTEGER NOT NULL DEFAULT 0,
    checked_by      INTEGER REFERENCES users(id),
    PRIMARY KEY (registration_id, session_id)
);
CREATE INDEX event_checkins_session ON event_checkins(session_id);

CREATE TABLE event_feedback (
    registration_id INTEGER PRIMARY KEY REFERENCES event_registrations(id),
    overall         INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
    content         INTEGER NOT NULL CHECK (content BETWEEN 1 AND 5),
    organisation    INTEGER NOT NULL CHECK (organisation BETWEEN 1 AND 5),
    comment         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);

-- A person's calendar feed of the events they registered for: a secret address, kept hashed.
CREATE TABLE event_feeds (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
