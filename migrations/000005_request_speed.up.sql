-- A session's idle timeout is kept by the store (last_seen) rather than by
-- rewriting the whole session on every request: a page view reads its
-- session and touches last_seen at most once a minute. expiry remains the
-- absolute end of the session (its lifetime).
ALTER TABLE sessions ADD COLUMN last_seen timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen);
-- Whose session it is, so that reading the session and its user is one
-- statement (the data stays scs's encoded map, which holds the same id).
ALTER TABLE sessions ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- The positions row carries its latest revision (for fast matrices and
-- compilations): who entered it, how a reply received outside the portal
-- came in, and whether it is demo data are part of it, so that the pages of
-- a round read positions alone, not one revision per reply.
ALTER TABLE positions
    ADD COLUMN proxy_source text CHECK (proxy_source IN ('email', 'note_verbale', 'letter', 'meeting')),
    ADD COLUMN author_id bigint REFERENCES users (id),
    ADD COLUMN demo boolean NOT NULL DEFAULT false;
UPDATE positions p SET proxy_source = pr.proxy_source, author_id = pr.author_id, demo = pr.demo
FROM position_revisions pr
WHERE pr.position_id = p.id AND pr.revision = p.revision;
CREATE INDEX positions_author_idx ON positions (author_id);
