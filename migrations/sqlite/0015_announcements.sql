-- Announcements and coordination requests (issue 14, 7): the secretariat writes to all members
-- or to those of chosen governorates or sectors; a request asks for an answer by a date. Who
-- was written to is fixed when it is sent (a member that joins later was not asked).
CREATE TABLE announcements (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('announcement', 'request')),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    answer_by       TEXT,
    -- The audience as chosen: governorate codes and sectors, comma-separated, empty for all.
    governorates    TEXT NOT NULL DEFAULT '',
    sectors         TEXT NOT NULL DEFAULT '',
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL
);

-- Files attached to an announcement (`org_id` NULL) or to a member's answer.
CREATE TABLE announcement_files (
    id              INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    org_id          INTEGER REFERENCES orgs(id),
    file_name       TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX announcement_files_of ON announcement_files(announcement_id, org_id);

CREATE TABLE announcement_recipients (
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    acknowledged_at TEXT,
    answered_at     TEXT,
    answered_by     INTEGER REFERENCES users(id),
    answer          TEXT NOT NULL DEFAULT '',
    reminded_at     TEXT,
    reminders       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (announcement_id, org_id)
);
CREATE INDEX announcement_recipients_org ON announcement_recipients(org_id, acknowledged_at);

-- E-mails waiting to go out, written in the transaction of what they tell of and sent after it
-- commits by the mailer (`mail`), which retries them with growing waits.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at);
