package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat records the Council's decision on the scope and moves a
// partner to the first phase; a wrong phase is told beside its field with
// the form as typed; a save from an out-of-date form is refused.
func TestSecretariatRecordsParticipation(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	pres := signedIn(t, raw, st, dialogue.RolePresidency, "")
	ctx := context.Background()
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := st.Participants(ctx, []int64{med.ID})
	form := url.Values{"version": {"1"}, "scope": {""}}
	var jo int64
	for _, p := range parts[med.ID] {
		key := strconv.FormatInt(p.Delegation.ID, 10)
		form.Add("delegation", key)
		form.Set("phase-"+key, strconv.Itoa(p.Phase))
		if p.Delegation.Code == "JO" {
			jo = p.Delegation.ID
		}
	}
	joKey := strconv.FormatInt(jo, 10)
	pageOK(t, sec, "/dialogues/med", `href="/dialogues/med/participants/edit"`)
	pageOK(t, pres, "/dialogues/med").mustNotContain(t, "the Presidency's dialogue page", "/participants/edit")
	pageOK(t, sec, "/dialogues/med/participants/edit", "Geographical scope", `name="phase-`+joKey+`" value="2"`, "Jordan", `<option value="CLASI">`)

	form.Set("phase-"+joKey, "first")
	bad := post(t, sec, "/dialogues/med/participants", form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong phase: %d", bad.status)
	}
	bad.mustContain(t, "a wrong phase", "Enter the phase as a number", `href="#p-phase-`+joKey+`"`, `id="p-phase-`+joKey+`-error"`, `value="first"`)
	checkHTML(t, "a wrong phase", bad.body)

	form.Set("phase-"+joKey, "1")
	form.Set("scope", "phased")
	if r := post(t, sec, "/dialogues/med/participants", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/dialogues/med#partners" {
		t.Fatalf("save: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	pageOK(t, sec, "/dialogues/med", "The participation is saved", "phased approach")
	stale := post(t, sec, "/dialogues/med/participants", form)
	if stale.status != http.StatusConflict {
		t.Fatalf("a save from the same form again: %d", stale.status)
	}
	stale.mustContain(t, "the stale save", "Changed by someone else meanwhile", `name="version" value="2"`)
	parts, _ = st.Participants(ctx, []int64{med.ID})
	for _, p := range parts[med.ID] {
		if p.Delegation.ID == jo && p.Phase != 1 {
			t.Errorf("Jordan's phase %d, want 1", p.Phase)
		}
	}
}
