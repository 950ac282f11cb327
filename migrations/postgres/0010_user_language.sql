-- The language a user chose (`ar`, `en`; empty until they choose), kept with the account so that
-- it follows them to another computer: pages are Arabic by default whatever the browser's
-- language, as many office computers run English Windows (issue 13).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
