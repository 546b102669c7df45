package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// TestHome: the home page's batch gives every viewer exactly what the
// methods it stands for give them, one by one.
func TestHome(t *testing.T) {
	st, url := demoStore(t)
	ctx := context.Background()
	cadenceFrom := time.Date(2025, time.January, 1, 0, 0, 0, 0, dialogue.Brussels)
	seen := map[string]bool{} // which lists were ever non-empty: the comparison is not of nothing
	for _, now := range []time.Time{demoNow, demoNow.AddDate(0, 6, 0)} {
		for _, v := range demoViewers(t, url) {
			req := store.HomeRequest{Viewer: v, Now: now, Meetings: 5, Documents: 5, OpenRounds: 20}
			if v.SeeAll {
				req.CadenceFrom = cadenceFrom
			}
			got, err := st.Home(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			dialogues, err := st.Dialogues(ctx)
			if err != nil {
				t.Fatal(err)
			}
			meetings, err := st.NextMeetings(ctx, v, now, 5)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := st.Documents(ctx, store.DocumentFilter{Viewer: v, Status: dialogue.DocumentIssued, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			rounds, _, err := st.FindRounds(ctx, v, store.RoundFilter{OpenAt: now, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			var cadence []dialogue.Meeting
			if v.SeeAll {
				if cadence, err = st.CadenceMeetings(ctx, v, cadenceFrom); err != nil {
					t.Fatal(err)
				}
			}
			check := func(list string, got, want []int64) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("at %v, viewer %+v, %s: %v, want %v", now, v, list, got, want)
				}
				seen[list] = seen[list] || len(want) > 0
			}
			check("dialogues", ids(got.Dialogues, func(d dialogue.Dialogue) int64 { return d.ID }), ids(dialogues, func(d dialogue.Dialogue) int64 { return d.ID }))
			check("meetings", meetingIDs(got.Meetings), meetingIDs(meetings))
			check("documents", ids(got.Documents, func(d dialogue.Document) int64 { return d.ID }), ids(docs.Documents, func(d dialogue.Document) int64 { return d.ID }))
			check("open rounds", ids(got.OpenRounds, func(r store.RoundSummary) int64 { return r.Round.ID }), ids(rounds, func(r store.RoundSummary) int64 { return r.Round.ID }))
			check("cadence", meetingIDs(got.Cadence), meetingIDs(cadence))
			for i := range min(len(got.OpenRounds), len(rounds)) {
				if g, w := got.OpenRounds[i], rounds[i]; g.Final != w.Final || g.Drafts != w.Drafts || g.Eligible != w.Eligible || g.Questions != w.Questions {
					t.Errorf("viewer %+v, round %d: counts %+v, want %+v", v, w.Round.ID, g, w)
				}
			}
		}
	}
	for _, list := range []string{"dialogues", "meetings", "documents", "open rounds", "cadence"} {
		if !seen[list] {
			t.Errorf("%s: empty for every viewer, so not compared", list)
		}
	}
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}
