package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// The secretariat records and edits a dialogue's initiatives: the code comes
// from the name, implementing bodies link to the registry, choices outside
// the dialogue are refused, a stale form is a conflict, and an initiative
// serving another dialogue keeps that dialogue's priorities and partners.
func TestInitiativesAreKeptByTheSecretariat(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	clasi, err := st.DialogueByCode(ctx, "clasi")
	if err != nil {
		t.Fatal(err)
	}
	medPriorities, _ := st.Priorities(ctx, med.ID)
	clasiPriorities, _ := st.Priorities(ctx, clasi.ID)
	deleg := delegationIDs(t, st)
	find := func(dialogueID, id int64) dialogue.Initiative {
		t.Helper()
		all, err := st.Initiatives(ctx, dialogueID)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range all {
			if in.ID == id {
				return in
			}
		}
		t.Fatalf("initiative %d not among dialogue %d's", id, dialogueID)
		return dialogue.Initiative{}
	}

	in := store.InitiativeInput{Name: "  Projet   Sécurité Méditerranée ", Description: "Demo: a training programme.",
		Implementers: []string{"europol", "", "UNODC", "UNODC"},
		PriorityIDs:  []int64{medPriorities[1].ID, medPriorities[0].ID}, PartnerIDs: []int64{deleg["TN"], deleg["MA"]}}
	id, err := st.CreateInitiative(ctx, sec, med.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	got := find(med.ID, id)
	if got.Code != "projet-securite-mediterranee" || got.Name != "Projet Sécurité Méditerranée" {
		t.Errorf("created %q %q", got.Code, got.Name)
	}
	if len(got.Implementers) != 2 || got.Implementers[0].DelegationID != deleg["EUROPOL"] || got.Implementers[1].Name != "UNODC" || got.Implementers[1].DelegationID != 0 {
		t.Errorf("implementers %+v", got.Implementers)
	}
	if len(got.PriorityIDs) != 2 || len(got.PartnerIDs) != 2 {
		t.Errorf("priorities %v, partners %v", got.PriorityIDs, got.PartnerIDs)
	}
	again, err := st.CreateInitiative(ctx, sec, med.ID, in)
	if err != nil || find(med.ID, again).Code != "projet-securite-mediterranee-2" {
		t.Errorf("the same name again: %v", err)
	}

	bad := in
	bad.Name = " "
	bad.PriorityIDs = []int64{clasiPriorities[0].ID}
	bad.PartnerIDs = []int64{deleg["BE"]}
	_, err = st.CreateInitiative(ctx, sec, med.ID, bad)
	wantFields(t, "another dialogue's priority, a member state as partner, no name", err, "name", "priorities", "partners")

	// Edit: from the version read, then again from that same, stale version.
	e, err := st.InitiativeForEdit(ctx, med.ID, id)
	if err != nil || e.Version != 1 {
		t.Fatalf("for edit: %+v %v", e, err)
	}
	in.Name, in.PartnerIDs = "Projet Sécurité", []int64{deleg["EG"]}
	if err := st.UpdateInitiative(ctx, sec, med.ID, id, e.Version, in); err != nil {
		t.Fatal(err)
	}
	stale := in
	stale.Name = "Overwritten"
	if err := st.UpdateInitiative(ctx, sec, med.ID, id, e.Version, stale); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("a save from a stale form: %v", err)
	}
	if got := find(med.ID, id); got.Name != "Projet Sécurité" || !slices.Equal(got.PartnerIDs, []int64{deleg["EG"]}) {
		t.Errorf("after the conflict: %+v", got)
	}
	if _, err := st.InitiativeForEdit(ctx, clasi.ID, id); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("a med initiative edited from CLASI: %v", err)
	}
	if err := st.UpdateInitiative(ctx, sec, clasi.ID, id, 2, in); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("a med initiative saved from CLASI: %v", err)
	}

	// EMPACT serves both dialogues: edited from med, CLASI's side stays.
	var empact dialogue.Initiative
	all, _ := st.Initiatives(ctx, med.ID)
	for _, x := range all {
		if x.Code == "empact" {
			empact = x
		}
	}
	before := find(clasi.ID, empact.ID)
	ee, err := st.InitiativeForEdit(ctx, med.ID, empact.ID)
	if err != nil || len(ee.OtherDialogues) != 1 {
		t.Fatalf("EMPACT for edit: %+v %v", ee, err)
	}
	if err := st.UpdateInitiative(ctx, sec, med.ID, empact.ID, ee.Version, store.InitiativeInput{Name: empact.Name, Implementers: []string{"Europol"}}); err != nil {
		t.Fatal(err)
	}
	after := find(clasi.ID, empact.ID)
	var clasiBefore, clasiAfter []int64
	for _, p := range before.PriorityIDs {
		if slices.ContainsFunc(clasiPriorities, func(c dialogue.Priority) bool { return c.ID == p }) {
			clasiBefore = append(clasiBefore, p)
		}
	}
	clasiAfter = after.PriorityIDs
	if len(clasiBefore) == 0 || !slices.Equal(clasiBefore, clasiAfter) {
		t.Errorf("CLASI's priorities of EMPACT: %v before, %v after an edit from med", clasiBefore, clasiAfter)
	}
	if got := find(med.ID, empact.ID); len(got.PriorityIDs) != len(clasiAfter) {
		t.Errorf("med's priorities of EMPACT were not cleared: %v", got.PriorityIDs)
	}

	recs, err := st.ListAudit(ctx, store.AuditFilter{Action: "initiative.", Limit: 10})
	if err != nil || len(recs) != 4 || recs[0].Action != "initiative.update" || recs[3].Action != "initiative.create" {
		t.Errorf("audit: %d records %v", len(recs), err)
	}

	// Removed from med: from a stale version, no; then the one serving med
	// alone is deleted, EMPACT stays CLASI's with CLASI's priorities.
	if err := st.RemoveInitiative(ctx, sec, med.ID, id, 1); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("removing from a stale version: %v", err)
	}
	if err := st.RemoveInitiative(ctx, sec, med.ID, id, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InitiativeForEdit(ctx, med.ID, id); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("the removed initiative is still med's: %v", err)
	}
	if err := st.RemoveInitiative(ctx, sec, med.ID, empact.ID, ee.Version+1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InitiativeForEdit(ctx, med.ID, empact.ID); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("EMPACT is still med's: %v", err)
	}
	if got := find(clasi.ID, empact.ID); !slices.Equal(got.PriorityIDs, clasiAfter) {
		t.Errorf("CLASI's priorities of EMPACT after its removal from med: %v, want %v", got.PriorityIDs, clasiAfter)
	}
	recs, err = st.ListAudit(ctx, store.AuditFilter{Action: "initiative.", Limit: 2})
	if err != nil || len(recs) != 2 || recs[0].Action != "initiative.remove" || !strings.Contains(recs[1].Detail, "Projet Sécurité") {
		t.Errorf("the removals' audit: %+v %v", recs, err)
	}
}
