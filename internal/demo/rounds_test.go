package demo

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestDemoRounds(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	loadedAt := time.Date(2026, 11, 22, 15, 0, 0, 0, dialogue.Brussels)
	if _, err := Load(ctx, st, loadedAt); err != nil {
		t.Fatal(err)
	}
	all := dialogue.Viewer{SeeAll: true}
	rounds, err := st.Rounds(ctx, all)
	if err != nil || len(rounds) != 3 {
		t.Fatalf("rounds: %d, %v", len(rounds), err)
	}
	byDoc := map[string]dialogue.Round{}
	for _, r := range rounds {
		if !r.Round.Demo {
			t.Errorf("round %q is not marked demo", r.Round.Title)
		}
		byDoc[r.Round.DocumentRef] = r.Round
	}
	r5559 := byDoc["5559/26"]
	if r5559.StateAt(loadedAt) != dialogue.RoundClosed || r5559.ReleasedAt == nil ||
		r5559.Deadline.In(dialogue.Brussels).Format("2 Jan 2006 15:04") != "27 Feb 2026 18:00" {
		t.Fatalf("5559/26 round: %+v", r5559)
	}
	if r := byDoc["9375/25"]; r.StateAt(loadedAt) != dialogue.RoundClosed || r.ReleasedAt != nil {
		t.Fatalf("9375/25 round: %+v", r)
	}
	current := byDoc["15102/26"]
	if current.StateAt(loadedAt) != dialogue.RoundOpen ||
		current.Deadline.In(dialogue.Brussels).Format("2006-01-02 15:04") != "2026-12-06 18:00" {
		t.Fatalf("current round: state %s, deadline %s", current.StateAt(loadedAt), current.Deadline)
	}
	positions, err := st.RoundPositions(ctx, r5559.ID, 0)
	if err != nil || len(positions) != 21 {
		t.Fatalf("5559/26 replies: %d, %v", len(positions), err)
	}
	late := 0
	for _, p := range positions {
		if !p.Demo {
			t.Errorf("reply %d not marked demo", p.ID)
		}
		if p.Late {
			late++
			if p.ProxySource != "email" {
				t.Errorf("a late reply without provenance: %+v", p)
			}
		}
	}
	if late != 2 {
		t.Errorf("%d late replies, want the two the Netherlands sent by e-mail", late)
	}
	summaries, _ := st.Summaries(ctx, r5559.ID)
	if len(summaries) != 2 {
		t.Errorf("%d summaries", len(summaries))
	}

	// Loading again, a month later: the current round keeps its dates and
	// nothing is duplicated.
	if _, err := Load(ctx, st, loadedAt.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	again, _ := st.Rounds(ctx, all)
	for _, r := range again {
		if r.Round.DocumentRef == "15102/26" && !r.Round.Deadline.Equal(current.Deadline) {
			t.Fatalf("reloading moved the current round's deadline to %s", r.Round.Deadline)
		}
	}
	if positions, _ := st.RoundPositions(ctx, r5559.ID, 0); len(positions) != 21 || len(again) != 3 {
		t.Fatalf("after reload: %d rounds, %d replies", len(again), len(positions))
	}
}
