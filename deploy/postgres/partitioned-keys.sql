-- The registry's linking index (registry_keys, about fifteen rows per registration: 600 million
-- at 40 million persons) as a table hash-partitioned on the key, in 16 partitions, for a
-- national registry on PostgreSQL (docs/SCALING.md). An import looks keys up by equality, so
-- each look-up reads one partition; a partition's indexes stay small enough to be cached.
-- Run once after `mizalla migrate`, while no import runs:
--
--   psql "$DATABASE_URL" -f deploy/postgres/partitioned-keys.sql
--
-- The platform's queries are unchanged; a test imports members into a registry partitioned so
-- (crates/cli/tests/registry.rs).
BEGIN;
CREATE TABLE registry_keys_partitioned (
    key_hash  BIGINT NOT NULL,
    record_id BIGINT NOT NULL,
    PRIMARY KEY (key_hash, record_id)
) PARTITION BY HASH (key_hash);
DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format(
            'CREATE TABLE registry_keys_p%s PARTITION OF registry_keys_partitioned '
            'FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
    END LOOP;
END $$;
INSERT INTO registry_keys_partitioned SELECT key_hash, record_id FROM registry_keys;
DROP TABLE registry_keys;
ALTER TABLE registry_keys_partitioned RENAME TO registry_keys;
CREATE INDEX registry_keys_record ON registry_keys (record_id);
COMMIT;
