package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
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
		"Choose a status from the list", `value="Müller"`, `id="uf-delegation-error"`, `aria-invalid="true"`)
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

// The secretariat edits an account from the users list (name, e-mail
// address, last day of access): a wrong value is said beside its field and
// kept; a change saved by someone else meanwhile is not overwritten (the
// form comes back with what was typed, and says what is saved); the list
// comes back filtered as it was. A Presidency officer's form proposes the
// last day of the Presidency in office.
func TestUserAccountForm(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now) // "a day gone by" is one of the real calendar
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	officer := addUser(t, st, dialogue.RolePresidency, "", false)
	path := "/users/" + itoa(officer.ID) + "/edit?role=presidency"
	lastDay := dialogue.SemesterAt(time.Now()).End(dialogue.Brussels).AddDate(0, 0, -1).Format("2 January 2006")

	page := pageOK(t, sec, path, "Account of "+officer.Name, `value="`+officer.Email+`"`, "Active",
		"usually ends with the Presidency they serve: "+lastDay, "for the one in office", `action="/users/`+itoa(officer.ID)+`/edit?role=presidency"`,
		`href="/users?role=presidency"`, `name="was_until" value=""`, `name="was_email" value="`+officer.Email+`"`)
	checkHTML(t, path, page.body)
	form := func(name, email, until string) url.Values {
		return url.Values{"name": {name}, "email": {email}, "until": {until}, "was_name": {officer.Name}, "was_email": {officer.Email}, "was_until": {""}}
	}

	other := addUser(t, st, dialogue.RoleSecretariat, "", false)
	for _, c := range []struct {
		form           url.Values
		field, message string
	}{
		{form(officer.Name, officer.Email, "31/12/2026"), "until", "Enter the day as a date, e.g. 2026-12-31"},
		{form(officer.Name, officer.Email, time.Now().AddDate(0, 0, -3).Format(time.DateOnly)), "until", "Choose today or a later day. To end the access now, disable the account."},
		{form(" ", officer.Email, ""), "name", "Enter the person&#39;s name."},
		{form(officer.Name, "not an address", ""), "email", "Enter an e-mail address such as name@example.eu."},
		{form(officer.Name, strings.ToUpper(other.Email), ""), "email", "Another user has this e-mail address."},
	} {
		r := post(t, sec, path, c.form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d", c.form, r.status)
		}
		typed := c.form.Get(c.field)
		r.mustContain(t, c.message, c.message, `id="a-`+c.field+`-error"`, `aria-invalid="true"`)
		if strings.TrimSpace(typed) != "" {
			r.mustContain(t, c.message, `value="`+typed+`"`)
		}
		checkHTML(t, c.message, r.body)
	}
	if got, _ := st.UserByID(context.Background(), officer.ID); !got.AccessUntil.IsZero() || got.Email != officer.Email {
		t.Fatalf("a refused form was saved: %+v", got)
	}

	until := time.Now().AddDate(0, 2, 0)
	r := post(t, sec, path, form("Officer Renamed", "renamed@presidency.example", until.Format(time.DateOnly)))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/users?role=presidency" {
		t.Fatalf("save: %d %q", r.status, r.header.Get("Location"))
	}
	pageOK(t, sec, "/users?role=presidency", "The account of Officer Renamed is saved: last day of access "+until.Format("2 January 2006")+".",
		"renamed@presidency.example", "until "+until.Format("2 January 2006"))
	if c, _ := login(t, raw, "renamed@presidency.example", testPassword); c == nil {
		t.Fatal("the renamed officer cannot sign in with the new address")
	}

	// Another officer's form, opened before that save, showed the account as it was.
	r = post(t, sec, path, form(officer.Name, officer.Email, ""))
	if r.status != http.StatusConflict {
		t.Fatalf("stale form: %d", r.status)
	}
	r.mustContain(t, "stale form", "Changed by someone else meanwhile", "it is now Officer Renamed, renamed@presidency.example, first day of access: none, last day: "+until.Format("2 January 2006"),
		`value="`+officer.Email+`"`, `name="was_email" value="renamed@presidency.example"`, `name="was_until" value="`+until.Format(time.DateOnly)+`"`)
	if got, _ := st.UserByID(context.Background(), officer.ID); got.Email != "renamed@presidency.example" {
		t.Fatalf("the stale form overwrote the account: %+v", got)
	}
	// Saved again from the form that now shows the account: it replaces it knowingly.
	again := url.Values{"name": {"Officer Renamed"}, "email": {"renamed@presidency.example"}, "until": {""},
		"was_name": {"Officer Renamed"}, "was_email": {"renamed@presidency.example"}, "was_until": {until.Format(time.DateOnly)}}
	if r := post(t, sec, path, again); r.status != http.StatusSeeOther {
		t.Fatalf("no end: %d", r.status)
	}
	pageOK(t, sec, "/users?role=presidency", "The account of Officer Renamed is saved: access without an end.")
	var detail string
	if err := st.Pool().QueryRow(context.Background(), `SELECT detail::text FROM audit_log WHERE action = 'user.update' AND object_id = $1 ORDER BY id LIMIT 1`, officer.ID).Scan(&detail); err != nil ||
		!strings.Contains(detail, officer.Email) || !strings.Contains(detail, "renamed@presidency.example") || !strings.Contains(detail, until.Format(time.DateOnly)) {
		t.Fatalf("audit of the first save: %s %v", detail, err)
	}

	// A manager edits their own delegation's delegates only.
	manager := addUser(t, st, dialogue.RoleDelegate, "BE", true)
	c, _ := login(t, raw, manager.Email, testPassword)
	asManager := asUser{h: raw, cookie: c, user: manager}
	fr := addUser(t, st, dialogue.RoleDelegate, "FR", false)
	if r := get(t, asManager, "/users/"+itoa(fr.ID)+"/edit"); r.status != http.StatusNotFound {
		t.Fatalf("a manager opens another delegation's user: %d", r.status)
	}
	if r := post(t, asManager, "/users/"+itoa(officer.ID)+"/edit", again); r.status != http.StatusNotFound {
		t.Fatalf("a manager edits a Presidency officer: %d", r.status)
	}
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	pageOK(t, asManager, "/users/"+itoa(be.ID)+"/edit", "Account of "+be.Name).
		mustNotContain(t, "a delegate's form", "usually ends with the Presidency")
}

// The new-user form takes a last day of access; a wrong one is said beside
// the field and every field keeps what was typed.
func TestNewUserWithALastDayOfAccess(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	form := url.Values{"name": {"Nora Officer"}, "email": {"nora@presidency.example"}, "role": {"presidency"}, "until": {"2020-01-01"}}
	r := post(t, sec, "/users", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a day gone by: %d", r.status)
	}
	r.mustContain(t, "a day gone by", "Choose today or a later day", `value="2020-01-01"`, `value="Nora Officer"`, `value="nora@presidency.example"`, `href="#u-until"`)
	checkHTML(t, "a day gone by", r.body)
	if us, _ := st.ListUsers(context.Background(), store.UserFilter{Words: "nora@"}); len(us) != 0 {
		t.Fatalf("created despite the wrong day: %+v", us)
	}
	until := time.Now().AddDate(0, 3, 0)
	form.Set("until", until.Format(time.DateOnly))
	if r := post(t, sec, "/users", form); r.status != http.StatusCreated {
		t.Fatalf("create: %d", r.status)
	}
	us, err := st.ListUsers(context.Background(), store.UserFilter{Words: "nora@"})
	if err != nil || len(us) != 1 || us[0].AccessUntil.Format(time.DateOnly) != until.Format(time.DateOnly) {
		t.Fatalf("created: %+v %v", us, err)
	}
}
