-- Another identity number members may register instead of (or beside) a national ID: a refugee
-- registration (UNHCR) number, a passport, a social insurance number. Used for linkage, kept as
-- typed.
ALTER TABLE registry_records ADD COLUMN other_id TEXT NOT NULL DEFAULT '';
