-- A reply's month of last change becomes a word of its indexed text, so
-- that the windows of recent replies (internal/store/search.go) are one
-- text-search condition: "these words, and one of these months".
--
-- With the month as a separate column of positions_search_idx (000003),
-- the planner was free to split the two: on a young database (a year of
-- replies), taking PostgreSQL's default guess for a word it cannot see
-- (0.5 % of the rows), it read the word through the index and checked the
-- month on every match, so each window read every match of the year (2,507
-- replies for "trafficking", 3.4 ms a window, where ten years took 1).
-- A condition on one expression cannot be split.

-- The month's word: "2026-12 month". The text-search parser never makes a
-- word with a space, so no query can match it but the windows' own.
CREATE FUNCTION search_month(m timestamp) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT extract(year FROM m)::int::text || '-' || lpad(extract(month FROM m)::int::text, 2, '0') || ' month' $$;

-- A reply's indexed text: its words and the calendar month (UTC) of its
-- last change.
CREATE FUNCTION reply_search(search tsvector, updated_at timestamptz) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT search || array_to_tsvector(ARRAY[search_month(updated_at AT TIME ZONE 'UTC')]) $$;

-- The delegation stays a key of its own, so that its own replies are found
-- without reading anyone else's.
CREATE INDEX positions_search_month_idx ON positions
    USING gin (reply_search(search, updated_at), delegation_id) WITH (fastupdate = off);
DROP INDEX positions_search_idx;

-- The replies released to the partners (000010): the same text, under an
-- expression no other index holds, so that a partner's search reads
-- through this index.
CREATE INDEX positions_search_partners_month_idx ON positions
    USING gin ((CASE WHEN readers = 3 THEN reply_search(search, updated_at) END)) WITH (fastupdate = off)
    WHERE readers = 3;
DROP INDEX positions_search_partners_idx;
