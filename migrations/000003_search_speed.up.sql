-- Search that costs the same on ten years of data as on one (see
-- internal/store/search.go): each list looks for the words among its newest
-- rows first, in one scan of a full-text index that also holds the date,
-- and reads all the matches only when those do not fill a page.

-- btree_gin lets a GIN index hold dates and ids beside the text vector, so
-- that "has these words, is among the newest rows, is this delegation's"
-- is one index scan.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Without fastupdate's pending list, which every search would read through
-- until a vacuum merged it: a document or a reply is saved far less often
-- than searched.
CREATE INDEX documents_search_date_idx ON documents
    USING gin (search, doc_date) WITH (fastupdate = off);
DROP INDEX documents_search_idx;

-- A reply is found by its current text, that of its latest revision, which
-- positions carries: the text vector moves there, kept in step with body
-- by the database. The vector of every older revision was searched only to
-- be dropped by a join; it goes, with its index.
DROP INDEX positions_search_idx;
ALTER TABLE position_revisions DROP COLUMN search;
ALTER TABLE positions
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('portal'::regconfig, body)) STORED;
-- Beside the words: the calendar month (UTC) of the reply's last change,
-- so that the newest replies are a few exact keys (a range of instants
-- would make the scan collect every reply in it first), and the delegation,
-- so that its own replies are found without reading anyone else's.
CREATE INDEX positions_search_idx ON positions
    USING gin (search, date_trunc('month', updated_at AT TIME ZONE 'UTC'), delegation_id) WITH (fastupdate = off);
-- The month of the newest reply.
CREATE INDEX positions_updated_idx ON positions (updated_at);
