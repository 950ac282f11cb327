-- Which version of the library's text analysis (mizalla-search's ANALYSIS_VERSION) wrote the
-- index: when the analysis changes, the application indexes every document again at start.
CREATE TABLE library_index_version (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    version         BIGINT NOT NULL
);
