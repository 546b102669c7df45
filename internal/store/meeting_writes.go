package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// This file holds the meetings aggregate's writes and the reads that depend
// on who is asking: scheduling and editing meetings (every change kept),
// invitations and attendance, agendas, minutes, action points, the one
// visibility rule for meetings, and the secret tokens of calendar feeds.
// meetings.go holds the plain reads.

// ---------------------------------------------------------------- meetings

// MeetingInput is what the secretariat enters to schedule or edit a meeting.
type MeetingInput struct {
	// The dialogue, by code ("med") or id; none for COSI and the COSI
	// Support Group, required for every other level.
	DialogueCode string
	DialogueID   int64
	Level        dialogue.MeetingLevel
	Title        string
	StartsAt     time.Time // instants
	EndsAt       time.Time
	TimeZone     string // the venue's IANA zone; "" means Europe/Brussels
	Venue        string
	City         string
	Format       dialogue.MeetingFormat // "" means in person
	// PresidencyID 0 means the Presidency in office on the start date
	// (Brussels), when the presidencies table has one.
	PresidencyID int64
	Status       dialogue.MeetingStatus // "" means planned
	CancelReason string                 // required when cancelled, dropped otherwise
	BackToBackID int64                  // a COSI or COSI Support Group meeting
	Note         string
}

// normalize trims the input, fills defaults and checks what needs no
// database. Field names are the form's: dialogue, level, title, starts_at,
// ends_at, time_zone, format, presidency, status, cancel_reason,
// back_to_back, note.
func (in *MeetingInput) normalize(fe dialogue.FieldErrors) {
	in.DialogueCode = strings.ToLower(strings.TrimSpace(in.DialogueCode))
	in.Title = strings.TrimSpace(in.Title)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	in.Venue = strings.TrimSpace(in.Venue)
	in.City = strings.TrimSpace(in.City)
	in.CancelReason = strings.TrimSpace(in.CancelReason)
	in.Note = strings.TrimSpace(in.Note)
	if in.TimeZone == "" {
		in.TimeZone = dialogue.Brussels.String()
	}
	if in.Format == "" {
		in.Format = dialogue.FormatInPerson
	}
	if in.Status == "" {
		in.Status = dialogue.MeetingPlanned
	}

	if !slices.Contains(dialogue.MeetingLevels, in.Level) {
		fe.Add("level", "Choose the meeting's level.")
	}
	cosi := isCOSILevel(in.Level)
	hasDialogue := in.DialogueCode != "" || in.DialogueID != 0
	switch {
	case cosi && hasDialogue:
		fe.Add("dialogue", "COSI and COSI Support Group meetings belong to no dialogue: leave the dialogue empty.")
	case !cosi && in.Level != "" && !hasDialogue:
		fe.Add("dialogue", "Choose the dialogue this meeting belongs to.")
	}
	switch {
	case in.Title == "":
		fe.Add("title", "Give the meeting a title.")
	case len(in.Title) > 300:
		fe.Add("title", "Keep the title under 300 characters.")
	}
	if in.StartsAt.IsZero() {
		fe.Add("starts_at", "Enter the start date and time.")
	}
	if in.EndsAt.IsZero() {
		fe.Add("ends_at", "Enter the end date and time.")
	} else if !in.StartsAt.IsZero() && !in.EndsAt.After(in.StartsAt) {
		fe.Add("ends_at", "The meeting must end after it starts.")
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		fe.Add("time_zone", fmt.Sprintf("%q is not a time zone: use a name such as Europe/Brussels or Europe/Lisbon.", in.TimeZone))
	}
	if !slices.Contains([]dialogue.MeetingFormat{dialogue.FormatInPerson, dialogue.FormatHybrid, dialogue.FormatVideoconference}, in.Format) {
		fe.Add("format", "Choose in person, hybrid or videoconference.")
	}
	switch in.Status {
	case dialogue.MeetingPlanned, dialogue.MeetingConfirmed, dialogue.MeetingHeld:
		in.CancelReason = "" // the reason of a former cancellation stays in the history
	case dialogue.MeetingCancelled:
		if in.CancelReason == "" {
			fe.Add("cancel_reason", "Say why the meeting is cancelled: delegations see the reason.")
		}
	default:
		fe.Add("status", "Choose planned, confirmed, held or cancelled.")
	}
	if len(in.Note) > 10000 {
		fe.Add("note", "Keep the note under 10,000 characters.")
	}
}

func isCOSILevel(l dialogue.MeetingLevel) bool {
	return l == dialogue.LevelCOSI || l == dialogue.LevelCOSISupport
}

// resolve looks up, in one query, what the input refers to: the dialogue,
// the Presidency (derived from the start date when not given) and the
// back-to-back meeting. selfID is the meeting being edited (0 when new).
func (in *MeetingInput) resolve(ctx context.Context, tx pgx.Tx, selfID int64, fe dialogue.FieldErrors) (dialogueID, presidencyID, backToBackID *int64, err error) {
	sem := dialogue.SemesterAt(in.StartsAt)
	var b2bLevel *string
	var linkedHere int
	err = tx.QueryRow(ctx, `
		SELECT (SELECT id FROM dialogues WHERE CASE WHEN $1::bigint <> 0 THEN id = $1 ELSE code = $2 END),
		       CASE WHEN $3::bigint <> 0 THEN (SELECT id FROM presidencies WHERE id = $3)
		            ELSE (SELECT id FROM presidencies WHERE year = $4 AND semester = $5) END,
		       (SELECT level FROM meetings WHERE id = $6),
		       (SELECT count(*) FROM meetings WHERE back_to_back_id = $7)`,
		in.DialogueID, in.DialogueCode, in.PresidencyID, sem.Year, sem.Semester, in.BackToBackID, selfID).
		Scan(&dialogueID, &presidencyID, &b2bLevel, &linkedHere)
	if err != nil {
		return nil, nil, nil, err
	}
	if (in.DialogueID != 0 || in.DialogueCode != "") && dialogueID == nil {
		fe.Add("dialogue", "There is no such dialogue.")
	}
	if in.PresidencyID != 0 && presidencyID == nil {
		fe.Add("presidency", "There is no such Presidency.")
	}
	if in.BackToBackID != 0 {
		switch {
		case in.BackToBackID == selfID:
			fe.Add("back_to_back", "A meeting cannot be back-to-back with itself.")
		case b2bLevel == nil:
			fe.Add("back_to_back", "There is no such meeting.")
		case !isCOSILevel(dialogue.MeetingLevel(*b2bLevel)):
			fe.Add("back_to_back", "Choose a COSI or COSI Support Group meeting to hold this one back-to-back with.")
		default:
			backToBackID = &in.BackToBackID
		}
	}
	if linkedHere > 0 && !isCOSILevel(in.Level) {
		fe.Add("level", fmt.Sprintf("%d meeting(s) are held back-to-back with this one: it must stay a COSI or COSI Support Group meeting.", linkedHere))
	}
	return dialogueID, presidencyID, backToBackID, nil
}

// CreateMeeting validates and schedules a meeting, with its audit record,
// without an invitation list. Every problem is reported at once, by field
// (*dialogue.FormError).
func (s *Store) CreateMeeting(ctx context.Context, actor dialogue.Actor, in MeetingInput) (int64, error) {
	return s.createMeeting(ctx, actor, in, false)
}

// ScheduleMeeting is CreateMeeting with the dialogue's default invitation
// list (see defaultInvited) drawn up in the same transaction: a meeting the
// secretariat schedules never exists without the list that lets the
// delegations answer, whatever fails.
func (s *Store) ScheduleMeeting(ctx context.Context, actor dialogue.Actor, in MeetingInput) (int64, error) {
	return s.createMeeting(ctx, actor, in, true)
}

func (s *Store) createMeeting(ctx context.Context, actor dialogue.Actor, in MeetingInput, invite bool) (int64, error) {
	fe := dialogue.FieldErrors{}
	in.normalize(fe)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		dlg, pres, b2b, err := in.resolve(ctx, tx, 0, fe)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO meetings (dialogue_id, level, title, starts_at, ends_at, time_zone, venue, city, format,
				presidency_id, status, cancel_reason, back_to_back_id, note, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			RETURNING id`,
			dlg, in.Level, in.Title, in.StartsAt, in.EndsAt, in.TimeZone, in.Venue, in.City, in.Format,
			pres, in.Status, in.CancelReason, b2b, in.Note, userRef(actor)).Scan(&id); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.create", ObjectType: "meeting", ObjectID: id,
			Detail: map[string]any{"title": in.Title, "level": in.Level, "starts_at": in.StartsAt, "status": in.Status}}); err != nil || !invite {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO meeting_invitations (meeting_id, delegation_id)
			SELECT m.id, d.id FROM meetings m JOIN delegations d ON `+defaultInvited("d")+`
			WHERE m.id = $1`, id)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.invitations", ObjectType: "meeting", ObjectID: id,
			Detail: map[string]any{"invited": tag.RowsAffected(), "added": tag.RowsAffected(), "removed": []int64{}}})
	})
	return id, err
}

// UpdateMeeting replaces a meeting's details. baseVersion is the version the
// user started from: if someone saved since, nothing is written and the
// error is a conflict (dialogue.KindConflict). The row as it was is kept in
// meeting_history first, so every change can be read back (MeetingHistory).
func (s *Store) UpdateMeeting(ctx context.Context, actor dialogue.Actor, id int64, baseVersion int, in MeetingInput) error {
	fe := dialogue.FieldErrors{}
	in.normalize(fe)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, meetingSelect+" WHERE m.id = $1 FOR NO KEY UPDATE OF m", id)
		if err != nil {
			return err
		}
		old, err := pgx.CollectExactlyOneRow(rows, scanMeetingRow)
		if err != nil {
			return notFound(err, "meeting")
		}
		if old.Version != baseVersion {
			return dialogue.Errorf(dialogue.KindConflict,
				"This meeting was changed by someone else since you opened it (now version %d): reload it; your input is kept below.", old.Version)
		}
		dlg, pres, b2b, err := in.resolve(ctx, tx, id, fe)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO meeting_history (meeting_id, version, snapshot, changed_by)
			SELECT m.id, m.version, to_jsonb(m), $2 FROM meetings m WHERE m.id = $1`, id, userRef(actor)); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, `
			UPDATE meetings SET dialogue_id = $2, level = $3, title = $4, starts_at = $5, ends_at = $6,
				time_zone = $7, venue = $8, city = $9, format = $10, presidency_id = $11, status = $12,
				cancel_reason = $13, back_to_back_id = $14, note = $15, updated_by = $16,
				updated_at = now(), version = version + 1
			WHERE id = $1
			RETURNING version`,
			id, dlg, in.Level, in.Title, in.StartsAt, in.EndsAt, in.TimeZone, in.Venue, in.City, in.Format,
			pres, in.Status, in.CancelReason, b2b, in.Note, userRef(actor)).Scan(&version); err != nil {
			return err
		}
		after := old.meeting()
		after.DialogueID, after.PresidencyID, after.BackToBackID = deref(dlg), deref(pres), deref(b2b)
		after.Level, after.Title, after.StartsAt, after.EndsAt = in.Level, in.Title, in.StartsAt, in.EndsAt
		after.TimeZone, after.Venue, after.City, after.Format = in.TimeZone, in.Venue, in.City, in.Format
		after.Status, after.CancelReason, after.Note = in.Status, in.CancelReason, in.Note
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.update", ObjectType: "meeting", ObjectID: id,
			Detail: map[string]any{"version": version, "changed": meetingDiff(old.meeting(), after), "status": in.Status}})
	})
}

// MeetingChange is one edit of a meeting: the meeting as it was before it,
// which fields the edit changed, who made it and when.
type MeetingChange struct {
	Version       int              // the version the edit replaced
	Before        dialogue.Meeting // with the dialogue and Presidency labels
	Changed       []string         // form field names: "title", "starts_at", ...
	ChangedBy     int64
	ChangedByName string
	ChangedAt     time.Time
}

// meetingSnapshot is a meetings row as to_jsonb wrote it.
type meetingSnapshot struct {
	ID           int64     `json:"id"`
	DialogueID   *int64    `json:"dialogue_id"`
	Level        string    `json:"level"`
	Title        string    `json:"title"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	TimeZone     string    `json:"time_zone"`
	Venue        string    `json:"venue"`
	City         string    `json:"city"`
	Format       string    `json:"format"`
	PresidencyID *int64    `json:"presidency_id"`
	Status       string    `json:"status"`
	CancelReason string    `json:"cancel_reason"`
	BackToBackID *int64    `json:"back_to_back_id"`
	Note         string    `json:"note"`
	Demo         bool      `json:"demo"`
	Version      int       `json:"version"`
}

// MeetingHistory returns every edit of a meeting, newest first (empty for a
// meeting never edited). The caller checks who may read it.
func (s *Store) MeetingHistory(ctx context.Context, id int64) ([]MeetingChange, error) {
	current, err := s.MeetingsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(current) == 0 {
		return nil, dialogue.Errorf(dialogue.KindNotFound, "meeting not found")
	}
	rows, err := s.pool.Query(ctx, `
		SELECT h.version, h.snapshot, coalesce(h.changed_by, 0), coalesce(u.name, ''), h.changed_at,
		       dl.short_name, pd.name, p.year, p.semester
		FROM meeting_history h
		LEFT JOIN users u ON u.id = h.changed_by
		LEFT JOIN dialogues dl ON dl.id = (h.snapshot->>'dialogue_id')::bigint
		LEFT JOIN presidencies p ON p.id = (h.snapshot->>'presidency_id')::bigint
		LEFT JOIN delegations pd ON pd.id = p.delegation_id
		WHERE h.meeting_id = $1
		ORDER BY h.version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("store: meeting history: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (MeetingChange, error) {
		var c MeetingChange
		var raw []byte
		var r meetingRow
		if err := row.Scan(&c.Version, &raw, &c.ChangedBy, &c.ChangedByName, &c.ChangedAt,
			&r.DialogueName, &r.PresidencyName, &r.PresidencyYear, &r.PresidencySemester); err != nil {
			return c, err
		}
		var snap meetingSnapshot
		if err := json.Unmarshal(raw, &snap); err != nil {
			return c, fmt.Errorf("meeting %d version %d: %w", id, c.Version, err)
		}
		r.ID, r.DialogueID, r.Level, r.Title = snap.ID, snap.DialogueID, snap.Level, snap.Title
		r.StartsAt, r.EndsAt, r.TimeZone, r.Venue, r.City = snap.StartsAt, snap.EndsAt, snap.TimeZone, snap.Venue, snap.City
		r.Format, r.PresidencyID, r.Status, r.CancelReason = snap.Format, snap.PresidencyID, snap.Status, snap.CancelReason
		r.BackToBackID, r.Note, r.Demo, r.Version = snap.BackToBackID, snap.Note, snap.Demo, snap.Version
		c.Before = r.meeting()
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: meeting history: %w", err)
	}
	next := current[0]
	for i := range out {
		out[i].Changed = meetingDiff(out[i].Before, next)
		next = out[i].Before
	}
	return out, nil
}

// meetingDiff names the fields that differ between two states of a meeting.
func meetingDiff(a, b dialogue.Meeting) []string {
	changed := []string{}
	add := func(field string, differ bool) {
		if differ {
			changed = append(changed, field)
		}
	}
	add("dialogue", a.DialogueID != b.DialogueID)
	add("level", a.Level != b.Level)
	add("title", a.Title != b.Title)
	add("starts_at", !a.StartsAt.Equal(b.StartsAt))
	add("ends_at", !a.EndsAt.Equal(b.EndsAt))
	add("time_zone", a.TimeZone != b.TimeZone)
	add("venue", a.Venue != b.Venue)
	add("city", a.City != b.City)
	add("format", a.Format != b.Format)
	add("presidency", a.PresidencyID != b.PresidencyID)
	add("status", a.Status != b.Status)
	add("cancel_reason", a.CancelReason != b.CancelReason)
	add("back_to_back", a.BackToBackID != b.BackToBackID)
	add("note", a.Note != b.Note)
	return changed
}

// ---------------------------------------------------------------- visibility

// defaultInvited returns a SQL condition on the meetings alias m and the
// delegations alias d that holds when the meeting's default invitation list
// includes the delegation: the member states and the institutions always;
// for a dialogue meeting also the dialogue's observers and its partners of
// the current participation phase (every partner when the dialogue's
// geographic scope is "all", else, phased or undecided, phase 1 only).
func defaultInvited(d string) string {
	return fmt.Sprintf(`(%[1]s.kind IN ('member_state', 'institution')
		OR (m.level NOT IN ('cosi', 'cosi_sg') AND EXISTS (
			SELECT 1 FROM dialogue_participants dfp JOIN dialogues dfd ON dfd.id = dfp.dialogue_id
			WHERE dfp.dialogue_id = m.dialogue_id AND dfp.delegation_id = %[1]s.id
			  AND (dfp.role = 'observer' OR dfp.phase = 1 OR dfd.geographic_scope = 'all'))))`, d)
}

// meetingVisible returns a SQL condition on the meetings alias m that holds
// when the viewer may see the meeting; like documentVisible, it is the one
// rule every list, page, feed and count applies. seeAll and delegation are
// the placeholders ("$1", "$2") of viewerArgs' two parameters.
//
// The Presidency and the secretariat see every meeting. A delegation sees
// the meetings it is invited to; COSI and COSI Support Group meetings are
// also seen by the member states and the institutions, who sit in COSI; a
// meeting whose invitation list is not drawn up yet is seen by those its
// default list would invite (see defaultInvited).
//
// The invitation is looked up for each meeting read (OFFSET 0 keeps
// PostgreSQL from turning the EXISTS into a hash of every invitation the
// delegation ever had, which the generic plan chose for the home page's
// next meetings: 619 invitations over ten years read to show five
// meetings, 0.8 ms instead of 0.5, and growing with the years).
func meetingVisible(seeAll, delegation string) string {
	return fmt.Sprintf(`(%[1]s OR EXISTS (
		SELECT 1 FROM meeting_invitations vi WHERE vi.meeting_id = m.id AND vi.delegation_id = %[2]s OFFSET 0
	) OR EXISTS (
		SELECT 1 FROM delegations vd WHERE vd.id = %[2]s AND (
			(m.level IN ('cosi', 'cosi_sg') AND vd.kind IN ('member_state', 'institution'))
			OR (NOT EXISTS (SELECT 1 FROM meeting_invitations vn WHERE vn.meeting_id = m.id) AND %[3]s))
	))`, seeAll, delegation, defaultInvited("vd"))
}

// VisibleMeetings is Meetings restricted to what the viewer may see.
func (s *Store) VisibleMeetings(ctx context.Context, v dialogue.Viewer, f MeetingFilter) ([]dialogue.Meeting, error) {
	seeAll, delegation := viewerArgs(v)
	// Every value is given unplanned: custom plans of the visibility rule
	// took 2 ms to make for a month's calendar (which takes under 1 ms to
	// read), so the statement is planned once per connection instead.
	var args params
	arg := args.unplanned
	where := []string{meetingVisible(arg(seeAll, "boolean"), arg(delegation, "bigint"))}
	switch {
	case f.COSIOnly:
		where = append(where, "m.dialogue_id IS NULL")
	case f.DialogueID != 0:
		where = append(where, "m.dialogue_id = "+arg(f.DialogueID, "bigint"))
	}
	if f.Level != "" {
		where = append(where, "m.level = "+arg(string(f.Level), "text"))
	}
	if !f.From.IsZero() {
		where = append(where, "m.ends_at > "+arg(f.From, "timestamptz"))
	}
	if !f.To.IsZero() {
		where = append(where, "m.starts_at < "+arg(f.To, "timestamptz"))
	}
	order := " ORDER BY m.starts_at, m.id"
	if !f.Now.IsZero() {
		now := arg(f.Now, "timestamptz")
		if f.UpcomingOnly {
			where = append(where, "m.ends_at > "+now)
		} else {
			order = " ORDER BY m.ends_at <= " + now + ",\n" +
				" CASE WHEN m.ends_at > " + now + " THEN m.starts_at END ASC,\n" +
				" m.starts_at DESC, m.id"
		}
	}
	q := meetingSelect + " WHERE " + strings.Join(where, " AND ") + order
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit) // written in, as in Documents: the planner must see it
	}
	rows, err := s.pool.Query(ctx, q, args...)
	return collectMeetings(rows, err)
}

// VisibleMeeting returns one meeting if the viewer may see it, else
// not-found (never forbidden: whether it exists is not the viewer's business).
func (s *Store) VisibleMeeting(ctx context.Context, v dialogue.Viewer, id int64) (dialogue.Meeting, error) {
	seeAll, delegation := viewerArgs(v)
	rows, err := s.pool.Query(ctx, meetingSelect+" WHERE m.id = $1 AND "+meetingVisible("$2", "$3"), id, seeAll, delegation)
	ms, err := collectMeetings(rows, err)
	if err != nil {
		return dialogue.Meeting{}, err
	}
	if len(ms) == 0 {
		return dialogue.Meeting{}, dialogue.Errorf(dialogue.KindNotFound, "meeting not found")
	}
	return ms[0], nil
}

// COSIMeetings returns the COSI and COSI Support Group meetings that overlap
// [from, to), cancelled ones included, in chronological order: what the
// scheduling assistant (dialogue.ProposeSlots) plans around.
func (s *Store) COSIMeetings(ctx context.Context, from, to time.Time) ([]dialogue.Meeting, error) {
	rows, err := s.pool.Query(ctx, meetingSelect+`
		WHERE m.level IN ('cosi', 'cosi_sg') AND m.starts_at < $2 AND m.ends_at > $1
		ORDER BY m.starts_at, m.id`, from, to)
	return collectMeetings(rows, err)
}

// MeetingDelegations returns, by meeting id, the delegations each meeting
// invites: its invitation list, or its default list while it has none.
// Meetings the database does not hold are left out. One query.
func (s *Store) MeetingDelegations(ctx context.Context, meetingIDs []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(meetingIDs))
	if len(meetingIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, d.id
		FROM meetings m
		JOIN delegations d ON CASE
			WHEN EXISTS (SELECT 1 FROM meeting_invitations i WHERE i.meeting_id = m.id)
			THEN EXISTS (SELECT 1 FROM meeting_invitations i WHERE i.meeting_id = m.id AND i.delegation_id = d.id)
			ELSE `+defaultInvited("d")+` END
		WHERE m.id = ANY($1)
		ORDER BY m.id, d.id`, meetingIDs)
	if err != nil {
		return nil, fmt.Errorf("store: meeting delegations: %w", err)
	}
	var mid, did int64
	_, err = pgx.ForEachRow(rows, []any{&mid, &did}, func() error {
		out[mid] = append(out[mid], did)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: meeting delegations: %w", err)
	}
	return out, nil
}

// ---------------------------------------------------------------- invitations

// AttendanceReply is a delegation's answer to an invitation.
type AttendanceReply string

const (
	ReplyNone      AttendanceReply = "none" // not answered yet
	ReplyAttending AttendanceReply = "attending"
	ReplyDeclined  AttendanceReply = "declined"
)

// Label is the reply as shown to users.
func (r AttendanceReply) Label() string {
	switch r {
	case ReplyNone:
		return "No reply yet"
	case ReplyAttending:
		return "Attending"
	case ReplyDeclined:
		return "Not attending"
	}
	return string(r)
}

// AttendanceLevel is the level at which a delegation attends.
type AttendanceLevel string

const (
	AttendMinister       AttendanceLevel = "minister"
	AttendSeniorOfficial AttendanceLevel = "senior_official"
	AttendExpert         AttendanceLevel = "expert"
)

// AttendanceLevels lists the levels in the order forms show them.
var AttendanceLevels = []AttendanceLevel{AttendMinister, AttendSeniorOfficial, AttendExpert}

// Label is the level as shown to users.
func (l AttendanceLevel) Label() string {
	switch l {
	case AttendMinister:
		return "Minister"
	case AttendSeniorOfficial:
		return "Senior official"
	case AttendExpert:
		return "Expert"
	}
	return string(l)
}

// Invitation is one line of a meeting's invitation table.
type Invitation struct {
	MeetingID     int64
	Delegation    dialogue.Delegation
	Reply         AttendanceReply
	Level         AttendanceLevel // "" unless attending
	Attendees     string          // who, as the delegation wrote it
	Attended      *bool           // recorded after the meeting; nil: not recorded
	RepliedBy     int64
	RepliedByName string
	RepliedAt     *time.Time
}

// DefaultInvitees returns the delegations a meeting invites by default, in
// protocol order: see defaultInvited.
func (s *Store) DefaultInvitees(ctx context.Context, meetingID int64) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT `+delegationColumns+`
		FROM meetings m JOIN delegations d ON `+defaultInvited("d")+`
		WHERE m.id = $1`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("store: default invitees: %w", err)
	}
	ds, err := collectConverted(rows, pgx.RowToStructByName[delegationRow], delegationRow.delegation)
	if err != nil {
		return nil, fmt.Errorf("store: default invitees: %w", err)
	}
	if len(ds) == 0 {
		if err := s.meetingExists(ctx, meetingID); err != nil {
			return nil, err
		}
	}
	dialogue.SortProtocol(ds)
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids, nil
}

// meetingExists returns not-found for a meeting the database does not hold.
func (s *Store) meetingExists(ctx context.Context, id int64) error {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM meetings WHERE id = $1)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return dialogue.Errorf(dialogue.KindNotFound, "meeting not found")
	}
	return nil
}

// lockMeeting locks a meeting's row against concurrent edits of its parts
// (invitations, agenda, minutes) and returns its start and status. FOR NO
// KEY UPDATE leaves the foreign-key checks of other rows unblocked.
func lockMeeting(ctx context.Context, tx pgx.Tx, id int64) (startsAt time.Time, status dialogue.MeetingStatus, dialogueID *int64, err error) {
	err = tx.QueryRow(ctx, `SELECT starts_at, status, dialogue_id FROM meetings WHERE id = $1 FOR NO KEY UPDATE`, id).
		Scan(&startsAt, &status, &dialogueID)
	return startsAt, status, dialogueID, notFound(err, "meeting")
}

// SetInvitations replaces a meeting's invitation list. Delegations that stay
// keep their replies and attendance; those removed lose them (the audit
// record names them).
func (s *Store) SetInvitations(ctx context.Context, actor dialogue.Actor, meetingID int64, delegationIDs []int64) error {
	ids := slices.Clone(delegationIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return dialogue.FieldError("delegations", "Invite at least one delegation.")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, _, _, err := lockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		var known int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM delegations WHERE id = ANY($1)`, ids).Scan(&known); err != nil {
			return err
		}
		if known != len(ids) {
			return dialogue.FieldError("delegations", "Some of the chosen delegations do not exist.")
		}
		rows, err := tx.Query(ctx, `
			DELETE FROM meeting_invitations WHERE meeting_id = $1 AND NOT (delegation_id = ANY($2))
			RETURNING delegation_id`, meetingID, ids)
		if err != nil {
			return err
		}
		removed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO meeting_invitations (meeting_id, delegation_id)
			SELECT $1, unnest($2::bigint[])
			ON CONFLICT (meeting_id, delegation_id) DO NOTHING`, meetingID, ids)
		if err != nil {
			return err
		}
		slices.Sort(removed)
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.invitations", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"invited": len(ids), "added": tag.RowsAffected(), "removed": removed}})
	})
}

// Invitations returns a meeting's invitation table in protocol order (empty
// while no list is drawn up).
func (s *Store) Invitations(ctx context.Context, meetingID int64) ([]Invitation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT i.meeting_id, `+delegationColumns+`, i.reply, coalesce(i.level, ''), i.attendees, i.attended,
		       coalesce(i.replied_by, 0), coalesce(u.name, ''), i.replied_at
		FROM meeting_invitations i
		JOIN delegations d ON d.id = i.delegation_id
		LEFT JOIN users u ON u.id = i.replied_by
		WHERE i.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Invitation, error) {
		var inv Invitation
		var d delegationRow
		err := row.Scan(&inv.MeetingID, &d.ID, &d.Code, &d.Kind, &d.Name, &d.NativeName, &d.ProtocolOrder, &d.Footnote,
			&inv.Reply, &inv.Level, &inv.Attendees, &inv.Attended, &inv.RepliedBy, &inv.RepliedByName, &inv.RepliedAt)
		inv.Delegation = d.delegation()
		return inv, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Invitation) int { return dialogue.CompareProtocol(a.Delegation, b.Delegation) })
	return out, nil
}

// ReplyAttendance records an invited delegation's answer: whether it
// attends, at which level and who. Replies close when the meeting starts
// (by now, the caller's clock: the one its pages go by); after that the
// secretariat records attendance (RecordAttendance).
func (s *Store) ReplyAttendance(ctx context.Context, actor dialogue.Actor, now time.Time, meetingID, delegationID int64, reply AttendanceReply, level AttendanceLevel, attendees string) error {
	attendees = strings.TrimSpace(attendees)
	fe := dialogue.FieldErrors{}
	switch reply {
	case ReplyAttending:
		if !slices.Contains(AttendanceLevels, level) {
			fe.Add("level", "Say at which level your delegation attends: minister, senior official or expert.")
		}
	case ReplyDeclined, ReplyNone:
		level, attendees = "", ""
	default:
		fe.Add("reply", "Say whether your delegation attends.")
	}
	if len(attendees) > 2000 {
		fe.Add("attendees", "Keep the list of attendees under 2,000 characters.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var startsAt time.Time
		var status dialogue.MeetingStatus
		err := tx.QueryRow(ctx, `
			SELECT m.starts_at, m.status FROM meetings m
			JOIN meeting_invitations i ON i.meeting_id = m.id AND i.delegation_id = $2
			WHERE m.id = $1
			FOR NO KEY UPDATE OF i`, meetingID, delegationID).Scan(&startsAt, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			// Not invited, or no such meeting: the same answer for both.
			return dialogue.Errorf(dialogue.KindNotFound, "Your delegation is not invited to this meeting.")
		}
		if err != nil {
			return err
		}
		if status == dialogue.MeetingCancelled {
			return dialogue.Errorf(dialogue.KindConflict, "This meeting is cancelled: there is nothing to reply to.")
		}
		if !now.Before(startsAt) {
			return dialogue.Errorf(dialogue.KindDeadline, "The meeting has started: replies are closed. The secretariat records who attended.")
		}
		var lvl *AttendanceLevel
		if level != "" {
			lvl = &level
		}
		var by *int64
		var at *time.Time
		if reply != ReplyNone {
			by = userRef(actor)
			at = &now
		}
		if _, err := tx.Exec(ctx, `
			UPDATE meeting_invitations SET reply = $3, level = $4, attendees = $5, replied_by = $6, replied_at = $7
			WHERE meeting_id = $1 AND delegation_id = $2`,
			meetingID, delegationID, reply, lvl, attendees, by, at); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.reply", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"delegation": delegationID, "reply": reply, "level": level}})
	})
}

// RecordAttendance records, once the meeting has started (by now, the
// caller's clock), which invited delegations attended (true) or did not
// (false). Delegations left out of the map keep what was recorded.
func (s *Store) RecordAttendance(ctx context.Context, actor dialogue.Actor, now time.Time, meetingID int64, attended map[int64]bool) error {
	ids := make([]int64, 0, len(attended))
	for id := range attended {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	flags := make([]bool, len(ids))
	for i, id := range ids {
		flags[i] = attended[id]
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		startsAt, status, _, err := lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if status == dialogue.MeetingCancelled {
			return dialogue.Errorf(dialogue.KindConflict, "This meeting was cancelled: no attendance to record.")
		}
		if now.Before(startsAt) {
			return dialogue.Errorf(dialogue.KindConflict, "Attendance can be recorded once the meeting has started.")
		}
		if len(ids) == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE meeting_invitations i SET attended = u.attended
			FROM unnest($2::bigint[], $3::boolean[]) AS u(delegation_id, attended)
			WHERE i.meeting_id = $1 AND i.delegation_id = u.delegation_id`, meetingID, ids, flags)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(ids) {
			return dialogue.FieldError("attended", "Attendance can be recorded only for invited delegations: adjust the invitation list first.")
		}
		present := 0
		for _, f := range flags {
			if f {
				present++
			}
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.attendance", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"recorded": len(ids), "attended": present}})
	})
}

// ---------------------------------------------------------------- agenda

// AgendaKind says what an agenda item is for.
type AgendaKind string

const (
	AgendaDiscussion  AgendaKind = "discussion"
	AgendaInformation AgendaKind = "information"
	AgendaConcluded   AgendaKind = "concluded"
)

// AgendaKinds lists the kinds in the order forms show them.
var AgendaKinds = []AgendaKind{AgendaDiscussion, AgendaInformation, AgendaConcluded}

// Label is the kind as printed on an agenda.
func (k AgendaKind) Label() string {
	switch k {
	case AgendaDiscussion:
		return "For discussion"
	case AgendaInformation:
		return "For information"
	case AgendaConcluded:
		return "Concluded"
	}
	return string(k)
}

// AgendaItem is one item of a meeting's agenda. The linked document and
// round are given only when the viewer may see them (else their ids are 0).
type AgendaItem struct {
	ID              int64
	MeetingID       int64
	Position        int // 1, 2, ...
	Kind            AgendaKind
	Title           string
	DocumentID      int64
	DocumentRef     string // "5559/26"; "" for a draft without a number
	DocumentSubject string
	RoundID         int64
	RoundTitle      string
	PriorityIDs     []int64 // in the dialogue's order of priorities
}

// AgendaItemInput is what the secretariat enters for an agenda item.
type AgendaItemInput struct {
	Kind        AgendaKind
	Title       string
	DocumentID  int64 // a note, or a round's compilation; 0: none
	RoundID     int64 // 0: none
	PriorityIDs []int64
}

// AgendaItems returns a meeting's agenda in order. The caller has checked
// that the viewer may see the meeting.
func (s *Store) AgendaItems(ctx context.Context, v dialogue.Viewer, meetingID int64) ([]AgendaItem, error) {
	seeAll, delegation := viewerArgs(v)
	// Unplanned (see there): planning it for its values took 1 ms a
	// meeting page, running it a twentieth of that.
	rows, err := s.pool.Query(ctx, `
		SELECT a.id, a.meeting_id, a.position, a.kind, a.title,
		       coalesce(d.id, 0), d.series, d.number, d.year, d.revision, d.addendum, d.corrigendum,
		       coalesce(d.subject, ''), coalesce(r.id, 0), coalesce(r.title, ''),
		       ARRAY(SELECT ap.priority_id FROM agenda_item_priorities ap JOIN priorities p ON p.id = ap.priority_id
		             WHERE ap.agenda_item_id = a.id ORDER BY p.position, p.id)
		FROM agenda_items a
		LEFT JOIN documents d ON d.id = a.document_id AND `+documentVisible(unplanned("$1", "boolean"), unplanned("$2", "bigint"))+`
		LEFT JOIN rounds r ON r.id = a.round_id AND (`+unplanned("$1", "boolean")+` OR EXISTS (
			SELECT 1 FROM round_delegations rd WHERE rd.round_id = r.id AND rd.delegation_id = `+unplanned("$2", "bigint")+`))
		WHERE a.meeting_id = `+unplanned("$3", "bigint")+`
		ORDER BY a.position`, seeAll, delegation, meetingID)
	if err != nil {
		return nil, fmt.Errorf("store: agenda: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AgendaItem, error) {
		var it AgendaItem
		var series *string
		var number, year, rev, add, cor *int
		err := row.Scan(&it.ID, &it.MeetingID, &it.Position, &it.Kind, &it.Title,
			&it.DocumentID, &series, &number, &year, &rev, &add, &cor,
			&it.DocumentSubject, &it.RoundID, &it.RoundTitle, &it.PriorityIDs)
		if err == nil && number != nil {
			it.DocumentRef = dialogue.Reference{Series: dialogue.Series(*series), Number: *number, Year: *year,
				Revision: *rev, Addendum: *add, Corrigendum: *cor}.String()
		}
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: agenda: %w", err)
	}
	return out, nil
}

// checkAgendaItem validates an item against the meeting it belongs to, which
// it locks: kind, title, that the document and round exist, and that the
// priorities are the meeting's dialogue's (any dialogue's for COSI).
func checkAgendaItem(ctx context.Context, tx pgx.Tx, meetingID int64, in *AgendaItemInput) error {
	in.Title = strings.TrimSpace(in.Title)
	// Never nil: an empty array, not NULL, so "= ANY" matches nothing.
	in.PriorityIDs = append([]int64{}, slices.Compact(slices.Sorted(slices.Values(in.PriorityIDs)))...)
	fe := dialogue.FieldErrors{}
	if !slices.Contains(AgendaKinds, in.Kind) {
		fe.Add("kind", "Choose whether the item is for discussion, for information or concluded.")
	}
	switch {
	case in.Title == "":
		fe.Add("title", "Give the item a title.")
	case len(in.Title) > 500:
		fe.Add("title", "Keep the title under 500 characters.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	var docOK, roundOK bool
	var priorities int
	err := tx.QueryRow(ctx, `
		SELECT ($2::bigint = 0 OR EXISTS (SELECT 1 FROM documents WHERE id = $2)),
		       ($3::bigint = 0 OR EXISTS (SELECT 1 FROM rounds WHERE id = $3)),
		       (SELECT count(*) FROM priorities p WHERE p.id = ANY($4) AND (m.dialogue_id IS NULL OR p.dialogue_id = m.dialogue_id))
		FROM meetings m WHERE m.id = $1
		FOR NO KEY UPDATE OF m`, meetingID, in.DocumentID, in.RoundID, in.PriorityIDs).Scan(&docOK, &roundOK, &priorities)
	if err != nil {
		return notFound(err, "meeting")
	}
	if !docOK {
		fe.Add("document", "There is no such document.")
	}
	if !roundOK {
		fe.Add("round", "There is no such consultation round.")
	}
	if priorities != len(in.PriorityIDs) {
		fe.Add("priorities", "Choose among the thematic priorities of the meeting's dialogue.")
	}
	return fe.Err()
}

func setAgendaPriorities(ctx context.Context, tx pgx.Tx, itemID int64, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM agenda_item_priorities WHERE agenda_item_id = $1 AND NOT (priority_id = ANY($2))`, itemID, ids); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO agenda_item_priorities (agenda_item_id, priority_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, itemID, ids)
	return err
}

// AddAgendaItem appends an item to a meeting's agenda.
func (s *Store) AddAgendaItem(ctx context.Context, actor dialogue.Actor, meetingID int64, in AgendaItemInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkAgendaItem(ctx, tx, meetingID, &in); err != nil {
			return err
		}
		var position int
		if err := tx.QueryRow(ctx, `
			INSERT INTO agenda_items (meeting_id, position, kind, title, document_id, round_id)
			SELECT $1, coalesce(max(position), 0) + 1, $2, $3, $4, $5 FROM agenda_items WHERE meeting_id = $1
			RETURNING id, position`,
			meetingID, in.Kind, in.Title, nonZero(in.DocumentID), nonZero(in.RoundID)).Scan(&id, &position); err != nil {
			return err
		}
		if err := setAgendaPriorities(ctx, tx, id, in.PriorityIDs); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.agenda_add", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"item": id, "position": position, "title": in.Title, "kind": in.Kind}})
	})
	return id, err
}

// agendaItemMeeting returns the meeting an agenda item belongs to.
func agendaItemMeeting(ctx context.Context, tx pgx.Tx, itemID int64) (meetingID int64, position int, err error) {
	err = tx.QueryRow(ctx, `SELECT meeting_id, position FROM agenda_items WHERE id = $1`, itemID).Scan(&meetingID, &position)
	return meetingID, position, notFound(err, "agenda item")
}

// UpdateAgendaItem replaces an item's kind, title, links and priorities.
func (s *Store) UpdateAgendaItem(ctx context.Context, actor dialogue.Actor, itemID int64, in AgendaItemInput) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		meetingID, _, err := agendaItemMeeting(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if err := checkAgendaItem(ctx, tx, meetingID, &in); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE agenda_items SET kind = $2, title = $3, document_id = $4, round_id = $5 WHERE id = $1`,
			itemID, in.Kind, in.Title, nonZero(in.DocumentID), nonZero(in.RoundID))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 { // deleted meanwhile
			return dialogue.Errorf(dialogue.KindNotFound, "agenda item not found")
		}
		if err := setAgendaPriorities(ctx, tx, itemID, in.PriorityIDs); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.agenda_update", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"item": itemID, "title": in.Title, "kind": in.Kind}})
	})
}

// MoveAgendaItem moves an item one place up (direction -1) or down (+1),
// swapping it with its neighbour. At either end it does nothing.
func (s *Store) MoveAgendaItem(ctx context.Context, actor dialogue.Actor, itemID int64, direction int) error {
	if direction != -1 && direction != 1 {
		return dialogue.FieldError("direction", "Move the item up or down by one place.")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		meetingID, _, err := agendaItemMeeting(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if _, _, _, err := lockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		// Read the position again under the lock: another move may have
		// committed in between.
		_, position, err := agendaItemMeeting(ctx, tx, itemID)
		if err != nil {
			return err
		}
		var otherID int64
		var otherPos int
		err = tx.QueryRow(ctx, `
			SELECT id, position FROM agenda_items
			WHERE meeting_id = $1 AND CASE WHEN $3 < 0 THEN position < $2 ELSE position > $2 END
			ORDER BY CASE WHEN $3 < 0 THEN -position ELSE position END
			LIMIT 1`, meetingID, position, direction).Scan(&otherID, &otherPos)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already first or last
		}
		if err != nil {
			return err
		}
		// One statement swaps both: UNIQUE (meeting_id, position) is
		// DEFERRABLE, so it is checked at the end of the statement.
		if _, err := tx.Exec(ctx, `
			UPDATE agenda_items SET position = CASE WHEN id = $1 THEN $4::int ELSE $2::int END
			WHERE id IN ($1, $3)`, itemID, position, otherID, otherPos); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.agenda_move", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"item": itemID, "from": position, "to": otherPos}})
	})
}

// DeleteAgendaItem removes an item and closes the gap in the numbering.
func (s *Store) DeleteAgendaItem(ctx context.Context, actor dialogue.Actor, itemID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		meetingID, _, err := agendaItemMeeting(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if _, _, _, err := lockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		var position int
		var title string
		if err := tx.QueryRow(ctx, `DELETE FROM agenda_items WHERE id = $1 RETURNING position, title`, itemID).Scan(&position, &title); err != nil {
			return notFound(err, "agenda item")
		}
		if _, err := tx.Exec(ctx, `UPDATE agenda_items SET position = position - 1 WHERE meeting_id = $1 AND position > $2`,
			meetingID, position); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.agenda_delete", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"item": itemID, "position": position, "title": title}})
	})
}

// ---------------------------------------------------------------- minutes

// MinutesStatus is where a version of the minutes stands.
type MinutesStatus string

const (
	MinutesDraft      MinutesStatus = "draft"
	MinutesCirculated MinutesStatus = "circulated"
	MinutesFinal      MinutesStatus = "final" // locked: a correction is a new version
)

// Label is the status as shown to users.
func (s MinutesStatus) Label() string {
	switch s {
	case MinutesDraft:
		return "Draft"
	case MinutesCirculated:
		return "Circulated"
	case MinutesFinal:
		return "Final"
	}
	return string(s)
}

// next is the status that follows s, or "" for final.
func (s MinutesStatus) next() MinutesStatus {
	switch s {
	case MinutesDraft:
		return MinutesCirculated
	case MinutesCirculated:
		return MinutesFinal
	}
	return ""
}

// MinutesVersion is one version of a meeting's minutes.
type MinutesVersion struct {
	MeetingID     int64
	Version       int
	Status        MinutesStatus
	Body          string // Markdown
	UpdatedBy     int64
	UpdatedByName string
	UpdatedAt     time.Time
}

// Minutes returns every version of a meeting's minutes, newest first. Drafts
// are the secretariat's: the caller shows delegations circulated and final
// versions only.
func (s *Store) Minutes(ctx context.Context, meetingID int64) ([]MinutesVersion, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT mi.meeting_id, mi.version, mi.status, mi.body_md, coalesce(mi.updated_by, 0), coalesce(u.name, ''), mi.updated_at
		FROM minutes mi LEFT JOIN users u ON u.id = mi.updated_by
		WHERE mi.meeting_id = $1
		ORDER BY mi.version DESC`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("store: minutes: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (MinutesVersion, error) {
		var v MinutesVersion
		err := row.Scan(&v.MeetingID, &v.Version, &v.Status, &v.Body, &v.UpdatedBy, &v.UpdatedByName, &v.UpdatedAt)
		return v, err
	})
}

// SaveMinutes writes the minutes' text on top of baseVersion, the latest
// version the user started from (0 when there were none). While the latest
// version is a draft or circulated, it is edited in place; once it is final
// it is locked, and saving starts version+1 as a draft (a correction). A
// save on any other base is a conflict. It returns the version written.
//
// baseSavedAt is when the base version was last saved, as the editor read
// it: a draft is edited in place, so two editors of the same version are
// told apart by it, and the second save is a conflict, not an overwrite.
func (s *Store) SaveMinutes(ctx context.Context, actor dialogue.Actor, meetingID int64, baseVersion int, baseSavedAt time.Time, body string) (int, error) {
	body = strings.TrimSpace(body)
	if len(body) > 200000 {
		return 0, dialogue.FieldError("body", "Minutes are limited to 200,000 characters.")
	}
	var version int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, _, _, err := lockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		var latest int
		var status MinutesStatus
		var savedAt time.Time
		err := tx.QueryRow(ctx, `SELECT version, status, updated_at FROM minutes WHERE meeting_id = $1 ORDER BY version DESC LIMIT 1`,
			meetingID).Scan(&latest, &status, &savedAt)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if baseVersion != latest || (latest != 0 && status != MinutesFinal && !savedAt.Equal(baseSavedAt)) {
			return dialogue.Errorf(dialogue.KindConflict,
				"The minutes were changed by someone else since you opened them (now version %d): reload them; your text is kept below.", latest)
		}
		created := latest == 0 || status == MinutesFinal
		if created {
			version, status = latest+1, MinutesDraft
			_, err = tx.Exec(ctx, `
				INSERT INTO minutes (meeting_id, version, status, body_md, updated_by) VALUES ($1, $2, 'draft', $3, $4)`,
				meetingID, version, body, userRef(actor))
		} else {
			version = latest
			_, err = tx.Exec(ctx, `
				UPDATE minutes SET body_md = $3, updated_by = $4, updated_at = now()
				WHERE meeting_id = $1 AND version = $2 AND status <> 'final'`,
				meetingID, version, body, userRef(actor))
		}
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.minutes_save", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"version": version, "status": status, "new_version": created}})
	})
	return version, err
}

// SetMinutesStatus moves the latest version of the minutes one step
// forward: draft → circulated → final. Never back: a final version is
// corrected by saving a new version.
func (s *Store) SetMinutesStatus(ctx context.Context, actor dialogue.Actor, meetingID int64, version int, status MinutesStatus) error {
	if status != MinutesCirculated && status != MinutesFinal {
		return dialogue.FieldError("status", "Minutes can be circulated or made final.")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, _, _, err := lockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		var latest int
		var current MinutesStatus
		err := tx.QueryRow(ctx, `SELECT version, status FROM minutes WHERE meeting_id = $1 ORDER BY version DESC LIMIT 1`,
			meetingID).Scan(&latest, &current)
		if err != nil {
			return notFound(err, "minutes")
		}
		if version != latest {
			return dialogue.Errorf(dialogue.KindConflict, "Only the latest version of the minutes (version %d) can change status.", latest)
		}
		if current.next() != status {
			return dialogue.Errorf(dialogue.KindConflict, "Version %d of the minutes is %s: it cannot become %s.",
				version, strings.ToLower(current.Label()), strings.ToLower(status.Label()))
		}
		if _, err := tx.Exec(ctx, `
			UPDATE minutes SET status = $3, updated_by = $4, updated_at = now() WHERE meeting_id = $1 AND version = $2`,
			meetingID, version, status, userRef(actor)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "meeting.minutes_status", ObjectType: "meeting", ObjectID: meetingID,
			Detail: map[string]any{"version": version, "from": current, "to": status}})
	})
}

// ---------------------------------------------------------------- action points

// ActionStatus is where an action point stands.
type ActionStatus string

const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionDropped    ActionStatus = "dropped"
)

// ActionStatuses lists the statuses in the order forms show them.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionDropped}

// Label is the status as shown to users.
func (s ActionStatus) Label() string {
	switch s {
	case ActionOpen:
		return "Open"
	case ActionInProgress:
		return "In progress"
	case ActionDone:
		return "Done"
	case ActionDropped:
		return "Dropped"
	}
	return string(s)
}

// ActionPoint is a follow-up agreed at a meeting or for a dialogue.
type ActionPoint struct {
	ID                int64
	DialogueID        int64
	MeetingID         int64 // 0 when not from a meeting
	MeetingTitle      string
	MeetingStartsAt   *time.Time
	Title             string
	Owner             string // as written ("Presidency", "COM with EUROPOL", ...)
	OwnerDelegationID int64
	OwnerDelegation   string // the owner delegation's name
	DueOn             *time.Time
	Status            ActionStatus
}

// ActionPointInput is a new action point: of a meeting (its dialogue is
// taken from it) or directly of a dialogue.
type ActionPointInput struct {
	DialogueID        int64
	MeetingID         int64
	Title             string
	Owner             string
	OwnerDelegationID int64
	DueOn             *time.Time // a date
}

// ActionPointFilter narrows ActionPoints; set DialogueID or MeetingID.
type ActionPointFilter struct {
	DialogueID int64 // the dialogue's, directly or through its meetings
	MeetingID  int64
	OpenOnly   bool // open and in progress only: what the dialogue page shows
}

// ActionPoints lists action points by due date (undated last). Points of a
// meeting the viewer may not see are left out.
//
// The statement holds the conditions of the filter given, its values
// unplanned (see there): written once for every filter ("$3 = 0 OR ..."),
// it was planned again for its values at each call, 0.5 ms a meeting page.
func (s *Store) ActionPoints(ctx context.Context, v dialogue.Viewer, f ActionPointFilter) ([]ActionPoint, error) {
	if f.DialogueID == 0 && f.MeetingID == 0 {
		return nil, nil // a point belongs to a dialogue or a meeting: asked for neither, none
	}
	seeAll, delegation := viewerArgs(v)
	var args params
	arg := args.unplanned
	where := []string{"(a.meeting_id IS NULL OR " + meetingVisible(arg(seeAll, "boolean"), arg(delegation, "bigint")) + ")"}
	if f.DialogueID != 0 {
		id := arg(f.DialogueID, "bigint")
		where = append(where, "(a.dialogue_id = "+id+" OR m.dialogue_id = "+id+")")
	}
	if f.MeetingID != 0 {
		where = append(where, "a.meeting_id = "+arg(f.MeetingID, "bigint"))
	}
	if f.OpenOnly {
		where = append(where, "a.status IN ('open', 'in_progress')")
	}
	rows, err := s.pool.Query(ctx, `
		SELECT a.id, coalesce(a.dialogue_id, 0), coalesce(a.meeting_id, 0), coalesce(m.title, ''), m.starts_at,
		       a.title, a.owner, coalesce(a.owner_delegation_id, 0), coalesce(od.name, ''), a.due_on, a.status
		FROM action_points a
		LEFT JOIN meetings m ON m.id = a.meeting_id
		LEFT JOIN delegations od ON od.id = a.owner_delegation_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY a.due_on NULLS LAST, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: action points: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ActionPoint, error) {
		var p ActionPoint
		err := row.Scan(&p.ID, &p.DialogueID, &p.MeetingID, &p.MeetingTitle, &p.MeetingStartsAt,
			&p.Title, &p.Owner, &p.OwnerDelegationID, &p.OwnerDelegation, &p.DueOn, &p.Status)
		return p, err
	})
}

// AddActionPoint records a new, open action point.
func (s *Store) AddActionPoint(ctx context.Context, actor dialogue.Actor, in ActionPointInput) (int64, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.Owner = strings.TrimSpace(in.Owner)
	fe := dialogue.FieldErrors{}
	switch {
	case in.Title == "":
		fe.Add("title", "Say what is to be done.")
	case len(in.Title) > 1000:
		fe.Add("title", "Keep the action under 1,000 characters.")
	}
	if in.DialogueID == 0 && in.MeetingID == 0 {
		fe.Add("dialogue", "An action point belongs to a meeting or a dialogue.")
	}
	if in.Owner == "" && in.OwnerDelegationID == 0 {
		fe.Add("owner", "Say who is to do it.")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var meetingFound, dialogueFound, ownerFound bool
		var meetingDialogue *int64
		if err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM meetings WHERE id = $1), (SELECT dialogue_id FROM meetings WHERE id = $1),
			       EXISTS (SELECT 1 FROM dialogues WHERE id = $2),
			       EXISTS (SELECT 1 FROM delegations WHERE id = $3)`,
			in.MeetingID, in.DialogueID, in.OwnerDelegationID).Scan(&meetingFound, &meetingDialogue, &dialogueFound, &ownerFound); err != nil {
			return err
		}
		if in.MeetingID != 0 && !meetingFound {
			fe.Add("meeting", "There is no such meeting.")
		}
		if in.DialogueID != 0 && !dialogueFound {
			fe.Add("dialogue", "There is no such dialogue.")
		}
		if in.OwnerDelegationID != 0 && !ownerFound {
			fe.Add("owner", "There is no such delegation.")
		}
		if meetingDialogue != nil {
			if in.DialogueID != 0 && in.DialogueID != *meetingDialogue {
				fe.Add("dialogue", "The meeting belongs to another dialogue.")
			}
			in.DialogueID = *meetingDialogue
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO action_points (dialogue_id, meeting_id, title, owner, owner_delegation_id, due_on)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			nonZero(in.DialogueID), nonZero(in.MeetingID), in.Title, in.Owner, nonZero(in.OwnerDelegationID), dateOnly(in.DueOn)).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "action_point.create", ObjectType: "action_point", ObjectID: id,
			Detail: map[string]any{"dialogue": in.DialogueID, "meeting": in.MeetingID, "title": in.Title}})
	})
	return id, err
}

// SetActionPointStatus changes an action point's status.
func (s *Store) SetActionPointStatus(ctx context.Context, actor dialogue.Actor, id int64, status ActionStatus) error {
	if !slices.Contains(ActionStatuses, status) {
		return dialogue.FieldError("status", "Choose open, in progress, done or dropped.")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var from ActionStatus
		err := tx.QueryRow(ctx, `
			UPDATE action_points a SET status = $2 FROM action_points old
			WHERE a.id = $1 AND old.id = a.id
			RETURNING old.status`, id, status).Scan(&from)
		if err != nil {
			return notFound(err, "action point")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "action_point.status", ObjectType: "action_point", ObjectID: id,
			Detail: map[string]any{"from": from, "to": status}})
	})
}

// ---------------------------------------------------------------- calendar tokens

// newCalendarToken is 32 random bytes, base64url without padding (43
// characters): unguessable, and safe in a URL path.
func newCalendarToken() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(32))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics instead)
	return b
}

// CalendarToken returns the secret of a user's calendar feed
// (/calendar/<token>.ics), creating one if the user has none.
func (s *Store) CalendarToken(ctx context.Context, userID int64) (string, error) {
	var token string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		candidate := newCalendarToken()
		var email string
		var created bool
		err := tx.QueryRow(ctx, `
			UPDATE users SET calendar_token = coalesce(calendar_token, $2) WHERE id = $1
			RETURNING calendar_token, calendar_token = $2, email`, userID, candidate).Scan(&token, &created, &email)
		if err != nil {
			return notFound(err, "user")
		}
		if !created {
			return nil
		}
		return writeAudit(ctx, tx, dialogue.Actor{UserID: userID, Name: email},
			auditEntry{Action: "calendar.token_create", ObjectType: "user", ObjectID: userID})
	})
	return token, err
}

// RenewCalendarToken gives the user a new feed secret; the old address
// stops working at once.
func (s *Store) RenewCalendarToken(ctx context.Context, actor dialogue.Actor, userID int64) (string, error) {
	token := newCalendarToken()
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET calendar_token = $2 WHERE id = $1`, userID, token)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.Errorf(dialogue.KindNotFound, "user not found")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "calendar.token_renew", ObjectType: "user", ObjectID: userID})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeCalendarToken switches the user's feed off until a new token is
// asked for (CalendarToken).
func (s *Store) RevokeCalendarToken(ctx context.Context, actor dialogue.Actor, userID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET calendar_token = NULL WHERE id = $1`, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dialogue.Errorf(dialogue.KindNotFound, "user not found")
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "calendar.token_revoke", ObjectType: "user", ObjectID: userID})
	})
}

// UserByCalendarToken returns the active user whose feed token this is; an
// unknown, revoked or replaced token, or a user disabled or past the last
// day of access, is not found.
func (s *Store) UserByCalendarToken(ctx context.Context, token string) (dialogue.User, error) {
	if len(token) < 32 {
		return dialogue.User{}, dialogue.Errorf(dialogue.KindNotFound, "calendar not found")
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`
		FROM users u LEFT JOIN delegations d ON d.id = u.delegation_id
		WHERE u.calendar_token = $1 AND `+userActive, token))
	return u, notFound(err, "calendar")
}

// ---------------------------------------------------------------- helpers

// userRef is the actor's user id for a *_by column (NULL for the command line).
func userRef(actor dialogue.Actor) *int64 {
	if actor.UserID == 0 {
		return nil
	}
	id := actor.UserID
	return &id
}

// nonZero maps an optional id to NULL.
func nonZero(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// dateOnly keeps the calendar date of t as written (its own zone).
func dateOnly(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// CurrentCalendarToken returns the user's feed secret, or "" when the user
// has none (never created, or revoked): reading it never creates one, so a
// revoked feed stays off until the user asks for a new address.
func (s *Store) CurrentCalendarToken(ctx context.Context, userID int64) (string, error) {
	var token *string
	err := s.pool.QueryRow(ctx, `SELECT calendar_token FROM users WHERE id = $1`, userID).Scan(&token)
	if err != nil {
		return "", notFound(err, "user")
	}
	if token == nil {
		return "", nil
	}
	return *token, nil
}
