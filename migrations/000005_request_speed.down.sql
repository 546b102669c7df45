ALTER TABLE positions DROP COLUMN proxy_source;
DROP INDEX sessions_user_idx;
ALTER TABLE sessions DROP COLUMN user_id;
DROP INDEX sessions_last_seen_idx;
ALTER TABLE sessions DROP COLUMN last_seen;
