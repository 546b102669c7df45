package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

var cli = dialogue.Actor{Name: "cli:test"}

func seedDelegation(t *testing.T, st *store.Store, url, code string, kind dialogue.DelegationKind) {
	t.Helper()
	exec(t, url, `INSERT INTO delegations (code, kind, name, protocol_order) VALUES ($1, $2, $1, CASE WHEN $2 = 'member_state' THEN 1 END)`, code, string(kind))
}

func TestCreateUserValidatesAndAudits(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	seedDelegation(t, st, url, "BE", dialogue.MemberState)
	seedDelegation(t, st, url, "EUROPOL", dialogue.Observer)

	u, err := st.CreateUser(ctx, cli, store.NewUser{Email: "anna@be.example", Name: "Anna", Role: dialogue.RoleDelegate, DelegationCode: "BE", IsManager: true, PasswordHash: "$argon2id$x"})
	if err != nil {
		t.Fatal(err)
	}
	got, hash, err := st.UserForLogin(ctx, "ANNA@be.example")
	if err != nil || got.ID != u.ID || hash != "$argon2id$x" || got.Delegation == nil || got.Delegation.Code != "BE" || !got.IsManager {
		t.Fatalf("UserForLogin = %+v, %q, %v", got, hash, err)
	}

	bad := []struct {
		name  string
		user  store.NewUser
		field string
	}{
		{"duplicate e-mail, other case", store.NewUser{Email: "Anna@BE.example", Name: "A", Role: dialogue.RoleSecretariat}, "email"},
		{"delegate without delegation", store.NewUser{Email: "b@x.eu", Name: "B", Role: dialogue.RoleDelegate}, "delegation"},
		{"unknown delegation", store.NewUser{Email: "c@x.eu", Name: "C", Role: dialogue.RoleDelegate, DelegationCode: "XX"}, "delegation"},
		{"observer of a member state", store.NewUser{Email: "d@x.eu", Name: "D", Role: dialogue.RoleObserver, DelegationCode: "BE"}, "delegation"},
		{"presidency manager", store.NewUser{Email: "e@x.eu", Name: "E", Role: dialogue.RolePresidency, IsManager: true}, "manager"},
		{"unknown role", store.NewUser{Email: "f@x.eu", Name: "F", Role: "king"}, "role"},
		{"no e-mail", store.NewUser{Email: "nope", Name: "G", Role: dialogue.RoleSecretariat}, "email"},
	}
	for _, b := range bad {
		_, err := st.CreateUser(ctx, cli, b.user)
		var fe *dialogue.FormError
		var de *dialogue.Error
		switch {
		case errors.As(err, &fe):
			if fe.Fields[b.field] == "" {
				t.Errorf("%s: errors %v lack field %s", b.name, fe.Fields, b.field)
			}
		case errors.As(err, &de):
			if de.Field != b.field {
				t.Errorf("%s: error on field %q, want %q", b.name, de.Field, b.field)
			}
		default:
			t.Errorf("%s: got %v, want a field error on %s", b.name, err, b.field)
		}
	}

	recs, err := st.ListAudit(ctx, store.AuditFilter{Action: "user."})
	if err != nil || len(recs) != 1 || recs[0].Action != "user.create" || recs[0].Actor != "cli:test" || recs[0].ObjectID != u.ID {
		t.Fatalf("audit = %+v, %v; want one user.create by cli:test", recs, err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	if err := st.RecordSignIn(ctx, dialogue.Actor{Name: "x@y.eu", RemoteAddr: "192.0.2.1"}, 0, "x@y.eu", false, "unknown"); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`UPDATE audit_log SET actor = 'someone else'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if err := execErr(url, sql); err == nil {
			t.Errorf("%s was allowed on the audit log", sql)
		}
	}
	recs, _ := st.ListAudit(ctx, store.AuditFilter{Actor: "x@Y"})
	if len(recs) != 1 || recs[0].Action != "auth.sign_in_failed" || recs[0].RemoteAddr != "192.0.2.1" {
		t.Fatalf("audit after refused changes = %+v", recs)
	}
}

func TestPasswordResetIsOneTime(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.Store(t)
	u, err := st.CreateUser(ctx, cli, store.NewUser{Email: "s@x.eu", Name: "S", Role: dialogue.RoleSecretariat})
	if err != nil {
		t.Fatal(err)
	}
	token := []byte("0123456789abcdef0123456789abcdef")
	if err := st.CreatePasswordReset(ctx, cli, u.ID, token, time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ResetUser(ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("ResetUser = %v, %v", got.ID, err)
	}
	if id, err := st.ConsumePasswordReset(ctx, cli, token, "$argon2id$new"); err != nil || id != u.ID {
		t.Fatalf("first use: %v, %v", id, err)
	}
	if _, err := st.ConsumePasswordReset(ctx, cli, token, "$argon2id$again"); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("second use: %v, want not found", err)
	}
	_, hash, _ := st.UserForLogin(ctx, "s@x.eu")
	if hash != "$argon2id$new" {
		t.Fatalf("hash = %q", hash)
	}
	expired := []byte("expired-token-expired-token-0000")
	_ = st.CreatePasswordReset(ctx, cli, u.ID, expired, -time.Minute)
	if _, err := st.ResetUser(ctx, expired); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("expired token: %v", err)
	}
}

func TestSessionStore(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	ss := st.Sessions(time.Hour, nil)
	if err := ss.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := ss.FindCtx(ctx, "tok"); err != nil || !ok || string(b) != "data" {
		t.Fatalf("find = %q %v %v", b, ok, err)
	}
	_ = ss.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Second))
	if _, ok, _ := ss.FindCtx(ctx, "old"); ok {
		t.Fatal("a session past its lifetime was found")
	}
	_ = ss.CommitCtx(ctx, "idle", []byte("y"), time.Now().Add(time.Hour))
	exec(t, url, `UPDATE sessions SET last_seen = now() - interval '61 minutes' WHERE token = 'idle'`)
	if _, ok, _ := ss.FindCtx(ctx, "idle"); ok {
		t.Fatal("a session idle longer than the idle timeout was found")
	}
	if n, err := ss.DeleteExpired(ctx); err != nil || n != 2 {
		t.Fatalf("DeleteExpired = %d, %v; want the expired and the idle session", n, err)
	}
	if err := ss.DeleteCtx(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := ss.FindCtx(ctx, "tok"); ok {
		t.Fatal("a deleted session was found")
	}
}

// A page view reads its session and marks it seen at most once a minute:
// the idle timeout holds without a write per request.
func TestSessionStoreTouchesLastSeen(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	ss := st.Sessions(time.Hour, nil)
	if err := ss.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	idleFor := func() time.Duration {
		t.Helper()
		var secs float64
		if err := queryRow(url, `SELECT extract(epoch FROM now() - last_seen) FROM sessions WHERE token = 'tok'`, &secs); err != nil {
			t.Fatal(err)
		}
		return time.Duration(secs * float64(time.Second))
	}
	exec(t, url, `UPDATE sessions SET last_seen = now() - interval '30 seconds' WHERE token = 'tok'`)
	if _, ok, err := ss.FindCtx(ctx, "tok"); !ok || err != nil {
		t.Fatalf("find: %v %v", ok, err)
	}
	if d := idleFor(); d < 29*time.Second {
		t.Fatalf("last_seen rewritten after 30 s (now %s ago); want it left for a minute", d)
	}
	exec(t, url, `UPDATE sessions SET last_seen = now() - interval '50 minutes' WHERE token = 'tok'`)
	if _, ok, err := ss.FindCtx(ctx, "tok"); !ok || err != nil {
		t.Fatalf("find: %v %v", ok, err)
	}
	if d := idleFor(); d > 10*time.Second {
		t.Fatalf("last_seen %s ago after a request; want it marked now", d)
	}
}

// The session store keeps whose session it is, and reads the user with the
// session in the same statement.
func TestSessionStoreReadsTheUserWithTheSession(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	seedDelegation(t, st, url, "BE", dialogue.MemberState)
	u, err := st.CreateUser(ctx, cli, store.NewUser{Email: "be@test.example", Name: "BE delegate", Role: dialogue.RoleDelegate, DelegationCode: "BE"})
	if err != nil {
		t.Fatal(err)
	}
	// The encoded data is opaque to the store: here, "signed" means u.
	ss := st.Sessions(time.Hour, func(b []byte) int64 {
		if string(b) == "signed" {
			return u.ID
		}
		return 0
	})
	_ = ss.CommitCtx(ctx, "signed-tok", []byte("signed"), time.Now().Add(time.Hour))
	_ = ss.CommitCtx(ctx, "anon-tok", []byte("anonymous"), time.Now().Add(time.Hour))

	fctx, su := store.WithSessionUser(ctx)
	if b, ok, err := ss.FindCtx(fctx, "signed-tok"); err != nil || !ok || string(b) != "signed" {
		t.Fatalf("find = %q %v %v", b, ok, err)
	}
	if !su.Found || su.User.ID != u.ID || su.User.Delegation == nil || su.User.Delegation.Code != "BE" || su.User.Role != dialogue.RoleDelegate {
		t.Fatalf("session user = %+v", su)
	}
	fctx, su = store.WithSessionUser(ctx)
	if b, ok, err := ss.FindCtx(fctx, "anon-tok"); err != nil || !ok || string(b) != "anonymous" {
		t.Fatalf("find = %q %v %v", b, ok, err)
	}
	if su.Found {
		t.Fatalf("an anonymous session came with a user: %+v", su.User)
	}
	// Disabling shows at once: the user is read, not remembered.
	if err := st.SetDisabled(ctx, cli, u.ID, true); err != nil {
		t.Fatal(err)
	}
	fctx, su = store.WithSessionUser(ctx)
	if _, ok, _ := ss.FindCtx(fctx, "signed-tok"); !ok || !su.Found || !su.User.Disabled {
		t.Fatalf("after disabling: found %v, user %+v", ok, su.User)
	}
}

// ListUsers narrows the list by delegation, role, words of the name or the
// address (case, accents and LIKE's wildcards taken literally) and status.
func TestListUsersFilters(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	seedDelegation(t, st, url, "BE", dialogue.MemberState)
	seedDelegation(t, st, url, "EUROPOL", dialogue.Observer)
	mk := func(email, name string, role dialogue.Role, delegation string) dialogue.User {
		u, err := st.CreateUser(ctx, cli, store.NewUser{Email: email, Name: name, Role: role, DelegationCode: delegation})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	muller := mk("jm@be.example", "Jürgen Müller", dialogue.RoleDelegate, "BE")
	mk("anna_b@be.example", "Anna Dupont", dialogue.RoleDelegate, "BE")
	mk("obs@europol.example", "Olga Observer", dialogue.RoleObserver, "EUROPOL")
	sec := mk("sec@council.example", "Sam Secretary", dialogue.RoleSecretariat, "")
	if err := st.SetDisabled(ctx, cli, sec.ID, true); err != nil {
		t.Fatal(err)
	}
	// Two Presidency officers: one past the last day of access, one before it.
	now := time.Now()
	for _, p := range []struct {
		name  string
		until time.Time
	}{{"Pia Presidency", now.AddDate(0, 0, -2)}, {"Paul Presidency", now.AddDate(0, 0, 30)}} {
		if _, err := st.CreateUser(ctx, cli, store.NewUser{Email: strings.Fields(p.name)[0] + "@presidency.example", Name: p.name,
			Role: dialogue.RolePresidency, AccessUntil: p.until}); err != nil {
			t.Fatal(err)
		}
	}
	var be int64 = muller.DelegationID
	cases := []struct {
		name string
		f    store.UserFilter
		want []string
	}{
		{"all", store.UserFilter{}, []string{"Paul Presidency", "Pia Presidency", "Sam Secretary", "Anna Dupont", "Jürgen Müller", "Olga Observer"}},
		{"delegation", store.UserFilter{DelegationID: be}, []string{"Anna Dupont", "Jürgen Müller"}},
		{"role", store.UserFilter{Role: dialogue.RoleObserver}, []string{"Olga Observer"}},
		{"words without accents", store.UserFilter{Words: "MULLER"}, []string{"Jürgen Müller"}},
		{"words of the address", store.UserFilter{Words: "europol.ex"}, []string{"Olga Observer"}},
		{"an underscore is an underscore", store.UserFilter{Words: "a_b"}, []string{"Anna Dupont"}},
		{"a percent sign is a percent sign", store.UserFilter{Words: "%"}, nil},
		{"disabled", store.UserFilter{Status: dialogue.AccountDisabled}, []string{"Sam Secretary"}},
		{"access ended", store.UserFilter{Status: dialogue.AccountEnded}, []string{"Pia Presidency"}},
		{"active", store.UserFilter{Status: dialogue.AccountActive}, []string{"Paul Presidency", "Anna Dupont", "Jürgen Müller", "Olga Observer"}},
		{"active of a delegation", store.UserFilter{Status: dialogue.AccountActive, DelegationID: be, Words: "anna"}, []string{"Anna Dupont"}},
	}
	for _, c := range cases {
		got, err := st.ListUsers(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var names []string
		for _, u := range got {
			names = append(names, u.Name)
		}
		if strings.Join(names, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: %q, want %q", c.name, names, c.want)
		}
	}
}

// An account's access ends after its last day (Brussels, by the database's
// clock) everywhere the portal lets it in: its sessions, calendar feed and
// password links; the day itself is still in. A change made from a form
// that showed another day is refused.
func TestAccessEndsAfterTheLastDay(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	today := brusselsToday(t, url)
	first := today.AddDate(0, 0, 10)
	u, feed, reset, sessionUser := accessFixture(t, st, store.NewUser{Email: "officer@presidency.example", Name: "Officer", Role: dialogue.RolePresidency, AccessUntil: first})
	if got := sessionUser(); !got.AccessUntil.Equal(first) || got.AccessEnded || got.Inactive() {
		t.Fatalf("before the last day: %+v", got)
	}
	if _, err := st.UserByCalendarToken(ctx, feed); err != nil {
		t.Fatalf("feed before the last day: %v", err)
	}

	account := func(until time.Time) store.Account {
		return store.Account{Name: u.Name, Email: u.Email, Until: until}
	}
	// A form that showed no end (or another name) does not overwrite the
	// day set meanwhile.
	for _, was := range []store.Account{account(time.Time{}), {Name: "Someone", Email: u.Email, Until: first}} {
		if err := st.UpdateAccount(ctx, cli, u.ID, account(today.AddDate(0, 1, 0)), was); dialogue.KindOf(err) != dialogue.KindConflict {
			t.Fatalf("stale form %+v: %v, want a conflict", was, err)
		}
	}
	if got, _ := st.UserByID(ctx, u.ID); !got.AccessUntil.Equal(first) {
		t.Fatalf("after a refused change: last day %v, want %v", got.AccessUntil, first)
	}

	// The last day itself is still in.
	if err := st.UpdateAccount(ctx, cli, u.ID, account(today), account(first)); err != nil {
		t.Fatal(err)
	}
	if got := sessionUser(); got.AccessEnded {
		t.Fatalf("on the last day: %+v", got)
	}
	var detail string
	if err := queryRow(url, `SELECT detail::text FROM audit_log WHERE action = 'user.update' ORDER BY id DESC LIMIT 1`, &detail); err != nil {
		t.Fatal(err)
	}
	if want := `"access_until": {"now": "` + today.Format(time.DateOnly) + `", "was": "` + first.Format(time.DateOnly) + `"}`; detail != `{`+want+`}` {
		t.Fatalf("audit detail %s, want only %s", detail, want)
	}

	// The day after: out, whatever the portal's own clock says.
	if err := st.UpdateAccount(ctx, cli, u.ID, account(today.AddDate(0, 0, -1)), account(today)); err != nil {
		t.Fatal(err)
	}
	if got := sessionUser(); !got.AccessEnded || !got.Inactive() || got.Status() != dialogue.AccountEnded {
		t.Fatalf("after the last day: %+v", got)
	}
	if got, _, err := st.UserForLogin(ctx, u.Email); err != nil || !got.AccessEnded {
		t.Fatalf("sign-in reads %+v, %v; want the access ended", got, err)
	}
	if _, err := st.UserByCalendarToken(ctx, feed); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("feed after the last day: %v, want not found", err)
	}
	if _, err := st.ResetUser(ctx, reset); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("password link after the last day: %v, want not found", err)
	}
	if _, err := st.ConsumePasswordReset(ctx, cli, reset, "$argon2id$new"); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("password set after the last day: %v, want not found", err)
	}

	// No end again: in again.
	if err := st.UpdateAccount(ctx, cli, u.ID, account(time.Time{}), account(today.AddDate(0, 0, -1))); err != nil {
		t.Fatal(err)
	}
	if got := sessionUser(); !got.AccessUntil.IsZero() || got.Inactive() {
		t.Fatalf("with no end: %+v", got)
	}
}

// Before an account's first day of access (Brussels, by the database's
// clock) its sessions and calendar feed are refused, but its password link
// works, so that an invited user sets a password in time; from that day on
// it is in. Days in the wrong order are refused beside the field.
func TestAccessBeginsOnTheFirstDay(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	today := brusselsToday(t, url)
	if _, err := st.CreateUser(ctx, cli, store.NewUser{Email: "wrong@presidency.example", Name: "Wrong", Role: dialogue.RolePresidency,
		AccessFrom: today.AddDate(0, 1, 0), AccessUntil: today}); dialogue.KindOf(err) != dialogue.KindInvalid {
		t.Fatalf("days in the wrong order: %v", err)
	}
	first := today.AddDate(0, 0, 1)
	u, feed, reset, sessionUser := accessFixture(t, st, store.NewUser{Email: "incoming@presidency.example", Name: "Incoming", Role: dialogue.RolePresidency, AccessFrom: first})
	if got := sessionUser(); !got.AccessNotYet || !got.Inactive() || got.Status() != dialogue.AccountNotYet || !got.AccessFrom.Equal(first) {
		t.Fatalf("before the first day: %+v", got)
	}
	if _, err := st.UserByCalendarToken(ctx, feed); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("feed before the first day: %v, want not found", err)
	}
	if got, err := st.ResetUser(ctx, reset); err != nil || got.ID != u.ID || !got.AccessNotYet {
		t.Fatalf("password link before the first day: %+v %v", got, err)
	}
	if list, err := st.ListUsers(ctx, store.UserFilter{Status: dialogue.AccountNotYet}); err != nil || len(list) != 1 || list[0].ID != u.ID {
		t.Fatalf("not yet: %+v %v", list, err)
	}
	if id, err := st.ConsumePasswordReset(ctx, cli, reset, "$argon2id$set"); err != nil || id != u.ID {
		t.Fatalf("password set before the first day: %v %v", id, err)
	}

	// The first day: in. A last day before it is refused beside the field.
	was := store.Account{Name: u.Name, Email: u.Email, From: first}
	err := st.UpdateAccount(ctx, cli, u.ID, store.Account{Name: u.Name, Email: u.Email, From: first, Until: today}, was)
	var fe *dialogue.FormError
	if !errors.As(err, &fe) || fe.Fields["until"] == "" {
		t.Fatalf("last day before the first: %v", err)
	}
	if err := st.UpdateAccount(ctx, cli, u.ID, store.Account{Name: u.Name, Email: u.Email, From: today}, was); err != nil {
		t.Fatal(err)
	}
	if got := sessionUser(); got.AccessNotYet || got.Inactive() {
		t.Fatalf("on the first day: %+v", got)
	}
	if _, err := st.UserByCalendarToken(ctx, feed); err != nil {
		t.Fatalf("feed on the first day: %v", err)
	}
}

// brusselsToday is the database's day in Brussels.
func brusselsToday(t *testing.T, url string) time.Time {
	t.Helper()
	var today time.Time
	if err := queryRow(url, `SELECT (now() AT TIME ZONE 'Europe/Brussels')::date`, &today); err != nil {
		t.Fatal(err)
	}
	return today
}

// accessFixture creates a user with a session, a calendar feed and a
// password link (reset), for the tests of the days of access; sessionUser
// reads the user with the session, as every request does.
func accessFixture(t *testing.T, st *store.Store, nu store.NewUser) (u dialogue.User, feed string, reset []byte, sessionUser func() dialogue.User) {
	t.Helper()
	ctx := context.Background()
	u, err := st.CreateUser(ctx, cli, nu)
	if err != nil {
		t.Fatal(err)
	}
	ss := st.Sessions(time.Hour, func([]byte) int64 { return u.ID })
	if err := ss.CommitCtx(ctx, "tok", []byte("signed"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if feed, err = st.CalendarToken(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	reset = []byte("days-of-access-token-0123456789a")
	if err := st.CreatePasswordReset(ctx, cli, u.ID, reset, time.Hour); err != nil {
		t.Fatal(err)
	}
	return u, feed, reset, func() dialogue.User {
		t.Helper()
		fctx, su := store.WithSessionUser(ctx)
		if _, ok, err := ss.FindCtx(fctx, "tok"); err != nil || !ok || !su.Found {
			t.Fatalf("session: %v %v %+v", ok, err, su)
		}
		return su.User
	}
}
