package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// demoNow is when the read tests run: after 5559/26, before the demo's
// upcoming meetings.
var demoNow = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// demoStore is a fresh database holding the demo dataset.
func demoStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	st, url := dbtest.Store(t)
	if _, err := demo.Load(context.Background(), st, demoNow); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	return st, url
}

func TestDelegationsInProtocolOrder(t *testing.T) {
	st, _ := demoStore(t)
	ds, err := st.Delegations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var members []string
	kinds := []dialogue.DelegationKind{}
	var palestine *dialogue.Delegation
	for i, d := range ds {
		if d.Kind == dialogue.MemberState {
			members = append(members, d.Code)
			if d.ProtocolOrder != len(members) {
				t.Errorf("%s has protocol order %d, listed %d", d.Code, d.ProtocolOrder, len(members))
			}
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != d.Kind {
			kinds = append(kinds, d.Kind)
		}
		if d.Code == "PS" {
			palestine = &ds[i]
		}
	}
	if !slices.Equal(members, dialogue.ProtocolCodes) {
		t.Errorf("member states = %v, want protocol order %v", members, dialogue.ProtocolCodes)
	}
	if want := []dialogue.DelegationKind{dialogue.MemberState, dialogue.Institution, dialogue.Partner, dialogue.Observer}; !slices.Equal(kinds, want) {
		t.Errorf("kinds in order %v, want %v", kinds, want)
	}
	if palestine == nil || palestine.Footnote != dialogue.PalestineFootnote {
		t.Errorf("Palestine = %+v, want its designation footnote", palestine)
	}
}

func TestDialogueRegistry(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	dls, err := st.Dialogues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(dls) < 2 {
		t.Fatalf("dialogues = %+v", dls)
	}
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DialogueByCode(ctx, "atlantis"); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("unknown dialogue: %v, want not found", err)
	}

	parts, err := st.Participants(ctx, []int64{med.ID})
	if err != nil {
		t.Fatal(err)
	}
	var partners []dialogue.Delegation
	observers := 0
	for _, p := range parts[med.ID] {
		switch p.Role {
		case dialogue.ParticipantPartner:
			if observers > 0 {
				t.Errorf("partner %s listed after an observer", p.Delegation.Code)
			}
			partners = append(partners, p.Delegation)
		case dialogue.ParticipantObserver:
			observers++
		}
	}
	if len(partners) != 10 || observers == 0 {
		t.Errorf("med: %d partners and %d observers, want the ten partners and some observers", len(partners), observers)
	}

	priorities, err := st.Priorities(ctx, med.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(priorities) < 3 || priorities[0].Code != "i" || priorities[0].Status != dialogue.PriorityInitial {
		t.Fatalf("med priorities = %+v", priorities)
	}
	initiatives, err := st.Initiatives(ctx, med.ID)
	if err != nil {
		t.Fatal(err)
	}
	var euromed *dialogue.Initiative
	for i, in := range initiatives {
		if in.Name == "EuroMed Police" {
			euromed = &initiatives[i]
		}
	}
	if euromed == nil || len(euromed.Implementers) == 0 || len(euromed.PriorityIDs) == 0 || len(euromed.PartnerIDs) == 0 {
		t.Fatalf("EuroMed Police = %+v", euromed)
	}

	// The coverage matrix is not empty and shows at least one gap.
	var initial []dialogue.Priority
	for _, p := range priorities {
		if p.Status == dialogue.PriorityInitial {
			initial = append(initial, p)
		}
	}
	c := dialogue.BuildCoverage(initial, partners, initiatives)
	covered := 0
	for _, row := range c.Cells {
		for _, cell := range row {
			if len(cell) > 0 {
				covered++
			}
		}
	}
	if covered == 0 || c.Gaps() == 0 {
		t.Errorf("coverage: %d cells covered, %d gaps; want some of each", covered, c.Gaps())
	}
}

// delegationIDs maps the registry's delegation codes to their ids.
func delegationIDs(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	ds, err := st.Delegations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]int64, len(ds))
	for _, d := range ds {
		out[d.Code] = d.ID
	}
	return out
}
