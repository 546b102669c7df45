ALTER TABLE dialogues DROP COLUMN participation_version, DROP COLUMN priorities_version;
ALTER TABLE initiatives DROP COLUMN version, DROP COLUMN updated_at;
