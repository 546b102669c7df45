package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat keeps the initiatives a dialogue articulates with, from
// that dialogue's page: the coverage matrix (priority × partner) is drawn
// from them. An initiative may serve several dialogues (EMPACT, MAOC-N):
// its name, description and implementing bodies are its own, while the
// priorities and partners it is edited with are those of the dialogue it is
// edited from, the others' staying as they are.

// InitiativeInput is an initiative as the secretariat writes it for one
// dialogue.
type InitiativeInput struct {
	Name        string
	Description string
	// Implementers: one implementing body per entry, in order. An entry
	// that is an agency's or an institution's code or name in the registry
	// (EUROPOL, Frontex) is linked to it.
	Implementers []string
	PriorityIDs  []int64 // of the dialogue
	PartnerIDs   []int64 // partners of the dialogue
}

// Limits of what one initiative holds; beyond them the form is refused
// with a message rather than the page growing without end.
const (
	initiativeNameMax        = 200
	initiativeDescriptionMax = 4000
	initiativeImplementerMax = 20
)

// InitiativeEdit is an initiative as its form starts: its version, and the
// other dialogues it serves (whose priorities and partners the form leaves
// alone).
type InitiativeEdit struct {
	Initiative     dialogue.Initiative
	Version        int
	OtherDialogues []string // names
}

// InitiativeForEdit reads an initiative of the dialogue; an initiative the
// dialogue does not articulate with is not found here.
func (s *Store) InitiativeForEdit(ctx context.Context, dialogueID, id int64) (InitiativeEdit, error) {
	var e InitiativeEdit
	in := &e.Initiative
	var names []string
	var bodies []int64
	err := s.pool.QueryRow(ctx, `
		SELECT i.id, i.code, i.name, i.description, i.version,
		       ARRAY(SELECT m.name FROM initiative_implementers m WHERE m.initiative_id = i.id ORDER BY m.position),
		       ARRAY(SELECT coalesce(m.delegation_id, 0) FROM initiative_implementers m WHERE m.initiative_id = i.id ORDER BY m.position),
		       ARRAY(SELECT p.priority_id FROM initiative_priorities p JOIN priorities pr ON pr.id = p.priority_id
		             WHERE p.initiative_id = i.id AND pr.dialogue_id = $1 ORDER BY pr.position),
		       ARRAY(SELECT p.delegation_id FROM initiative_partners p WHERE p.initiative_id = i.id ORDER BY p.delegation_id),
		       ARRAY(SELECT d.name FROM initiative_dialogues o JOIN dialogues d ON d.id = o.dialogue_id
		             WHERE o.initiative_id = i.id AND o.dialogue_id <> $1 ORDER BY d.name)
		FROM initiatives i
		JOIN initiative_dialogues idl ON idl.initiative_id = i.id AND idl.dialogue_id = $1
		WHERE i.id = $2`, dialogueID, id).
		Scan(&in.ID, &in.Code, &in.Name, &in.Description, &e.Version, &names, &bodies, &in.PriorityIDs, &in.PartnerIDs, &e.OtherDialogues)
	if err != nil {
		return e, notFound(err, "initiative")
	}
	for i, n := range names {
		in.Implementers = append(in.Implementers, dialogue.Implementer{Name: n, DelegationID: bodies[i]})
	}
	return e, nil
}

// normalize trims the input and checks what needs no database.
func (in *InitiativeInput) normalize(fe dialogue.FieldErrors) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case in.Name == "":
		fe.Add("name", "Enter the initiative's name.")
	case len([]rune(in.Name)) > initiativeNameMax:
		fe.Add("name", "Keep the name under "+strconv.Itoa(initiativeNameMax)+" characters; say more in the description.")
	}
	if len([]rune(in.Description)) > initiativeDescriptionMax {
		fe.Add("description", "Keep the description under "+strconv.Itoa(initiativeDescriptionMax)+" characters.")
	}
	var bodies []string
	for _, b := range in.Implementers {
		if b = strings.Join(strings.Fields(b), " "); b != "" && !slices.Contains(bodies, b) {
			bodies = append(bodies, b)
		}
	}
	in.Implementers = bodies
	if len(bodies) > initiativeImplementerMax {
		fe.Add("implementers", "Name at most "+strconv.Itoa(initiativeImplementerMax)+" implementing bodies.")
	}
	for _, b := range bodies {
		if len([]rune(b)) > initiativeNameMax {
			fe.Add("implementers", "Put one implementing body on each line.")
			break
		}
	}
	slices.Sort(in.PriorityIDs)
	in.PriorityIDs = slices.Compact(in.PriorityIDs)
	slices.Sort(in.PartnerIDs)
	in.PartnerIDs = slices.Compact(in.PartnerIDs)
}

// checkChoices reports priorities or partners that are not the dialogue's:
// the form offers only those, so anything else is a tampered or stale form.
func (in InitiativeInput) checkChoices(ctx context.Context, tx pgx.Tx, dialogueID int64, fe dialogue.FieldErrors) error {
	var priorities, partners int
	err := tx.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM priorities WHERE dialogue_id = $1 AND id = ANY($2)),
		       (SELECT count(*) FROM dialogue_participants WHERE dialogue_id = $1 AND role = 'partner' AND delegation_id = ANY($3))`,
		dialogueID, in.PriorityIDs, in.PartnerIDs).Scan(&priorities, &partners)
	if err != nil {
		return err
	}
	if priorities != len(in.PriorityIDs) {
		fe.Add("priorities", "Choose the priorities from this dialogue's list.")
	}
	if partners != len(in.PartnerIDs) {
		fe.Add("partners", "Choose the partners from this dialogue's list.")
	}
	return nil
}

// CreateInitiative records a new initiative for the dialogue. Its code, the
// registry's key, is made from its name.
func (s *Store) CreateInitiative(ctx context.Context, actor dialogue.Actor, dialogueID int64, in InitiativeInput) (int64, error) {
	fe := dialogue.FieldErrors{}
	in.normalize(fe)
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := in.checkChoices(ctx, tx, dialogueID, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var base string
		if err := tx.QueryRow(ctx, `SELECT left(trim(both '-' from lower(regexp_replace(unaccent($1), '[^A-Za-z0-9]+', '-', 'g'))), 40)`,
			in.Name).Scan(&base); err != nil {
			return err
		}
		base = strings.Trim(base, "-")
		if len(base) < 2 {
			base = "initiative"
		}
		// The first of base, base-2, base-3… that no initiative has.
		for n := 1; id == 0; n++ {
			code := base
			if n > 1 {
				code += "-" + strconv.Itoa(n)
			}
			err := tx.QueryRow(ctx, `
				INSERT INTO initiatives (code, name, description) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO NOTHING RETURNING id`, code, in.Name, in.Description).Scan(&id)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_dialogues (initiative_id, dialogue_id) VALUES ($1, $2)`, id, dialogueID); err != nil {
			return err
		}
		if err := writeInitiativeParts(ctx, tx, dialogueID, id, in); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "initiative.create", ObjectType: "initiative", ObjectID: id,
			Detail: initiativeDetail(dialogueID, in)})
	})
	return id, err
}

// UpdateInitiative saves an initiative edited from the dialogue's page.
// baseVersion is the version the form started from: if someone saved
// since, nothing is written and the error is a conflict.
func (s *Store) UpdateInitiative(ctx context.Context, actor dialogue.Actor, dialogueID, id int64, baseVersion int, in InitiativeInput) error {
	fe := dialogue.FieldErrors{}
	in.normalize(fe)
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var version int
		err := tx.QueryRow(ctx, `
			SELECT i.version FROM initiatives i
			JOIN initiative_dialogues idl ON idl.initiative_id = i.id AND idl.dialogue_id = $1
			WHERE i.id = $2 FOR UPDATE OF i`, dialogueID, id).Scan(&version)
		if err != nil {
			return notFound(err, "initiative")
		}
		if version != baseVersion {
			return dialogue.Errorf(dialogue.KindConflict, "Someone saved this initiative after you opened it. Nothing of yours was saved: compare what you typed, kept below, with the initiative as it is now, then save again.")
		}
		if err := in.checkChoices(ctx, tx, dialogueID, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE initiatives SET name = $2, description = $3, version = version + 1, updated_at = now()
			WHERE id = $1`, id, in.Name, in.Description); err != nil {
			return err
		}
		// The dialogue's own priorities and partners are replaced; those of
		// the initiative's other dialogues stay.
		if _, err := tx.Exec(ctx, `
			DELETE FROM initiative_priorities WHERE initiative_id = $1
			AND priority_id IN (SELECT id FROM priorities WHERE dialogue_id = $2)`, id, dialogueID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			DELETE FROM initiative_partners WHERE initiative_id = $1
			AND delegation_id IN (SELECT delegation_id FROM dialogue_participants WHERE dialogue_id = $2 AND role = 'partner')`,
			id, dialogueID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM initiative_implementers WHERE initiative_id = $1`, id); err != nil {
			return err
		}
		if err := writeInitiativeParts(ctx, tx, dialogueID, id, in); err != nil {
			return err
		}
		detail := initiativeDetail(dialogueID, in)
		detail["version"] = version + 1
		return writeAudit(ctx, tx, actor, auditEntry{Action: "initiative.update", ObjectType: "initiative", ObjectID: id, Detail: detail})
	})
}

// writeInitiativeParts inserts the implementing bodies (linked to the
// registry's agency or institution of that code or name), priorities and
// partners of an initiative whose earlier ones are gone.
func writeInitiativeParts(ctx context.Context, tx pgx.Tx, dialogueID, id int64, in InitiativeInput) error {
	if _, err := tx.Exec(ctx, `
		INSERT INTO initiative_implementers (initiative_id, position, name, delegation_id)
		SELECT $1, b.position, b.name,
		       (SELECT d.id FROM delegations d
		        WHERE d.kind IN ('institution', 'observer') AND (upper(d.code) = upper(b.name) OR lower(d.name) = lower(b.name))
		        ORDER BY d.id LIMIT 1)
		FROM unnest($2::text[]) WITH ORDINALITY AS b(name, position)`, id, in.Implementers); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO initiative_priorities (initiative_id, priority_id) SELECT $1, unnest($2::bigint[])`, id, in.PriorityIDs); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO initiative_partners (initiative_id, delegation_id) SELECT $1, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, id, in.PartnerIDs)
	return err
}

func initiativeDetail(dialogueID int64, in InitiativeInput) map[string]any {
	return map[string]any{"dialogue": dialogueID, "name": in.Name, "implementers": in.Implementers,
		"priorities": in.PriorityIDs, "partners": in.PartnerIDs, "description_chars": len([]rune(in.Description))}
}

// RemoveInitiative takes an initiative out of the dialogue, from the
// version the form showed: it no longer counts for the dialogue's priorities
// and partners. An initiative that then serves no dialogue is deleted; the
// audit entry keeps what it held, so that it can be recorded again.
func (s *Store) RemoveInitiative(ctx context.Context, actor dialogue.Actor, dialogueID, id int64, baseVersion int) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var version, dialogues int
		var name, description string
		var bodies []string
		err := tx.QueryRow(ctx, `
			SELECT i.version, i.name, i.description,
			       ARRAY(SELECT m.name FROM initiative_implementers m WHERE m.initiative_id = i.id ORDER BY m.position),
			       (SELECT count(*) FROM initiative_dialogues o WHERE o.initiative_id = i.id)::int
			FROM initiatives i
			JOIN initiative_dialogues idl ON idl.initiative_id = i.id AND idl.dialogue_id = $1
			WHERE i.id = $2 FOR UPDATE OF i`, dialogueID, id).Scan(&version, &name, &description, &bodies, &dialogues)
		if err != nil {
			return notFound(err, "initiative")
		}
		if version != baseVersion {
			return dialogue.Errorf(dialogue.KindConflict, "Someone saved this initiative after you opened it, so it was not removed: look at it as it is now first.")
		}
		var priorities, partners []int64
		rows, err := tx.Query(ctx, `
			DELETE FROM initiative_priorities WHERE initiative_id = $1
			AND priority_id IN (SELECT id FROM priorities WHERE dialogue_id = $2) RETURNING priority_id`, id, dialogueID)
		if err != nil {
			return err
		}
		if priorities, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		if dialogues > 1 {
			// Its partners that take part in this dialogue alone go with it.
			rows, err = tx.Query(ctx, `
				DELETE FROM initiative_partners ip WHERE ip.initiative_id = $1
				AND ip.delegation_id IN (SELECT delegation_id FROM dialogue_participants WHERE dialogue_id = $2 AND role = 'partner')
				AND NOT EXISTS (SELECT 1 FROM initiative_dialogues o JOIN dialogue_participants dp ON dp.dialogue_id = o.dialogue_id
				                WHERE o.initiative_id = $1 AND o.dialogue_id <> $2 AND dp.delegation_id = ip.delegation_id)
				RETURNING delegation_id`, id, dialogueID)
			if err != nil {
				return err
			}
			if partners, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM initiative_dialogues WHERE initiative_id = $1 AND dialogue_id = $2`, id, dialogueID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE initiatives SET version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
				return err
			}
		} else {
			rows, err = tx.Query(ctx, `SELECT delegation_id FROM initiative_partners WHERE initiative_id = $1 ORDER BY delegation_id`, id)
			if err != nil {
				return err
			}
			if partners, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM initiatives WHERE id = $1`, id); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "initiative.remove", ObjectType: "initiative", ObjectID: id,
			Detail: map[string]any{"dialogue": dialogueID, "deleted": dialogues == 1, "name": name, "description": description,
				"implementers": bodies, "priorities": priorities, "partners": partners}})
	})
}
