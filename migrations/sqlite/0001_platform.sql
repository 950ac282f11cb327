-- Platform foundation: organisations, users, sessions, API tokens, agreements, audit.
-- Times are RFC 3339 UTC text, dates ISO text, flags 0/1 integers: the same values on both
-- backends (see crates/app/src/db/mod.rs). Keep this file and ../postgres/0001_platform.sql in step;
-- a test compares the two schemas.

CREATE TABLE orgs (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('secretariat', 'member')),
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    sectors         TEXT NOT NULL DEFAULT '',
    governorates    TEXT NOT NULL DEFAULT '',
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    contact_email   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'left')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE org_status_history (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    changed_by  INTEGER,
    changed_at  TEXT NOT NULL
);
CREATE INDEX org_status_history_org ON org_status_history(org_id);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL DEFAULT '',
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    role            TEXT NOT NULL CHECK (role IN ('secretariat_admin', 'secretariat_staff', 'member_admin', 'member_staff', 'auditor')),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE agreements (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('visit', 'meeting', 'memorandum')),
    title           TEXT NOT NULL,
    held_on         TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    participants    TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL DEFAULT '',
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX agreements_held_on ON agreements(held_on, id);

CREATE TABLE agreement_members (
    agreement_id    INTEGER NOT NULL REFERENCES agreements(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (agreement_id, org_id)
);
CREATE INDEX agreement_members_org ON agreement_members(org_id, agreement_id);

CREATE TABLE agreement_points (
    id              INTEGER PRIMARY KEY,
    agreement_id    INTEGER NOT NULL REFERENCES agreements(id),
    body            TEXT NOT NULL,
    owner_org_id    INTEGER NOT NULL REFERENCES orgs(id),
    due_on          TEXT,
    status          TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX agreement_points_agreement ON agreement_points(agreement_id);
CREATE INDEX agreement_points_owner ON agreement_points(owner_org_id, status);

CREATE TABLE point_updates (
    id          INTEGER PRIMARY KEY,
    point_id    INTEGER NOT NULL REFERENCES agreement_points(id),
    author_id   INTEGER NOT NULL REFERENCES users(id),
    note        TEXT NOT NULL,
    status_from TEXT NOT NULL,
    status_to   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX point_updates_point ON point_updates(point_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor_email TEXT NOT NULL DEFAULT '',
    actor_org_id INTEGER,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
