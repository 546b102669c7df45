package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Reading pages does not rewrite the session (no Set-Cookie, no write per
// request), yet a session left idle past the idle timeout is over.
func TestSessionIdleTimeoutWithoutWritePerRequest(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	h := newHandler(t, st)
	be := signedIn(t, h, st, dialogue.RoleSecretariat, "")

	rec := httptest.NewRecorder()
	be.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/documents", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("signed in: %d", rec.Code)
	}
	if c := rec.Header().Get("Set-Cookie"); c != "" {
		t.Fatalf("a page view rewrote the session cookie: %s", c)
	}

	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	// The session row names its user, so that the user is read with it.
	var owner int64
	if err := c.QueryRow(ctx, `SELECT user_id FROM sessions WHERE user_id IS NOT NULL`).Scan(&owner); err != nil || owner != be.user.ID {
		t.Fatalf("session's user_id = %d (%v), want %d", owner, err, be.user.ID)
	}
	// The default idle timeout is two hours.
	if _, err := c.Exec(ctx, `UPDATE sessions SET last_seen = now() - interval '121 minutes'`); err != nil {
		t.Fatal(err)
	}
	r := get(t, be, "/documents")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("after two idle hours: %d %s; want the sign-in page", r.status, r.header.Get("Location"))
	}
}
