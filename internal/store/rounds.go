package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// NewRound opens a consultation round on an issued note.
type NewRound struct {
	DocumentID      int64
	Title           string
	OpensAt         time.Time
	Deadline        time.Time
	DelegationIDs   []int64 // eligible delegations
	ReleaseAudience dialogue.ReleaseAudience
}

// CreateRound validates and creates a round with its eligible delegations.
func (s *Store) CreateRound(ctx context.Context, actor dialogue.Actor, r NewRound) (int64, error) {
	r.Title = strings.TrimSpace(r.Title)
	fe := dialogue.FieldErrors{}
	if r.Title == "" {
		fe.Add("title", "Give the round a title, e.g. the note's subject.")
	}
	if r.OpensAt.IsZero() {
		fe.Add("opens_at", "Enter the opening date and time.")
	}
	if r.Deadline.IsZero() {
		fe.Add("deadline", "Enter the deadline date and time.")
	} else if !r.OpensAt.IsZero() && !r.Deadline.After(r.OpensAt) {
		fe.Add("deadline", "The deadline must come after the opening time.")
	}
	if len(r.DelegationIDs) == 0 {
		fe.Add("delegations", "Choose at least one delegation to consult.")
	}
	if r.ReleaseAudience == "" {
		r.ReleaseAudience = dialogue.ReleasePresidency
	}
	if !r.ReleaseAudience.Valid() {
		fe.Add("release_audience", "Choose who may read the replies once released.")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status string
		var questions int
		err := tx.QueryRow(ctx, `
			SELECT d.status, (SELECT count(*) FROM questions q WHERE q.document_id = d.id)
			FROM documents d WHERE d.id = $1`, r.DocumentID).Scan(&status, &questions)
		if errors.Is(err, pgx.ErrNoRows) {
			return dialogue.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != string(dialogue.DocumentIssued) {
			return dialogue.FieldError("document", "Issue the note before opening a round on it.")
		}
		if questions == 0 {
			return dialogue.FieldError("document", "The note has no questions to consult on.")
		}
		var creator *int64
		if actor.UserID != 0 {
			creator = &actor.UserID
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO rounds (document_id, title, opens_at, deadline, release_audience, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			r.DocumentID, r.Title, r.OpensAt, r.Deadline, r.ReleaseAudience, creator).Scan(&id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO round_delegations (round_id, delegation_id)
			SELECT $1, d.id FROM delegations d WHERE d.id = ANY($2)`, id, r.DelegationIDs)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(r.DelegationIDs) {
			return dialogue.FieldError("delegations", "Some of the chosen delegations do not exist.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.create", ObjectType: "round", ObjectID: id,
			Detail: map[string]any{"document": r.DocumentID, "opens_at": r.OpensAt, "deadline": r.Deadline, "delegations": len(r.DelegationIDs)}})
	})
	return id, err
}

// CloseRound closes a round: from then on everything in it is read-only.
// The UPDATE waits for saves in flight (they hold the round FOR SHARE).
func (s *Store) CloseRound(ctx context.Context, actor dialogue.Actor, roundID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE rounds SET closed_at = now() WHERE id = $1 AND closed_at IS NULL`, roundID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.Errorf(dialogue.KindConflict, "This round is already closed.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.close", ObjectType: "round", ObjectID: roundID})
	})
}

// ExtendDeadline gives one delegation a later deadline, recorded with who
// granted it and why.
func (s *Store) ExtendDeadline(ctx context.Context, actor dialogue.Actor, roundID, delegationID int64, until time.Time, reason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var deadline time.Time
		var closed *time.Time
		err := tx.QueryRow(ctx, `SELECT deadline, closed_at FROM rounds WHERE id = $1 FOR UPDATE`, roundID).Scan(&deadline, &closed)
		if err != nil {
			return notFound(err, "round")
		}
		if closed != nil {
			return dialogue.Errorf(dialogue.KindConflict, "This round is closed: no extension can be given.")
		}
		if !until.After(deadline) {
			return dialogue.FieldError("until", "An extension must end after the round's deadline (%s).", dialogue.FormatInstant(deadline))
		}
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		tag, err := tx.Exec(ctx, `
			UPDATE round_delegations SET extended_until = $3, extended_by = $4, extension_reason = $5
			WHERE round_id = $1 AND delegation_id = $2`, roundID, delegationID, until, by, strings.TrimSpace(reason))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.FieldError("delegation", "This delegation is not consulted in this round.")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.extend", ObjectType: "round", ObjectID: roundID,
			Detail: map[string]any{"delegation": delegationID, "until": until, "reason": reason}})
	})
}
