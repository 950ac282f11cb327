-- The registry's index for linking an import without re-linking everything (issue 18): every
-- registration's blocking keys and name parts, hashed (link::block::indexed, name_key). An
-- import looks up the keys of its rows to find the registrations they may be; how many rows
-- hold a key says whether its block is too large to compare and how common a name is.
CREATE TABLE registry_keys (
    key_hash  BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    PRIMARY KEY (key_hash, record_id)
);
CREATE INDEX registry_keys_record ON registry_keys(record_id);

-- Which revision of the engine's keys the index holds (empty: none yet), and how many
-- registrations the model was estimated on: the model is estimated again when the registry
-- has grown by a quarter since.
ALTER TABLE registry_model ADD COLUMN keys_revision TEXT NOT NULL DEFAULT '';
ALTER TABLE registry_model ADD COLUMN estimated_on BIGINT NOT NULL DEFAULT 0;
