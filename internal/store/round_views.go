package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Reads behind the consultation pages that rounds.go does not give: each
// serves a whole page (many rounds, many questions) in one query. Sealing is
// the caller's duty, as for RoundPositions: these ask for one delegation's
// replies only.

// QuestionStatus is where a delegation stands on one question of a round:
// the question, its number in the note, and the status of the delegation's
// reply (dialogue.PositionNone when it has not replied).
type QuestionStatus struct {
	QuestionID int64
	Number     int
	Status     dialogue.PositionStatus
}

// QuestionStatuses returns, for each of the given rounds, its questions in
// order with the status of one delegation's reply to each: the row of "My
// consultations". It reads the statuses alone, not the questions' texts
// nor the replies (a page of 50 rounds holds some 300 questions).
func (s *Store) QuestionStatuses(ctx context.Context, delegationID int64, roundIDs []int64) (map[int64][]QuestionStatus, error) {
	out := make(map[int64][]QuestionStatus, len(roundIDs))
	if len(roundIDs) == 0 {
		return out, nil
	}
	// The delegation's replies in those rounds are read at once, by round
	// and delegation, rather than looked up question by question.
	rows, err := s.pool.Query(ctx, `
		WITH own AS MATERIALIZED (
			SELECT round_id, question_id, status FROM positions WHERE delegation_id = $1 AND round_id = ANY($2))
		SELECT r.id, q.id, q.position, coalesce(own.status, $3)
		FROM rounds r
		JOIN questions q ON q.document_id = r.document_id
		LEFT JOIN own ON own.round_id = r.id AND own.question_id = q.id
		WHERE r.id = ANY($2)
		ORDER BY r.id, q.position`, delegationID, roundIDs, dialogue.PositionNone)
	if err != nil {
		return nil, fmt.Errorf("store: question statuses: %w", err)
	}
	var roundID int64
	var x QuestionStatus
	if _, err := pgx.ForEachRow(rows, []any{&roundID, &x.QuestionID, &x.Number, &x.Status}, func() error {
		out[roundID] = append(out[roundID], x)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: question statuses: %w", err)
	}
	return out, nil
}

// DelegationRevisions returns the revisions of one delegation's replies in
// a round (who, when, how received), by question, newest first: the history
// shown beside each reply form. latest > 0 keeps the newest latest of each
// reply (every revision stays stored; a reply revised hundreds of times made
// a page of megabytes); 0 returns them all.
func (s *Store) DelegationRevisions(ctx context.Context, roundID, delegationID int64, latest int) (map[int64][]dialogue.Position, error) {
	var limit *int // NULL: no limit
	if latest > 0 {
		limit = &latest
	}
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.round_id, p.question_id, p.delegation_id, pr.revision, pr.status,
		       coalesce(pr.option_id, 0), pr.body, pr.late, pr.created_at,
		       coalesce(pr.proxy_source, ''), coalesce(u.name, ''), pr.demo
		FROM positions p
		CROSS JOIN LATERAL (
			SELECT * FROM position_revisions r WHERE r.position_id = p.id
			ORDER BY r.revision DESC LIMIT $3) pr
		LEFT JOIN users u ON u.id = pr.author_id
		WHERE p.round_id = $1 AND p.delegation_id = $2
		ORDER BY p.question_id, pr.revision DESC`, roundID, delegationID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: delegation revisions: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanPosition)
	if err != nil {
		return nil, fmt.Errorf("store: delegation revisions: %w", err)
	}
	out := map[int64][]dialogue.Position{}
	for _, p := range list {
		out[p.QuestionID] = append(out[p.QuestionID], p)
	}
	return out, nil
}

// ConsultableNote is an issued note with questions, on which a round can be
// opened.
type ConsultableNote struct {
	ID        int64
	Reference string
	Subject   string
	Questions int
	Rounds    int // rounds already opened on it
	Limite    bool
}

// ConsultableNotes lists the 50 newest issued notes that put questions to
// delegations (for the Presidency and the secretariat): a round is opened
// on a recent note, and a decade of notes would make the page too long.
func (s *Store) ConsultableNotes(ctx context.Context) ([]ConsultableNote, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT d.id, d.series, d.number, d.year, d.revision, d.addendum, d.corrigendum, d.subject, d.marking,
		       (SELECT count(*) FROM questions q WHERE q.document_id = d.id),
		       (SELECT count(*) FROM rounds r WHERE r.document_id = d.id)
		FROM documents d
		WHERE d.status = 'issued' AND EXISTS (SELECT 1 FROM questions q WHERE q.document_id = d.id)
		ORDER BY d.doc_date DESC, d.id DESC
		LIMIT 50`)
	if err != nil {
		return nil, fmt.Errorf("store: consultable notes: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConsultableNote, error) {
		var n ConsultableNote
		var ref dialogue.Reference
		var number *int
		var marking string
		err := row.Scan(&n.ID, &ref.Series, &number, &ref.Year, &ref.Revision, &ref.Addendum, &ref.Corrigendum,
			&n.Subject, &marking, &n.Questions, &n.Rounds)
		if number != nil {
			ref.Number = *number
			n.Reference = ref.String()
		}
		n.Limite = dialogue.Marking(marking).IsLimite()
		return n, err
	})
}
