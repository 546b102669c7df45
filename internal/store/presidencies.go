package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The Presidencies of the Council, a semester each: a meeting is held
// under the Presidency in office on its date (see MeetingInput), so the
// secretariat records the ones to come as the Council decides them. One
// that has begun stays as recorded: meetings and notes refer to it.

// PresidenciesFrom returns the Presidencies recorded from the one in office
// at now on, in order.
func (s *Store) PresidenciesFrom(ctx context.Context, now time.Time) ([]dialogue.Presidency, error) {
	sem := dialogue.SemesterAt(now)
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.year, p.semester, `+delegationColumns+`
		FROM presidencies p JOIN delegations d ON d.id = p.delegation_id
		WHERE (p.year, p.semester) >= ($1, $2)
		ORDER BY p.year, p.semester`, sem.Year, sem.Semester)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (dialogue.Presidency, error) {
		var p dialogue.Presidency
		var r delegationRow
		err := row.Scan(&p.ID, &p.Year, &p.Semester, &r.ID, &r.Code, &r.Kind, &r.Name, &r.NativeName, &r.ProtocolOrder, &r.Footnote)
		p.Delegation = r.delegation()
		return p, err
	})
}

// PresidencyInput is a Presidency as the secretariat types it, and what the
// form showed for that semester when it was opened (Was, see PresidencyWas),
// so that a save never replaces a Presidency its author did not see.
type PresidencyInput struct {
	Year, Semester string
	Delegation     string // a member state's code
	Was            string
}

// PresidencyWas is what a form says it showed for a semester: "2031-1=PL",
// or "2031-1=" when it showed none recorded.
func PresidencyWas(year, semester int, code string) string {
	return strconv.Itoa(year) + "-" + strconv.Itoa(semester) + "=" + code
}

// RecordPresidency records the Presidency of a semester that has not begun
// at now (and the meetings planned in it hold it), or changes the member
// state holding it. When the semester's
// Presidency is not the one the form showed (someone recorded it
// meanwhile, or the form was opened for another semester), nothing is
// written and the error is a conflict naming the one recorded.
func (s *Store) RecordPresidency(ctx context.Context, actor dialogue.Actor, now time.Time, in PresidencyInput) error {
	fe := dialogue.FieldErrors{}
	year, err := strconv.Atoi(strings.TrimSpace(in.Year))
	if err != nil || year < 1990 || year > 2099 {
		fe.Add("year", "Enter the year, e.g. 2031.")
	}
	semester, err := strconv.Atoi(in.Semester)
	if err != nil || (semester != 1 && semester != 2) {
		fe.Add("semester", "Choose the half of the year.")
	}
	code := strings.ToUpper(strings.TrimSpace(in.Delegation))
	if code == "" {
		fe.Add("delegation", "Choose the member state holding the Presidency.")
	}
	p := dialogue.Presidency{Year: year, Semester: semester}
	if len(fe) == 0 && !p.Start(dialogue.Brussels).After(now) {
		fe.Add("year", "The Presidency of "+p.Period()+" has begun: it stays as recorded, since meetings and notes refer to it.")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var stateID int64
		var stateName string
		if code != "" {
			err := tx.QueryRow(ctx, `SELECT id, name FROM delegations WHERE code = $1 AND kind = 'member_state'`, code).Scan(&stateID, &stateName)
			if err != nil {
				if err = notFound(err, ""); dialogue.KindOf(err) != dialogue.KindNotFound {
					return err
				}
				fe.Add("delegation", "Choose a member state from the list.")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var id int64
		var holder, holderName string
		err := tx.QueryRow(ctx, `
			SELECT p.id, d.code, d.name FROM presidencies p JOIN delegations d ON d.id = p.delegation_id
			WHERE p.year = $1 AND p.semester = $2 FOR UPDATE OF p`, year, semester).Scan(&id, &holder, &holderName)
		if err != nil {
			if err = notFound(err, ""); dialogue.KindOf(err) != dialogue.KindNotFound {
				return err
			}
		}
		// What the form showed for this semester; for another, it knew of none.
		shown, ok := strings.CutPrefix(in.Was, PresidencyWas(year, semester, ""))
		if !ok {
			shown = ""
		}
		if holder != shown {
			recorded := "No Presidency of " + p.Period() + " is recorded now."
			if holder != "" {
				recorded = holderName + " holds the Presidency of " + p.Period() + " as recorded now."
			}
			return dialogue.Errorf(dialogue.KindConflict, "%s Nothing was saved: save again to record %s's.", recorded, stateName)
		}
		if holder == code {
			return nil // as recorded already
		}
		detail := map[string]any{"year": year, "semester": semester, "delegation": code}
		if id == 0 {
			err = tx.QueryRow(ctx, `INSERT INTO presidencies (delegation_id, year, semester) VALUES ($1, $2, $3) RETURNING id`,
				stateID, year, semester).Scan(&id)
			if isUniqueViolation(err, "") { // recorded meanwhile
				return dialogue.Errorf(dialogue.KindConflict, "Someone recorded the Presidency of %s meanwhile. Nothing was saved: look at it, then save again.", p.Period())
			}
			if err != nil {
				return err
			}
			// The meetings already planned in the semester were scheduled
			// without a Presidency (none was recorded): they are held under
			// this one, as those scheduled from now on will be.
			tag, err := tx.Exec(ctx, `
				UPDATE meetings SET presidency_id = $1
				WHERE presidency_id IS NULL AND starts_at >= $2 AND starts_at < $3`,
				id, p.Start(dialogue.Brussels), p.End(dialogue.Brussels))
			if err != nil {
				return err
			}
			detail["meetings"] = tag.RowsAffected()
		} else {
			detail["was"] = holder
			_, err = tx.Exec(ctx, `UPDATE presidencies SET delegation_id = $2 WHERE id = $1`, id, stateID)
		}
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "presidency.record", ObjectType: "presidency", ObjectID: id, Detail: detail})
	})
}
