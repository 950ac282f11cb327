-- Uploads are one table for every feature that takes files (`purpose` says which). Their ids
-- come from an identity sequence, which never hands out an id twice (on SQLite the same
-- migration adds AUTOINCREMENT, see issue 12, 4).
ALTER TABLE registry_uploads RENAME TO uploads;
ALTER TABLE uploads DROP CONSTRAINT IF EXISTS registry_uploads_purpose_check;
CREATE INDEX uploads_created ON uploads (created_at);
