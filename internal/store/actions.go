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
	out, err := collectConverted(rows, pgx.RowToStructByName[actionRow], func(r actionRow) dialogue.ActionRow { return dialogue.ActionRow(r) })
	if err != nil {
		return nil, fmt.Errorf("store: action rows: %w", err)
	}
	return out, nil
}
