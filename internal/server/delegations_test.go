package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// The secretariat records a delegation and edits one from the delegations
// page; a wrong form keeps what was typed with a message beside each
// field; a save from an out-of-date form is refused with the delegation as
// saved shown above what was typed. Others see the registry and no way to
// edit it.
func TestSecretariatKeepsDelegations(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	pres := signedIn(t, raw, st, dialogue.RolePresidency, "")

	list := pageOK(t, sec, "/delegations", `href="/delegations/new"`, `href="/delegations/TN/edit"`, `href="/delegations/BE/edit"`, `href="/delegations/EUROPOL/edit"`)
	checkHTML(t, "/delegations", list.body)
	checkHTML(t, "/delegations/new", pageOK(t, sec, "/delegations/new", `name="code"`, `name="kind"`).body)
	pageOK(t, pres, "/delegations", "Tunisia").mustNotContain(t, "the Presidency's delegations page", "/delegations/new", "/edit", "/presidencies/new")

	bad := post(t, sec, "/delegations", url.Values{"code": {"tn"}, "kind": {"partner"}, "name": {"  "},
		"native_name": {"Demo: kept as typed"}, "footnote": {"A footnote kept"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong delegation: %d", bad.status)
	}
	bad.mustContain(t, "a wrong delegation", "A delegation has the code TN already", "Enter the delegation&#39;s name in English.",
		`id="d-code-error"`, `id="d-name-error"`, `value="Demo: kept as typed"`, ">A footnote kept</textarea>",
		`<option value="partner" selected>`)
	checkHTML(t, "a wrong delegation", bad.body)

	r := post(t, sec, "/delegations", url.Values{"code": {"mr"}, "kind": {"partner"}, "name": {"Mauritania"}, "native_name": {"موريتانيا"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/delegations" {
		t.Fatalf("record a delegation: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	pageOK(t, sec, "/delegations", "Mauritania (MR) is recorded", `href="/delegations/MR/edit"`)
	// A partner of no dialogue yet can be added to one.
	pageOK(t, sec, "/dialogues/med/participants/edit", "Mauritania")

	edit := pageOK(t, sec, "/delegations/MR/edit", "Edit Mauritania (MR)", `value="Mauritania"`, `name="version" value="1"`)
	edit.mustNotContain(t, "a partner's form", `name="code"`, `name="kind"`, `name="protocol_order"`)
	pageOK(t, sec, "/delegations/be/edit", `name="protocol_order"`, `value="1"`, `action="/delegations/BE"`)
	if r := get(t, sec, "/delegations/NOPE/edit"); r.status != http.StatusNotFound {
		t.Errorf("an unknown delegation's form: %d", r.status)
	}

	form := url.Values{"version": {"1"}, "name": {"Islamic Republic of Mauritania"}, "native_name": {"موريتانيا"}}
	if r := post(t, sec, "/delegations/MR", form); r.status != http.StatusSeeOther {
		t.Fatalf("edit MR: %d\n%s", r.status, r.body)
	}
	pageOK(t, pres, "/delegations", "Islamic Republic of Mauritania")

	// The same form again: version 1 is out of date.
	form.Set("name", "Mauritanie")
	stale := post(t, sec, "/delegations/MR", form)
	if stale.status != http.StatusConflict {
		t.Fatalf("a stale save: %d", stale.status)
	}
	stale.mustContain(t, "a stale save", "Changed by someone else meanwhile", "<dd>Islamic Republic of Mauritania</dd>",
		`value="Mauritanie"`, `name="version" value="2"`)
	checkHTML(t, "a stale save", stale.body)
	mr, err := st.DelegationForEdit(context.Background(), "MR")
	if err != nil || mr.Delegation.Name != "Islamic Republic of Mauritania" {
		t.Errorf("after the stale save: %+v %v", mr.Delegation, err)
	}
}

// The secretariat records the Presidencies to come; the one in office
// stays; a form that did not show the Presidency it would replace says
// which one is recorded and keeps the choice, and saving again replaces it.
func TestSecretariatRecordsPresidencies(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	deleg := signedIn(t, raw, st, dialogue.RoleDelegate, "FR")

	// In office on 2 March 2026 (the tests' clock): Cyprus.
	page := pageOK(t, deleg, "/delegations", "Presidencies of the Council", "January–June 2026", "(in office)", "July–December 2030")
	page.mustNotContain(t, "a delegate's delegations page", "January–June 2025", "/presidencies/new")
	pageOK(t, sec, "/delegations", `href="/presidencies/new?year=2026&amp;semester=2"`).
		mustNotContain(t, "the semester in office", `href="/presidencies/new?year=2026&amp;semester=1"`)

	// A blank form opens at the first semester after those recorded.
	pageOK(t, sec, "/presidencies/new", `id="pr-year" name="year" value="2031"`, `<option value="1" selected>January–June</option>`, `name="was" value="2031-1="`)
	pageOK(t, sec, "/presidencies/new?year=2030&semester=2", "Recorded now: Malta", `<option value="MT" selected>`, `name="was" value="2030-2=MT"`)

	bad := post(t, sec, "/presidencies", url.Values{"year": {"2026"}, "semester": {"1"}, "delegation": {"PL"}, "was": {"2026-1=CY"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("the semester in office: %d", bad.status)
	}
	bad.mustContain(t, "the semester in office", "has begun", `id="pr-year-error"`, `<option value="PL" selected>`)
	checkHTML(t, "the semester in office", bad.body)

	if r := post(t, sec, "/presidencies", url.Values{"year": {"2031"}, "semester": {"1"}, "delegation": {"PL"}, "was": {"2031-1="}}); r.status != http.StatusSeeOther {
		t.Fatalf("record 2031: %d\n%s", r.status, r.body)
	}
	pageOK(t, deleg, "/delegations", "January–June 2031")

	// A blank form for 2031/1 did not show Poland: refused, then saved on purpose.
	conflict := post(t, sec, "/presidencies", url.Values{"year": {"2031"}, "semester": {"1"}, "delegation": {"FR"}, "was": {"2031-1="}})
	if conflict.status != http.StatusConflict {
		t.Fatalf("replacing a Presidency not shown: %d", conflict.status)
	}
	conflict.mustContain(t, "replacing a Presidency not shown", "Poland holds the Presidency of January–June 2031",
		`<option value="FR" selected>`, `name="was" value="2031-1=PL"`)
	checkHTML(t, "replacing a Presidency not shown", conflict.body)
	if r := post(t, sec, "/presidencies", url.Values{"year": {"2031"}, "semester": {"1"}, "delegation": {"FR"}, "was": {"2031-1=PL"}}); r.status != http.StatusSeeOther {
		t.Fatalf("replacing it knowingly: %d\n%s", r.status, r.body)
	}
	ps, err := st.PresidenciesFrom(context.Background(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	last := ps[len(ps)-1]
	if got := strconv.Itoa(last.Year) + "/" + strconv.Itoa(last.Semester) + " " + last.Delegation.Code; got != "2031/1 FR" {
		t.Errorf("the last Presidency: %s", got)
	}
}

// In the weeks before a Presidency takes over, the secretariat's users page
// says so and links to the active Presidency accounts (and its home page
// to the users page); when none is
// recorded for the coming semester, it asks for it. Nobody else sees it,
// and outside those weeks it is not there.
func TestUsersPageRemindsOfTheHandover(t *testing.T) {
	_, st := demoServerRaw(t)
	at := func(now time.Time) http.Handler { return newHandlerAt(t, st, func() time.Time { return now }) }

	// 22 November 2026: Lithuania takes over from Ireland in 40 days.
	h := at(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	sec := signedIn(t, h, st, dialogue.RoleSecretariat, "")
	n := presidencyAccounts(t, st)
	page := pageOK(t, sec, "/users", "Presidency handover in 40 days",
		"Lithuania takes over the Presidency on 1 January 2027 from Ireland.", `href="/users?role=presidency&amp;status=active"`,
		"review the "+strconv.Itoa(n)+" active Presidency account",
		"last day of access before the handover: give the accounts of the outgoing staff the last day 31 December 2026, and invite the incoming staff with the first day 1 January 2027.")
	checkHTML(t, "/users", page.body)
	// Inviting the incoming staff: the form proposes their Presidency's last day too.
	page.mustContain(t, "/users", "31 December 2026 (Ireland) for the one in office, 30 June 2027 (Lithuania) for the one that takes over on 1 January 2027.",
		"set their password at once and sign in from 1 January 2027 (Lithuania).")
	pageOK(t, sec, "/", "The Presidency changes on 1 January 2027, in 40 days.")
	// Once every Presidency account ends with the semester, the notice
	// only asks for the incoming staff.
	officers, err := st.ListUsers(context.Background(), store.UserFilter{Role: dialogue.RolePresidency, Status: dialogue.AccountActive})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range officers {
		setLastDay(t, st, o.ID, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
	}
	pageOK(t, sec, "/users", "Each ends before the handover; invite the incoming staff with the first day 1 January 2027.").mustNotContain(t, "/users", "no last day of access")
	pageOK(t, signedIn(t, h, st, dialogue.RolePresidency, ""), "/").mustNotContain(t, "the Presidency's home", "The Presidency changes")
	manager := addUser(t, st, dialogue.RoleDelegate, "BE", true)
	c, _ := login(t, h, manager.Email, testPassword)
	pageOK(t, asUser{h: h, cookie: c, user: manager}, "/users").mustNotContain(t, "a manager's users page", "Presidency handover")

	// The evening of 31 December in Brussels: tomorrow.
	h = at(time.Date(2026, 12, 31, 21, 0, 0, 0, time.UTC))
	pageOK(t, signedIn(t, h, st, dialogue.RoleSecretariat, ""), "/users", "Presidency handover in 1 day")

	// Early November 2026: more than 45 days ahead, no notice.
	h = at(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	early := signedIn(t, h, st, dialogue.RoleSecretariat, "")
	pageOK(t, early, "/users").mustNotContain(t, "mid-November", "Presidency handover")
	pageOK(t, early, "/").mustNotContain(t, "the home page in mid-November", "The Presidency changes")

	// December 2030: the demo's Presidencies end with Malta's.
	h = at(time.Date(2030, 12, 1, 10, 0, 0, 0, time.UTC))
	pageOK(t, signedIn(t, h, st, dialogue.RoleSecretariat, ""), "/users", "No Presidency is recorded for January–June 2031", `href="/presidencies/new"`)
	pageOK(t, signedIn(t, h, st, dialogue.RoleDelegate, "FR"), "/delegations", "No Presidency is recorded yet for January–June 2031.")
	pageOK(t, sec, "/delegations").mustNotContain(t, "in 2026", "No Presidency is recorded yet")
}

// presidencyAccounts counts the active Presidency accounts.
func presidencyAccounts(t *testing.T, st *store.Store) int {
	t.Helper()
	us, err := st.ListUsers(context.Background(), store.UserFilter{Role: dialogue.RolePresidency, Status: dialogue.AccountActive})
	if err != nil || len(us) == 0 {
		t.Fatalf("active Presidency accounts: %d %v", len(us), err)
	}
	return len(us)
}
