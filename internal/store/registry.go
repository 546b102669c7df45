package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// delegationRow is a delegations row as selected by delegationColumns.
type delegationRow struct {
	ID            int64  `db:"id"`
	Code          string `db:"code"`
	Kind          string `db:"kind"`
	Name          string `db:"name"`
	NativeName    string `db:"native_name"`
	ProtocolOrder *int   `db:"protocol_order"`
	Footnote      string `db:"footnote"`
}

const delegationColumns = `d.id, d.code, d.kind, d.name, d.native_name, d.protocol_order, d.footnote`

func (r delegationRow) delegation() dialogue.Delegation {
	d := dialogue.Delegation{
		ID:         r.ID,
		Code:       r.Code,
		Kind:       dialogue.DelegationKind(r.Kind),
		Name:       r.Name,
		NativeName: r.NativeName,
		Footnote:   r.Footnote,
	}
	if r.ProtocolOrder != nil {
		d.ProtocolOrder = *r.ProtocolOrder
	}
	return d
}

// Delegations returns every delegation in the Council's order: member states
// in protocol order, then institutions, partners and observers by name.
func (s *Store) Delegations(ctx context.Context) ([]dialogue.Delegation, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+delegationColumns+` FROM delegations d`)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	out, err := collectConverted(rows, pgx.RowToStructByName[delegationRow], delegationRow.delegation)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	dialogue.SortProtocol(out)
	return out, nil
}

type dialogueRow struct {
	ID              int64   `db:"id"`
	Code            string  `db:"code"`
	Name            string  `db:"name"`
	ShortName       string  `db:"short_name"`
	Description     string  `db:"description"`
	GeographicScope *string `db:"geographic_scope"`
	LaunchYear      *int    `db:"launch_year"`
}

const dialogueColumns = `id, code, name, short_name, description, geographic_scope, launch_year`

func (r dialogueRow) dialogue() dialogue.Dialogue {
	d := dialogue.Dialogue{ID: r.ID, Code: r.Code, Name: r.Name, ShortName: r.ShortName, Description: r.Description}
	if r.GeographicScope != nil {
		d.GeographicScope = *r.GeographicScope
	}
	if r.LaunchYear != nil {
		d.LaunchYear = *r.LaunchYear
	}
	return d
}

// Dialogues returns every dialogue in display order.
func (s *Store) Dialogues(ctx context.Context) ([]dialogue.Dialogue, error) {
	return runStatement(ctx, s, dialoguesStatement())
}

func dialoguesStatement() statement[[]dialogue.Dialogue] {
	return statement[[]dialogue.Dialogue]{
		sql: `SELECT ` + dialogueColumns + ` FROM dialogues ORDER BY position, name`,
		collect: func(rows pgx.Rows) ([]dialogue.Dialogue, error) {
			out, err := collectConverted(rows, pgx.RowToStructByName[dialogueRow], dialogueRow.dialogue)
			if err != nil {
				return nil, fmt.Errorf("store: dialogues: %w", err)
			}
			return out, nil
		},
	}
}

// DialogueByCode returns the dialogue with the given code ("med", "clasi"),
// or a not-found error.
func (s *Store) DialogueByCode(ctx context.Context, code string) (dialogue.Dialogue, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+dialogueColumns+` FROM dialogues WHERE code = $1`, code)
	if err != nil {
		return dialogue.Dialogue{}, fmt.Errorf("store: dialogue %q: %w", code, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[dialogueRow])
	if err != nil {
		return dialogue.Dialogue{}, notFound(err, "dialogue")
	}
	return r.dialogue(), nil
}

type participantRow struct {
	DialogueID int64 `db:"dialogue_id"`
	delegationRow
	Role     string     `db:"role"`
	Phase    int        `db:"phase"`
	StartsOn *time.Time `db:"starts_on"`
	Note     string     `db:"note"`
}

// Participants returns the partners and observers of the given dialogues,
// keyed by dialogue id: partners before observers, then by phase and in the
// Council's order.
func (s *Store) Participants(ctx context.Context, dialogueIDs []int64) (map[int64][]dialogue.Participant, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT p.dialogue_id, `+delegationColumns+`, p.role, p.phase, p.starts_on, p.note
		FROM dialogue_participants p
		JOIN delegations d ON d.id = p.delegation_id
		WHERE p.dialogue_id = ANY($1)
		ORDER BY p.dialogue_id, p.role DESC, p.phase, d.name, d.code`, dialogueIDs)
	if err != nil {
		return nil, fmt.Errorf("store: participants: %w", err)
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[participantRow])
	if err != nil {
		return nil, fmt.Errorf("store: participants: %w", err)
	}
	out := make(map[int64][]dialogue.Participant, len(dialogueIDs))
	for _, r := range rs {
		out[r.DialogueID] = append(out[r.DialogueID], dialogue.Participant{
			Delegation: r.delegation(),
			Role:       dialogue.ParticipantRole(r.Role),
			Phase:      r.Phase,
			StartsOn:   r.StartsOn,
			Note:       r.Note,
		})
	}
	return out, nil
}

type priorityRow struct {
	ID          int64   `db:"id"`
	DialogueID  int64   `db:"dialogue_id"`
	Code        string  `db:"code"`
	Title       string  `db:"title"`
	Status      string  `db:"status"`
	EmpactCycle *string `db:"empact_cycle"`
	Position    int     `db:"position"`
}

// Priorities returns a dialogue's thematic priorities in order.
func (s *Store) Priorities(ctx context.Context, dialogueID int64) ([]dialogue.Priority, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, dialogue_id, code, title, status, empact_cycle, position
		FROM priorities WHERE dialogue_id = $1 ORDER BY position`, dialogueID)
	if err != nil {
		return nil, fmt.Errorf("store: priorities: %w", err)
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[priorityRow])
	if err != nil {
		return nil, fmt.Errorf("store: priorities: %w", err)
	}
	out := make([]dialogue.Priority, len(rs))
	for i, r := range rs {
		out[i] = dialogue.Priority{
			ID: r.ID, DialogueID: r.DialogueID, Code: r.Code, Title: r.Title,
			Status: dialogue.PriorityStatus(r.Status), Position: r.Position,
		}
		if r.EmpactCycle != nil {
			out[i].EmpactCycle = *r.EmpactCycle
		}
	}
	return out, nil
}

type initiativeRow struct {
	ID               int64    `db:"id"`
	Code             string   `db:"code"`
	Name             string   `db:"name"`
	Description      string   `db:"description"`
	ImplementerNames []string `db:"implementer_names"`
	ImplementerIDs   []int64  `db:"implementer_ids"`
	PriorityIDs      []int64  `db:"priority_ids"`
	PartnerIDs       []int64  `db:"partner_ids"`
}

// Initiatives returns the initiatives a dialogue articulates with, each with
// its implementers (in order), priorities and partners, in one query.
func (s *Store) Initiatives(ctx context.Context, dialogueID int64) ([]dialogue.Initiative, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT i.id, i.code, i.name, i.description,
		       ARRAY(SELECT m.name FROM initiative_implementers m
		             WHERE m.initiative_id = i.id ORDER BY m.position) AS implementer_names,
		       ARRAY(SELECT coalesce(m.delegation_id, 0) FROM initiative_implementers m
		             WHERE m.initiative_id = i.id ORDER BY m.position) AS implementer_ids,
		       ARRAY(SELECT p.priority_id FROM initiative_priorities p
		             JOIN priorities pr ON pr.id = p.priority_id
		             WHERE p.initiative_id = i.id ORDER BY pr.position) AS priority_ids,
		       ARRAY(SELECT p.delegation_id FROM initiative_partners p
		             WHERE p.initiative_id = i.id ORDER BY p.delegation_id) AS partner_ids
		FROM initiatives i
		JOIN initiative_dialogues idl ON idl.initiative_id = i.id
		WHERE idl.dialogue_id = $1
		ORDER BY i.name, i.id`, dialogueID)
	if err != nil {
		return nil, fmt.Errorf("store: initiatives: %w", err)
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[initiativeRow])
	if err != nil {
		return nil, fmt.Errorf("store: initiatives: %w", err)
	}
	out := make([]dialogue.Initiative, len(rs))
	for i, r := range rs {
		in := dialogue.Initiative{
			ID: r.ID, Code: r.Code, Name: r.Name, Description: r.Description,
			PriorityIDs: r.PriorityIDs, PartnerIDs: r.PartnerIDs,
		}
		for j, name := range r.ImplementerNames {
			in.Implementers = append(in.Implementers, dialogue.Implementer{Name: name, DelegationID: r.ImplementerIDs[j]})
		}
		out[i] = in
	}
	return out, nil
}
