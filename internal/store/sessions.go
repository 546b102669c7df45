package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// touchEvery is how stale last_seen may grow before a request refreshes
// it: the idle timeout is kept to within a minute, and a signed-in user's
// page views cost one read of the session, not a write each.
const touchEvery = time.Minute

// SessionStore keeps scs sessions in the sessions table. It implements
// scs.Store and scs.CtxStore. It also keeps the idle timeout itself
// (scs's own IdleTimeout rewrites the session on every request): a session
// not used for idle is not found, and expired or idle rows are swept by
// DeleteExpired.
type SessionStore struct {
	s      *Store
	idle   time.Duration
	userOf func(data []byte) int64
}

// Sessions returns the session store backed by this database; a session
// unused for idle is over (0: no idle timeout). userOf reads the signed-in
// user's id (0: none) from a session's encoded data: the store keeps it
// beside the data, so that FindCtx can read the user with the session.
func (s *Store) Sessions(idle time.Duration, userOf func(data []byte) int64) SessionStore {
	return SessionStore{s, idle, userOf}
}

// SessionUser receives, from FindCtx, the user a session belongs to, read
// in the same statement as the session (see WithSessionUser).
type SessionUser struct {
	User  dialogue.User
	Found bool // the session is signed in and its user exists
}

type sessionUserKey struct{}

// WithSessionUser returns a context in which FindCtx fills the returned
// SessionUser: the caller then needs no second query for the user.
func WithSessionUser(ctx context.Context) (context.Context, *SessionUser) {
	su := &SessionUser{}
	return context.WithValue(ctx, sessionUserKey{}, su), su
}

// SessionUserOf returns the SessionUser of a context made by
// WithSessionUser.
func SessionUserOf(ctx context.Context) (*SessionUser, bool) {
	su, ok := ctx.Value(sessionUserKey{}).(*SessionUser)
	return su, ok
}

// sessionUserColumns are userColumns for a user who may be absent (an
// anonymous session): id 0 then, and no NULL for scanUser to trip on.
const sessionUserColumns = `
	coalesce(u.id, 0), coalesce(u.email, ''), coalesce(u.name, ''), coalesce(u.role, ''),
	coalesce(u.delegation_id, 0), coalesce(u.is_manager, false),
	u.disabled_at IS NOT NULL, u.access_until, ` + accessEnded + `, u.access_from, ` + accessNotYet + `, coalesce(u.created_at, to_timestamp(0)),
	coalesce(d.code, ''), coalesce(d.kind, ''), coalesce(d.name, ''), coalesce(d.footnote, '')`

// idleLimit is the idle timeout (a century when there is none).
func (ss SessionStore) idleLimit() time.Duration {
	if ss.idle <= 0 {
		return 100 * 365 * 24 * time.Hour
	}
	return ss.idle
}

// FindCtx reads a live session and its user (see WithSessionUser) and, in
// the same statement, marks it seen when it was last marked more than
// touchEvery ago.
func (ss SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	u, err := scanUser(ss.s.pool.QueryRow(ctx, `
		WITH live AS (
			SELECT token, data, user_id, last_seen FROM sessions
			WHERE token = $1 AND expiry > now() AND last_seen > now() - make_interval(secs => $2)
		), touched AS (
			UPDATE sessions s SET last_seen = now() FROM live
			WHERE s.token = live.token AND live.last_seen < now() - make_interval(secs => $3)
		)
		SELECT `+sessionUserColumns+`, live.data
		FROM live
		LEFT JOIN users u ON u.id = live.user_id
		LEFT JOIN delegations d ON d.id = u.delegation_id`, token, ss.idleLimit().Seconds(), touchEvery.Seconds()), &b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if su, ok := ctx.Value(sessionUserKey{}).(*SessionUser); ok && u.ID != 0 {
		su.User, su.Found = u, true
	}
	return b, true, nil
}

// CommitCtx saves a session (new, or changed: sign-in, flash message,
// renewed token); expiry is its absolute end.
func (ss SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var user *int64
	if ss.userOf != nil {
		if id := ss.userOf(b); id != 0 {
			user = &id
		}
	}
	_, err := ss.s.pool.Exec(ctx, `
		INSERT INTO sessions (token, data, expiry, last_seen, user_id) VALUES ($1, $2, $3, now(), $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, last_seen = now(),
		       user_id = EXCLUDED.user_id`,
		token, b, expiry, user)
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
