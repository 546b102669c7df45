package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// touchEvery is how stale last_seen may grow before a request refreshes
// it: the idle timeout is kept to within a minute, and a signed-in user's
// page views cost one read of the session, not a write each.
const touchEvery = time.Minute

// SessionStore keeps scs sessions in the sessions table. It implements
// scs.Store and scs.CtxStore. It also keeps the idle timeout itself
// (scs's own IdleTimeout rewrites the session on every request): a session
// not used for idle is not found, and expired rows are swept by
// DeleteExpiredSessions.
type SessionStore struct {
	s    *Store
	idle time.Duration
}

// Sessions returns the session store backed by this database; a session
// unused for idle is over (0: no idle timeout).
func (s *Store) Sessions(idle time.Duration) SessionStore { return SessionStore{s, idle} }

// idleLimit is the idle timeout (a century when there is none).
func (ss SessionStore) idleLimit() time.Duration {
	if ss.idle <= 0 {
		return 100 * 365 * 24 * time.Hour
	}
	return ss.idle
}

// FindCtx reads a live session and, in the same statement, marks it seen
// when it was last marked more than touchEvery ago.
func (ss SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := ss.s.pool.QueryRow(ctx, `
		WITH live AS (
			SELECT token, data, last_seen FROM sessions
			WHERE token = $1 AND expiry > now() AND last_seen > now() - make_interval(secs => $2)
		), touched AS (
			UPDATE sessions s SET last_seen = now() FROM live
			WHERE s.token = live.token AND live.last_seen < now() - make_interval(secs => $3)
		)
		SELECT data FROM live`, token, ss.idleLimit().Seconds(), touchEvery.Seconds()).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// CommitCtx saves a session (new, or changed: sign-in, flash message,
// renewed token); expiry is its absolute end.
func (ss SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := ss.s.pool.Exec(ctx, `
		INSERT INTO sessions (token, data, expiry, last_seen) VALUES ($1, $2, $3, now())
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, last_seen = now()`,
		token, b, expiry)
	return err
}

func (ss SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}

func (ss SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

func (ss SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

func (ss SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions past their lifetime or idle too long.
func (ss SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	tag, err := ss.s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry <= now() OR last_seen <= now() - make_interval(secs => $1)`, ss.idleLimit().Seconds())
	return tag.RowsAffected(), err
}
