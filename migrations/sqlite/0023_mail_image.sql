-- An e-mail may carry one picture (a registration's QR code), attached to its text.
ALTER TABLE mail_outbox ADD COLUMN image_name TEXT;
ALTER TABLE mail_outbox ADD COLUMN image BLOB;
