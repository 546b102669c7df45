CREATE INDEX positions_search_idx ON positions
    USING gin (search, date_trunc('month', updated_at AT TIME ZONE 'UTC'), delegation_id) WITH (fastupdate = off);
CREATE INDEX positions_search_partners_idx ON positions
    USING gin ((CASE WHEN readers = 3 THEN search END), date_trunc('month', updated_at AT TIME ZONE 'UTC')) WITH (fastupdate = off)
    WHERE readers = 3;
DROP INDEX positions_search_partners_month_idx;
DROP INDEX positions_search_month_idx;
DROP FUNCTION reply_search(tsvector, timestamptz);
DROP FUNCTION search_month(timestamp);
