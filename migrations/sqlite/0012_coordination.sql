-- Coordination (issue 14): who does what, where and when.

-- Every kind of assistance belongs to a sector, so that the ledger's entries take their place in
-- the alliance's 4W beside members' reported activities.
ALTER TABLE assistance_categories ADD COLUMN sector TEXT NOT NULL DEFAULT 'relief';
UPDATE assistance_categories SET sector = 'health' WHERE code = 'medical';
UPDATE assistance_categories SET sector = 'education' WHERE code = 'education_kit';
UPDATE assistance_categories SET sector = 'housing' WHERE code = 'rent';

-- The kinds of activity that are not aid to a registered person (a training, an awareness
-- session, a medical convoy…): the secretariat adds, renames and retires them, as it does the
-- kinds of assistance.
CREATE TABLE activity_types (
    code            TEXT PRIMARY KEY,
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    sector          TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1
);
INSERT INTO activity_types (code, name_ar, name_en, sector) VALUES
    ('training', 'تدريب', 'Training', 'livelihoods'),
    ('awareness', 'ندوة توعية', 'Awareness session', 'health'),
    ('medical_convoy', 'قافلة طبية', 'Medical convoy', 'health'),
    ('school_rehab', 'تأهيل مدرسة', 'School rehabilitation', 'education'),
    ('literacy', 'فصل محو أمية', 'Literacy class', 'education'),
    ('water_connection', 'توصيل مياه', 'Water connection', 'water_sanitation'),
    ('home_repair', 'ترميم منازل', 'Home repair', 'housing');

-- An activity a member reports, with the people it reached as the member counted them (these
-- are not registered persons: the 4W marks its rows "reported"). The governorate is its
-- two-digit code; district and village are as typed, compared through the place normaliser.
CREATE TABLE activities (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    type_code       TEXT NOT NULL REFERENCES activity_types(code),
    title           TEXT NOT NULL,
    governorate     TEXT NOT NULL,
    district        TEXT NOT NULL DEFAULT '',
    village         TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('planned', 'ongoing', 'done')),
    reached_total   INTEGER NOT NULL,
    reached_women   INTEGER NOT NULL,
    reached_children INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX activities_org ON activities(org_id, starts_on);
CREATE INDEX activities_place ON activities(governorate, starts_on);
