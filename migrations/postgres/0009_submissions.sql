-- A form or an API call that writes carries a key of its own (a fresh one with every form shown):
-- the same key twice is one write, so refreshing the page after "assistance recorded", or a
-- double click, records nothing more (issue 13, 1).
CREATE TABLE submissions (
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    submission_key  TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (org_id, submission_key)
);
