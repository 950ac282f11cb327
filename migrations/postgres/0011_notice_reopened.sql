-- A notice may also say that the secretariat undid a decision on a pair ('reopened', issue 13).
ALTER TABLE registry_notices DROP CONSTRAINT registry_notices_kind_check;
ALTER TABLE registry_notices ADD CONSTRAINT registry_notices_kind_check
    CHECK (kind IN ('merged', 'split', 'same', 'different', 'unsure', 'reopened'));
