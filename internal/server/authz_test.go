package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The roles of the matrix: anonymous, then one user of each role, with the
// policy's variants (a delegation manager, a partner's delegate).
var matrixRoles = []string{"anonymous", "secretariat", "presidency", "delegate", "manager", "observer", "partner"}

// expect is the status each role gets, in matrixRoles order.
type expect [7]int

// allRoutes is the expected outcome of every route for every role. The test
// walks the router's own routes: a route missing here fails it, and so does
// an entry here without a route. Each area keeps its rules in its own
// authz_<area>_test.go, merged here.
var allRoutes = mergeRules(coreRouteRules, draftingRouteRules, roundRouteRules, meetingRouteRules, searchRouteRules, registryRouteRules)

func mergeRules(maps ...map[string]expect) map[string]expect {
	out := map[string]expect{}
	for _, m := range maps {
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic("two rules for " + k)
			}
			out[k] = v
		}
	}
	return out
}

var coreRouteRules = map[string]expect{
	//                          anon sec  pres del  mgr  obs  partner
	"GET /healthz":             {200, 200, 200, 200, 200, 200, 200},
	"GET /ping":                {200, 200, 200, 200, 200, 200, 200},
	"GET /static/*":            {200, 200, 200, 200, 200, 200, 200},
	"GET /login":               {200, 303, 303, 303, 303, 303, 303}, // signed in: sent on
	"POST /login":              {422, 422, 422, 422, 422, 422, 422}, // empty form
	"GET /reset/{token}":       {404, 404, 404, 404, 404, 404, 404}, // unknown token
	"POST /reset/{token}":      {404, 404, 404, 404, 404, 404, 404},
	"POST /logout":             {303, 303, 303, 303, 303, 303, 303},
	"GET /":                    {303, 200, 200, 200, 200, 200, 200},
	"GET /delegations":         {303, 200, 200, 200, 200, 200, 200},
	"GET /dialogues/{code}":    {303, 200, 200, 200, 200, 200, 200},
	"GET /missions":            {303, 200, 200, 200, 200, 200, 200},
	"GET /actions":             {303, 200, 200, 200, 200, 200, 200},
	"GET /documents":           {303, 200, 200, 200, 200, 200, 200},
	"GET /documents/{id}":      {303, 200, 200, 200, 200, 200, 404}, // 5559/26: LIMITE, not sent to partners
	"GET /meetings":            {303, 200, 200, 200, 200, 200, 200},
	"GET /account/password":    {303, 200, 200, 200, 200, 200, 200},
	"POST /account/password":   {303, 422, 422, 422, 422, 422, 422}, // empty form
	"GET /users":               {303, 200, 403, 403, 200, 403, 403},
	"POST /users":              {303, 422, 403, 403, 422, 403, 403}, // empty form
	"POST /users/{id}/disable": {303, 303, 403, 403, 303, 403, 403}, // target: a BE delegate
	"POST /users/{id}/enable":  {303, 303, 403, 403, 303, 403, 403},
	"POST /users/{id}/reset":   {303, 200, 403, 403, 200, 403, 403},
	"POST /users/{id}/role":    {303, 303, 403, 403, 403, 403, 403},
	"GET /users/{id}/edit":     {303, 200, 403, 403, 200, 403, 403},
	"POST /users/{id}/edit":    {303, 303, 403, 403, 303, 403, 403}, // the account unchanged, as the form showed it
	"GET /audit":               {303, 200, 403, 403, 403, 403, 403},
}

func TestAuthorisationMatrix(t *testing.T) {
	raw, st := demoServerRaw(t)
	doc := documentID(t, st, "5559/26")

	// One session per role; logout and changes to users get fresh ones.
	sessions := map[string]http.Handler{"anonymous": raw}
	users := map[string]dialogue.User{}
	newSession := func(role string) http.Handler {
		if role == "anonymous" {
			return raw
		}
		var a asUser
		switch role {
		case "secretariat":
			a = signedIn(t, raw, st, dialogue.RoleSecretariat, "")
		case "presidency":
			a = signedIn(t, raw, st, dialogue.RolePresidency, "")
		case "delegate":
			a = signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
		case "manager":
			u := addUser(t, st, dialogue.RoleDelegate, "BE", true)
			c, _ := login(t, raw, u.Email, testPassword)
			a = asUser{h: raw, cookie: c, user: u}
		case "observer":
			a = signedIn(t, raw, st, dialogue.RoleObserver, "EUROPOL")
		case "partner":
			a = signedIn(t, raw, st, dialogue.RoleDelegate, "TN")
		}
		users[role] = a.user
		return a
	}
	for _, role := range matrixRoles {
		sessions[role] = newSession(role)
	}

	var routes []string
	err := chi.Walk(raw.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(routes)
	seen := map[string]bool{}
	for _, route := range routes {
		seen[route] = true
		want, ok := allRoutes[route]
		if !ok {
			t.Errorf("route %s has no rule in the authorisation matrix: add its expected outcome for every role", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		for i, role := range matrixRoles {
			h := sessions[role]
			if pattern == "/logout" {
				h = newSession(role) // signing out ends the session
			}
			path := pattern
			path = strings.ReplaceAll(path, "{code}", "med")
			path = strings.ReplaceAll(path, "{delegation}", "TN")
			path = strings.ReplaceAll(path, "{token}", "no-such-token")
			path = strings.ReplaceAll(path, "/static/*", web.AssetPath("site.css"))
			if strings.HasPrefix(pattern, "/documents/") {
				path = strings.ReplaceAll(path, "{id}", strconv.FormatInt(doc, 10))
			}
			if strings.HasPrefix(pattern, "/meetings/{id}") || strings.HasPrefix(pattern, "/actions/{id}") {
				path = meetingMatrixPath(t, st, path) // authz_meetings_test.go
			}
			if strings.HasPrefix(pattern, "/rounds/") {
				path = matrixRoundPath(t, st, doc, path) // a fresh round on 5559/26 consulting BE and FR
			}
			if strings.HasPrefix(pattern, "/dialogues/{code}/initiatives/{id}") {
				path = medInitiative(t, st, path) // authz_registry_test.go
			}
			if strings.HasPrefix(pattern, "/drafts/{id}") {
				path = strings.ReplaceAll(path, "{id}", strconv.FormatInt(matrixDraft(t, st), 10)) // a fresh draft
			}
			form := url.Values{}
			if strings.HasPrefix(pattern, "/users/{id}") {
				// A fresh target each time, so no cell depends on another.
				target := addUser(t, st, dialogue.RoleDelegate, "BE", false)
				path = strings.ReplaceAll(path, "{id}", strconv.FormatInt(target.ID, 10))
				form.Set("role", "delegate")
				form.Set("was_role", "delegate")
				for _, f := range []string{"name", "was_name"} {
					form.Set(f, target.Name)
				}
				for _, f := range []string{"email", "was_email"} {
					form.Set(f, target.Email)
				}
			}
			req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			if method == http.MethodPost {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != want[i] {
				t.Errorf("%s as %s: status %d, want %d", route, role, rec.Code, want[i])
			}
			if role == "anonymous" && want[i] == http.StatusSeeOther && pattern != "/logout" {
				if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/login") {
					t.Errorf("%s as anonymous: sent to %q, want the sign-in page", route, loc)
				}
			}
			if rec.Code == http.StatusForbidden && !strings.Contains(rec.Body.String(), "Not allowed") {
				t.Errorf("%s as %s: 403 without the error page", route, role)
			}
		}
	}
	for route := range allRoutes {
		if !seen[route] {
			t.Errorf("the matrix has a rule for %s, which the router does not have", route)
		}
	}
}

// demoServerRaw is the demo portal without a signed-in user.
func demoServerRaw(t *testing.T) (http.Handler, *store.Store) {
	t.Helper()
	_, st := demoServer(t)
	return newHandler(t, st), st
}

// TestAnotherDelegationsDataByID: changing an id in the URL or the form
// gives nothing of another delegation, and says nothing about it either.
func TestAnotherDelegationsDataByID(t *testing.T) {
	raw, st := demoServerRaw(t)
	ctx := context.Background()
	managerBE := addUser(t, st, dialogue.RoleDelegate, "BE", true)
	c, _ := login(t, raw, managerBE.Email, testPassword)
	asManager := asUser{h: raw, cookie: c, user: managerBE}
	delegateFR := addUser(t, st, dialogue.RoleDelegate, "FR", false)
	secretariat := addUser(t, st, dialogue.RoleSecretariat, "", false)

	// Another delegation's user, a secretariat user, and an id that does
	// not exist all look the same: not found.
	for _, target := range []int64{delegateFR.ID, secretariat.ID, 999999} {
		for _, action := range []string{"disable", "enable", "reset"} {
			r := post(t, asManager, "/users/"+strconv.FormatInt(target, 10)+"/"+action, nil)
			if r.status != http.StatusNotFound {
				t.Errorf("BE manager: %s user %d: status %d, want 404", action, target, r.status)
			}
		}
	}
	fr, err := st.UserByID(ctx, delegateFR.ID)
	if err != nil || fr.Disabled {
		t.Fatalf("the French delegate was changed by the Belgian manager: %+v %v", fr, err)
	}
	// The list shows only the manager's own delegation.
	r := get(t, asManager, "/users")
	r.mustNotContain(t, "/users", delegateFR.Email, secretariat.Email)
	r.mustContain(t, "/users", managerBE.Email)
	// Inviting: whatever the form says, the new user is a BE delegate.
	r = post(t, asManager, "/users", url.Values{"email": {"new@be.example"}, "name": {"New"}, "role": {"secretariat"}, "delegation": {"FR"}, "manager": {"on"}})
	if r.status != http.StatusCreated {
		t.Fatalf("invite: %d\n%s", r.status, r.body)
	}
	u, _, err := st.UserForLogin(ctx, "new@be.example")
	if err != nil || u.Role != dialogue.RoleDelegate || u.Delegation == nil || u.Delegation.Code != "BE" || u.IsManager {
		t.Fatalf("invited user %+v: want a plain BE delegate", u)
	}
	r.mustContain(t, "/users", "/reset/")

	// A partner's delegate cannot open a LIMITE note sent to delegations by
	// its id, and the page does not say it exists.
	tn := signedIn(t, raw, st, dialogue.RoleDelegate, "TN")
	id := documentID(t, st, "5559/26")
	r = get(t, tn, "/documents/"+strconv.FormatInt(id, 10))
	if r.status != http.StatusNotFound {
		t.Fatalf("TN opens 5559/26: %d", r.status)
	}
	r.mustNotContain(t, "5559/26", "5559/26", "Regional dialogue on internal security")
	list := get(t, tn, "/documents")
	list.mustNotContain(t, "/documents as TN", "5559/26", "9375/25")
	search := get(t, tn, "/documents?code=COSI")
	search.mustNotContain(t, "/documents?code=COSI as TN", "5559/26")
}
