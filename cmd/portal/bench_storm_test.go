package main

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// TestRemoveStormRounds: a run removes the rounds earlier storms left, with
// their replies and revisions, and nothing else.
func TestRemoveStormRounds(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.Store(t)
	pool := st.Pool()
	var be, doc, q int64
	for sql, id := range map[string]*int64{
		`INSERT INTO delegations (code, kind, name, protocol_order) VALUES ('BE', 'member_state', 'Belgium', 1) RETURNING id`: &be,
		`INSERT INTO documents (number, year, doc_date, sender, recipients, subject, status, issued_at)
		 VALUES (5559, 2026, '2026-02-12', 'Presidency', 'Delegations', 'Note', 'issued', now()) RETURNING id`: &doc,
	} {
		if err := pool.QueryRow(ctx, sql).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	if err := pool.QueryRow(ctx, `INSERT INTO questions (document_id, position, kind, prompt) VALUES ($1, 1, 'text', 'How?') RETURNING id`, doc).Scan(&q); err != nil {
		t.Fatal(err)
	}
	actor := dialogue.Actor{Name: "test"}
	now := time.Now()
	round := func(title string) int64 {
		id, err := st.CreateRound(ctx, actor, store.NewRound{DocumentID: doc, Title: title, OpensAt: now.Add(-time.Hour),
			Deadline: now.Add(time.Hour), DelegationIDs: []int64{be}, ReleaseAudience: dialogue.ReleasePresidency})
		if err != nil {
			t.Fatal(err)
		}
		for base := range 2 { // two revisions
			if _, err := st.SavePosition(ctx, actor, store.PositionSave{RoundID: id, QuestionID: q, DelegationID: be,
				BaseRevision: base, Status: dialogue.PositionSubmitted, Body: "reply"}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	storm := round(benchStormTitle + " 2026-11-23 06:00:00")
	kept := round("Mediterranean dialogue: replies")

	if err := removeStormRounds(ctx, st); err != nil {
		t.Fatal(err)
	}
	var rounds, positions, revisions int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM rounds WHERE id = $1), (SELECT count(*) FROM positions WHERE round_id = $1),
		(SELECT count(*) FROM position_revisions)`, storm).
		Scan(&rounds, &positions, &revisions); err != nil || rounds+positions != 0 || revisions != 2 {
		t.Errorf("the storm's round: %d rounds, %d replies left; %d revisions in all, want the other round's 2 (%v)",
			rounds, positions, revisions, err)
	}
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM rounds WHERE id = $1), (SELECT count(*) FROM positions WHERE round_id = $1),
		(SELECT count(*) FROM position_revisions r JOIN positions p ON p.id = r.position_id WHERE p.round_id = $1)`, kept).
		Scan(&rounds, &positions, &revisions); err != nil || rounds != 1 || positions != 1 || revisions != 2 {
		t.Errorf("another round: %d rounds, %d replies, %d revisions, want 1, 1, 2 (%v)", rounds, positions, revisions, err)
	}
}
