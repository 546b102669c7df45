package store_test

import (
	"context"
	"fmt"
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

	// "My consultations": each question of the round in order, with BE's
	// status (its latest revision) or none; never another delegation's.
	sts, err := f.st.QuestionStatuses(ctx, f.be, []int64{f.round, 999999})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.QuestionStatus{{QuestionID: f.text, Number: 1, Status: dialogue.PositionDraft},
		{QuestionID: f.choice, Number: 2, Status: dialogue.PositionSubmitted}, {QuestionID: f.agree, Number: 3, Status: dialogue.PositionNone}}
	if got := sts[f.round]; len(sts) != 1 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("BE's statuses %+v, want %+v", sts, want)
	}
	if sts, _ := f.st.QuestionStatuses(ctx, f.fr, []int64{f.round}); fmt.Sprint(sts[f.round]) != fmt.Sprint([]store.QuestionStatus{
		{QuestionID: f.text, Number: 1, Status: dialogue.PositionDraft}, {QuestionID: f.choice, Number: 2, Status: dialogue.PositionNone},
		{QuestionID: f.agree, Number: 3, Status: dialogue.PositionNone}}) {
		t.Fatalf("FR's statuses %+v", sts)
	}
	if sts, err := f.st.QuestionStatuses(ctx, f.be, nil); err != nil || len(sts) != 0 {
		t.Fatalf("no rounds: %v %v", sts, err)
	}

	hist, err := f.st.DelegationRevisions(ctx, f.round, f.be, 0)
	if err != nil {
		t.Fatal(err)
	}
	text := hist[f.text]
	if len(hist) != 2 || len(text) != 2 || text[0].Revision != 2 || text[0].Body != "second" || text[1].Body != "first" ||
		text[0].AuthorName != "" || len(hist[f.choice]) != 1 {
		t.Fatalf("BE history %+v", hist)
	}
	if fr, _ := f.st.DelegationRevisions(ctx, f.round, f.fr, 0); len(fr[f.text]) != 1 || fr[f.text][0].Body != "French draft" {
		t.Fatalf("FR history %+v", fr)
	}
	// The latest only: the newest of each reply.
	if latest, err := f.st.DelegationRevisions(ctx, f.round, f.be, 1); err != nil || len(latest[f.text]) != 1 ||
		latest[f.text][0].Body != "second" || len(latest[f.choice]) != 1 {
		t.Fatalf("BE's latest revisions %+v %v", latest, err)
	}

	notes, err := f.st.ConsultableNotes(ctx)
	if err != nil || len(notes) != 1 || notes[0].Reference != "5559/26" || notes[0].Questions != 3 || notes[0].Rounds != 1 || notes[0].Limite {
		t.Fatalf("consultable notes %+v %v", notes, err)
	}
}
