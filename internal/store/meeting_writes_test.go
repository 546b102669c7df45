package store_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// mwFixture is a demo database with a secretariat user and the registry's
// ids at hand.
type mwFixture struct {
	st    *store.Store
	url   string
	ctx   context.Context
	sec   dialogue.Actor // a secretariat officer
	deleg map[string]int64
	med   dialogue.Dialogue
	clasi dialogue.Dialogue
}

func newMWFixture(t *testing.T) mwFixture {
	t.Helper()
	st, url := demoStore(t)
	ctx := context.Background()
	f := mwFixture{st: st, url: url, ctx: ctx, deleg: map[string]int64{}}
	u, err := st.CreateUser(ctx, cli, store.NewUser{Email: "sec@example.eu", Name: "Sec Officer", Role: dialogue.RoleSecretariat})
	if err != nil {
		t.Fatal(err)
	}
	f.sec = dialogue.Actor{UserID: u.ID, Name: u.Email, RemoteAddr: "192.0.2.1"}
	ds, err := st.Delegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		f.deleg[d.Code] = d.ID
	}
	if f.med, err = st.DialogueByCode(ctx, "med"); err != nil {
		t.Fatal(err)
	}
	if f.clasi, err = st.DialogueByCode(ctx, "clasi"); err != nil {
		t.Fatal(err)
	}
	return f
}

// ids maps delegation codes to ids.
func (f mwFixture) ids(codes ...string) []int64 {
	out := make([]int64, len(codes))
	for i, c := range codes {
		out[i] = f.deleg[c]
	}
	return out
}

// codes maps delegation ids back to codes, sorted.
func (f mwFixture) codes(ids []int64) []string {
	var out []string
	for _, id := range ids {
		for c, x := range f.deleg {
			if x == id {
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (f mwFixture) viewer(code string) dialogue.Viewer {
	return dialogue.Viewer{UserID: 99, DelegationID: f.deleg[code]}
}

// meeting creates a meeting of the med dialogue (or COSI for cosi levels)
// starting at start and lasting three hours.
func (f mwFixture) meeting(t *testing.T, level dialogue.MeetingLevel, title string, start time.Time) int64 {
	t.Helper()
	in := store.MeetingInput{Level: level, Title: title, StartsAt: start, EndsAt: start.Add(3 * time.Hour), City: "Brussels"}
	if level != dialogue.LevelCOSI && level != dialogue.LevelCOSISupport {
		in.DialogueCode = "med"
	}
	id, err := f.st.CreateMeeting(f.ctx, f.sec, in)
	if err != nil {
		t.Fatalf("CreateMeeting %q: %v", title, err)
	}
	return id
}

func (f mwFixture) one(t *testing.T, id int64) dialogue.Meeting {
	t.Helper()
	ms, err := f.st.MeetingsByID(f.ctx, []int64{id})
	if err != nil || len(ms) != 1 {
		t.Fatalf("meeting %d: %v, %v", id, ms, err)
	}
	return ms[0]
}

// audit returns the audit records whose action starts with prefix, oldest first.
func (f mwFixture) audit(t *testing.T, prefix string) []store.AuditRecord {
	t.Helper()
	// ListAudit takes a prefix up to a dot; narrow down the rest here.
	rs, err := f.st.ListAudit(f.ctx, store.AuditFilter{Action: prefix[:strings.LastIndex(prefix, ".")+1], Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(rs)
	return slices.DeleteFunc(rs, func(r store.AuditRecord) bool { return !strings.HasPrefix(r.Action, prefix) })
}

func actions(rs []store.AuditRecord) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Action
	}
	return out
}

// fieldsOf returns the form fields an error complains about.
func fieldsOf(err error) []string {
	var fe *dialogue.FormError
	if errors.As(err, &fe) {
		var out []string
		for k := range fe.Fields {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	var de *dialogue.Error
	if errors.As(err, &de) && de.Field != "" {
		return []string{de.Field}
	}
	return nil
}

func wantKind(t *testing.T, what string, err error, kind dialogue.ErrorKind) {
	t.Helper()
	if got := dialogue.KindOf(err); got != kind {
		t.Errorf("%s: error %v (kind %d), want kind %d", what, err, got, kind)
	}
}

func wantFields(t *testing.T, what string, err error, fields ...string) {
	t.Helper()
	sort.Strings(fields)
	if got := fieldsOf(err); !slices.Equal(got, fields) {
		t.Errorf("%s: error %v on fields %v, want %v", what, err, got, fields)
	}
}

func TestCreateMeetingValidation(t *testing.T) {
	f := newMWFixture(t)
	start := time.Date(2027, 3, 16, 14, 30, 0, 0, dialogue.Brussels)
	cosiID := f.meeting(t, dialogue.LevelCOSI, "COSI", start.Add(-5*time.Hour))
	somID := f.meeting(t, dialogue.LevelSOM, "SOM", start)
	valid := func() store.MeetingInput {
		return store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM, Title: "Senior officials",
			StartsAt: start, EndsAt: start.Add(3 * time.Hour)}
	}
	cases := []struct {
		name   string
		edit   func(*store.MeetingInput)
		fields []string
	}{
		{"end before start", func(in *store.MeetingInput) { in.EndsAt = in.StartsAt.Add(-time.Minute) }, []string{"ends_at"}},
		{"end equals start", func(in *store.MeetingInput) { in.EndsAt = in.StartsAt }, []string{"ends_at"}},
		{"no times", func(in *store.MeetingInput) { in.StartsAt, in.EndsAt = time.Time{}, time.Time{} }, []string{"starts_at", "ends_at"}},
		{"cancelled without reason", func(in *store.MeetingInput) { in.Status = dialogue.MeetingCancelled }, []string{"cancel_reason"}},
		{"cancelled with blank reason", func(in *store.MeetingInput) {
			in.Status, in.CancelReason = dialogue.MeetingCancelled, "  "
		}, []string{"cancel_reason"}},
		{"unknown zone", func(in *store.MeetingInput) { in.TimeZone = "Europe/Atlantis" }, []string{"time_zone"}},
		{"Local is no zone", func(in *store.MeetingInput) { in.TimeZone = "Local" }, []string{"time_zone"}},
		{"COSI with a dialogue", func(in *store.MeetingInput) { in.Level = dialogue.LevelCOSI }, []string{"dialogue"}},
		{"COSI SG with a dialogue id", func(in *store.MeetingInput) {
			in.Level, in.DialogueCode, in.DialogueID = dialogue.LevelCOSISupport, "", f.med.ID
		}, []string{"dialogue"}},
		{"SOM without dialogue", func(in *store.MeetingInput) { in.DialogueCode = "" }, []string{"dialogue"}},
		{"unknown dialogue", func(in *store.MeetingInput) { in.DialogueCode = "arctic" }, []string{"dialogue"}},
		{"unknown level", func(in *store.MeetingInput) { in.Level = "summit" }, []string{"level"}},
		{"no title", func(in *store.MeetingInput) { in.Title = " " }, []string{"title"}},
		{"bad format", func(in *store.MeetingInput) { in.Format = "carrier_pigeon" }, []string{"format"}},
		{"bad status", func(in *store.MeetingInput) { in.Status = "postponed" }, []string{"status"}},
		{"back-to-back with a SOM", func(in *store.MeetingInput) { in.BackToBackID = somID }, []string{"back_to_back"}},
		{"back-to-back with nothing", func(in *store.MeetingInput) { in.BackToBackID = 999999 }, []string{"back_to_back"}},
		{"unknown presidency", func(in *store.MeetingInput) { in.PresidencyID = 999999 }, []string{"presidency"}},
		{"everything wrong at once", func(in *store.MeetingInput) {
			in.Title, in.TimeZone, in.EndsAt, in.Status = "", "Nowhere/Else", in.StartsAt, dialogue.MeetingCancelled
		}, []string{"title", "time_zone", "ends_at", "cancel_reason"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.edit(&in)
			_, err := f.st.CreateMeeting(f.ctx, f.sec, in)
			wantKind(t, tc.name, err, dialogue.KindInvalid)
			wantFields(t, tc.name, err, tc.fields...)
		})
	}

	// A valid one: defaults filled, the Presidency derived from the start
	// date (16 March 2027: Lithuania), back-to-back with the COSI meeting.
	in := valid()
	in.BackToBackID, in.TimeZone, in.Venue = cosiID, "", "  Justus Lipsius  "
	in.CancelReason = "left over from a form" // dropped: the meeting is not cancelled
	id, err := f.st.CreateMeeting(f.ctx, f.sec, in)
	if err != nil {
		t.Fatal(err)
	}
	m := f.one(t, id)
	if m.Presidency != "Lithuania (January–June 2027)" || m.TimeZone != "Europe/Brussels" || m.Format != dialogue.FormatInPerson ||
		m.Status != dialogue.MeetingPlanned || m.BackToBackID != cosiID || m.Venue != "Justus Lipsius" ||
		m.CancelReason != "" || m.Version != 1 || m.DialogueID != f.med.ID || m.Demo {
		t.Errorf("created %+v", m)
	}
	// A COSI Support Group meeting may be the back-to-back target too; a
	// Lisbon meeting keeps its zone; an explicit Presidency wins.
	sg := f.meeting(t, dialogue.LevelCOSISupport, "COSI SG", start.Add(24*time.Hour))
	var cyprus int64
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT id FROM presidencies WHERE year = 2026 AND semester = 1`).Scan(&cyprus); err != nil {
		t.Fatal(err)
	}
	in = valid()
	in.BackToBackID, in.TimeZone, in.City, in.PresidencyID = sg, "Europe/Lisbon", "Lisbon", cyprus
	id, err = f.st.CreateMeeting(f.ctx, f.sec, in)
	if err != nil {
		t.Fatal(err)
	}
	if m := f.one(t, id); m.TimeZone != "Europe/Lisbon" || m.BackToBackID != sg || m.PresidencyID != cyprus {
		t.Errorf("created %+v", m)
	}
	// A date outside the presidencies table leaves the Presidency empty.
	in = valid()
	in.StartsAt, in.EndsAt = time.Date(2035, 1, 10, 10, 0, 0, 0, time.UTC), time.Date(2035, 1, 10, 12, 0, 0, 0, time.UTC)
	id, err = f.st.CreateMeeting(f.ctx, f.sec, in)
	if err != nil || f.one(t, id).PresidencyID != 0 {
		t.Errorf("2035 meeting: %v, %+v", err, f.one(t, id))
	}

	creates := f.audit(t, "meeting.create")
	if len(creates) != 6 || creates[0].UserID != f.sec.UserID || creates[0].RemoteAddr != "192.0.2.1" {
		t.Errorf("audit of creations: %+v", creates)
	}
}

func TestUpdateMeetingKeepsEveryChange(t *testing.T) {
	f := newMWFixture(t)
	start := time.Date(2027, 3, 16, 14, 30, 0, 0, dialogue.Brussels)
	cosi := f.meeting(t, dialogue.LevelCOSI, "COSI", start.Add(-5*time.Hour))
	id := f.meeting(t, dialogue.LevelSOM, "SOM draft title", start)
	in := store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM, Title: "EU–Mediterranean SOM",
		StartsAt: start, EndsAt: start.Add(3 * time.Hour), City: "Brussels", BackToBackID: cosi}

	// Edit 1: title and back-to-back link.
	if err := f.st.UpdateMeeting(f.ctx, f.sec, id, 1, in); err != nil {
		t.Fatal(err)
	}
	// Edit 2: cancelled, with the reason.
	in.Status, in.CancelReason = dialogue.MeetingCancelled, "No quorum of partners"
	if err := f.st.UpdateMeeting(f.ctx, f.sec, id, 2, in); err != nil {
		t.Fatal(err)
	}
	// A stale edit (from version 2) is a conflict and writes nothing.
	stale := in
	stale.Title = "Overwritten?"
	err := f.st.UpdateMeeting(f.ctx, f.sec, id, 2, stale)
	wantKind(t, "stale update", err, dialogue.KindConflict)
	// Edit 3: moved to Lisbon time and reinstated: the reason goes.
	in.Status, in.TimeZone, in.City = dialogue.MeetingConfirmed, "Europe/Lisbon", "Lisbon"
	if err := f.st.UpdateMeeting(f.ctx, f.sec, id, 3, in); err != nil {
		t.Fatal(err)
	}
	m := f.one(t, id)
	if m.Version != 4 || m.Title != "EU–Mediterranean SOM" || m.Status != dialogue.MeetingConfirmed || m.CancelReason != "" || m.City != "Lisbon" {
		t.Errorf("after three edits: %+v", m)
	}

	hist, err := f.st.MeetingHistory(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Fatalf("%d history entries, want 3", len(hist))
	}
	want := []struct {
		version int
		title   string
		status  dialogue.MeetingStatus
		reason  string
		changed []string
	}{
		{3, "EU–Mediterranean SOM", dialogue.MeetingCancelled, "No quorum of partners", []string{"time_zone", "city", "status", "cancel_reason"}},
		{2, "EU–Mediterranean SOM", dialogue.MeetingPlanned, "", []string{"status", "cancel_reason"}},
		{1, "SOM draft title", dialogue.MeetingPlanned, "", []string{"title", "back_to_back"}},
	}
	for i, w := range want {
		h := hist[i]
		if h.Version != w.version || h.Before.Title != w.title || h.Before.Status != w.status || h.Before.CancelReason != w.reason ||
			!slices.Equal(h.Changed, w.changed) || h.ChangedBy != f.sec.UserID || h.ChangedByName != "Sec Officer" ||
			h.ChangedAt.IsZero() || h.Before.ID != id || h.Before.Version != w.version {
			t.Errorf("history[%d] = %+v (changed %v), want %+v", i, h.Before, h.Changed, w)
		}
		if !h.Before.StartsAt.Equal(start) || h.Before.DialogueName == "" || h.Before.Presidency != "Lithuania (January–June 2027)" {
			t.Errorf("history[%d] snapshot lost data: %+v", i, h.Before)
		}
	}

	updates := f.audit(t, "meeting.update")
	if len(updates) != 3 {
		t.Fatalf("%d update audit records, want 3 (the conflict writes none)", len(updates))
	}
	if !strings.Contains(updates[1].Detail, `"cancel_reason"`) || !strings.Contains(updates[1].Detail, `"version": 3`) {
		t.Errorf("audit detail = %s", updates[1].Detail)
	}

	// Validation applies to edits too, and a COSI meeting with a meeting
	// back-to-back with it must stay a COSI-level meeting.
	err = f.st.UpdateMeeting(f.ctx, f.sec, id, 4, store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM,
		Title: "x", StartsAt: start, EndsAt: start.Add(time.Hour), BackToBackID: id})
	wantFields(t, "back-to-back with itself", err, "back_to_back")
	err = f.st.UpdateMeeting(f.ctx, f.sec, cosi, 1, store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelTechnical,
		Title: "no longer COSI", StartsAt: start, EndsAt: start.Add(time.Hour)})
	wantFields(t, "COSI meeting turned technical", err, "level")
	err = f.st.UpdateMeeting(f.ctx, f.sec, 999999, 1, in)
	wantKind(t, "no such meeting", err, dialogue.KindNotFound)
	if _, err := f.st.MeetingHistory(f.ctx, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("history of no meeting: %v", err)
	}
	if h, err := f.st.MeetingHistory(f.ctx, cosi); err != nil || len(h) != 0 {
		t.Errorf("history of an unedited meeting: %v, %v", h, err)
	}
}

func TestDefaultInvitees(t *testing.T) {
	f := newMWFixture(t)
	start := time.Now().Add(30 * 24 * time.Hour)
	som := f.meeting(t, dialogue.LevelSOM, "med SOM", start)
	cosi := f.meeting(t, dialogue.LevelCOSI, "COSI", start)
	sg := f.meeting(t, dialogue.LevelCOSISupport, "COSI SG", start)
	clasiMin, err := f.st.CreateMeeting(f.ctx, f.sec, store.MeetingInput{DialogueCode: "clasi", Level: dialogue.LevelMinisterial,
		Title: "CLASI ministers", StartsAt: start, EndsAt: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	euAndCouncil := append(slices.Clone(dialogue.ProtocolCodes), "COM", "EEAS")
	northAfrica := []string{"DZ", "EG", "LY", "MA", "TN"}
	medObservers := []string{"CEPOL", "EUDA", "EUROJUST", "EUROPOL", "FRONTEX"}
	others := []string{"IL", "JO", "LB", "PS", "SY"}
	sorted := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		sort.Strings(out)
		return out
	}

	check := func(name string, id int64, want []string) []int64 {
		t.Helper()
		got, err := f.st.DefaultInvitees(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if codes := f.codes(got); !slices.Equal(codes, want) {
			t.Errorf("%s: default invitees %v\nwant %v", name, codes, want)
		}
		return got
	}
	// The med dialogue's scope is undecided: phase 1 only (the five North
	// African partners), not the other five.
	got := check("med, undecided scope", som, sorted(euAndCouncil, northAfrica, medObservers))
	// Protocol order: BE first, the member states in order, then COM, EEAS...
	if f.codes(got[:1])[0] != "BE" || f.codes(got[26:27])[0] != "SE" || f.codes(got[27:28])[0] != "COM" {
		t.Errorf("not in protocol order: %v", got[:30])
	}
	for _, c := range others {
		if slices.Contains(got, f.deleg[c]) {
			t.Errorf("%s (phase 2) invited by default", c)
		}
	}
	check("COSI", cosi, sorted(euAndCouncil))
	check("COSI SG", sg, sorted(euAndCouncil))
	check("CLASI", clasiMin, sorted(euAndCouncil, []string{"CLASI", "EUDA", "EUROJUST", "EUROPOL", "FRONTEX"}))

	exec(t, f.url, `UPDATE dialogues SET geographic_scope = 'phased' WHERE code = 'med'`)
	check("med, phased", som, sorted(euAndCouncil, northAfrica, medObservers))
	exec(t, f.url, `UPDATE dialogues SET geographic_scope = 'all' WHERE code = 'med'`)
	check("med, all ten", som, sorted(euAndCouncil, northAfrica, others, medObservers))

	if _, err := f.st.DefaultInvitees(f.ctx, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("no such meeting: %v", err)
	}
}

func TestInvitationsAndAttendance(t *testing.T) {
	f := newMWFixture(t)
	tn := dialogue.Actor{UserID: 0, Name: "delegate.tn@example.eu"}
	be := dialogue.Actor{UserID: f.sec.UserID, Name: "delegate.be@example.eu"}
	now := time.Now() // the clock the store is given, as the server gives it its own
	future := f.meeting(t, dialogue.LevelSOM, "future SOM", now.Add(10*24*time.Hour))
	started := f.meeting(t, dialogue.LevelSOM, "started SOM", now.Add(-time.Hour))

	// No list yet: nobody can reply.
	if inv, err := f.st.Invitations(f.ctx, future); err != nil || len(inv) != 0 {
		t.Fatalf("invitations before any list: %v, %v", inv, err)
	}
	err := f.st.ReplyAttendance(f.ctx, be, now, future, f.deleg["BE"], store.ReplyAttending, store.AttendSeniorOfficial, "")
	wantKind(t, "reply without a list", err, dialogue.KindNotFound)

	if err := f.st.SetInvitations(f.ctx, f.sec, future, f.ids("TN", "FR", "BE", "EUROPOL", "BE")); err != nil {
		t.Fatal(err)
	}
	// Attending needs a level; a reply must be one of the three.
	err = f.st.ReplyAttendance(f.ctx, be, now, future, f.deleg["BE"], store.ReplyAttending, "", "Jan Peeters")
	wantFields(t, "attending without level", err, "level")
	err = f.st.ReplyAttendance(f.ctx, be, now, future, f.deleg["BE"], "maybe", "", "")
	wantFields(t, "unknown reply", err, "reply")
	// A delegation not invited cannot reply.
	err = f.st.ReplyAttendance(f.ctx, be, now, future, f.deleg["ES"], store.ReplyDeclined, "", "")
	wantKind(t, "not invited", err, dialogue.KindNotFound)

	if err := f.st.ReplyAttendance(f.ctx, be, now, future, f.deleg["BE"], store.ReplyAttending, store.AttendSeniorOfficial, " Jan Peeters, Director "); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReplyAttendance(f.ctx, tn, now, future, f.deleg["TN"], store.ReplyDeclined, store.AttendMinister, "ignored"); err != nil {
		t.Fatal(err)
	}
	inv, err := f.st.Invitations(f.ctx, future)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, i := range inv {
		order = append(order, i.Delegation.Code)
	}
	if !slices.Equal(order, []string{"BE", "FR", "TN", "EUROPOL"}) {
		t.Errorf("invitations in order %v", order)
	}
	if i := inv[0]; i.Reply != store.ReplyAttending || i.Level != store.AttendSeniorOfficial || i.Attendees != "Jan Peeters, Director" ||
		i.RepliedBy != f.sec.UserID || i.RepliedByName != "Sec Officer" || i.RepliedAt == nil || i.Attended != nil {
		t.Errorf("BE's invitation = %+v", i)
	}
	if i := inv[2]; i.Reply != store.ReplyDeclined || i.Level != "" || i.Attendees != "" || i.RepliedBy != 0 || i.RepliedAt == nil {
		t.Errorf("TN's invitation = %+v", i)
	}
	if i := inv[1]; i.Reply != store.ReplyNone || i.RepliedAt != nil {
		t.Errorf("FR's invitation = %+v", i)
	}

	// Adjusting the list keeps the replies of those who stay.
	if err := f.st.SetInvitations(f.ctx, f.sec, future, f.ids("BE", "TN", "DE")); err != nil {
		t.Fatal(err)
	}
	inv, _ = f.st.Invitations(f.ctx, future)
	if len(inv) != 3 || inv[0].Delegation.Code != "BE" || inv[0].Reply != store.ReplyAttending || inv[1].Delegation.Code != "DE" ||
		inv[1].Reply != store.ReplyNone || inv[2].Reply != store.ReplyDeclined {
		t.Errorf("after adjusting: %+v", inv)
	}
	err = f.st.SetInvitations(f.ctx, f.sec, future, nil)
	wantFields(t, "empty list", err, "delegations")
	err = f.st.SetInvitations(f.ctx, f.sec, future, []int64{f.deleg["BE"], 999999})
	wantFields(t, "unknown delegation", err, "delegations")
	err = f.st.SetInvitations(f.ctx, f.sec, 999999, f.ids("BE"))
	wantKind(t, "no such meeting", err, dialogue.KindNotFound)

	// Before the meeting, attendance cannot be recorded.
	err = f.st.RecordAttendance(f.ctx, f.sec, now, future, map[int64]bool{f.deleg["BE"]: true})
	wantKind(t, "attendance before the start", err, dialogue.KindConflict)

	// Once it has started, replies are closed and attendance is recorded.
	if err := f.st.SetInvitations(f.ctx, f.sec, started, f.ids("BE", "FR", "TN")); err != nil {
		t.Fatal(err)
	}
	err = f.st.ReplyAttendance(f.ctx, be, now, started, f.deleg["BE"], store.ReplyAttending, store.AttendExpert, "")
	wantKind(t, "reply after the start", err, dialogue.KindDeadline)
	err = f.st.RecordAttendance(f.ctx, f.sec, now, started, map[int64]bool{f.deleg["BE"]: true, f.deleg["ES"]: true})
	wantFields(t, "attendance of a delegation not invited", err, "attended")
	if err := f.st.RecordAttendance(f.ctx, f.sec, now, started, map[int64]bool{f.deleg["BE"]: true, f.deleg["TN"]: false}); err != nil {
		t.Fatal(err)
	}
	inv, _ = f.st.Invitations(f.ctx, started)
	got := map[string]*bool{}
	for _, i := range inv {
		got[i.Delegation.Code] = i.Attended
	}
	if got["BE"] == nil || !*got["BE"] || got["TN"] == nil || *got["TN"] || got["FR"] != nil {
		t.Errorf("attendance = BE %v, TN %v, FR %v", got["BE"], got["TN"], got["FR"])
	}

	// A cancelled meeting takes no replies.
	exec(t, f.url, `UPDATE meetings SET status = 'cancelled', cancel_reason = 'x' WHERE id = $1`, future)
	err = f.st.ReplyAttendance(f.ctx, be, now, future, f.deleg["BE"], store.ReplyDeclined, "", "")
	wantKind(t, "reply to a cancelled meeting", err, dialogue.KindConflict)

	if got := actions(f.audit(t, "meeting.")); !slices.Equal(got, []string{
		"meeting.create", "meeting.create", "meeting.invitations", "meeting.reply", "meeting.reply",
		"meeting.invitations", "meeting.invitations", "meeting.attendance",
	}) {
		t.Errorf("audit = %v", got)
	}
	adjust := f.audit(t, "meeting.invitations")[1]
	if !strings.Contains(adjust.Detail, `"removed": [`) || !strings.Contains(adjust.Detail, `"added": 1`) {
		t.Errorf("adjustment audit = %s", adjust.Detail)
	}
}

func TestAgenda(t *testing.T) {
	f := newMWFixture(t)
	som := f.meeting(t, dialogue.LevelSOM, "SOM", time.Now().Add(10*24*time.Hour))
	var note int64
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT id FROM documents WHERE series = 'ST' AND number = 5559 AND year = 2026
		AND revision = 0 AND addendum = 0 AND corrigendum = 0`).Scan(&note); err != nil {
		t.Fatal(err)
	}
	medPriorities, err := f.st.Priorities(f.ctx, f.med.ID)
	if err != nil || len(medPriorities) < 3 {
		t.Fatalf("med priorities: %v, %v", medPriorities, err)
	}
	var clasiPriority int64
	_ = f.st.Pool().QueryRow(f.ctx, `SELECT id FROM priorities WHERE dialogue_id = $1 LIMIT 1`, f.clasi.ID).Scan(&clasiPriority)

	add := func(kind store.AgendaKind, title string, doc int64, prios ...int64) int64 {
		t.Helper()
		id, err := f.st.AddAgendaItem(f.ctx, f.sec, som, store.AgendaItemInput{Kind: kind, Title: title, DocumentID: doc, PriorityIDs: prios})
		if err != nil {
			t.Fatalf("add %q: %v", title, err)
		}
		return id
	}
	a := add(store.AgendaDiscussion, "Thematic and geographical scope", note, medPriorities[2].ID, medPriorities[0].ID)
	b := add(store.AgendaInformation, "EU-MENA dialogue: state of play", 0)
	c := add(store.AgendaConcluded, "Adoption of the agenda", 0)

	titles := func(v dialogue.Viewer) []string {
		t.Helper()
		items, err := f.st.AgendaItems(f.ctx, v, som)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, it := range items {
			if it.Position != i+1 {
				t.Errorf("item %q at position %d, listed %d", it.Title, it.Position, i+1)
			}
			out = append(out, it.Title)
		}
		return out
	}
	if got := titles(presidency); !slices.Equal(got, []string{"Thematic and geographical scope", "EU-MENA dialogue: state of play", "Adoption of the agenda"}) {
		t.Errorf("agenda = %v", got)
	}

	// Reorder: the last item up twice, then once more (a no-op at the top).
	for range 3 {
		if err := f.st.MoveAgendaItem(f.ctx, f.sec, c, -1); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.MoveAgendaItem(f.ctx, f.sec, b, +1); err != nil { // already last
		t.Fatal(err)
	}
	if got := titles(presidency); !slices.Equal(got, []string{"Adoption of the agenda", "Thematic and geographical scope", "EU-MENA dialogue: state of play"}) {
		t.Errorf("after moving = %v", got)
	}
	wantFields(t, "move by two", f.st.MoveAgendaItem(f.ctx, f.sec, c, 2), "direction")
	wantKind(t, "move no item", f.st.MoveAgendaItem(f.ctx, f.sec, 999999, 1), dialogue.KindNotFound)

	// The linked note shows to whoever may read it, and only to them.
	items, _ := f.st.AgendaItems(f.ctx, presidency, som)
	if it := items[1]; it.ID != a || it.DocumentID != note || it.DocumentRef != "5559/26" || it.DocumentSubject == "" ||
		!slices.Equal(it.PriorityIDs, []int64{medPriorities[0].ID, medPriorities[2].ID}) || it.Kind != store.AgendaDiscussion {
		t.Errorf("item with a note = %+v", it)
	}
	items, _ = f.st.AgendaItems(f.ctx, f.viewer("BE"), som)
	if items[1].DocumentRef != "5559/26" {
		t.Errorf("a member state does not see the note: %+v", items[1])
	}
	items, _ = f.st.AgendaItems(f.ctx, f.viewer("TN"), som)
	if it := items[1]; it.DocumentID != 0 || it.DocumentRef != "" || it.DocumentSubject != "" || it.Title == "" {
		t.Errorf("a partner sees a note not distributed to it: %+v", it)
	}

	// Validation.
	_, err = f.st.AddAgendaItem(f.ctx, f.sec, som, store.AgendaItemInput{Kind: "decision", Title: ""})
	wantFields(t, "bad kind and title", err, "kind", "title")
	_, err = f.st.AddAgendaItem(f.ctx, f.sec, som, store.AgendaItemInput{Kind: store.AgendaDiscussion, Title: "x",
		DocumentID: 999999, RoundID: 999999, PriorityIDs: []int64{clasiPriority}})
	wantFields(t, "bad links", err, "document", "round", "priorities")
	_, err = f.st.AddAgendaItem(f.ctx, f.sec, 999999, store.AgendaItemInput{Kind: store.AgendaDiscussion, Title: "x"})
	wantKind(t, "no such meeting", err, dialogue.KindNotFound)

	// Update: new kind, link removed, priorities replaced.
	if err := f.st.UpdateAgendaItem(f.ctx, f.sec, a, store.AgendaItemInput{Kind: store.AgendaConcluded, Title: "Scope (concluded)",
		PriorityIDs: []int64{medPriorities[1].ID}}); err != nil {
		t.Fatal(err)
	}
	items, _ = f.st.AgendaItems(f.ctx, presidency, som)
	if it := items[1]; it.Title != "Scope (concluded)" || it.Kind != store.AgendaConcluded || it.DocumentID != 0 ||
		!slices.Equal(it.PriorityIDs, []int64{medPriorities[1].ID}) {
		t.Errorf("updated item = %+v", it)
	}
	if err := f.st.UpdateAgendaItem(f.ctx, f.sec, a, store.AgendaItemInput{Kind: store.AgendaConcluded, Title: "Scope"}); err != nil {
		t.Fatal(err)
	}
	if items, _ = f.st.AgendaItems(f.ctx, presidency, som); len(items[1].PriorityIDs) != 0 {
		t.Errorf("priorities not cleared: %v", items[1].PriorityIDs)
	}

	// Delete the first: the others move up, and a new item goes last.
	if err := f.st.DeleteAgendaItem(f.ctx, f.sec, c); err != nil {
		t.Fatal(err)
	}
	add(store.AgendaInformation, "AOB", 0)
	if got := titles(presidency); !slices.Equal(got, []string{"Scope", "EU-MENA dialogue: state of play", "AOB"}) {
		t.Errorf("after deleting = %v", got)
	}
	wantKind(t, "delete twice", f.st.DeleteAgendaItem(f.ctx, f.sec, c), dialogue.KindNotFound)

	if got := actions(f.audit(t, "meeting.agenda_")); !slices.Equal(got, []string{
		"meeting.agenda_add", "meeting.agenda_add", "meeting.agenda_add",
		"meeting.agenda_move", "meeting.agenda_move", // the no-op moves write nothing
		"meeting.agenda_update", "meeting.agenda_update", "meeting.agenda_delete", "meeting.agenda_add",
	}) {
		t.Errorf("audit = %v", got)
	}
}

func TestMinutesLifecycle(t *testing.T) {
	f := newMWFixture(t)
	m := f.meeting(t, dialogue.LevelSOM, "SOM", time.Now().Add(-48*time.Hour))
	// save edits on top of the latest version as it is now (its save time).
	latestSaved := func() time.Time {
		ms, _ := f.st.Minutes(f.ctx, m)
		if len(ms) == 0 {
			return time.Time{}
		}
		return ms[0].UpdatedAt
	}
	save := func(base int, body string) (int, error) {
		return f.st.SaveMinutes(f.ctx, f.sec, m, base, latestSaved(), body)
	}
	versions := func() []store.MinutesVersion {
		t.Helper()
		vs, err := f.st.Minutes(f.ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}

	if v, err := save(0, "First draft"); err != nil || v != 1 {
		t.Fatalf("first save: %d, %v", v, err)
	}
	_, err := save(0, "Someone else's first draft")
	wantKind(t, "second first draft", err, dialogue.KindConflict)
	if v, err := save(1, "First draft, edited"); err != nil || v != 1 {
		t.Fatalf("edit: %d, %v", v, err)
	}
	wantKind(t, "draft straight to final", f.st.SetMinutesStatus(f.ctx, f.sec, m, 1, store.MinutesFinal), dialogue.KindConflict)
	wantFields(t, "back to draft", f.st.SetMinutesStatus(f.ctx, f.sec, m, 1, store.MinutesDraft), "status")
	if err := f.st.SetMinutesStatus(f.ctx, f.sec, m, 1, store.MinutesCirculated); err != nil {
		t.Fatal(err)
	}
	// Circulated minutes can still be edited in place.
	if v, err := save(1, "Circulated text"); err != nil || v != 1 {
		t.Fatalf("edit circulated: %d, %v", v, err)
	}
	wantKind(t, "circulate twice", f.st.SetMinutesStatus(f.ctx, f.sec, m, 1, store.MinutesCirculated), dialogue.KindConflict)
	if err := f.st.SetMinutesStatus(f.ctx, f.sec, m, 1, store.MinutesFinal); err != nil {
		t.Fatal(err)
	}
	// Final is locked: a save on it is a correction, version 2, a draft.
	if v, err := save(1, "Corrected text"); err != nil || v != 2 {
		t.Fatalf("correction: %d, %v", v, err)
	}
	vs := versions()
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].Status != store.MinutesDraft || vs[0].Body != "Corrected text" ||
		vs[1].Version != 1 || vs[1].Status != store.MinutesFinal || vs[1].Body != "Circulated text" ||
		vs[0].UpdatedByName != "Sec Officer" || vs[0].UpdatedBy != f.sec.UserID {
		t.Errorf("versions = %+v", vs)
	}
	// The old final version is no longer the one to change or save on.
	wantKind(t, "status of an old version", f.st.SetMinutesStatus(f.ctx, f.sec, m, 1, store.MinutesCirculated), dialogue.KindConflict)
	_, err = save(1, "Stale")
	wantKind(t, "save on an old version", err, dialogue.KindConflict)
	if versions()[1].Body != "Circulated text" {
		t.Error("the final version changed")
	}
	// The correction goes through the same lifecycle, and so on.
	for _, st := range []store.MinutesStatus{store.MinutesCirculated, store.MinutesFinal} {
		if err := f.st.SetMinutesStatus(f.ctx, f.sec, m, 2, st); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := save(2, "Second correction"); err != nil || v != 3 {
		t.Errorf("second correction: %d, %v", v, err)
	}
	wantKind(t, "no minutes", f.st.SetMinutesStatus(f.ctx, f.sec, f.meeting(t, dialogue.LevelSOM, "other", time.Now()), 1, store.MinutesCirculated), dialogue.KindNotFound)
	_, err = f.st.SaveMinutes(f.ctx, f.sec, 999999, 0, time.Time{}, "x")
	wantKind(t, "no meeting", err, dialogue.KindNotFound)

	if got := actions(f.audit(t, "meeting.minutes_")); !slices.Equal(got, []string{
		"meeting.minutes_save", "meeting.minutes_save", "meeting.minutes_status", "meeting.minutes_save",
		"meeting.minutes_status", "meeting.minutes_save", "meeting.minutes_status", "meeting.minutes_status",
		"meeting.minutes_save",
	}) {
		t.Errorf("audit = %v", got)
	}
}

func TestActionPoints(t *testing.T) {
	f := newMWFixture(t)
	som := f.meeting(t, dialogue.LevelSOM, "SOM", time.Now().Add(-48*time.Hour))
	restricted := f.meeting(t, dialogue.LevelTechnical, "Experts (member states only)", time.Now().Add(-24*time.Hour))
	if err := f.st.SetInvitations(f.ctx, f.sec, restricted, f.ids("BE", "FR")); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)
	p1, err := f.st.AddActionPoint(f.ctx, f.sec, store.ActionPointInput{MeetingID: som, Title: "Circulate a draft reference framework",
		Owner: "Presidency", DueOn: &due})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := f.st.AddActionPoint(f.ctx, f.sec, store.ActionPointInput{DialogueID: f.med.ID, Title: "Map EuroMed Police activities",
		OwnerDelegationID: f.deleg["CEPOL"]})
	if err != nil {
		t.Fatal(err)
	}
	p3, err := f.st.AddActionPoint(f.ctx, f.sec, store.ActionPointInput{MeetingID: restricted, Title: "Internal follow-up", Owner: "BE"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.st.AddActionPoint(f.ctx, f.sec, store.ActionPointInput{})
	wantFields(t, "empty", err, "title", "dialogue", "owner")
	_, err = f.st.AddActionPoint(f.ctx, f.sec, store.ActionPointInput{MeetingID: som, DialogueID: f.clasi.ID, Title: "x", Owner: "y"})
	wantFields(t, "meeting of another dialogue", err, "dialogue")
	_, err = f.st.AddActionPoint(f.ctx, f.sec, store.ActionPointInput{MeetingID: 999999, Title: "x", OwnerDelegationID: 999999})
	wantFields(t, "unknown meeting and owner", err, "meeting", "owner")

	list := func(v dialogue.Viewer, filter store.ActionPointFilter) []int64 {
		t.Helper()
		ps, err := f.st.ActionPoints(f.ctx, v, filter)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		return ids
	}
	open := store.ActionPointFilter{DialogueID: f.med.ID, OpenOnly: true}
	if got := list(presidency, open); !slices.Equal(got, []int64{p1, p2, p3}) {
		t.Errorf("open points = %v, want dated first %v", got, []int64{p1, p2, p3})
	}
	ps, _ := f.st.ActionPoints(f.ctx, presidency, open)
	if p := ps[0]; p.DialogueID != f.med.ID || p.MeetingID != som || p.MeetingTitle != "SOM" || p.DueOn == nil ||
		p.DueOn.Format("2006-01-02") != "2027-01-31" || p.Status != store.ActionOpen || p.Owner != "Presidency" {
		t.Errorf("point from the SOM = %+v", p)
	}
	if p := ps[1]; p.OwnerDelegationID != f.deleg["CEPOL"] || p.OwnerDelegation == "" || p.MeetingID != 0 || p.MeetingStartsAt != nil {
		t.Errorf("point of the dialogue = %+v", p)
	}
	// A partner does not see the points of a meeting it may not see.
	if got := list(f.viewer("TN"), open); !slices.Equal(got, []int64{p1, p2}) {
		t.Errorf("TN sees %v", got)
	}
	if got := list(presidency, store.ActionPointFilter{MeetingID: som}); !slices.Equal(got, []int64{p1}) {
		t.Errorf("the SOM's points = %v", got)
	}
	if got := list(presidency, store.ActionPointFilter{}); len(got) != 0 {
		t.Errorf("no filter lists %v", got)
	}

	// Done points leave the dialogue page; all are still listed.
	if err := f.st.SetActionPointStatus(f.ctx, f.sec, p1, store.ActionDone); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetActionPointStatus(f.ctx, f.sec, p2, store.ActionInProgress); err != nil {
		t.Fatal(err)
	}
	if got := list(presidency, open); !slices.Equal(got, []int64{p2, p3}) {
		t.Errorf("open after one is done = %v", got)
	}
	if got := list(presidency, store.ActionPointFilter{DialogueID: f.med.ID}); len(got) != 3 {
		t.Errorf("all points = %v", got)
	}
	wantFields(t, "bad status", f.st.SetActionPointStatus(f.ctx, f.sec, p1, "finished"), "status")
	wantKind(t, "no such point", f.st.SetActionPointStatus(f.ctx, f.sec, 999999, store.ActionDone), dialogue.KindNotFound)

	rs := f.audit(t, "action_point.")
	if got := actions(rs); !slices.Equal(got, []string{"action_point.create", "action_point.create", "action_point.create",
		"action_point.status", "action_point.status"}) {
		t.Errorf("audit = %v", got)
	}
	if !strings.Contains(rs[3].Detail, `"from": "open"`) || !strings.Contains(rs[3].Detail, `"to": "done"`) {
		t.Errorf("status audit = %s", rs[3].Detail)
	}
}

func TestMeetingVisibility(t *testing.T) {
	f := newMWFixture(t)
	start := time.Now().Add(20 * 24 * time.Hour)
	cosi := f.meeting(t, dialogue.LevelCOSI, "COSI", start)
	cosiListed := f.meeting(t, dialogue.LevelCOSISupport, "COSI SG with a short list", start)
	som := f.meeting(t, dialogue.LevelSOM, "med SOM (list: BE, TN)", start)
	tech := f.meeting(t, dialogue.LevelTechnical, "med experts (no list yet)", start)
	clasi, err := f.st.CreateMeeting(f.ctx, f.sec, store.MeetingInput{DialogueCode: "clasi", Level: dialogue.LevelMinisterial,
		Title: "CLASI ministers (no list yet)", StartsAt: start, EndsAt: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetInvitations(f.ctx, f.sec, som, f.ids("BE", "TN")); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetInvitations(f.ctx, f.sec, cosiListed, f.ids("FR", "EUROPOL")); err != nil {
		t.Fatal(err)
	}
	mine := []int64{cosi, cosiListed, som, tech, clasi}
	name := map[int64]string{cosi: "cosi", cosiListed: "cosi_sg", som: "som", tech: "tech", clasi: "clasi"}

	visible := func(v dialogue.Viewer) []string {
		t.Helper()
		ms, err := f.st.VisibleMeetings(f.ctx, v, store.MeetingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			if slices.Contains(mine, m.ID) {
				out = append(out, name[m.ID])
			}
		}
		sort.Strings(out)
		// VisibleMeeting agrees with the list, for every meeting.
		for _, id := range mine {
			_, err := f.st.VisibleMeeting(f.ctx, v, id)
			if listed := slices.Contains(out, name[id]); listed != (err == nil) {
				t.Errorf("%s: VisibleMeeting = %v, listed %v", name[id], err, listed)
			} else if err != nil {
				wantKind(t, "invisible meeting", err, dialogue.KindNotFound)
			}
		}
		return out
	}
	cases := []struct {
		name string
		v    dialogue.Viewer
		want []string
	}{
		{"the Presidency sees all", presidency, []string{"clasi", "cosi", "cosi_sg", "som", "tech"}},
		{"a member state invited: COSI, its meetings, lists not drawn up", f.viewer("BE"), []string{"clasi", "cosi", "cosi_sg", "som", "tech"}},
		{"a member state not invited to the SOM", f.viewer("DE"), []string{"clasi", "cosi", "cosi_sg", "tech"}},
		{"the Commission sits in COSI too", f.viewer("COM"), []string{"clasi", "cosi", "cosi_sg", "tech"}},
		{"a phase-1 partner: invited, or no list yet", f.viewer("TN"), []string{"som", "tech"}},
		{"a phase-1 partner not invited", f.viewer("MA"), []string{"tech"}},
		{"a phase-2 partner sees nothing before its phase", f.viewer("IL"), nil},
		{"CLASI sees its dialogue only", f.viewer("CLASI"), []string{"clasi"}},
		{"an observer invited to COSI SG, in both dialogues", f.viewer("EUROPOL"), []string{"clasi", "cosi_sg", "tech"}},
		{"an observer of med only", f.viewer("CEPOL"), []string{"tech"}},
		{"no delegation", dialogue.Viewer{UserID: 5}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := visible(tc.v); !slices.Equal(got, tc.want) {
				t.Errorf("sees %v, want %v", got, tc.want)
			}
		})
	}

	// Once the experts' list is drawn up without it, an observer not
	// invited sees nothing; the partner invited still does.
	if err := f.st.SetInvitations(f.ctx, f.sec, tech, f.ids("BE", "TN")); err != nil {
		t.Fatal(err)
	}
	if got := visible(f.viewer("CEPOL")); got != nil {
		t.Errorf("CEPOL, not invited anywhere, sees %v", got)
	}
	if got := visible(f.viewer("MA")); got != nil {
		t.Errorf("MA, not invited, sees %v", got)
	}
	if got := visible(f.viewer("TN")); !slices.Equal(got, []string{"som", "tech"}) {
		t.Errorf("TN sees %v", got)
	}
	// A member state sees the demo's COSI meetings (no list) and COSI
	// meetings whatever their list.
	cosiAll, err := f.st.VisibleMeetings(f.ctx, f.viewer("DE"), store.MeetingFilter{COSIOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := f.st.Meetings(f.ctx, store.MeetingFilter{COSIOnly: true})
	if len(cosiAll) != len(all) || len(all) < 10 {
		t.Errorf("DE sees %d of %d COSI meetings", len(cosiAll), len(all))
	}

	// Filters work as in Meetings: dialogue, level, upcoming, limit.
	now := time.Now()
	ms, err := f.st.VisibleMeetings(f.ctx, f.viewer("TN"), store.MeetingFilter{DialogueID: f.med.ID, Level: dialogue.LevelSOM, Now: now, UpcomingOnly: true, Limit: 1})
	if err != nil || len(ms) != 1 || ms[0].ID != som {
		t.Errorf("TN's upcoming med SOMs = %+v, %v", ms, err)
	}
	if _, err := f.st.VisibleMeeting(f.ctx, presidency, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("no such meeting: %v", err)
	}
}

func TestSchedulingInputs(t *testing.T) {
	f := newMWFixture(t)
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, dialogue.Brussels)
	to := time.Date(2027, 7, 1, 0, 0, 0, 0, dialogue.Brussels)
	sg := f.meeting(t, dialogue.LevelCOSISupport, "COSI SG", time.Date(2027, 2, 3, 10, 0, 0, 0, dialogue.Brussels))
	f.meeting(t, dialogue.LevelCOSI, "COSI 2028", time.Date(2028, 2, 3, 10, 0, 0, 0, dialogue.Brussels))
	cosi, err := f.st.COSIMeetings(f.ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var months []string
	for _, m := range cosi {
		if m.Level != dialogue.LevelCOSI && m.Level != dialogue.LevelCOSISupport || m.StartsAt.Before(from) || !m.StartsAt.Before(to) {
			t.Errorf("COSIMeetings returned %+v", m)
		}
		months = append(months, m.StartsAt.Format("01-02"))
	}
	// The demo's six COSI meetings of Lithuania's Presidency and the SG.
	if !slices.Equal(months, []string{"01-19", "02-03", "02-16", "03-16", "04-20", "05-18", "06-15"}) || cosi[1].ID != sg {
		t.Errorf("COSI meetings of 2027H1: %v", months)
	}

	som := f.meeting(t, dialogue.LevelSOM, "SOM", from.Add(24*time.Hour))
	noList := f.meeting(t, dialogue.LevelTechnical, "experts", from.Add(48*time.Hour))
	if err := f.st.SetInvitations(f.ctx, f.sec, som, f.ids("TN", "BE")); err != nil {
		t.Fatal(err)
	}
	got, err := f.st.MeetingDelegations(f.ctx, []int64{som, noList, sg, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Errorf("delegations for %d meetings", len(got))
	}
	if codes := f.codes(got[som]); !slices.Equal(codes, []string{"BE", "TN"}) {
		t.Errorf("SOM invites %v", codes)
	}
	def, _ := f.st.DefaultInvitees(f.ctx, noList)
	if !slices.Equal(f.codes(got[noList]), f.codes(def)) || len(def) != 39 {
		t.Errorf("experts' meeting invites %d, default %d", len(got[noList]), len(def))
	}
	if len(got[sg]) != 29 {
		t.Errorf("COSI SG invites %d, want 27 member states + COM + EEAS", len(got[sg]))
	}

	// What the scheduling assistant is fed works end to end.
	slots, excluded := dialogue.ProposeSlots(dialogue.SlotRequest{From: from, To: to, Length: dialogue.HalfDay, COSI: cosi,
		Others: []dialogue.Meeting{f.one(t, som)}, OthersDelegations: got, Delegations: def})
	if len(slots) == 0 || len(slots)+len(excluded) < len(cosi) {
		t.Errorf("%d slots, %d excluded", len(slots), len(excluded))
	}
}

func TestCalendarTokens(t *testing.T) {
	f := newMWFixture(t)
	u, err := f.st.CreateUser(f.ctx, cli, store.NewUser{Email: "delegate.tn@example.eu", Name: "TN delegate",
		Role: dialogue.RoleDelegate, DelegationCode: "TN"})
	if err != nil {
		t.Fatal(err)
	}
	self := dialogue.Actor{UserID: u.ID, Name: u.Email}
	found := func(token string) bool {
		t.Helper()
		got, err := f.st.UserByCalendarToken(f.ctx, token)
		if err == nil {
			if got.ID != u.ID || got.DelegationID != f.deleg["TN"] || got.Delegation == nil || got.Delegation.Code != "TN" {
				t.Errorf("token's user = %+v", got)
			}
			return true
		}
		wantKind(t, "unknown token", err, dialogue.KindNotFound)
		return false
	}

	tok, err := f.st.CalendarToken(f.ctx, u.ID)
	if err != nil || len(tok) != 43 || strings.ContainsAny(tok, "+/=") {
		t.Fatalf("token %q, %v", tok, err)
	}
	if again, err := f.st.CalendarToken(f.ctx, u.ID); err != nil || again != tok {
		t.Errorf("second call gave %q, %v", again, err)
	}
	if !found(tok) {
		t.Fatal("token not found")
	}
	for _, bad := range []string{"", "short", tok[:42], tok + "x", strings.ToUpper(tok)} {
		if bad != tok && found(bad) {
			t.Errorf("%q found", bad)
		}
	}

	renewed, err := f.st.RenewCalendarToken(f.ctx, self, u.ID)
	if err != nil || renewed == tok || len(renewed) != 43 {
		t.Fatalf("renewed %q, %v", renewed, err)
	}
	if found(tok) || !found(renewed) {
		t.Error("after renewal the old token must be gone and the new one work")
	}

	if err := f.st.RevokeCalendarToken(f.ctx, self, u.ID); err != nil {
		t.Fatal(err)
	}
	if found(renewed) {
		t.Error("revoked token still works")
	}
	fresh, err := f.st.CalendarToken(f.ctx, u.ID)
	if err != nil || fresh == renewed || fresh == tok || !found(fresh) {
		t.Errorf("a new token after revocation: %q, %v", fresh, err)
	}

	// A disabled user's feed is gone too.
	if err := f.st.SetDisabled(f.ctx, f.sec, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if found(fresh) {
		t.Error("a disabled user's token works")
	}

	if _, err := f.st.CalendarToken(f.ctx, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("token of no user: %v", err)
	}
	if _, err := f.st.RenewCalendarToken(f.ctx, self, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("renew for no user: %v", err)
	}
	if err := f.st.RevokeCalendarToken(f.ctx, self, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("revoke for no user: %v", err)
	}

	rs := f.audit(t, "calendar.")
	if got := actions(rs); !slices.Equal(got, []string{"calendar.token_create", "calendar.token_renew", "calendar.token_revoke", "calendar.token_create"}) {
		t.Errorf("audit = %v", got)
	}
	for _, r := range rs {
		if r.UserID != u.ID || r.ObjectID != u.ID || r.Actor != u.Email || strings.Contains(r.Detail, tok) {
			t.Errorf("audit record %+v", r)
		}
	}
}

// TestMeetingWritesAreAtomic: a write that fails midway leaves nothing
// behind, neither history nor audit (one transaction per action).
func TestMeetingWritesAreAtomic(t *testing.T) {
	f := newMWFixture(t)
	id := f.meeting(t, dialogue.LevelSOM, "SOM", time.Now().Add(72*time.Hour))
	// An actor who is no user: the foreign keys of updated_by, changed_by
	// and the audit log refuse the write after the history row is inserted.
	ghost := dialogue.Actor{UserID: 999999, Name: "ghost"}
	in := store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM, Title: "Renamed",
		StartsAt: time.Now().Add(72 * time.Hour), EndsAt: time.Now().Add(75 * time.Hour)}
	if err := f.st.UpdateMeeting(f.ctx, ghost, id, 1, in); err == nil {
		t.Fatal("update by a ghost succeeded")
	}
	if m := f.one(t, id); m.Title != "SOM" || m.Version != 1 {
		t.Errorf("meeting changed: %+v", m)
	}
	if h, _ := f.st.MeetingHistory(f.ctx, id); len(h) != 0 {
		t.Errorf("history written: %+v", h)
	}
	if err := f.st.SetInvitations(f.ctx, dialogue.Actor{UserID: 999999}, id, f.ids("BE")); err == nil {
		t.Error("invitations by a ghost succeeded")
	}
	if inv, _ := f.st.Invitations(f.ctx, id); len(inv) != 0 {
		t.Errorf("invitations written: %+v", inv)
	}
	var n int
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT count(*) FROM meeting_history`).Scan(&n); err != nil || n != 0 {
		t.Errorf("meeting_history rows: %d, %v", n, err)
	}
	if got := actions(f.audit(t, "meeting.")); !slices.Equal(got, []string{"meeting.create"}) {
		t.Errorf("audit = %v", got)
	}
}

// TestConcurrentMeetingEdits: of edits racing from the same version, exactly
// one wins; the others get a conflict, and the history holds one entry.
func TestConcurrentMeetingEdits(t *testing.T) {
	f := newMWFixture(t)
	start := time.Now().Add(72 * time.Hour)
	id := f.meeting(t, dialogue.LevelSOM, "SOM", start)
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- f.st.UpdateMeeting(f.ctx, f.sec, id, 1, store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM,
				Title: "Edit " + string(rune('A'+i)), StartsAt: start, EndsAt: start.Add(time.Hour)})
		}()
	}
	won := 0
	for range n {
		switch err := <-errs; dialogue.KindOf(err) {
		case 0:
			if err != nil {
				t.Fatal(err)
			}
			won++
		case dialogue.KindConflict:
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d edits won, want 1", won)
	}
	if h, err := f.st.MeetingHistory(f.ctx, id); err != nil || len(h) != 1 || f.one(t, id).Version != 2 {
		t.Errorf("history %d entries (%v), version %d", len(h), err, f.one(t, id).Version)
	}
}

// Two editors open the same draft of the minutes: the first save goes
// through, the second is a conflict and changes nothing.
func TestMinutesTwoEditorsOfOneDraft(t *testing.T) {
	f := newMWFixture(t)
	m := f.meeting(t, dialogue.LevelSOM, "SOM", time.Now().Add(-48*time.Hour))
	v, err := f.st.SaveMinutes(f.ctx, f.sec, m, 0, time.Time{}, "First draft.")
	if err != nil || v != 1 {
		t.Fatalf("first save: %d %v", v, err)
	}
	ms, _ := f.st.Minutes(f.ctx, m)
	opened := ms[0].UpdatedAt // both editors open version 1 as saved now
	if _, err := f.st.SaveMinutes(f.ctx, f.sec, m, 1, opened, "Anna's edit."); err != nil {
		t.Fatalf("Anna's save: %v", err)
	}
	if _, err := f.st.SaveMinutes(f.ctx, f.sec, m, 1, opened, "Bruno's edit."); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("Bruno's save on the same opened draft: %v, want a conflict", err)
	}
	ms, _ = f.st.Minutes(f.ctx, m)
	if len(ms) != 1 || ms[0].Body != "Anna's edit." {
		t.Fatalf("minutes after the conflict: %+v", ms)
	}
}

// ScheduleMeeting draws up the default invitation list with the meeting,
// in one transaction: a meeting the form refuses leaves neither.
func TestScheduleMeetingInvitesTheDefaultList(t *testing.T) {
	f := newMWFixture(t)
	start := time.Now().Add(30 * 24 * time.Hour)
	in := store.MeetingInput{DialogueCode: "med", Level: dialogue.LevelSOM, Title: "med SOM", StartsAt: start, EndsAt: start.Add(3 * time.Hour)}
	id, err := f.st.ScheduleMeeting(f.ctx, f.sec, in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.st.DefaultInvitees(f.ctx, id)
	if err != nil || len(want) == 0 {
		t.Fatalf("default invitees: %v %v", want, err)
	}
	invs, err := f.st.Invitations(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, inv := range invs {
		got = append(got, inv.Delegation.ID)
	}
	if !slices.Equal(f.codes(got), f.codes(want)) {
		t.Errorf("invited %v\nwant the default list %v", f.codes(got), f.codes(want))
	}
	recs := slices.DeleteFunc(f.audit(t, "meeting."), func(r store.AuditRecord) bool { return r.ObjectID != id })
	if a := actions(recs); !slices.Equal(a, []string{"meeting.create", "meeting.invitations"}) {
		t.Errorf("audit %v", a)
	}

	bad := in
	bad.EndsAt = start.Add(-time.Hour)
	if _, err := f.st.ScheduleMeeting(f.ctx, f.sec, bad); dialogue.KindOf(err) != dialogue.KindInvalid {
		t.Fatalf("a meeting ending before it starts: %v", err)
	}
	var meetings, invitations int
	err = queryRow(f.url, `SELECT count(DISTINCT m.id), count(i.meeting_id) FROM meetings m
		LEFT JOIN meeting_invitations i ON i.meeting_id = m.id WHERE m.title = 'med SOM'`, &meetings, &invitations)
	if err != nil || meetings != 1 || invitations != len(want) {
		t.Errorf("after a refused meeting: %d meetings, %d invitations (%v)", meetings, invitations, err)
	}
}
