ALTER TABLE initiatives DROP COLUMN version, DROP COLUMN updated_at;
