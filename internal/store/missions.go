package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

type missionRow struct {
	ID                        int64      `db:"id"`
	Code                      string     `db:"code"`
	Name                      string     `db:"name"`
	Host                      string     `db:"host"`
	StartedYear               *int       `db:"started_year"`
	MandateEndsOn             *time.Time `db:"mandate_ends_on"`
	ClosedOn                  *time.Time `db:"closed_on"`
	FrontexWorkingArrangement bool       `db:"frontex_working_arrangement"`
	Note                      string     `db:"note"`
	Source                    string     `db:"source"`
}

// Missions returns the CSDP missions, oldest first.
func (s *Store) Missions(ctx context.Context) ([]dialogue.Mission, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, code, name, host, started_year, mandate_ends_on, closed_on,
		       frontex_working_arrangement, note, source
		FROM csdp_missions
		ORDER BY started_year NULLS LAST, name`)
	if err != nil {
		return nil, fmt.Errorf("store: missions: %w", err)
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[missionRow])
	if err != nil {
		return nil, fmt.Errorf("store: missions: %w", err)
	}
	out := make([]dialogue.Mission, len(rs))
	for i, r := range rs {
		out[i] = dialogue.Mission{
			ID: r.ID, Code: r.Code, Name: r.Name, Host: r.Host,
			MandateEndsOn: r.MandateEndsOn, ClosedOn: r.ClosedOn,
			FrontexWorkingArrangement: r.FrontexWorkingArrangement,
			Note:                      r.Note, Source: r.Source,
		}
		if r.StartedYear != nil {
			out[i].StartedYear = *r.StartedYear
		}
	}
	return out, nil
}
