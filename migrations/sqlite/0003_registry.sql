-- The shared beneficiary registry and the assistance ledger.

-- One member's registration of one person, as the member typed it (the linkage engine reads
-- these fields again whenever the registry is re-linked). `member_key` is the member's own
-- record id: importing the same file again updates, never duplicates.
CREATE TABLE registry_records (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs(id),
    member_key        TEXT NOT NULL,
    household_ref     TEXT NOT NULL DEFAULT '',
    relation_to_head  TEXT NOT NULL DEFAULT '',
    full_name         TEXT NOT NULL DEFAULT '',
    first_name        TEXT NOT NULL DEFAULT '',
    father_name       TEXT NOT NULL DEFAULT '',
    grandfather_name  TEXT NOT NULL DEFAULT '',
    family_name       TEXT NOT NULL DEFAULT '',
    gender            TEXT NOT NULL DEFAULT '',
    date_of_birth     TEXT NOT NULL DEFAULT '',
    age               TEXT NOT NULL DEFAULT '',
    national_id       TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    governorate       TEXT NOT NULL DEFAULT '',
    district          TEXT NOT NULL DEFAULT '',
    village           TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    registered_at     TEXT NOT NULL DEFAULT '',
    -- How the member's file wrote dates: 'dmy' or 'mdy' (inferred per file).
    date_order        TEXT NOT NULL CHECK (date_order IN ('dmy', 'mdy')),
    -- The registry's person and household this registration belongs to (set by linkage).
    person_id         INTEGER NOT NULL DEFAULT 0,
    household_id      INTEGER NOT NULL DEFAULT 0,
    import_id         INTEGER,
    -- Search keys from the linkage engine's normalisers: name skeletons (the same for Arabic
    -- and Latin spellings) between spaces, the national ID's digits, the canonical mobile.
    name_key          TEXT NOT NULL DEFAULT '',
    nid_key           TEXT NOT NULL DEFAULT '',
    phone_key         TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (org_id, member_key)
);
CREATE INDEX registry_records_person ON registry_records(person_id);
CREATE INDEX registry_records_household ON registry_records(household_id);
CREATE INDEX registry_records_nid_key ON registry_records(nid_key);
CREATE INDEX registry_records_phone_key ON registry_records(phone_key);

-- A file uploaded on the import page, kept between its preview and its commit.
CREATE TABLE registry_uploads (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    file_name       TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE registry_imports (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    file_name       TEXT NOT NULL,
    rows_read       INTEGER NOT NULL,
    rows_new        INTEGER NOT NULL,
    rows_updated    INTEGER NOT NULL,
    rows_unchanged  INTEGER NOT NULL,
    rows_rejected   INTEGER NOT NULL,
    linked          INTEGER NOT NULL,
    for_review      INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX registry_imports_org ON registry_imports(org_id, id);

-- A member's confirmed mapping of its file's columns, reused for a file with the same headers.
CREATE TABLE registry_mappings (
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    signature       TEXT NOT NULL,
    mapping_json    TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (org_id, signature)
);

-- Pairs of registrations the engine is unsure about, and people's decisions on them. A decided
-- pair is kept: `different` is never proposed or linked again, `same` always links.
CREATE TABLE registry_pairs (
    id              INTEGER PRIMARY KEY,
    record_l        INTEGER NOT NULL REFERENCES registry_records(id),
    record_r        INTEGER NOT NULL REFERENCES registry_records(id),
    probability     REAL NOT NULL,
    explanation     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'same', 'different', 'unsure')),
    decided_by      INTEGER REFERENCES users(id),
    decided_at      TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (record_l, record_r)
);
CREATE INDEX registry_pairs_status ON registry_pairs(status, probability);

CREATE TABLE assistance_categories (
    code            TEXT PRIMARY KEY,
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1
);
INSERT INTO assistance_categories (code, name_ar, name_en) VALUES
    ('food_box', 'كرتونة مواد غذائية', 'Food box'),
    ('cash', 'مساعدة نقدية', 'Cash assistance'),
    ('medical', 'مساعدة طبية', 'Medical assistance'),
    ('education_kit', 'حقيبة مدرسية', 'Education kit'),
    ('rent', 'إيجار سكن', 'Rent'),
    ('clothing', 'كسوة', 'Clothing'),
    ('blankets', 'بطاطين', 'Blankets');

-- The assistance ledger: append-only (the triggers refuse changes) and hash-chained: each
-- entry's hash covers its fields and the previous entry's hash, so `mizalla ledger verify`
-- finds any entry changed, removed or inserted behind the application's back. A correction is
-- a new entry that reverses an earlier one.
CREATE TABLE assistance (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    record_id       INTEGER NOT NULL REFERENCES registry_records(id),
    scope           TEXT NOT NULL CHECK (scope IN ('person', 'household')),
    category        TEXT NOT NULL REFERENCES assistance_categories(code),
    quantity        INTEGER NOT NULL,
    value_piastres  INTEGER NOT NULL,
    given_on        TEXT NOT NULL,
    programme       TEXT NOT NULL,
    reverses_id     INTEGER REFERENCES assistance(id),
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    prev_hash       TEXT NOT NULL UNIQUE,
    hash            TEXT NOT NULL UNIQUE
);
CREATE INDEX assistance_record ON assistance(record_id);
CREATE INDEX assistance_category ON assistance(category, given_on);
CREATE TRIGGER assistance_append_only_update BEFORE UPDATE ON assistance
BEGIN SELECT RAISE(ABORT, 'the assistance ledger is append-only'); END;
CREATE TRIGGER assistance_append_only_delete BEFORE DELETE ON assistance
BEGIN SELECT RAISE(ABORT, 'the assistance ledger is append-only'); END;

-- "The same category to the same person (or household) from two members within N days."
CREATE TABLE overlap_rules (
    id              INTEGER PRIMARY KEY,
    category        TEXT NOT NULL REFERENCES assistance_categories(code),
    window_days     INTEGER NOT NULL CHECK (window_days > 0),
    scope           TEXT NOT NULL CHECK (scope IN ('person', 'household')),
    active          INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL
);

-- Overlaps found when assistance was recorded: the entry, the earlier entry it overlaps, the rule.
CREATE TABLE assistance_overlaps (
    id              INTEGER PRIMARY KEY,
    assistance_id   INTEGER NOT NULL REFERENCES assistance(id),
    other_id        INTEGER NOT NULL REFERENCES assistance(id),
    rule_id         INTEGER NOT NULL REFERENCES overlap_rules(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX assistance_overlaps_entry ON assistance_overlaps(assistance_id);
