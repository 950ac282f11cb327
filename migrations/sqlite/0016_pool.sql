-- The resource pool (issue 15): members' offers, needs (posted, or drawn from the registry), and
-- allocation runs with their proposals. A run keeps its inputs as they were when it ran, so a
-- proposal can be explained and audited after offers and needs have changed.
CREATE TABLE pool_offers (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    category        TEXT NOT NULL REFERENCES assistance_categories(code),
    unit            TEXT NOT NULL DEFAULT '',
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    governorate     TEXT NOT NULL,
    district        TEXT NOT NULL DEFAULT '',
    reach           TEXT NOT NULL CHECK (reach IN ('district', 'governorate', 'national')),
    available_from  TEXT,
    available_until TEXT,
    conditions      TEXT NOT NULL DEFAULT '',
    -- `open` until withdrawn; a withdrawn offer takes no part in later runs.
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'withdrawn')),
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX pool_offers_org ON pool_offers(org_id, status);
CREATE INDEX pool_offers_kind ON pool_offers(category, governorate, status);

CREATE TABLE pool_needs (
    id              INTEGER PRIMARY KEY,
    -- Who posted it: a member, or the secretariat (also for needs drawn from the registry).
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    category        TEXT NOT NULL REFERENCES assistance_categories(code),
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    governorate     TEXT NOT NULL,
    district        TEXT NOT NULL DEFAULT '',
    priority        INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 100),
    note            TEXT NOT NULL DEFAULT '',
    -- A need drawn from the registry: the household, and the member that registered it (shown to
    -- the secretariat only).
    household_id    INTEGER,
    record_id       INTEGER REFERENCES registry_records(id),
    registered_by   INTEGER REFERENCES orgs(id),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'withdrawn')),
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX pool_needs_org ON pool_needs(org_id, status);
CREATE INDEX pool_needs_kind ON pool_needs(category, governorate, status);
CREATE INDEX pool_needs_household ON pool_needs(household_id, category);

CREATE TABLE pool_runs (
    id              INTEGER PRIMARY KEY,
    -- What the secretariat chose: kind codes and governorate codes, comma-separated, empty for all.
    categories      TEXT NOT NULL DEFAULT '',
    governorates    TEXT NOT NULL DEFAULT '',
    -- `proposal` until published; a newer run of the same choice supersedes an unpublished one.
    status          TEXT NOT NULL DEFAULT 'proposal' CHECK (status IN ('proposal', 'published', 'superseded')),
    deliver_by      TEXT,
    score           INTEGER NOT NULL,
    units_offered   INTEGER NOT NULL,
    units_needed    INTEGER NOT NULL,
    units_allocated INTEGER NOT NULL,
    solve_ms        INTEGER NOT NULL,
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    published_at    TEXT
);

-- A run's inputs as they were: each offer's and need's units left then, and its place and
-- priority, so that the proposal stays explainable.
CREATE TABLE pool_run_offers (
    run_id          INTEGER NOT NULL REFERENCES pool_runs(id),
    offer_id        INTEGER NOT NULL REFERENCES pool_offers(id),
    quantity        INTEGER NOT NULL,
    units_left      INTEGER NOT NULL,
    PRIMARY KEY (run_id, offer_id)
);
CREATE TABLE pool_run_needs (
    run_id          INTEGER NOT NULL REFERENCES pool_runs(id),
    need_id         INTEGER NOT NULL REFERENCES pool_needs(id),
    quantity        INTEGER NOT NULL,
    priority        INTEGER NOT NULL,
    units_left      INTEGER NOT NULL,
    PRIMARY KEY (run_id, need_id)
);

-- The secretariat's pins (a pair given at least this many units) and exclusions (a pair given
-- none) for the next run of a choice; kept with each run that used them.
CREATE TABLE pool_run_choices (
    run_id          INTEGER NOT NULL REFERENCES pool_runs(id),
    offer_id        INTEGER NOT NULL REFERENCES pool_offers(id),
    need_id         INTEGER NOT NULL REFERENCES pool_needs(id),
    choice          TEXT NOT NULL CHECK (choice IN ('pin', 'exclude')),
    quantity        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, offer_id, need_id)
);

-- A run's result: units of an offer for a need, with the figures that explain it. After
-- publishing, the offering member accepts or declines, then records deliveries (pool_deliveries;
-- what is delivered is counted from them, so a reversed ledger entry is undelivered again).
CREATE TABLE pool_allocations (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES pool_runs(id),
    offer_id        INTEGER NOT NULL REFERENCES pool_offers(id),
    need_id         INTEGER NOT NULL REFERENCES pool_needs(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    priority        INTEGER NOT NULL,
    transport_cost  INTEGER NOT NULL,
    -- What stopped more going to this need: need_met, offer_spent, pinned.
    limit_reason    TEXT NOT NULL,
    pinned          INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'published', 'accepted', 'declined')),
    responded_by    INTEGER REFERENCES users(id),
    responded_at    TEXT,
    UNIQUE (run_id, offer_id, need_id)
);
CREATE INDEX pool_allocations_offer ON pool_allocations(offer_id, status);
CREATE INDEX pool_allocations_need ON pool_allocations(need_id, status);
