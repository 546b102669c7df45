package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// NewCompilation is the compilation of a round's replies, issued as a
// Council document ("Compilation of replies") linked to the note.
type NewCompilation struct {
	RoundID int64
	Series  dialogue.Series // WK when empty
	Date    time.Time       // the document's date (its Brussels day); its year numbers it
	BodyMD  string
	// Footnotes of the body (the designation footnote of a delegation named
	// in it), referred to as [^n].
	Footnotes []dialogue.Footnote
	// SummaryVersions are the versions of the Presidency summaries the body
	// was written from (question id → version); a summary changed since is
	// a conflict, so that what is issued is what was shown.
	SummaryVersions map[int64]int
}

// CompilationSubjectPrefix starts the subject of every compilation document.
const CompilationSubjectPrefix = "Compilation of replies"

// IssueCompilation creates the compilation document of a closed, released
// round and links the round to it, in one transaction with its audit record.
// The document takes the next number of its series in its year, the note's
// marking and dialogue, "No. prev. doc." = the note, and is distributed to
// the round's release audience: member states → 'member_states'; member
// states and partners → 'delegations' plus the partners consulted, named.
func (s *Store) IssueCompilation(ctx context.Context, actor dialogue.Actor, c NewCompilation) (int64, error) {
	if c.Series == "" {
		c.Series = dialogue.SeriesWK
	}
	if !c.Series.Valid() {
		return 0, dialogue.FieldError("series", "Choose the series of the compilation: WK or ST.")
	}
	if strings.TrimSpace(c.BodyMD) == "" {
		return 0, dialogue.FieldError("form", "The compilation is empty.")
	}
	if c.Date.IsZero() {
		c.Date = time.Now()
	}
	day := c.Date.In(dialogue.Brussels)
	var id int64
	var err error
	// Another document may take the number between our read and our
	// insert: the unique reference index refuses it, and we try again.
	for attempt := 0; attempt < 3; attempt++ {
		id, err = s.issueCompilation(ctx, actor, c, day)
		if !isUniqueViolation(err, "documents_reference_uq") {
			break
		}
	}
	if isUniqueViolation(err, "documents_reference_uq") {
		return 0, dialogue.Errorf(dialogue.KindConflict, "Another document took the next number at the same moment: try again.")
	}
	return id, err
}

func (s *Store) issueCompilation(ctx context.Context, actor dialogue.Actor, c NewCompilation, day time.Time) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// The round row is locked: closing, releasing or compiling it twice
		// waits for us, and we see what they did.
		var (
			closed, released *time.Time
			audience         dialogue.ReleaseAudience
			compiled         *int64
			noteID           int64
			noteRef          dialogue.Reference
			noteNumber       *int
			marking, subject string
			dialogueID       *int64
		)
		err := tx.QueryRow(ctx, `
			SELECT r.closed_at, r.released_at, r.release_audience, r.compilation_document_id,
			       d.id, d.series, d.number, d.year, d.revision, d.addendum, d.corrigendum,
			       d.marking, d.subject, d.dialogue_id
			FROM rounds r JOIN documents d ON d.id = r.document_id
			WHERE r.id = $1
			FOR UPDATE OF r`, c.RoundID).
			Scan(&closed, &released, &audience, &compiled, &noteID, &noteRef.Series, &noteNumber, &noteRef.Year,
				&noteRef.Revision, &noteRef.Addendum, &noteRef.Corrigendum, &marking, &subject, &dialogueID)
		if errors.Is(err, pgx.ErrNoRows) {
			return dialogue.Errorf(dialogue.KindNotFound, "round not found")
		}
		if err != nil {
			return err
		}
		switch {
		case compiled != nil:
			return dialogue.Errorf(dialogue.KindConflict, "The compilation of this round is already issued.")
		case closed == nil:
			return dialogue.Errorf(dialogue.KindConflict, "Close the round before issuing its compilation: replies could still change.")
		case released == nil || audience == dialogue.ReleasePresidency:
			return dialogue.Errorf(dialogue.KindConflict, "Release the replies first (to member states, or to member states and partners): the compilation is distributed to the same audience.")
		}
		// The summaries must be those the body was written from. Locking
		// them makes a summary save wait for this transaction.
		rows, err := tx.Query(ctx, `SELECT question_id, version FROM round_summaries WHERE round_id = $1 FOR UPDATE`, c.RoundID)
		if err != nil {
			return err
		}
		current := map[int64]int{}
		var q int64
		var v int
		if _, err := pgx.ForEachRow(rows, []any{&q, &v}, func() error { current[q] = v; return nil }); err != nil {
			return err
		}
		for q, v := range current {
			if c.SummaryVersions[q] != v {
				return dialogue.Errorf(dialogue.KindConflict, "A Presidency summary was changed in the meantime: check the compilation again, then issue it.")
			}
		}

		number, err := nextDocumentNumber(ctx, tx, string(c.Series), day.Year())
		if err != nil {
			return err
		}
		if number > dialogue.MaxReferenceNumber {
			return dialogue.Errorf(dialogue.KindConflict, "The %s series has no free number left in %d.", c.Series, day.Year())
		}
		docAudience := dialogue.AudienceMemberStates
		if audience == dialogue.ReleaseMemberStatesPartners {
			docAudience = dialogue.AudienceDelegations
		}
		prevRef := ""
		if noteNumber != nil {
			noteRef.Number = *noteNumber
			prevRef = noteRef.String()
		}
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO documents (series, number, year, doc_date, marking, doc_type, sender, recipients,
			                       previous_reference, previous_document_id, subject, body_md, status, audience,
			                       dialogue_id, created_by, issued_at, issued_by)
			VALUES ($1, $2, $3, $4, $5, 'NOTE', 'Presidency', 'Delegations',
			        $6, $7, $8, $9, 'issued', $10, $11, $12, now(), $12)
			RETURNING id`,
			c.Series, number, day.Year(), time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC),
			marking, prevRef, noteID, CompilationSubjectPrefix+": "+subject, c.BodyMD, docAudience, dialogueID, by).Scan(&id)
		if err != nil {
			return err
		}
		if len(c.Footnotes) > 0 {
			ns, bodies := make([]int32, len(c.Footnotes)), make([]string, len(c.Footnotes))
			for i, f := range c.Footnotes {
				ns[i], bodies[i] = int32(f.N), f.Body
			}
			if _, err := tx.Exec(ctx, `
				INSERT INTO document_footnotes (document_id, n, body)
				SELECT $1::bigint, * FROM unnest($2::int[], $3::text[])`, id, ns, bodies); err != nil {
				return err
			}
		}
		if audience == dialogue.ReleaseMemberStatesPartners {
			if _, err := tx.Exec(ctx, `
				INSERT INTO document_recipients (document_id, delegation_id)
				SELECT $1, rd.delegation_id
				FROM round_delegations rd JOIN delegations d ON d.id = rd.delegation_id
				WHERE rd.round_id = $2 AND d.kind = 'partner'`, id, c.RoundID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE rounds SET compilation_document_id = $2 WHERE id = $1`, c.RoundID, id); err != nil {
			return err
		}
		ref := dialogue.Reference{Series: c.Series, Number: number, Year: day.Year()}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "round.compile", ObjectType: "round", ObjectID: c.RoundID,
			Detail: map[string]any{"document": id, "reference": ref.String(), "audience": docAudience}})
	})
	return id, err
}
