package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// A dialogue's participation is its geographical scope (5559/26 asks the
// Council: a phased approach or all partners from the start) and its
// partners and observers, each partner with the phase in which it joins.
// Who is invited to a meeting by default follows from them (see
// defaultInvited), so the secretariat records the decisions here as they
// are taken.

// ParticipationInput is a dialogue's participation as the secretariat saves
// it: the scope ("" undecided, "phased", "all"), changes to the current
// participants, and one participant to add.
type ParticipationInput struct {
	Scope   string
	Changes []ParticipantChange
	Add     *ParticipantChange // nil: nobody added
}

// ParticipantChange is one participant's row of the form. Phase and
// StartsOn are as typed; Remove takes the participant out of the dialogue.
type ParticipantChange struct {
	DelegationID int64
	Role         dialogue.ParticipantRole // for an addition
	Phase        string
	StartsOn     string
	Note         string
	Remove       bool
}

// RowField names a field of one row of a registry form in its errors:
// "phase-12" is the phase of the row of id 12 (a delegation, a priority),
// "phase-new" that of the row being added (id 0).
func RowField(field string, id int64) string {
	if id == 0 {
		return field + "-new"
	}
	return field + "-" + strconv.FormatInt(id, 10)
}

// ParticipationVersion returns the version of a dialogue's participation,
// which a form carries back.
func (s *Store) ParticipationVersion(ctx context.Context, dialogueID int64) (int, error) {
	return s.dialogueVersion(ctx, dialogueID, "participation_version")
}

// dialogueVersion reads one of a dialogue's version columns (a constant of
// this package, never input).
func (s *Store) dialogueVersion(ctx context.Context, dialogueID int64, column string) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT `+column+` FROM dialogues WHERE id = $1`, dialogueID).Scan(&v)
	return v, notFound(err, "dialogue")
}

// SaveParticipation records a dialogue's scope and participants. baseVersion
// is the version the form started from: if someone saved since, nothing is
// written and the error is a conflict. Every problem of the form is
// reported at once, by field (see RowField).
func (s *Store) SaveParticipation(ctx context.Context, actor dialogue.Actor, dialogueID int64, baseVersion int, in ParticipationInput) error {
	fe := dialogue.FieldErrors{}
	if in.Scope != "" && in.Scope != "phased" && in.Scope != "all" {
		fe.Add("scope", "Choose the scope from the list.")
	}
	type row struct {
		change   ParticipantChange
		phase    int
		startsOn *time.Time
	}
	parse := func(c ParticipantChange) row {
		r := row{change: c}
		key := c.DelegationID
		if c.Remove {
			return r
		}
		n, err := strconv.Atoi(strings.TrimSpace(c.Phase))
		if err != nil || n < 1 || n > 9 {
			fe.Add(RowField("phase", key), "Enter the phase as a number from 1 (the first partners) to 9.")
		}
		r.phase = n
		if d := strings.TrimSpace(c.StartsOn); d != "" {
			t, err := time.ParseInLocation(time.DateOnly, d, dialogue.Brussels)
			if err != nil {
				fe.Add(RowField("starts_on", key), "Enter a date as YYYY-MM-DD, e.g. 2027-01-01, or leave it empty.")
			}
			r.startsOn = &t
		}
		if len([]rune(c.Note)) > 500 {
			fe.Add(RowField("note", key), "Keep the note under 500 characters.")
		}
		return r
	}
	var rows []row
	for _, c := range in.Changes {
		c.Note = strings.TrimSpace(c.Note)
		rows = append(rows, parse(c))
	}
	var add *row
	if in.Add != nil {
		c := *in.Add
		c.DelegationID, c.Note = 0, strings.TrimSpace(c.Note)
		r := parse(c)
		r.change.DelegationID = in.Add.DelegationID
		add = &r
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var version int
		if err := tx.QueryRow(ctx, `SELECT participation_version FROM dialogues WHERE id = $1 FOR UPDATE`, dialogueID).Scan(&version); err != nil {
			return notFound(err, "dialogue")
		}
		if version != baseVersion {
			return dialogue.Errorf(dialogue.KindConflict, "Someone saved this dialogue's participation after you opened it. Nothing of yours was saved: compare what you typed, kept below, with the participation as it is now, then save again.")
		}
		rs, err := tx.Query(ctx, `SELECT delegation_id FROM dialogue_participants WHERE dialogue_id = $1`, dialogueID)
		if err != nil {
			return err
		}
		current, err := pgx.CollectRows(rs, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, r := range rows {
			if !slices.Contains(current, r.change.DelegationID) {
				return dialogue.Errorf(dialogue.KindConflict, "A participant of this form no longer takes part in the dialogue: open the form again.")
			}
		}
		if add != nil {
			var kind string
			err := tx.QueryRow(ctx, `SELECT kind FROM delegations WHERE id = $1`, add.change.DelegationID).Scan(&kind)
			switch {
			case err != nil && !errors.Is(err, pgx.ErrNoRows):
				return err
			case err != nil || slices.Contains(current, add.change.DelegationID):
				fe.Add("delegation-new", "Choose a delegation that does not take part yet, from the list.")
			case add.change.Role == dialogue.ParticipantPartner && kind != string(dialogue.Partner):
				fe.Add("role-new", "Only a partner country or regional body can be a partner; an agency or institution is an observer.")
			case add.change.Role == dialogue.ParticipantObserver && kind != string(dialogue.Observer) && kind != string(dialogue.Institution):
				fe.Add("role-new", "An observer is an agency or an institution; a partner country takes part as a partner.")
			case add.change.Role != dialogue.ParticipantPartner && add.change.Role != dialogue.ParticipantObserver:
				fe.Add("role-new", "Choose partner or observer.")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var scope *string
		if in.Scope != "" {
			scope = &in.Scope
		}
		if _, err := tx.Exec(ctx, `UPDATE dialogues SET geographic_scope = $2, participation_version = participation_version + 1 WHERE id = $1`,
			dialogueID, scope); err != nil {
			return err
		}
		var removed []int64
		for _, r := range rows {
			if r.change.Remove {
				removed = append(removed, r.change.DelegationID)
				if _, err := tx.Exec(ctx, `DELETE FROM dialogue_participants WHERE dialogue_id = $1 AND delegation_id = $2`,
					dialogueID, r.change.DelegationID); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.Exec(ctx, `
				UPDATE dialogue_participants SET phase = $3, starts_on = $4, note = $5
				WHERE dialogue_id = $1 AND delegation_id = $2`,
				dialogueID, r.change.DelegationID, r.phase, r.startsOn, r.change.Note); err != nil {
				return err
			}
		}
		detail := map[string]any{"scope": in.Scope, "version": version + 1, "removed": removed}
		if add != nil {
			if _, err := tx.Exec(ctx, `
				INSERT INTO dialogue_participants (dialogue_id, delegation_id, role, phase, starts_on, note)
				VALUES ($1, $2, $3, $4, $5, $6)`,
				dialogueID, add.change.DelegationID, add.change.Role, add.phase, add.startsOn, add.change.Note); err != nil {
				return err
			}
			detail["added"] = add.change.DelegationID
		}
		phases := map[string]int{}
		for _, r := range rows {
			if !r.change.Remove {
				phases[strconv.FormatInt(r.change.DelegationID, 10)] = r.phase
			}
		}
		detail["phases"] = phases
		return writeAudit(ctx, tx, actor, auditEntry{Action: "dialogue.participation", ObjectType: "dialogue", ObjectID: dialogueID, Detail: detail})
	})
}
