-- The knowledge library (issue 16): documents members and the secretariat share — guides,
-- reports, training material — each with the versions uploaded over time, and a text index.
CREATE TABLE library_documents (
    id              INTEGER PRIMARY KEY,
    -- The organisation that added it and may change it (with the secretariat).
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    -- Free tags, comma-separated; the sector and governorate have fields of their own.
    tags            TEXT NOT NULL DEFAULT '',
    sector          TEXT NOT NULL DEFAULT '',
    governorate     TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL CHECK (language IN ('ar', 'en', 'both')),
    -- public: anyone, also without signing in; members: every signed-in user of the alliance;
    -- secretariat: the secretariat (and the organisation that added it).
    access          TEXT NOT NULL CHECK (access IN ('public', 'members', 'secretariat')),
    -- The version shown and searched (the newest).
    version_id      INTEGER,
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- Taken out of the library: no longer listed or searched, kept for the audit trail.
    removed_at      TEXT
);
CREATE INDEX library_documents_listed ON library_documents(removed_at, updated_at);

CREATE TABLE library_versions (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES library_documents(id),
    number          INTEGER NOT NULL,
    file_name       TEXT NOT NULL,
    -- pdf, docx, xlsx or txt.
    file_type       TEXT NOT NULL,
    bytes           INTEGER NOT NULL,
    content         BLOB NOT NULL,
    -- The text extracted on upload, searched and quoted in excerpts.
    text            TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    UNIQUE (document_id, number)
);

-- The index holds terms, not text: each column is the analysed terms of the document's title,
-- of its summary, tags, sector and governorate, and of its current version's text, joined by
-- spaces (see the mizalla-search crate). The row id is the document's id.
CREATE VIRTUAL TABLE library_index USING fts5(
    title, keywords, body,
    tokenize = 'unicode61 remove_diacritics 0'
);
-- A word of the title weighs most, one of the body least.
INSERT INTO library_index (library_index, rank) VALUES ('rank', 'bm25(8.0, 4.0, 1.0)');
