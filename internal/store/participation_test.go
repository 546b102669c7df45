package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// The secretariat records the med dialogue's scope and its partners'
// phases; a wrong row is told by its field, a stale form is a conflict,
// and what changes is what the default invitation list follows.
func TestSaveParticipation(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	deleg := delegationIDs(t, st)
	v, err := st.ParticipationVersion(ctx, med.ID)
	if err != nil || v != 1 {
		t.Fatalf("version %d %v", v, err)
	}
	phaseOf := func(code string) int {
		t.Helper()
		parts, err := st.Participants(ctx, []int64{med.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts[med.ID] {
			if p.Delegation.Code == code {
				return p.Phase
			}
		}
		return 0
	}
	if phaseOf("JO") != 2 {
		t.Fatalf("the demo's Jordan is not in phase 2")
	}

	bad := store.ParticipationInput{Scope: "everyone", Changes: []store.ParticipantChange{
		{DelegationID: deleg["JO"], Phase: "one", StartsOn: "1/1/2027"}},
		Add: &store.ParticipantChange{DelegationID: deleg["BE"], Role: dialogue.ParticipantPartner, Phase: "1"}}
	err = st.SaveParticipation(ctx, sec, med.ID, v, bad)
	wantFields(t, "a wrong form", err, "scope", store.RowField("phase", deleg["JO"]),
		store.RowField("starts_on", deleg["JO"]), "role-new")

	good := store.ParticipationInput{Scope: "phased", Changes: []store.ParticipantChange{
		{DelegationID: deleg["JO"], Phase: "1", StartsOn: "2027-01-01", Note: "Demo: joins with the first partners"},
		{DelegationID: deleg["SY"], Remove: true}},
		Add: &store.ParticipantChange{Role: dialogue.ParticipantObserver, Phase: "1"}}
	// An agency or institution that does not take part yet joins as an observer.
	parts, _ := st.Participants(ctx, []int64{med.ID})
	taking := map[string]bool{}
	for _, p := range parts[med.ID] {
		taking[p.Delegation.Code] = true
	}
	ds, _ := st.Delegations(ctx)
	for _, d := range ds {
		if (d.Kind == dialogue.Observer || d.Kind == dialogue.Institution) && !taking[d.Code] {
			good.Add.DelegationID = d.ID
			break
		}
	}
	if err := st.SaveParticipation(ctx, sec, med.ID, v, good); err != nil {
		t.Fatal(err)
	}
	if phaseOf("JO") != 1 || phaseOf("SY") != 0 {
		t.Errorf("after saving: Jordan in phase %d, Syria %d (0: gone)", phaseOf("JO"), phaseOf("SY"))
	}
	if d, _ := st.DialogueByCode(ctx, "med"); d.GeographicScope != "phased" {
		t.Errorf("scope %q", d.GeographicScope)
	}
	// Jordan, now in the first phase, is invited to the dialogue's meetings by default.
	start := time.Now().Add(30 * 24 * time.Hour)
	som, err := st.CreateMeeting(ctx, sec, store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM, Title: "med SOM",
		StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if invited, err := st.DefaultInvitees(ctx, som); err != nil || !slices.Contains(invited, deleg["JO"]) || slices.Contains(invited, deleg["SY"]) {
		t.Errorf("default invitees after the change (JO in, SY out): %v %v", invited, err)
	}
	if err := st.SaveParticipation(ctx, sec, med.ID, v, good); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("a save from the same, now stale, version: %v", err)
	}
	recs, err := st.ListAudit(ctx, store.AuditFilter{Action: "dialogue.participation"})
	if err != nil || len(recs) != 1 {
		t.Errorf("audit: %d records, %v", len(recs), err)
	}
}
