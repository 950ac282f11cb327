-- Uploads are one table for every feature that takes files (`purpose` says which), and their ids
-- are never reused: SQLite reuses the largest rowid of a table without AUTOINCREMENT once that
-- row is deleted, and a member's second upload then took the id of its first, whose finished
-- import the server still remembered (issue 12, 4).
CREATE TABLE uploads (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    purpose         TEXT NOT NULL DEFAULT 'registry',
    file_name       TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL
);
INSERT INTO uploads (id, org_id, user_id, purpose, file_name, content, created_at)
    SELECT id, org_id, user_id, purpose, file_name, content, created_at FROM registry_uploads;
DROP TABLE registry_uploads;
CREATE INDEX uploads_created ON uploads (created_at);
