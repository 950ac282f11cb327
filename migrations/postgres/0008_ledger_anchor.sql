-- Anchors of the assistance ledger (docs/ARCHITECTURE.md, "Assistance ledger").
--
-- Each entry's seal: an HMAC-SHA-256 of its hash with the ledger key, which is kept outside the
-- database. Entries recorded before this migration have none (SQL cannot compute it, and the
-- table refuses updates): they are pinned instead by `ledger_seal`, written once at the first
-- start with a key, which seals how many entries came before the key and the last one's hash.
ALTER TABLE assistance ADD COLUMN mac TEXT;

-- One row: the moment the ledger key was introduced. `mac` seals key_id, pre_key_entries and
-- pre_key_head with the key.
CREATE TABLE ledger_seal (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    key_id          TEXT NOT NULL,
    pre_key_entries BIGINT NOT NULL,
    pre_key_head    TEXT NOT NULL,
    mac             TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE FUNCTION ledger_seal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the ledger seal cannot be changed'; END; $$;
CREATE TRIGGER ledger_seal_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_seal
FOR EACH STATEMENT EXECUTE FUNCTION ledger_seal_append_only();

-- TRUNCATE skips UPDATE and DELETE triggers: refuse it on the ledger too.
CREATE TRIGGER assistance_no_truncate BEFORE TRUNCATE ON assistance
FOR EACH STATEMENT EXECUTE FUNCTION assistance_append_only();
