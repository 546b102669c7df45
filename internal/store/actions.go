package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

type actionRow struct {
	ID           int64      `db:"id"`
	Source       string     `db:"source"`
	Section      string     `db:"section"`
	Position     int        `db:"position"`
	Heading      string     `db:"heading"`
	Topic        string     `db:"topic"`
	Ongoing      string     `db:"ongoing"`
	NextSteps    string     `db:"next_steps"`
	TimelineText string     `db:"timeline_text"`
	DueFrom      *time.Time `db:"due_from"`
	DueTo        *time.Time `db:"due_to"`
}

// ActionRows returns the action-tracking rows in the annex's order: by
// section (dialogue.ActionSections), then source and position.
func (s *Store) ActionRows(ctx context.Context) ([]dialogue.ActionRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, source, section, position, heading, topic, ongoing, next_steps,
		       timeline_text, due_from, due_to
		FROM action_tracking
		ORDER BY array_position($1::text[], section), source, position`, dialogue.ActionSections)
	if err != nil {
		return nil, fmt.Errorf("store: action rows: %w", err)
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[actionRow])
	if err != nil {
		return nil, fmt.Errorf("store: action rows: %w", err)
	}
	out := make([]dialogue.ActionRow, len(rs))
	for i, r := range rs {
		out[i] = dialogue.ActionRow(r)
	}
	return out, nil
}
