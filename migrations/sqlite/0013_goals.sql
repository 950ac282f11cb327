-- Shared goals and their indicators (issue 14, 5): what the alliance set out to reach, and where
-- each indicator's value comes from — counted from the ledger, summed from reported activities,
-- or entered by members with a note.
CREATE TABLE goals (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- `kind`: a kind of assistance (ledger) or of activity (activities), empty for any;
-- `governorates`: two-digit codes between spaces, empty for every governorate.
CREATE TABLE indicators (
    id              INTEGER PRIMARY KEY,
    goal_id         INTEGER NOT NULL REFERENCES goals(id),
    title           TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('ledger', 'activities', 'entered')),
    measure         TEXT NOT NULL CHECK (measure IN ('households', 'persons', 'people', 'units')),
    kind            TEXT NOT NULL DEFAULT '',
    governorates    TEXT NOT NULL DEFAULT '',
    target          INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX indicators_goal ON indicators(goal_id);

-- What a member entered for an indicator whose values are entered: how much, as of when, why.
CREATE TABLE indicator_values (
    id              INTEGER PRIMARY KEY,
    indicator_id    INTEGER NOT NULL REFERENCES indicators(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    value           INTEGER NOT NULL,
    note            TEXT NOT NULL,
    as_of           TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX indicator_values_indicator ON indicator_values(indicator_id);
