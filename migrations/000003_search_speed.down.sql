-- Reverses 000003_search_speed.up.sql.
DROP INDEX positions_updated_idx;
DROP INDEX positions_search_idx;
ALTER TABLE positions DROP COLUMN search;
ALTER TABLE position_revisions
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('portal'::regconfig, body)) STORED;
CREATE INDEX positions_search_idx ON position_revisions USING gin (search);

CREATE INDEX documents_search_idx ON documents USING gin (search);
DROP INDEX documents_search_date_idx;

-- Created by the up migration, whose indexes were its only users here.
DROP EXTENSION IF EXISTS btree_gin;
