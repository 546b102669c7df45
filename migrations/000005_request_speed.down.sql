DROP INDEX positions_author_idx;
ALTER TABLE positions DROP COLUMN demo, DROP COLUMN author_id, DROP COLUMN proxy_source;
DROP INDEX sessions_user_idx;
ALTER TABLE sessions DROP COLUMN user_id;
DROP INDEX sessions_last_seen_idx;
ALTER TABLE sessions DROP COLUMN last_seen;
