DROP INDEX IF EXISTS rounds_open_idx;
DROP INDEX IF EXISTS documents_year_marking_idx;
DROP INDEX IF EXISTS documents_newest_idx;
