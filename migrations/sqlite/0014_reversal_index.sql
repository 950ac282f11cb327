-- "Is this entry reversed?" is asked of every entry by the priority score, the overlaps and the
-- coverage (NOT EXISTS … WHERE x.reverses_id = a.id). Without an index SQLite answered it by
-- scanning the whole ledger for each entry: the coverage page took 30 s on 100,000 entries.
CREATE INDEX assistance_reverses ON assistance(reverses_id);
