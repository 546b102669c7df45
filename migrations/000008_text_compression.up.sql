-- Search sends the text of up to 50 notes and 50 replies to make their
-- passages, and a document page its whole note: PostgreSQL decompresses
-- each. lz4 does that in half the time of the default (pglz). Only values
-- written from now on are compressed with it; older ones are read as they
-- were written. A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE documents ALTER COLUMN body_md SET COMPRESSION lz4;
    ALTER TABLE positions ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: text compression left as it was';
END
$$;
