package store_test

import (
	"context"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestMeetings(t *testing.T) {
	st, _ := demoStore(t)
	ctx := context.Background()

	all, err := st.Meetings(ctx, store.MeetingFilter{Now: demoNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 5 {
		t.Fatalf("%d meetings", len(all))
	}
	// Upcoming first, soonest first; then past, latest first.
	upcoming := true
	for i, m := range all {
		if !m.EndsAt.After(demoNow) {
			upcoming = false
		} else if !upcoming {
			t.Fatalf("upcoming %q listed after past meetings", m.Title)
		}
		if i == 0 {
			continue
		}
		prev := all[i-1]
		if prev.EndsAt.After(demoNow) == m.EndsAt.After(demoNow) {
			if upcoming && m.StartsAt.Before(prev.StartsAt) || !upcoming && m.StartsAt.After(prev.StartsAt) {
				t.Errorf("%q (%v) out of order after %q (%v)", m.Title, m.StartsAt, prev.Title, prev.StartsAt)
			}
		}
	}
	if upcoming {
		t.Errorf("no past meetings in the demo")
	}

	next, err := st.Meetings(ctx, store.MeetingFilter{Now: demoNow, UpcomingOnly: true, Limit: 5})
	if err != nil || len(next) != 5 || !next[0].EndsAt.After(demoNow) || next[0].ID != all[0].ID {
		t.Errorf("next five = %d, %v", len(next), err)
	}

	cosi, err := st.Meetings(ctx, store.MeetingFilter{COSIOnly: true, Level: dialogue.LevelCOSI})
	if err != nil || len(cosi) == 0 {
		t.Fatalf("COSI meetings: %d, %v", len(cosi), err)
	}
	for _, m := range cosi {
		if m.DialogueID != 0 || m.Level != dialogue.LevelCOSI {
			t.Errorf("COSI filter let through %+v", m)
		}
	}

	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.Meetings(ctx, store.MeetingFilter{DialogueID: med.ID})
	if err != nil || len(ms) == 0 {
		t.Fatalf("med meetings: %v", err)
	}
	var b2b dialogue.Meeting
	for _, m := range ms {
		if m.DialogueID != med.ID || m.DialogueName == "" {
			t.Errorf("dialogue filter let through %+v", m)
		}
		if m.BackToBackID != 0 {
			b2b = m
		}
	}
	if b2b.ID == 0 || b2b.Presidency == "" {
		t.Fatalf("no back-to-back meeting with a Presidency in the med dialogue")
	}
	other, err := st.MeetingsByID(ctx, []int64{b2b.BackToBackID})
	if err != nil || len(other) != 1 || other[0].Level != dialogue.LevelCOSI {
		t.Errorf("the SOM's back-to-back meeting = %+v, %v", other, err)
	}
}
