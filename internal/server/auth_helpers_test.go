package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

const testPassword = "correct horse battery staple"

// testHash is computed once: argon2id is deliberately slow.
var testHash = sync.OnceValue(func() string {
	h, err := auth.HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

var userSeq atomic.Int64

// addUser creates a user with testPassword.
func addUser(t *testing.T, st *store.Store, role dialogue.Role, delegation string, manager bool) dialogue.User {
	t.Helper()
	email := fmt.Sprintf("%s.%s.%d@test.example", role, strings.ToLower(delegation), userSeq.Add(1))
	u, err := st.CreateUser(context.Background(), dialogue.Actor{Name: "test"}, store.NewUser{
		Email: email, Name: "Test " + string(role) + " " + delegation, Role: role,
		DelegationCode: delegation, IsManager: manager, PasswordHash: testHash()})
	if err != nil {
		t.Fatalf("add user %s: %v", email, err)
	}
	return u
}

// login signs in through the real form and returns the session cookie.
func login(t *testing.T, h http.Handler, email, password string) (*http.Cookie, *httptest.ResponseRecorder) {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "portal_session" && c.Value != "" && rec.Code == http.StatusSeeOther {
			return c, rec
		}
	}
	return nil, rec
}

// asUser sends every request with a user's session cookie.
type asUser struct {
	h      http.Handler
	cookie *http.Cookie
	user   dialogue.User
}

func (a asUser) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.AddCookie(a.cookie)
	a.h.ServeHTTP(w, r)
}

// signedIn creates a user of the role and returns the handler as seen by them.
func signedIn(t *testing.T, h http.Handler, st *store.Store, role dialogue.Role, delegation string) asUser {
	t.Helper()
	u := addUser(t, st, role, delegation, false)
	c, rec := login(t, h, u.Email, testPassword)
	if c == nil {
		t.Fatalf("sign in as %s: status %d", u.Email, rec.Code)
	}
	return asUser{h: h, cookie: c, user: u}
}

// post sends a form.
func post(t *testing.T, h http.Handler, path string, form url.Values) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Result().Header, body: rec.Body.String()}
}

// setLastDay gives a user a last day of access (zero: none) as the account
// form would, from the account as it is.
func setLastDay(t *testing.T, st *store.Store, id int64, until time.Time) {
	t.Helper()
	setAccount(t, st, id, func(a *store.Account) { a.Until = until })
}

// setAccount changes a user's account as the account form would, from the
// account as it is.
func setAccount(t *testing.T, st *store.Store, id int64, change func(*store.Account)) {
	t.Helper()
	u, err := st.UserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	was := store.Account{Name: u.Name, Email: u.Email, From: u.AccessFrom, Until: u.AccessUntil}
	to := was
	change(&to)
	if err := st.UpdateAccount(context.Background(), dialogue.Actor{Name: "test"}, id, to, was); err != nil {
		t.Fatalf("account of %s: %v", u.Email, err)
	}
}
