package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// protocolCodes are the member states' codes in protocol order.
func protocolCodes(t *testing.T, st *store.Store) []string {
	t.Helper()
	ds, err := st.Delegations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i, d := range ds {
		if d.Kind == dialogue.MemberState {
			if d.ProtocolOrder != i+1 {
				t.Fatalf("%s has place %d, the %d-th of the order: a gap or a repeat", d.Code, d.ProtocolOrder, i+1)
			}
			codes = append(codes, d.Code)
		}
	}
	return codes
}

// The secretariat records a delegation: its code must be new and
// well-formed, a member state takes a place in the protocol order and
// moves the others down, and every problem is said by field.
func TestCreateDelegation(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}

	_, err := st.CreateDelegation(ctx, sec, store.DelegationInput{Code: "tn", Kind: "country", Name: " ", ProtocolOrder: "3"})
	wantFields(t, "an empty form with a taken code", err, "code", "kind", "name")
	_, err = st.CreateDelegation(ctx, sec, store.DelegationInput{Code: "1X", Kind: dialogue.MemberState, Name: "Atlantis", ProtocolOrder: "first"})
	wantFields(t, "a bad code and order", err, "code", "protocol_order")
	_, err = st.CreateDelegation(ctx, sec, store.DelegationInput{Code: "AX", Kind: dialogue.MemberState, Name: "Atlantis", ProtocolOrder: "29"})
	wantFields(t, "a place after the last but one", err, "protocol_order")

	before := protocolCodes(t, st)
	created, err := st.CreateDelegation(ctx, sec, store.DelegationInput{Code: " me ", Kind: dialogue.MemberState, Name: "Montenegro",
		NativeName: "Crna  Gora", ProtocolOrder: "14"})
	if err != nil {
		t.Fatal(err)
	}
	after := protocolCodes(t, st)
	want := slices.Insert(slices.Clone(before), 13, "ME")
	if !slices.Equal(after, want) {
		t.Errorf("protocol order after ME at 14:\n got %v\nwant %v", after, want)
	}
	me, err := st.DelegationForEdit(ctx, "ME")
	if err != nil || me.Delegation != created || me.Delegation.NativeName != "Crna Gora" || me.Version != 1 {
		t.Errorf("ME as recorded: %+v %v", me, err)
	}

	// A partner has no place in the order, whatever the form sent.
	if _, err := st.CreateDelegation(ctx, sec, store.DelegationInput{Code: "MR", Kind: dialogue.Partner, Name: "Mauritania", ProtocolOrder: "2"}); err != nil {
		t.Fatal(err)
	}
	mr, _ := st.DelegationForEdit(ctx, "MR")
	if mr.Delegation.ProtocolOrder != 0 || mr.Delegation.Kind != dialogue.Partner {
		t.Errorf("MR recorded as %+v", mr.Delegation)
	}
	if !slices.Equal(protocolCodes(t, st), after) {
		t.Error("a partner moved the member states")
	}
	if _, err := st.CreateDelegation(ctx, sec, store.DelegationInput{Code: "LY", Kind: dialogue.Partner, Name: "Libya again"}); err == nil {
		t.Error("a second LY (a partner of the demo) was recorded")
	} else {
		wantFields(t, "a taken code", err, "code")
	}

	recs, err := st.ListAudit(ctx, store.AuditFilter{Action: "delegation.", Limit: 10})
	if err != nil || len(recs) != 2 || recs[0].Action != "delegation.create" {
		t.Errorf("audit: %+v %v", recs, err)
	}
}

// Editing a delegation changes its names, footnote and place, never its
// code or kind; a form opened before someone else's save is refused.
func TestUpdateDelegation(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}
	before := protocolCodes(t, st)

	e, err := st.DelegationForEdit(ctx, "TN")
	if err != nil {
		t.Fatal(err)
	}
	err = st.UpdateDelegation(ctx, sec, "TN", e.Version, store.DelegationInput{Code: "XX", Kind: dialogue.MemberState,
		Name: "Republic of  Tunisia", NativeName: "تونس", ProtocolOrder: "1", Footnote: ""})
	if err != nil {
		t.Fatal(err)
	}
	tn, _ := st.DelegationForEdit(ctx, "TN")
	if tn.Delegation.Name != "Republic of Tunisia" || tn.Delegation.Kind != dialogue.Partner || tn.Delegation.ProtocolOrder != 0 || tn.Version != e.Version+1 {
		t.Errorf("TN after the edit: %+v", tn)
	}
	if !slices.Equal(protocolCodes(t, st), before) {
		t.Error("editing a partner moved the member states")
	}
	// The form of the first version is out of date now.
	err = st.UpdateDelegation(ctx, sec, "TN", e.Version, store.DelegationInput{Name: "Tunisia"})
	if dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("a stale save: %v, want a conflict", err)
	}
	if tn2, _ := st.DelegationForEdit(ctx, "TN"); tn2.Delegation.Name != "Republic of Tunisia" {
		t.Errorf("the stale save wrote %q", tn2.Delegation.Name)
	}
	if err := st.UpdateDelegation(ctx, sec, "NOPE", 1, store.DelegationInput{Name: "x"}); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("an unknown code: %v", err)
	}

	// Sweden (27) moved to 2, then back: those in between move one place.
	se, _ := st.DelegationForEdit(ctx, "SE")
	if err := st.UpdateDelegation(ctx, sec, "SE", se.Version, store.DelegationInput{Name: "Sweden", NativeName: "Sverige", ProtocolOrder: "2"}); err != nil {
		t.Fatal(err)
	}
	moved := slices.Insert(slices.Delete(slices.Clone(before), 26, 27), 1, "SE")
	if got := protocolCodes(t, st); !slices.Equal(got, moved) {
		t.Errorf("SE to 2:\n got %v\nwant %v", got, moved)
	}
	se, _ = st.DelegationForEdit(ctx, "SE")
	err = st.UpdateDelegation(ctx, sec, "SE", se.Version, store.DelegationInput{Name: "Sweden", ProtocolOrder: "28"})
	wantFields(t, "a place after the last", err, "protocol_order")
	if err := st.UpdateDelegation(ctx, sec, "SE", se.Version, store.DelegationInput{Name: "Sweden", NativeName: "Sverige", ProtocolOrder: "27"}); err != nil {
		t.Fatal(err)
	}
	if got := protocolCodes(t, st); !slices.Equal(got, before) {
		t.Errorf("SE back to 27:\n got %v\nwant %v", got, before)
	}
	err = st.UpdateDelegation(ctx, sec, "SE", se.Version+1, store.DelegationInput{Name: "", ProtocolOrder: ""})
	wantFields(t, "an emptied form", err, "name", "protocol_order")
}

// The Presidencies to come are recorded and changed; one that has begun
// stays; a form that did not show the Presidency it would replace is
// refused, and says which one is recorded.
func TestRecordPresidency(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, dialogue.Brussels)
	in := func(year, sem, code, was string) store.PresidencyInput {
		return store.PresidencyInput{Year: year, Semester: sem, Delegation: code, Was: was}
	}

	// A meeting planned in 2031, when no Presidency of 2031 is recorded.
	march := time.Date(2031, 3, 18, 10, 0, 0, 0, dialogue.Brussels)
	meetingID, err := st.CreateMeeting(ctx, sec, store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM,
		Title: "Senior officials 2031", StartsAt: march, EndsAt: march.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	presidencyOf := func() string {
		t.Helper()
		ms, err := st.MeetingsByID(ctx, []int64{meetingID})
		if err != nil || len(ms) != 1 {
			t.Fatalf("the 2031 meeting: %v %v", ms, err)
		}
		return ms[0].Presidency
	}
	if p := presidencyOf(); p != "" {
		t.Fatalf("the 2031 meeting is held under %q before any Presidency of 2031 is recorded", p)
	}

	err = st.RecordPresidency(ctx, sec, now, in("31", "3", "", ""))
	wantFields(t, "an empty form", err, "year", "semester", "delegation")
	err = st.RecordPresidency(ctx, sec, now, in("2031", "1", "TN", ""))
	wantFields(t, "a partner", err, "delegation")
	err = st.RecordPresidency(ctx, sec, now, in("2026", "2", "PL", "2026-2=IE"))
	wantFields(t, "the semester in office", err, "year")

	if err := st.RecordPresidency(ctx, sec, now, in("2031", "1", "pl", "2031-1=")); err != nil {
		t.Fatal(err)
	}
	if p := presidencyOf(); !strings.HasPrefix(p, "Poland") {
		t.Errorf("the 2031 meeting is held under %q once Poland's Presidency is recorded", p)
	}
	// A form opened for another semester, or before PL was recorded, did
	// not show PL: it does not replace it.
	for _, was := range []string{"2031-1=", "2031-2=", "", "2031-1=LT"} {
		err = st.RecordPresidency(ctx, sec, now, in("2031", "1", "LT", was))
		if dialogue.KindOf(err) != dialogue.KindConflict {
			t.Errorf("was %q: %v, want a conflict", was, err)
		}
	}
	if err := st.RecordPresidency(ctx, sec, now, in("2031", "1", "LT", "2031-1=PL")); err != nil {
		t.Fatal(err)
	}
	if p := presidencyOf(); !strings.HasPrefix(p, "Lithuania") {
		t.Errorf("the 2031 meeting is held under %q once Lithuania replaces Poland", p)
	}
	ps, err := st.PresidenciesFrom(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, store.PresidencyWas(p.Year, p.Semester, p.Delegation.Code))
	}
	if len(got) == 0 || got[0] != "2026-2=IE" || got[len(got)-1] != "2031-1=LT" {
		t.Errorf("Presidencies from Nov 2026: %v", got)
	}
	recs, err := st.ListAudit(ctx, store.AuditFilter{Action: "presidency.", Limit: 10})
	if err != nil || len(recs) != 2 {
		t.Errorf("audit: %+v %v", recs, err)
	}
}

// Member states recorded at the same moment each take a place, and the
// order stays 1, 2, 3… without a gap or a repeat.
func TestConcurrentMemberStates(t *testing.T) {
	ctx := context.Background()
	st, _ := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}
	codes := []string{"AL", "ME", "MK", "RS", "UA", "MD"}
	errs := make(chan error, len(codes))
	for i, code := range codes {
		go func() {
			_, err := st.CreateDelegation(ctx, sec, store.DelegationInput{Code: code, Kind: dialogue.MemberState,
				Name: "Candidate " + code, ProtocolOrder: strconv.Itoa(1 + i%3)})
			errs <- err
		}()
	}
	for range codes {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if got := protocolCodes(t, st); len(got) != 27+len(codes) {
		t.Errorf("%d member states after recording %d: %v", len(got), len(codes), got)
	}
}
