-- The linkage model of the registry's last run (m, u and the share of matches among candidate
-- pairs), so that a restarted server answers "already registered?" without estimating it again,
-- and that run's version: a server whose index has another version rebuilds it.
CREATE TABLE registry_model (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    parameters_json TEXT NOT NULL,
    version         TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- What happened to a member's registration when a re-link or people's decision moved it: joined
-- to another person ('merged'), separated from one ('split'), or a pair involving it decided
-- ('same', 'different', 'unsure'). Members read these; only registry numbers are stored.
CREATE TABLE registry_notices (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    record_id       INTEGER NOT NULL REFERENCES registry_records(id),
    kind            TEXT NOT NULL CHECK (kind IN ('merged', 'split', 'same', 'different', 'unsure')),
    person_from     INTEGER NOT NULL DEFAULT 0,
    person_to       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX registry_notices_org ON registry_notices(org_id, id);

-- Uploaded files are beneficiary lists or assistance lists.
ALTER TABLE registry_uploads ADD COLUMN purpose TEXT NOT NULL DEFAULT 'registry'
    CHECK (purpose IN ('registry', 'assistance'));

-- Two more things members' lists carry, for the "most in need" score (not used for linkage): a
-- disability (any answer but no) and the household's monthly income in pounds, as typed.
ALTER TABLE registry_records ADD COLUMN disability TEXT NOT NULL DEFAULT '';
ALTER TABLE registry_records ADD COLUMN monthly_income TEXT NOT NULL DEFAULT '';
