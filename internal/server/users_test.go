package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat finds users by name or address, delegation, role and
// status; a wrong value gets a message beside its field and the form keeps
// what was typed; after an action the list comes back filtered as it was.
func TestUsersListFilters(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	fr := addUser(t, st, dialogue.RoleDelegate, "FR", false)

	r := pageOK(t, sec, "/users?delegation=be&q=test", "Find users", "matching the filter", be.Email,
		`<option value="BE" selected>`, `value="test"`,
		// The row's forms and the new-user form carry the filter.
		`action="/users/`+itoa(be.ID)+`/disable?delegation=BE&amp;q=test"`, `action="/users?delegation=BE&amp;q=test"`)
	r.mustNotContain(t, "/users?delegation=BE", fr.Email)

	bad := get(t, sec, "/users?delegation=XX&role=king&status=gone&q=Müller")
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong filter: %d", bad.status)
	}
	bad.mustContain(t, "a wrong filter", "Choose a delegation from the list.", "Choose a role from the list.",
		"Choose active or disabled", `value="Müller"`, `id="uf-delegation-error"`, `aria-invalid="true"`)
	bad.mustNotContain(t, "a wrong filter", be.Email, fr.Email)
	checkHTML(t, "a wrong filter", bad.body)

	// Disabling from a filtered list returns to it; what the URL holds
	// is encoded anew, never passed through.
	d := post(t, sec, "/users/"+itoa(fr.ID)+"/disable?delegation=FR&q="+url.QueryEscape("x&y=1")+"&next=//evil.example", nil)
	if d.status != http.StatusSeeOther || d.header.Get("Location") != "/users?delegation=FR&q=x%26y%3D1" {
		t.Fatalf("disable from a filtered list: %d %q", d.status, d.header.Get("Location"))
	}
	disabled := pageOK(t, sec, "/users?status=disabled", fr.Email)
	disabled.mustNotContain(t, "/users?status=disabled", be.Email)
	pageOK(t, sec, "/users?status=active&role=delegate", be.Email).mustNotContain(t, "active delegates", fr.Email, "Demo Secretariat")
}

// A delegation manager's list is their delegation's whatever the URL asks:
// the delegation and role filters are the secretariat's.
func TestManagersUsersFilterStaysInTheirDelegation(t *testing.T) {
	raw, st := demoServerRaw(t)
	m := addUser(t, st, dialogue.RoleDelegate, "BE", true)
	c, _ := login(t, raw, m.Email, testPassword)
	if c == nil {
		t.Fatal("the manager cannot sign in")
	}
	manager := asUser{h: raw, cookie: c, user: m}
	fr := addUser(t, st, dialogue.RoleDelegate, "FR", false)
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	r := pageOK(t, manager, "/users?delegation=FR&q=test", be.Email)
	r.mustNotContain(t, "/users?delegation=FR as a BE manager", fr.Email, `id="uf-delegation"`, `id="uf-role"`)
	if strings.Count(r.body, "@test.example") != 2 { // the manager and the BE delegate
		t.Errorf("the BE manager's filtered list holds %d test users, want 2", strings.Count(r.body, "@test.example"))
	}
}

// Two officers change the same account's role from the same list: the
// second is told what the first did, and nothing of theirs is written.
func TestRoleChangeDoesNotOverwriteAnother(t *testing.T) {
	raw, st := demoServerRaw(t)
	first := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	second := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	list := pageOK(t, second, "/users?q="+url.QueryEscape(be.Email), `name="was_role" value="delegate"`)
	list.mustNotContain(t, "the list before", `name="was_manager"`)

	path := "/users/" + itoa(be.ID) + "/role"
	if r := post(t, first, path, url.Values{"role": {"delegate"}, "manager": {"on"}, "was_role": {"delegate"}}); r.status != http.StatusSeeOther {
		t.Fatalf("first change: %d\n%s", r.status, r.body)
	}
	r := post(t, second, path, url.Values{"role": {"delegate"}, "was_role": {"delegate"}})
	if r.status != http.StatusConflict {
		t.Fatalf("second change from the old list: %d, want 409", r.status)
	}
	r.mustContain(t, "second change", "changed meanwhile: it is now Delegate (manager)")
	u, _, err := st.UserForLogin(t.Context(), be.Email)
	if err != nil || !u.IsManager {
		t.Fatalf("the first change was overwritten: %+v %v", u, err)
	}
	pageOK(t, second, "/users?q="+url.QueryEscape(be.Email), `name="was_manager" value="on"`)
	if r := post(t, second, path, url.Values{"role": {"delegate"}}); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
		t.Fatalf("a form without the role it showed: %d", r.status)
	}
}
