package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat adds a thematic priority to CLASI from the dialogue's
// page; a wrong row is told beside its field and kept as typed; a save from
// an out-of-date form is refused.
func TestSecretariatRecordsPriorities(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	pres := signedIn(t, raw, st, dialogue.RolePresidency, "")
	ctx := context.Background()
	clasi, err := st.DialogueByCode(ctx, "clasi")
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := st.Priorities(ctx, clasi.ID)
	pageOK(t, sec, "/dialogues/clasi", `href="/dialogues/clasi/priorities/edit"`)
	pageOK(t, pres, "/dialogues/clasi").mustNotContain(t, "the Presidency's page", "/priorities/edit")
	pageOK(t, sec, "/dialogues/clasi/priorities/edit", `name="title-new"`, `value="`+ps[0].Title+`"`)

	form := url.Values{"version": {"1"}}
	for i, p := range ps {
		key := strconv.FormatInt(p.ID, 10)
		form.Add("priority", key)
		form.Set("code-"+key, p.Code)
		form.Set("title-"+key, p.Title)
		form.Set("status-"+key, string(p.Status))
		form.Set("position-"+key, strconv.Itoa(i+1))
	}
	form.Set("code-new", "children")
	form.Set("title-new", "Crimes against children")
	form.Set("status-new", "possible_future")
	form.Set("empact_cycle-new", "2029")
	bad := post(t, sec, "/dialogues/clasi/priorities", form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong cycle: %d", bad.status)
	}
	bad.mustContain(t, "a wrong cycle", "Enter the EMPACT cycle as two years", `href="#pr-empact_cycle-new"`, `value="Crimes against children"`, `value="2029"`)
	checkHTML(t, "a wrong cycle", bad.body)

	form.Set("empact_cycle-new", "2026-2029")
	if r := post(t, sec, "/dialogues/clasi/priorities", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/dialogues/clasi#priorities" {
		t.Fatalf("save: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	pageOK(t, sec, "/dialogues/clasi", "The priorities are saved", "Crimes against children")
	stale := post(t, sec, "/dialogues/clasi/priorities", form)
	if stale.status != http.StatusConflict {
		t.Fatalf("the same form again: %d", stale.status)
	}
	stale.mustContain(t, "the stale save", "Changed by someone else meanwhile", `name="version" value="2"`)
	if after, _ := st.Priorities(ctx, clasi.ID); len(after) != len(ps)+1 {
		t.Errorf("%d priorities after saving one more, want %d", len(after), len(ps)+1)
	}
}

// A priority's label reads before its title only when it numbers it as
// the note does (i, ii); CLASI's word labels are keys, not shown.
func TestPriorityLabelsAsTheNoteNumbersThem(t *testing.T) {
	raw, st := demoServerRaw(t)
	be := signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	pageOK(t, be, "/dialogues/med", `<span class="priority-code">i)</span>`, `<span class="priority-code">iii)</span>`)
	pageOK(t, be, "/dialogues/clasi", "Drug trafficking").mustNotContain(t, "the CLASI page", "drugs)", `class="priority-code"`)
}
