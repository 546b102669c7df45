package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/server"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestCrossSitePostIsRefused(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	form := url.Values{"email": {"x@y.example"}, "name": {"X"}, "role": {"secretariat"}}
	send := func(h http.Handler, path string, headers map[string]string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, headers := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		if code := send(sec, "/users", headers); code != http.StatusForbidden {
			t.Errorf("cross-site POST /users with %v: %d, want 403", headers, code)
		}
		if code := send(raw, "/login", headers); code != http.StatusForbidden {
			t.Errorf("cross-site POST /login with %v: %d, want 403", headers, code)
		}
	}
	if _, _, err := st.UserForLogin(context.Background(), "x@y.example"); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatal("a cross-site POST created a user")
	}
	// The same form from the portal itself goes through.
	if code := send(sec, "/users", map[string]string{"Sec-Fetch-Site": "same-origin"}); code != http.StatusCreated {
		t.Fatalf("same-origin POST /users: %d", code)
	}
}

func TestSignInThrottledAfterRepeatedFailures(t *testing.T) {
	raw, st := demoServerRaw(t)
	u := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	for i := range 5 {
		_, rec := login(t, raw, u.Email, "wrong password "+string(rune('a'+i)))
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, rec.Code)
		}
	}
	// Now even the right password is refused for a while, with a message
	// that says why; an unknown address gets the same as a known one.
	c, rec := login(t, raw, u.Email, testPassword)
	if c != nil || rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Too many failed sign-in attempts") {
		t.Fatalf("after 5 failures: status %d, cookie %v", rec.Code, c)
	}
	// Another account from the same address is not locked by these five.
	other := addUser(t, st, dialogue.RoleDelegate, "FR", false)
	if c, rec := login(t, raw, other.Email, testPassword); c == nil {
		t.Fatalf("another account: %d", rec.Code)
	}
	// The failures are in the audit log, with the address typed.
	recs, err := st.ListAudit(context.Background(), store.AuditFilter{Action: "auth.sign_in_failed", Actor: u.Email})
	if err != nil || len(recs) != 6 {
		t.Fatalf("audit: %d failed sign-ins recorded, want 6 (5 wrong, 1 throttled): %v", len(recs), err)
	}
}

func TestSignInRevealsNothing(t *testing.T) {
	raw, st := demoServerRaw(t)
	u := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	disabled := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	if err := st.SetDisabled(context.Background(), dialogue.Actor{Name: "test"}, disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, try := range [][2]string{{u.Email, "wrong password!"}, {"nobody@nowhere.example", testPassword}, {disabled.Email, testPassword}} {
		c, rec := login(t, raw, try[0], try[1])
		if c != nil || rec.Code != http.StatusUnauthorized {
			t.Fatalf("%s: status %d", try[0], rec.Code)
		}
		body := rec.Body.String()
		if !strings.Contains(body, "The e-mail address or the password is not correct.") {
			t.Fatalf("%s: message missing", try[0])
		}
		bodies = append(bodies, strings.ReplaceAll(body, try[0], "EMAIL"))
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Fatal("the sign-in page differs between a wrong password, an unknown e-mail and a disabled account")
	}
}

func TestDisabledUserLosesAccess(t *testing.T) {
	raw, st := demoServerRaw(t)
	be := signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	if r := get(t, be, "/documents"); r.status != http.StatusOK {
		t.Fatalf("before: %d", r.status)
	}
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	if r := post(t, sec, "/users/"+itoa(be.user.ID)+"/disable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.status)
	}
	// The very next request with the old session is anonymous.
	r := get(t, be, "/documents")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("after disable: %d %s", r.status, r.header.Get("Location"))
	}
	if c, _ := login(t, raw, be.user.Email, testPassword); c != nil {
		t.Fatal("a disabled user signed in again")
	}
}

// A Presidency officer past the last day of access is signed out at the
// next request, cannot sign in again (the message says no more than for a
// wrong password), and the calendar feed is gone; the day itself is in.
func TestAccessEndsAfterTheLastDay(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now) // the day the database's clock says
	ctx := context.Background()
	officer := signedIn(t, raw, st, dialogue.RolePresidency, "")
	feed, err := st.CalendarToken(ctx, officer.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	today := time.Now().In(dialogue.Brussels).Format(time.DateOnly)
	if r := post(t, sec, "/users/"+itoa(officer.user.ID)+"/edit", url.Values{"until": {today}, "name": {officer.user.Name}, "email": {officer.user.Email},
		"was_name": {officer.user.Name}, "was_email": {officer.user.Email}}); r.status != http.StatusSeeOther {
		t.Fatalf("last day today: %d %s", r.status, r.body)
	}
	pageOK(t, officer, "/rounds")
	if r := get(t, raw, "/calendar/"+feed+".ics"); r.status != http.StatusOK {
		t.Fatalf("feed on the last day: %d", r.status)
	}

	// The day after, as the database's clock tells: the form refuses a day
	// gone by, so the test moves the day back in the store.
	day, _ := time.Parse(time.DateOnly, today)
	setLastDay(t, st, officer.user.ID, day.AddDate(0, 0, -1))
	r := get(t, officer, "/rounds")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("after the last day: %d %s", r.status, r.header.Get("Location"))
	}
	c, rec := login(t, raw, officer.user.Email, testPassword)
	if c != nil || rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "The e-mail address or the password is not correct.") {
		t.Fatalf("sign-in after the last day: %v %d", c, rec.Code)
	}
	if r := get(t, raw, "/calendar/"+feed+".ics"); r.status != http.StatusNotFound {
		t.Fatalf("feed after the last day: %d", r.status)
	}
	pageOK(t, sec, "/users?status=ended", officer.user.Email, "Access ended")
	pageOK(t, sec, "/users?status=active").mustNotContain(t, "active users", officer.user.Email)
}

// The incoming Presidency's officer, invited before the handover, sets a
// password at once (the page says from when it works) but cannot sign in,
// nor read the calendar feed, before the first day of access.
func TestAccessBeginsOnTheFirstDay(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now) // the day the database's clock says
	ctx := context.Background()
	b := time.Now().In(dialogue.Brussels)
	tomorrow := time.Date(b.Year(), b.Month(), b.Day()+1, 0, 0, 0, 0, time.UTC)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	r := post(t, sec, "/users", url.Values{"name": {"Incoming Officer"}, "email": {"incoming@presidency.example"}, "role": {"presidency"},
		"from": {tomorrow.Format(time.DateOnly)}})
	if r.status != http.StatusCreated {
		t.Fatalf("invite: %d", r.status)
	}
	link := regexp.MustCompile(`/reset/[A-Za-z0-9_-]+`).FindString(r.body)
	if link == "" {
		t.Fatal("no invitation link")
	}
	pageOK(t, sec, "/users?status=not_yet", "incoming@presidency.example", "Not yet", "from "+tomorrow.Format("2 January 2006"))
	set := post(t, raw, link, url.Values{"new": {testPassword}, "confirm": {testPassword}})
	if set.status != http.StatusSeeOther || set.header.Get("Location") != "/login" {
		t.Fatalf("set the password before the first day: %d %q", set.status, set.header.Get("Location"))
	}
	c, rec := login(t, raw, "incoming@presidency.example", testPassword)
	if c != nil || rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "The e-mail address or the password is not correct.") {
		t.Fatalf("sign-in before the first day: %v %d", c, rec.Code)
	}
	us, err := st.ListUsers(ctx, store.UserFilter{Words: "incoming@presidency"})
	if err != nil || len(us) != 1 {
		t.Fatalf("the invited officer: %+v %v", us, err)
	}
	feed, err := st.CalendarToken(ctx, us[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, raw, "/calendar/"+feed+".ics"); r.status != http.StatusNotFound {
		t.Fatalf("feed before the first day: %d", r.status)
	}
	// The first day comes (moved to today in the store: the form takes any day).
	setAccount(t, st, us[0].ID, func(a *store.Account) { a.From = tomorrow.AddDate(0, 0, -1) })
	if c, _ := login(t, raw, "incoming@presidency.example", testPassword); c == nil {
		t.Fatal("the officer cannot sign in on the first day")
	}
	if r := get(t, raw, "/calendar/"+feed+".ics"); r.status != http.StatusOK {
		t.Fatalf("feed on the first day: %d", r.status)
	}
}

// The password page tells an officer invited ahead when the password
// starts to work.
func TestResetBeforeTheFirstDaySaysWhen(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now)
	b := time.Now().In(dialogue.Brussels)
	first := time.Date(b.Year(), b.Month(), b.Day()+3, 0, 0, 0, 0, time.UTC)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	r := post(t, sec, "/users", url.Values{"name": {"Early"}, "email": {"early@presidency.example"}, "role": {"presidency"}, "from": {first.Format(time.DateOnly)}})
	link := regexp.MustCompile(`/reset/[A-Za-z0-9_-]+`).FindString(r.body)
	set := post(t, raw, link, url.Values{"new": {testPassword}, "confirm": {testPassword}})
	if set.status != http.StatusSeeOther {
		t.Fatalf("set: %d", set.status)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: set.header}).Cookies() {
		if c.Name == "portal_session" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie for the message")
	}
	pageOK(t, asUser{h: raw, cookie: cookie}, "/login", "Your password is set. You can sign in with it from "+first.Format("2 January 2006")+".")
}

func TestSessionTokenRenewedOnRoleChange(t *testing.T) {
	raw, st := demoServerRaw(t)
	be := signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	if r := post(t, sec, "/users/"+itoa(be.user.ID)+"/role", url.Values{"role": {"delegate"}, "manager": {"on"}, "was_role": {"delegate"}}); r.status != http.StatusSeeOther {
		t.Fatalf("role change: %d", r.status)
	}
	req := httptest.NewRequest(http.MethodGet, "/users", nil)
	rec := httptest.NewRecorder()
	be.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("the new manager opens /users: %d", rec.Code)
	}
	var renewed *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "portal_session" {
			renewed = c
		}
	}
	if renewed == nil || renewed.Value == be.cookie.Value {
		t.Fatal("the session token was not renewed after the role change")
	}
	if !renewed.HttpOnly || renewed.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie attributes: %+v", renewed)
	}
}

func TestResetLinkWorksOnce(t *testing.T) {
	raw, st := demoServerRaw(t)
	target := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	r := post(t, sec, "/users/"+itoa(target.ID)+"/reset", nil)
	link := regexp.MustCompile(`/reset/[A-Za-z0-9_-]{43}`).FindString(r.body)
	if link == "" {
		t.Fatalf("no reset link shown:\n%s", r.body)
	}
	if r := get(t, raw, link); r.status != http.StatusOK || !strings.Contains(r.body, target.Email) {
		t.Fatalf("open link: %d", r.status)
	}
	bad := post(t, raw, link, url.Values{"new": {"short"}, "confirm": {"short"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "at least 12 characters") {
		t.Fatalf("short password: %d", bad.status)
	}
	ok := post(t, raw, link, url.Values{"new": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("set password: %d\n%s", ok.status, ok.body)
	}
	if c, _ := login(t, raw, target.Email, "a brand new passphrase"); c == nil {
		t.Fatal("the new password does not open the account")
	}
	if again := get(t, raw, link); again.status != http.StatusNotFound {
		t.Fatalf("second use: %d", again.status)
	}
}

func TestLoginRedirectsOnlyWithinThePortal(t *testing.T) {
	raw, st := demoServerRaw(t)
	u := addUser(t, st, dialogue.RolePresidency, "", false)
	for next, want := range map[string]string{
		"/documents?year=2026":   "/documents?year=2026",
		"https://evil.example/x": "/",
		"//evil.example/x":       "/",
		`/\evil.example`:         "/",
	} {
		form := url.Values{"email": {u.Email}, "password": {testPassword}, "next": {next}}
		r := post(t, raw, "/login", form)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("next=%q: %d → %q, want %q", next, r.status, r.header.Get("Location"), want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Behind https, the session cookie is Secure (and still HttpOnly, Lax).
func TestSessionCookieSecureBehindHTTPS(t *testing.T) {
	_, st := demoServerRaw(t)
	h := server.New(server.Config{BaseURL: "https://portal.example", Now: func() time.Time { return fixedNow }}, st)
	u := addUser(t, st, dialogue.RolePresidency, "", false)
	c, rec := login(t, h, u.Email, testPassword)
	if c == nil {
		t.Fatalf("sign in: %d", rec.Code)
	}
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %+v: want Secure, HttpOnly, SameSite=Lax", c)
	}
}
