package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// HomeRequest is what the home page shows its viewer.
type HomeRequest struct {
	Viewer     dialogue.Viewer
	Now        time.Time
	Meetings   int // the next meetings not yet over (NextMeetings)
	Documents  int // the latest issued documents
	OpenRounds int // rounds accepting replies at Now (FindRounds with OpenAt)
	// CadenceFrom, when set, also reads the dialogues' senior officials'
	// and ministerial meetings from then (CadenceMeetings).
	CadenceFrom time.Time
}

// Home is what the home page lists, each under the same rules as the
// methods named in HomeRequest.
type Home struct {
	Dialogues  []dialogue.Dialogue
	Meetings   []dialogue.Meeting
	Documents  []dialogue.Document
	OpenRounds []RoundSummary
	Cadence    []dialogue.Meeting
}

// Home reads the home page's lists in one round trip: the same statements
// as Dialogues, NextMeetings, Documents, FindRounds and CadenceMeetings, sent
// together in a batch. The home page is the most visited, and each round
// trip costs both processes a wake-up and two system calls.
func (s *Store) Home(ctx context.Context, r HomeRequest) (Home, error) {
	var (
		h      Home
		docs   DocumentList
		rounds roundPage
		b      pgx.Batch
	)
	queueStatement(&b, dialoguesStatement(), &h.Dialogues)
	queueStatement(&b, nextMeetingsStatement(r.Viewer, r.Now, r.Meetings), &h.Meetings)
	queueStatement(&b, documentsStatement(DocumentFilter{Viewer: r.Viewer, Status: dialogue.DocumentIssued, Limit: r.Documents}), &docs)
	queueStatement(&b, findRoundsStatement(r.Viewer, RoundFilter{OpenAt: r.Now, Limit: r.OpenRounds}), &rounds)
	if !r.CadenceFrom.IsZero() {
		queueStatement(&b, cadenceMeetingsStatement(r.Viewer, r.CadenceFrom), &h.Cadence)
	}
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return Home{}, fmt.Errorf("store: home: %w", err)
	}
	h.Documents, h.OpenRounds = docs.Documents, rounds.list
	return h, nil
}
