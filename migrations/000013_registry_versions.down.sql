ALTER TABLE dialogues DROP COLUMN participation_version;
ALTER TABLE initiatives DROP COLUMN version, DROP COLUMN updated_at;
