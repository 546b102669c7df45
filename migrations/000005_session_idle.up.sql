-- A session's idle timeout is kept by the store (last_seen) rather than by
-- rewriting the whole session on every request: a page view reads its
-- session and touches last_seen at most once a minute. expiry remains the
-- absolute end of the session (its lifetime).
ALTER TABLE sessions ADD COLUMN last_seen timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen);
