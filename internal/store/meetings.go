package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// MeetingFilter narrows the meeting list. Zero values mean "any".
type MeetingFilter struct {
	DialogueID int64 // meetings of one dialogue
	COSIOnly   bool  // COSI's own meetings (no dialogue)
	Level      dialogue.MeetingLevel
	// Now splits the list: meetings not yet over (ending after Now) come
	// first, soonest first, then past meetings, latest first. With a zero
	// Now the list is in chronological order.
	Now          time.Time
	UpcomingOnly bool // only meetings ending after Now
	Limit        int  // 0: no limit
	// From and To keep the meetings overlapping [From, To); zero: open-ended.
	From, To time.Time
}

type meetingRow struct {
	ID           int64     `db:"id"`
	DialogueID   *int64    `db:"dialogue_id"`
	DialogueName *string   `db:"dialogue_name"`
	Level        string    `db:"level"`
	Title        string    `db:"title"`
	StartsAt     time.Time `db:"starts_at"`
	EndsAt       time.Time `db:"ends_at"`
	TimeZone     string    `db:"time_zone"`
	Venue        string    `db:"venue"`
	City         string    `db:"city"`
	Format       string    `db:"format"`
	PresidencyID *int64    `db:"presidency_id"`
	// The Presidency's member state and semester, for its label.
	PresidencyName     *string `db:"presidency_name"`
	PresidencyYear     *int    `db:"presidency_year"`
	PresidencySemester *int    `db:"presidency_semester"`
	Status             string  `db:"status"`
	CancelReason       string  `db:"cancel_reason"`
	BackToBackID       *int64  `db:"back_to_back_id"`
	Note               string  `db:"note"`
	Demo               bool    `db:"demo"`
	Version            int     `db:"version"`
}

const meetingSelect = `
	SELECT m.id, m.dialogue_id, dl.short_name AS dialogue_name, m.level, m.title,
	       m.starts_at, m.ends_at, m.time_zone, m.venue, m.city, m.format,
	       m.presidency_id, pd.name AS presidency_name, p.year AS presidency_year,
	       p.semester AS presidency_semester, m.status, m.cancel_reason,
	       m.back_to_back_id, m.note, m.demo, m.version
	FROM meetings m
	LEFT JOIN dialogues dl ON dl.id = m.dialogue_id
	LEFT JOIN presidencies p ON p.id = m.presidency_id
	LEFT JOIN delegations pd ON pd.id = p.delegation_id`

func (r meetingRow) meeting() dialogue.Meeting {
	m := dialogue.Meeting{
		ID: r.ID, Level: dialogue.MeetingLevel(r.Level), Title: r.Title,
		StartsAt: r.StartsAt, EndsAt: r.EndsAt, TimeZone: r.TimeZone,
		Venue: r.Venue, City: r.City, Format: dialogue.MeetingFormat(r.Format),
		Status: dialogue.MeetingStatus(r.Status), CancelReason: r.CancelReason,
		Note: r.Note, Demo: r.Demo, Version: r.Version,
	}
	if r.DialogueID != nil {
		m.DialogueID = *r.DialogueID
	}
	if r.DialogueName != nil {
		m.DialogueName = *r.DialogueName
	}
	if r.PresidencyID != nil {
		m.PresidencyID = *r.PresidencyID
		if r.PresidencyName != nil && r.PresidencyYear != nil && r.PresidencySemester != nil {
			p := dialogue.Presidency{Year: *r.PresidencyYear, Semester: *r.PresidencySemester}
			m.Presidency = *r.PresidencyName + " (" + p.Period() + ")"
		}
	}
	if r.BackToBackID != nil {
		m.BackToBackID = *r.BackToBackID
	}
	return m
}

func collectMeetings(rows pgx.Rows, err error) ([]dialogue.Meeting, error) {
	if err != nil {
		return nil, fmt.Errorf("store: meetings: %w", err)
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[meetingRow])
	if err != nil {
		return nil, fmt.Errorf("store: meetings: %w", err)
	}
	out := make([]dialogue.Meeting, len(rs))
	for i, r := range rs {
		out[i] = r.meeting()
	}
	return out, nil
}

// Meetings lists every meeting, whoever may see it, with its dialogue's
// short name and Presidency label, filtered and ordered as f says. Pages use
// VisibleMeetings; this is for the secretariat's tools (planning, feeds of
// the whole calendar) and tests.
func (s *Store) Meetings(ctx context.Context, f MeetingFilter) ([]dialogue.Meeting, error) {
	return s.VisibleMeetings(ctx, dialogue.Viewer{SeeAll: true}, f)
}

// MeetingsByID returns the meetings with the given ids, in chronological
// order; ids the database does not hold are left out.
func (s *Store) MeetingsByID(ctx context.Context, ids []int64) ([]dialogue.Meeting, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, meetingSelect+" WHERE m.id = ANY($1) ORDER BY m.starts_at, m.id", ids)
	return collectMeetings(rows, err)
}
