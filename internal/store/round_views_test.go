package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestRoundViews(t *testing.T) {
	ctx := context.Background()
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	// BE: two revisions of the text question, one choice; FR: one reply.
	if _, err := f.save(0, "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.save(1, "second"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.choice, DelegationID: f.be,
		Status: dialogue.PositionSubmitted, OptionID: f.optionI}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.fr,
		Status: dialogue.PositionDraft, Body: "French draft"}); err != nil {
		t.Fatal(err)
	}

	qs, err := f.st.RoundQuestions(ctx, []int64{f.round, 999999})
	if err != nil {
		t.Fatal(err)
	}
	got := qs[f.round]
	if len(qs) != 1 || len(got) != 3 || got[0].ID != f.text || got[1].ID != f.choice || got[2].ID != f.agree ||
		len(got[1].Options) != 2 || got[1].Options[0].ID != f.optionI || got[1].Options[1].Label != "ii)" || len(got[0].Options) != 0 {
		t.Fatalf("round questions %+v", qs)
	}
	if qs, err := f.st.RoundQuestions(ctx, nil); err != nil || len(qs) != 0 {
		t.Fatalf("no rounds: %v %v", qs, err)
	}

	own, err := f.st.DelegationPositions(ctx, f.be, []int64{f.round})
	if err != nil || len(own) != 2 {
		t.Fatalf("BE positions %+v %v", own, err)
	}
	for _, p := range own {
		if p.DelegationID != f.be {
			t.Fatalf("another delegation's reply in BE's positions: %+v", p)
		}
	}
	if ps, _ := f.st.DelegationPositions(ctx, f.be, nil); len(ps) != 0 {
		t.Fatalf("no rounds: %+v", ps)
	}

	hist, err := f.st.DelegationRevisions(ctx, f.round, f.be)
	if err != nil {
		t.Fatal(err)
	}
	text := hist[f.text]
	if len(hist) != 2 || len(text) != 2 || text[0].Revision != 2 || text[0].Body != "second" || text[1].Body != "first" ||
		text[0].AuthorName != "" || len(hist[f.choice]) != 1 {
		t.Fatalf("BE history %+v", hist)
	}
	if fr, _ := f.st.DelegationRevisions(ctx, f.round, f.fr); len(fr[f.text]) != 1 || fr[f.text][0].Body != "French draft" {
		t.Fatalf("FR history %+v", fr)
	}

	notes, err := f.st.ConsultableNotes(ctx)
	if err != nil || len(notes) != 1 || notes[0].Reference != "5559/26" || notes[0].Questions != 3 || notes[0].Rounds != 1 || notes[0].Limite {
		t.Fatalf("consultable notes %+v %v", notes, err)
	}
}
