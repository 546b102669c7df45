package store

import (
	"context"
	"fmt"
	"strconv"
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

// meetingRow is a row of meetingSelect: its fields in the order of the
// statement's columns (see scanMeetingRow).
type meetingRow struct {
	ID           int64
	DialogueID   *int64
	DialogueName *string
	Level        string
	Title        string
	StartsAt     time.Time
	EndsAt       time.Time
	TimeZone     string
	Venue        string
	City         string
	Format       string
	PresidencyID *int64
	// The Presidency's member state and semester, for its label.
	PresidencyName     *string
	PresidencyYear     *int
	PresidencySemester *int
	Status             string
	CancelReason       string
	BackToBackID       *int64
	Note               string
	Demo               bool
	Version            int
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
	out, err := collectConverted(rows, scanMeetingRow, meetingRow.meeting)
	if err != nil {
		return nil, fmt.Errorf("store: meetings: %w", err)
	}
	return out, nil
}

// scanMeetingRow reads a row of meetingSelect's columns, in their order.
// By hand: every home page reads a dozen meetings, and matching columns to
// fields by name (reflection, for every row) was a sixth of the portal's
// CPU on the secretariat's.
func scanMeetingRow(row pgx.CollectableRow) (meetingRow, error) {
	var m meetingRow
	err := row.Scan(&m.ID, &m.DialogueID, &m.DialogueName, &m.Level, &m.Title, &m.StartsAt, &m.EndsAt, &m.TimeZone,
		&m.Venue, &m.City, &m.Format, &m.PresidencyID, &m.PresidencyName, &m.PresidencyYear, &m.PresidencySemester,
		&m.Status, &m.CancelReason, &m.BackToBackID, &m.Note, &m.Demo, &m.Version)
	return m, err
}

// Meetings lists every meeting, whoever may see it, with its dialogue's
// short name and Presidency label, filtered and ordered as f says. Pages use
// VisibleMeetings; this is for the secretariat's tools (planning, feeds of
// the whole calendar) and tests.
func (s *Store) Meetings(ctx context.Context, f MeetingFilter) ([]dialogue.Meeting, error) {
	return s.VisibleMeetings(ctx, dialogue.Viewer{SeeAll: true}, f)
}

// unplanned is a parameter as the planner should take it: as an InitPlan,
// whose value it does not look at when it plans. The plan is then the same
// whatever the value, so PostgreSQL soon keeps the prepared statement's
// generic plan, made once per connection, instead of planning the
// visibility rule anew on every request, which costs more than running it
// over a window. The indexes still serve a bound given this way (its value
// is known when the scan starts), and a viewer who sees all still skips the
// rule at run time (OR stops at the first true operand).
func unplanned(param, typ string) string {
	return "(SELECT " + param + "::" + typ + ")"
}

// params are the arguments of a statement written piece by piece.
type params []any

// unplanned adds v and returns it as the statement takes it: unplanned, of
// the SQL type typ.
func (p *params) unplanned(v any, typ string) string {
	*p = append(*p, v)
	return unplanned("$"+strconv.Itoa(len(*p)), typ)
}

// meetingVisibleToArgs is meetingVisible for the viewer's arguments as $1
// and $2 (viewerArgs), unplanned.
var meetingVisibleToArgs = meetingVisible(unplanned("$1", "boolean"), unplanned("$2", "bigint"))

// FeedMeetings returns the meetings the viewer may see that end after from,
// in chronological order: a calendar subscription, which calendar
// applications poll all day. It reads the window through meetings_ends_idx,
// planned once per connection (see unplanned).
func (s *Store) FeedMeetings(ctx context.Context, v dialogue.Viewer, from time.Time) ([]dialogue.Meeting, error) {
	seeAll, delegation := viewerArgs(v)
	return runStatement(ctx, s, meetingsStatement(meetingSelect+`
		WHERE m.ends_at > `+unplanned("$3", "timestamptz")+`
		  AND `+meetingVisibleToArgs+`
		ORDER BY m.starts_at, m.id`, seeAll, delegation, from))
}

// NextMeetings returns the first n meetings not yet over at now that the
// viewer may see, soonest first: the home page's next meetings. The window
// (every meeting ending after now, a few dozen at most) is read through
// meetings_ends_idx and only then sorted, behind OFFSET 0: planned once per
// connection (see unplanned), the statement could otherwise walk
// meetings_starts_idx from the first meeting ever held, in the hope of
// finding n among them early.
func (s *Store) NextMeetings(ctx context.Context, v dialogue.Viewer, now time.Time, n int) ([]dialogue.Meeting, error) {
	return runStatement(ctx, s, nextMeetingsStatement(v, now, n))
}

func nextMeetingsStatement(v dialogue.Viewer, now time.Time, n int) statement[[]dialogue.Meeting] {
	seeAll, delegation := viewerArgs(v)
	return meetingsStatement(`SELECT * FROM (`+meetingSelect+`
		WHERE m.ends_at > `+unplanned("$3", "timestamptz")+`
		  AND `+meetingVisibleToArgs+`
		OFFSET 0) m
		ORDER BY m.starts_at, m.id LIMIT `+strconv.Itoa(max(n, 0)), seeAll, delegation, now)
}

// meetingsStatement is a statement whose rows collectMeetings reads.
func meetingsStatement(sql string, args ...any) statement[[]dialogue.Meeting] {
	return statement[[]dialogue.Meeting]{sql: sql, args: args,
		collect: func(rows pgx.Rows) ([]dialogue.Meeting, error) { return collectMeetings(rows, nil) }}
}

// CadenceMeetings returns the dialogues' senior officials' and ministerial
// meetings that start on or after from and that the viewer may see, in
// chronological order, cancelled ones included: all dialogue.CheckCadence
// weighs (it counts meetings of those levels by the year they start in).
// The secretariat's home page asks for last year and the years ahead; read
// through meetings_level_idx that is a few rows a year, where every meeting
// of the period (COSI's and the technical ones too) would be dozens. The
// levels are written in the statement, not passed, for the same reason as
// the bound (see unplanned).
func (s *Store) CadenceMeetings(ctx context.Context, v dialogue.Viewer, from time.Time) ([]dialogue.Meeting, error) {
	return runStatement(ctx, s, cadenceMeetingsStatement(v, from))
}

func cadenceMeetingsStatement(v dialogue.Viewer, from time.Time) statement[[]dialogue.Meeting] {
	seeAll, delegation := viewerArgs(v)
	return meetingsStatement(meetingSelect+`
		WHERE m.level IN ('`+string(dialogue.LevelSOM)+`', '`+string(dialogue.LevelMinisterial)+`')
		  AND m.dialogue_id IS NOT NULL AND m.starts_at >= `+unplanned("$3", "timestamptz")+`
		  AND `+meetingVisibleToArgs+`
		ORDER BY m.starts_at, m.id`, seeAll, delegation, from)
}

// MeetingsByID returns the meetings with the given ids, in chronological
// order; ids the database does not hold are left out.
func (s *Store) MeetingsByID(ctx context.Context, ids []int64) ([]dialogue.Meeting, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// Unplanned, as in VisibleMeetingsByID: planned for its values, 0.6 ms.
	rows, err := s.pool.Query(ctx, meetingSelect+" WHERE m.id = ANY("+unplanned("$1", "bigint[]")+"::bigint[]) ORDER BY m.starts_at, m.id", ids)
	return collectMeetings(rows, err)
}

// VisibleMeetingsByID returns those of the given meetings the viewer may
// see, in chronological order: the meetings others are held back-to-back
// with, looked up by id rather than among every COSI meeting ever held.
func (s *Store) VisibleMeetingsByID(ctx context.Context, v dialogue.Viewer, ids []int64) ([]dialogue.Meeting, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	seeAll, delegation := viewerArgs(v)
	// Unplanned (see there): planned for its values, the statement took
	// 5 ms to plan and well under one to run. (The cast makes ANY read the
	// sub-select's one value as the array, not as a set of rows.)
	return runStatement(ctx, s, meetingsStatement(meetingSelect+" WHERE m.id = ANY("+unplanned("$3", "bigint[]")+"::bigint[]) AND "+
		meetingVisibleToArgs+" ORDER BY m.starts_at, m.id", seeAll, delegation, ids))
}
