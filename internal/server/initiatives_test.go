package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// gaps reads the number of gaps of the dialogue page's first coverage matrix.
func gaps(t *testing.T, body string) int {
	t.Helper()
	m := regexp.MustCompile(`<strong>(\d+) gaps?</strong>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no coverage summary on the dialogue page")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// The secretariat records an initiative from the dialogue's page and the
// coverage counts it; a wrong form keeps what was typed with a message
// beside each field; a save from an out-of-date form is refused with the
// initiative as saved shown above what was typed. Others see the
// initiative and no way to edit it.
func TestSecretariatKeepsInitiatives(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	other := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	pres := signedIn(t, raw, st, dialogue.RolePresidency, "")
	ctx := context.Background()
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	priorities, _ := st.Priorities(ctx, med.ID)
	ds, _ := st.Delegations(ctx)
	deleg := map[string]int64{}
	for _, d := range ds {
		deleg[d.Code] = d.ID
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	page := pageOK(t, sec, "/dialogues/med", `href="/dialogues/med/initiatives/new"`, "Record an initiative", `class="edit-link"`)
	before := gaps(t, page.body)
	pageOK(t, pres, "/dialogues/med").mustNotContain(t, "the Presidency's dialogue page", "Record an initiative", `class="edit-link"`)
	pageOK(t, sec, "/dialogues/med/initiatives/new", "New initiative", `name="priorities"`, "Syria", "phase 2")

	bad := post(t, sec, "/dialogues/med/initiatives", url.Values{"name": {"  "}, "description": {"Demo: kept as typed"},
		"implementers": {"Europol\nUNODC"}, "priorities": {id(priorities[0].ID)}, "partners": {id(deleg["BE"])}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong initiative: %d", bad.status)
	}
	bad.mustContain(t, "a wrong initiative", "Enter the initiative&#39;s name.", "Choose the partners from this dialogue&#39;s list.",
		`id="i-name-error"`, ">Demo: kept as typed</textarea>", "Europol\nUNODC</textarea>",
		`value="`+id(priorities[0].ID)+`" checked`)
	checkHTML(t, "a wrong initiative", bad.body)

	form := url.Values{"name": {"Demo training on smuggling"}, "implementers": {"Europol"},
		"priorities": {id(priorities[0].ID)}, "partners": {id(deleg["SY"])}}
	if r := post(t, sec, "/dialogues/med/initiatives", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/dialogues/med#initiatives" {
		t.Fatalf("record an initiative: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	// The message of the change shows once, on the page the secretariat is sent to.
	pageOK(t, sec, "/dialogues/med", "The initiative is recorded")
	pageOK(t, sec, "/dialogues/med").mustNotContain(t, "the page again", "The initiative is recorded")
	page = pageOK(t, pres, "/dialogues/med", "Demo training on smuggling")
	if after := gaps(t, page.body); after != before-1 {
		t.Errorf("gaps %d before, %d after an initiative on a priority with Syria", before, after)
	}

	ins, _ := st.Initiatives(ctx, med.ID)
	var newID int64
	for _, in := range ins {
		if in.Name == "Demo training on smuggling" {
			newID = in.ID
		}
	}
	edit := "/dialogues/med/initiatives/" + id(newID)
	pageOK(t, other, edit+"/edit", `value="Demo training on smuggling"`, `name="version" value="1"`)
	pageOK(t, sec, edit+"/edit", `value="Demo training on smuggling"`)
	form.Set("version", "1")
	form.Set("name", "Demo training on smuggling networks")
	if r := post(t, sec, edit, form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	form.Set("name", "Typed by the other officer")
	conflict := post(t, other, edit, form)
	if conflict.status != http.StatusConflict {
		t.Fatalf("save from an out-of-date form: %d", conflict.status)
	}
	conflict.mustContain(t, "the conflict", "Changed by someone else meanwhile", "Demo training on smuggling networks",
		`value="Typed by the other officer"`, `name="version" value="2"`)
	checkHTML(t, "the conflict", conflict.body)
	pageOK(t, pres, "/dialogues/med", "Demo training on smuggling networks").mustNotContain(t, "after the conflict", "Typed by the other officer")

	// An initiative of another dialogue, or none, is not found here.
	for _, path := range []string{"/dialogues/clasi/initiatives/" + id(newID) + "/edit", "/dialogues/med/initiatives/x/edit", "/dialogues/med/initiatives/999999/edit"} {
		if r := get(t, sec, path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
	if strings.Contains(get(t, sec, "/dialogues/clasi").body, "Demo training on smuggling") {
		t.Error("the med initiative shows on the CLASI page")
	}

	// Removal: the box must be ticked; from a stale version it is refused;
	// then the initiative is gone from the dialogue.
	pageOK(t, sec, edit+"/edit", "Remove it from this dialogue", "it is deleted; the audit log keeps what it held")
	unconfirmed := post(t, sec, edit+"/remove", url.Values{"version": {"2"}})
	if unconfirmed.status != http.StatusUnprocessableEntity {
		t.Fatalf("removal without the box ticked: %d", unconfirmed.status)
	}
	unconfirmed.mustContain(t, "removal without the box", "Tick the box to confirm the removal.", `id="i-confirm-error"`)
	if r := post(t, sec, edit+"/remove", url.Values{"version": {"1"}, "confirm": {"on"}}); r.status != http.StatusConflict {
		t.Fatalf("removal from a stale version: %d", r.status)
	}
	if r := post(t, sec, edit+"/remove", url.Values{"version": {"2"}, "confirm": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("removal: %d\n%s", r.status, r.body)
	}
	pageOK(t, sec, "/dialogues/med", "The initiative is removed").mustNotContain(t, "after the removal", "Demo training on smuggling networks")
}
