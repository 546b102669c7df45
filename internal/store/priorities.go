package store

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// A dialogue's thematic priorities are those the Council agrees (5559/26:
// three initial ones, and the EMPACT priorities that could be added). The
// secretariat records them as they are agreed; the initiatives and the
// coverage matrix refer to them.

// PriorityChange is one priority's row of the form, as typed: its label
// as the note numbers it ("i", "ii", or a short word), title, status,
// EMPACT cycle and place in the list. ID 0 is a priority to add.
type PriorityChange struct {
	ID          int64
	Code        string
	Title       string
	Status      string
	EmpactCycle string
	Position    string
	Remove      bool
}

var (
	priorityCodePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	empactCyclePattern  = regexp.MustCompile(`^(\d{4})-(\d{4})$`)
)

// PrioritiesVersion returns the version of a dialogue's priorities, which
// a form carries back.
func (s *Store) PrioritiesVersion(ctx context.Context, dialogueID int64) (int, error) {
	return s.dialogueVersion(ctx, dialogueID, "priorities_version")
}

// SavePriorities records a dialogue's priorities: changes to those it has
// (every one of them, in the form's order), removals, and at most one
// addition (a change with ID 0, ignored when its title is empty). A
// priority an initiative addresses is not removed (its initiatives would
// lose it unseen), nor one a meeting's agenda refers to (the record of what
// was discussed). baseVersion is the version the form started from.
func (s *Store) SavePriorities(ctx context.Context, actor dialogue.Actor, dialogueID int64, baseVersion int, changes []PriorityChange) error {
	fe := dialogue.FieldErrors{}
	type row struct {
		PriorityChange
		position float64
		cycle    *string
	}
	var rows []row
	for i, c := range changes {
		c.Code = strings.ToLower(strings.TrimSpace(c.Code))
		c.Title = strings.Join(strings.Fields(c.Title), " ")
		c.EmpactCycle = strings.TrimSpace(c.EmpactCycle)
		if c.ID == 0 && c.Title == "" && c.Code == "" {
			continue // nothing added
		}
		r := row{PriorityChange: c, position: float64(i + 1)}
		if c.Remove {
			rows = append(rows, r)
			continue
		}
		if !priorityCodePattern.MatchString(c.Code) {
			fe.Add(RowField("code", c.ID), "Enter the label as the note numbers the priority: i, ii, iii, or a short word in small letters (drugs, cyber).")
		}
		switch {
		case c.Title == "":
			fe.Add(RowField("title", c.ID), "Enter the priority's title.")
		case len([]rune(c.Title)) > 300:
			fe.Add(RowField("title", c.ID), "Keep the title under 300 characters.")
		}
		if c.Status != string(dialogue.PriorityInitial) && c.Status != string(dialogue.PriorityPossibleFuture) {
			fe.Add(RowField("status", c.ID), "Choose initial or possible future.")
		}
		if c.EmpactCycle != "" {
			m := empactCyclePattern.FindStringSubmatch(c.EmpactCycle)
			if m == nil || m[1] >= m[2] {
				fe.Add(RowField("empact_cycle", c.ID), "Enter the EMPACT cycle as two years, e.g. 2026-2029, or leave it empty.")
			}
			r.cycle = &c.EmpactCycle
		}
		if p := strings.TrimSpace(c.Position); p != "" {
			n, err := strconv.ParseFloat(p, 64)
			if err != nil || n < 0 || n > 1000 {
				fe.Add(RowField("position", c.ID), "Enter the place in the list as a number, e.g. 4 (2.5 puts it between the second and the third).")
			}
			r.position = n
		}
		rows = append(rows, r)
	}
	codes := map[string]int64{}
	for _, r := range rows {
		if r.Remove || r.Code == "" {
			continue
		}
		if _, dup := codes[r.Code]; dup {
			fe.Add(RowField("code", r.ID), "Another priority of this dialogue has this label.")
		}
		codes[r.Code] = r.ID
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var version int
		if err := tx.QueryRow(ctx, `SELECT priorities_version FROM dialogues WHERE id = $1 FOR UPDATE`, dialogueID).Scan(&version); err != nil {
			return notFound(err, "dialogue")
		}
		if version != baseVersion {
			return dialogue.Errorf(dialogue.KindConflict, "Someone saved this dialogue's priorities after you opened them. Nothing of yours was saved: compare what you typed, kept below, with the priorities as they are now, then save again.")
		}
		// The dialogue's priorities now, how many initiatives address each
		// and how many agenda items of meetings refer to it.
		addressed, onAgendas := map[int64]int{}, map[int64]int{}
		var ids []int64
		rs, err := tx.Query(ctx, `
			SELECT p.id,
			       (SELECT count(*) FROM initiative_priorities ip WHERE ip.priority_id = p.id)::int,
			       (SELECT count(*) FROM agenda_item_priorities a WHERE a.priority_id = p.id)::int
			FROM priorities p WHERE p.dialogue_id = $1`, dialogueID)
		if err != nil {
			return err
		}
		var id int64
		var n, agendas int
		if _, err := pgx.ForEachRow(rs, []any{&id, &n, &agendas}, func() error {
			ids = append(ids, id)
			addressed[id], onAgendas[id] = n, agendas
			return nil
		}); err != nil {
			return err
		}
		var listed []int64
		for _, r := range rows {
			if r.ID != 0 {
				listed = append(listed, r.ID)
			}
		}
		slices.Sort(ids)
		slices.Sort(listed)
		if !slices.Equal(ids, listed) {
			return dialogue.Errorf(dialogue.KindConflict, "This form does not list the dialogue's priorities as they are: open it again.")
		}
		for _, r := range rows {
			switch {
			case !r.Remove:
			case addressed[r.ID] > 0:
				fe.Add(RowField("remove", r.ID), strconv.Itoa(addressed[r.ID])+" initiative(s) address this priority: take it out of them first, so that none loses it unseen.")
			case onAgendas[r.ID] > 0:
				fe.Add(RowField("remove", r.ID), "Meetings' agendas ("+strconv.Itoa(onAgendas[r.ID])+" item(s)) refer to this priority: it stays, as the record of what they discussed.")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		// The places are numbered 1, 2, 3… in the order asked (ties in the
		// form's order); the old ones are moved out of the way first, as
		// each place is unique.
		kept := slices.DeleteFunc(slices.Clone(rows), func(r row) bool { return r.Remove })
		slices.SortStableFunc(kept, func(a, b row) int {
			switch {
			case a.position < b.position:
				return -1
			case a.position > b.position:
				return 1
			}
			return 0
		})
		var removed []int64
		for _, r := range rows {
			if r.Remove {
				removed = append(removed, r.ID)
				if _, err := tx.Exec(ctx, `DELETE FROM priorities WHERE id = $1`, r.ID); err != nil {
					return err
				}
			}
		}
		// Labels are unique too, and may be swapped (i and ii): each gets a
		// placeholder no one types before the new ones are written.
		if _, err := tx.Exec(ctx, `UPDATE priorities SET position = -position, code = '0-moving-' || id WHERE dialogue_id = $1`, dialogueID); err != nil {
			return err
		}
		added := int64(0)
		for i, r := range kept {
			if r.ID == 0 {
				if err := tx.QueryRow(ctx, `
					INSERT INTO priorities (dialogue_id, code, title, status, empact_cycle, position)
					VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
					dialogueID, r.Code, r.Title, r.Status, r.cycle, i+1).Scan(&added); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.Exec(ctx, `
				UPDATE priorities SET code = $2, title = $3, status = $4, empact_cycle = $5, position = $6 WHERE id = $1`,
				r.ID, r.Code, r.Title, r.Status, r.cycle, i+1); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE dialogues SET priorities_version = priorities_version + 1 WHERE id = $1`, dialogueID); err != nil {
			return err
		}
		order := make([]string, len(kept))
		for i, r := range kept {
			order[i] = r.Code
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "dialogue.priorities", ObjectType: "dialogue", ObjectID: dialogueID,
			Detail: map[string]any{"version": version + 1, "order": order, "removed": removed, "added": added}})
	})
}
