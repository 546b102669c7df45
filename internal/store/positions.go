package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// PositionSave is one save of a delegation's reply to a question.
type PositionSave struct {
	RoundID      int64
	QuestionID   int64
	DelegationID int64
	// BaseRevision is the revision the user started from (0: there was no
	// reply). A save on top of another revision is a conflict, never an
	// overwrite.
	BaseRevision int
	Status       dialogue.PositionStatus
	OptionID     int64
	Body         string
	// ProxySource is set when the secretariat records a reply received
	// outside the portal on the delegation's behalf.
	ProxySource string
	// ReceivedAt is when the portal received the save (zero: when
	// SavePosition is called). The deadline applies to it, as a postmark,
	// and the revision is dated by it: under a deadline rush, whether a
	// reply counts must not depend on how long it waited for the
	// processor or a connection. The database refuses a stamp more than a
	// minute old at commit (migration 000011).
	ReceivedAt time.Time
}

// SavedPosition is a reply as saved, with the number of its question in
// the note (the page it goes back to points at it).
type SavedPosition struct {
	dialogue.Position
	QuestionPosition int
}

// SavePosition stores a new revision of a delegation's reply. Every save is
// a new revision (who, when: p.ReceivedAt); nothing is overwritten. The
// rules are checked twice: here, for a clear message, and by the database
// at commit, so that a save racing the closing of the round cannot slip
// through.
func (s *Store) SavePosition(ctx context.Context, actor dialogue.Actor, p PositionSave) (SavedPosition, error) {
	p.Body = strings.TrimSpace(p.Body)
	if p.ReceivedAt.IsZero() {
		p.ReceivedAt = time.Now()
	}
	var out SavedPosition
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// FOR SHARE on the round: closing it (an UPDATE) waits for saves in
		// flight, and a save that starts after a close sees it.
		var round dialogue.Round
		var extension *time.Time
		var kind dialogue.QuestionKind
		var optionOK bool // the option chosen, if any, is one of the question's
		err := tx.QueryRow(ctx, `
			SELECT r.opens_at, r.deadline, r.closed_at, rd.extended_until, q.kind, q.position,
			       $4 = 0 OR EXISTS (SELECT 1 FROM question_options o WHERE o.id = $4 AND o.question_id = q.id)
			FROM rounds r
			JOIN round_delegations rd ON rd.round_id = r.id AND rd.delegation_id = $2
			JOIN questions q ON q.id = $3 AND q.document_id = r.document_id
			WHERE r.id = $1
			FOR SHARE OF r`, p.RoundID, p.DelegationID, p.QuestionID, p.OptionID).
			Scan(&round.OpensAt, &round.Deadline, &round.ClosedAt, &extension, &kind, &out.QuestionPosition, &optionOK)
		if errors.Is(err, pgx.ErrNoRows) {
			// Not eligible, or the question is not this round's: the same
			// answer for both, so ids cannot be probed.
			return dialogue.Errorf(dialogue.KindNotFound, "question not found in this round")
		}
		if err != nil {
			return err
		}
		late := false
		if p.ProxySource != "" {
			if _, ok := dialogue.ProxySources[p.ProxySource]; !ok {
				return dialogue.FieldError("source", "Choose how the reply was received.")
			}
			if round.ClosedAt != nil {
				return dialogue.Errorf(dialogue.KindDeadline, "This round is closed: replies can no longer be recorded.")
			}
			late = !p.ReceivedAt.Before(round.DeadlineFor(extension))
		} else if err := round.CheckWritable(p.ReceivedAt, extension); err != nil {
			return err
		}
		if err := validatePosition(kind, optionOK, &p); err != nil {
			return err
		}

		var optionID *int64
		if p.OptionID != 0 {
			optionID = &p.OptionID
		}
		var proxy *string
		if p.ProxySource != "" {
			proxy = &p.ProxySource
		}
		var author *int64
		if actor.UserID != 0 {
			author = &actor.UserID
		}
		if p.BaseRevision == 0 {
			err = tx.QueryRow(ctx, `
				INSERT INTO positions (round_id, question_id, delegation_id, revision, status, option_id, body, late, proxy_source, author_id, updated_at)
				VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (round_id, question_id, delegation_id) DO NOTHING
				RETURNING id, revision, updated_at`,
				p.RoundID, p.QuestionID, p.DelegationID, p.Status, optionID, p.Body, late, proxy, author, p.ReceivedAt).
				Scan(&out.ID, &out.Revision, &out.UpdatedAt)
		} else {
			err = tx.QueryRow(ctx, `
				UPDATE positions SET revision = revision + 1, status = $5, option_id = $6, body = $7,
				       late = $8, proxy_source = $9, author_id = $10, demo = false, updated_at = $11
				WHERE round_id = $1 AND question_id = $2 AND delegation_id = $3 AND revision = $4
				RETURNING id, revision, updated_at`,
				p.RoundID, p.QuestionID, p.DelegationID, p.BaseRevision, p.Status, optionID, p.Body, late, proxy, author, p.ReceivedAt).
				Scan(&out.ID, &out.Revision, &out.UpdatedAt)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			// Someone saved first: hand back their revision with ours.
			current, cerr := positionInTx(ctx, tx, p.RoundID, p.QuestionID, p.DelegationID)
			if cerr != nil {
				return cerr
			}
			return &dialogue.ConflictError{Current: current}
		}
		if err != nil {
			return err
		}
		out.RoundID, out.QuestionID, out.DelegationID = p.RoundID, p.QuestionID, p.DelegationID
		out.Status, out.OptionID, out.Body, out.Late, out.ProxySource = p.Status, p.OptionID, p.Body, late, p.ProxySource
		out.AuthorName = actor.Name
		action := "position.save"
		if p.ProxySource != "" {
			action = "position.record_proxy"
		}
		// The revision and its audit entry in one round trip: a save is the
		// busiest write of a deadline.
		var b pgx.Batch
		b.Queue(`
			INSERT INTO position_revisions (position_id, revision, status, option_id, body, late, author_id, proxy_source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			out.ID, out.Revision, p.Status, optionID, p.Body, late, author, proxy, p.ReceivedAt)
		if err := queueAudit(&b, actor, auditEntry{Action: action, ObjectType: "position", ObjectID: out.ID,
			// The entry is dated when it is written; the instant the deadline
			// was applied to is the revision's, kept here too.
			Detail: map[string]any{"round": p.RoundID, "question": p.QuestionID, "delegation": p.DelegationID,
				"revision": out.Revision, "status": p.Status, "late": late, "received": out.UpdatedAt}}); err != nil {
			return err
		}
		return tx.SendBatch(ctx, &b).Close()
	})
	return out, deadlineError(err)
}

// validatePosition checks the reply against its question's kind;
// optionOK says whether the option chosen, if any, is one of the question's.
func validatePosition(kind dialogue.QuestionKind, optionOK bool, p *PositionSave) error {
	switch p.Status {
	case dialogue.PositionDraft, dialogue.PositionSubmitted, dialogue.PositionNoPosition, dialogue.PositionScrutinyReservation:
	default:
		return dialogue.FieldError("status", "Choose whether to save a draft, submit, or state no position yet or a scrutiny reservation.")
	}
	if len(p.Body) > 20000 {
		return dialogue.FieldError("body", "A reply is limited to 20,000 characters; attach longer contributions by e-mail to the secretariat.")
	}
	if !optionOK {
		return dialogue.FieldError("option", "Choose one of the options offered.")
	}
	if p.Status != dialogue.PositionSubmitted {
		return nil // drafts and reservations may be incomplete
	}
	switch kind {
	case dialogue.QuestionText:
		if p.Body == "" {
			return dialogue.FieldError("body", "Write your delegation's reply before submitting it, or save it as a draft.")
		}
	case dialogue.QuestionChoice, dialogue.QuestionAgreement:
		if p.OptionID == 0 {
			return dialogue.FieldError("option", "Choose one of the options before submitting, or save it as a draft.")
		}
		if kind == dialogue.QuestionAgreement && p.Body == "" {
			return dialogue.FieldError("body", "Add a comment explaining your delegation's position.")
		}
	}
	return nil
}

// deadlineError turns the database's commit-time refusals into the same
// domain errors the application gives.
func deadlineError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "P0001" {
		return err
	}
	switch pe.Hint {
	case "deadline_passed":
		return dialogue.Errorf(dialogue.KindDeadline, "The deadline passed before your reply reached the portal: it was not recorded. Ask the Presidency for an extension.")
	case "receipt_stale":
		return dialogue.Errorf(dialogue.KindDeadline, "Saving your reply took over a minute, so it was not recorded: save it again (after the deadline, ask the Presidency for an extension).")
	case "round_closed":
		return dialogue.Errorf(dialogue.KindDeadline, "This round was closed while your reply was being saved: it was not recorded.")
	case "round_not_open":
		return dialogue.Errorf(dialogue.KindDeadline, "This round is not open yet.")
	}
	return err
}

// positionInTx loads the latest revision of one reply.
func positionInTx(ctx context.Context, tx pgx.Tx, roundID, questionID, delegationID int64) (dialogue.Position, error) {
	var p dialogue.Position
	err := tx.QueryRow(ctx, `
		SELECT `+positionColumns+`
		FROM positions p LEFT JOIN users u ON u.id = p.author_id
		WHERE p.round_id = $1 AND p.question_id = $2 AND p.delegation_id = $3`,
		roundID, questionID, delegationID).
		Scan(&p.ID, &p.RoundID, &p.QuestionID, &p.DelegationID, &p.Revision, &p.Status,
			&p.OptionID, &p.Body, &p.Late, &p.UpdatedAt, &p.ProxySource, &p.AuthorName, &p.Demo)
	return p, notFound(err, "reply")
}
