DROP INDEX positions_search_partners_idx;
DROP TRIGGER rounds_release_readers ON rounds;
DROP FUNCTION rounds_release_readers();
DROP TRIGGER positions_readers ON positions;
DROP FUNCTION positions_readers();
ALTER TABLE positions DROP COLUMN readers;
DROP FUNCTION reply_readers(text, timestamptz, text);
