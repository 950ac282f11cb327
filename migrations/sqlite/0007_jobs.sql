-- Long work that runs on after its request (a registry import from the web), kept in the
-- database so that its outcome outlives the process, and so that work a crash or a restart cut
-- short is shown to its member as interrupted, with its file still there to start again.
CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    kind            TEXT NOT NULL,
    -- What the job works on (for an import, the upload's id).
    subject_id      INTEGER NOT NULL,
    name            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    -- The server process running it, and when it last said it still does.
    instance        TEXT NOT NULL,
    heartbeat_at    TEXT NOT NULL,
    outcome_json    TEXT,
    failure         TEXT,
    started_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX jobs_subject ON jobs (kind, subject_id);
CREATE INDEX jobs_org ON jobs (org_id, started_at);
