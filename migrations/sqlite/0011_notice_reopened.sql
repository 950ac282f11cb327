-- A notice may also say that the secretariat undid a decision on a pair ('reopened', issue 13).
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows.
CREATE TABLE registry_notices_new (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    record_id       INTEGER NOT NULL REFERENCES registry_records(id),
    kind            TEXT NOT NULL CHECK (kind IN ('merged', 'split', 'same', 'different', 'unsure', 'reopened')),
    person_from     INTEGER NOT NULL DEFAULT 0,
    person_to       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
INSERT INTO registry_notices_new SELECT id, org_id, record_id, kind, person_from, person_to, created_at FROM registry_notices;
DROP TABLE registry_notices;
ALTER TABLE registry_notices_new RENAME TO registry_notices;
CREATE INDEX registry_notices_org ON registry_notices(org_id, id);
