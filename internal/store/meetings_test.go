package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestMeetings(t *testing.T) {
	st, _ := demoStore(t)
	ctx := context.Background()

	all, err := st.Meetings(ctx, store.MeetingFilter{Now: demoNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 5 {
		t.Fatalf("%d meetings", len(all))
	}
	// Upcoming first, soonest first; then past, latest first.
	upcoming := true
	for i, m := range all {
		if !m.EndsAt.After(demoNow) {
			upcoming = false
		} else if !upcoming {
			t.Fatalf("upcoming %q listed after past meetings", m.Title)
		}
		if i == 0 {
			continue
		}
		prev := all[i-1]
		if prev.EndsAt.After(demoNow) == m.EndsAt.After(demoNow) {
			if upcoming && m.StartsAt.Before(prev.StartsAt) || !upcoming && m.StartsAt.After(prev.StartsAt) {
				t.Errorf("%q (%v) out of order after %q (%v)", m.Title, m.StartsAt, prev.Title, prev.StartsAt)
			}
		}
	}
	if upcoming {
		t.Errorf("no past meetings in the demo")
	}

	next, err := st.Meetings(ctx, store.MeetingFilter{Now: demoNow, UpcomingOnly: true, Limit: 5})
	if err != nil || len(next) != 5 || !next[0].EndsAt.After(demoNow) || next[0].ID != all[0].ID {
		t.Errorf("next five = %d, %v", len(next), err)
	}

	cosi, err := st.Meetings(ctx, store.MeetingFilter{COSIOnly: true, Level: dialogue.LevelCOSI})
	if err != nil || len(cosi) == 0 {
		t.Fatalf("COSI meetings: %d, %v", len(cosi), err)
	}
	for _, m := range cosi {
		if m.DialogueID != 0 || m.Level != dialogue.LevelCOSI {
			t.Errorf("COSI filter let through %+v", m)
		}
	}

	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.Meetings(ctx, store.MeetingFilter{DialogueID: med.ID})
	if err != nil || len(ms) == 0 {
		t.Fatalf("med meetings: %v", err)
	}
	var b2b dialogue.Meeting
	for _, m := range ms {
		if m.DialogueID != med.ID || m.DialogueName == "" {
			t.Errorf("dialogue filter let through %+v", m)
		}
		if m.BackToBackID != 0 {
			b2b = m
		}
	}
	if b2b.ID == 0 || b2b.Presidency == "" {
		t.Fatalf("no back-to-back meeting with a Presidency in the med dialogue")
	}
	other, err := st.MeetingsByID(ctx, []int64{b2b.BackToBackID})
	if err != nil || len(other) != 1 || other[0].Level != dialogue.LevelCOSI {
		t.Errorf("the SOM's back-to-back meeting = %+v, %v", other, err)
	}
}

// TestCadenceMeetings: the secretariat's cadence reads the dialogues'
// senior officials' and ministerial meetings that start on or after the
// given instant (cancelled ones too, CheckCadence decides about them), in
// chronological order, under the same visibility rule as every meeting list.
func TestCadenceMeetings(t *testing.T) {
	st, url := demoStore(t)
	ctx := context.Background()
	from := time.Date(2025, time.January, 1, 0, 0, 0, 0, dialogue.Brussels)
	insert := func(level, title string, starts time.Time, hours int, status string) {
		reason := ""
		if status == "cancelled" {
			reason = "No quorum"
		}
		exec(t, url, `INSERT INTO meetings (dialogue_id, level, title, starts_at, ends_at, status, cancel_reason)
			VALUES ((SELECT id FROM dialogues WHERE code = 'med'), $1, $2, $3, $4, $5, $6)`,
			level, title, starts, starts.Add(time.Duration(hours)*time.Hour), status, reason)
	}
	insert("som", "Cadence: SOM at the start of the period", from, 3, "held")
	insert("som", "Cadence: SOM starting the evening before", from.Add(-time.Hour), 3, "held")
	insert("technical", "Cadence: technical meeting", from.AddDate(0, 3, 0), 3, "held")
	insert("ministerial", "Cadence: cancelled ministerial", from.AddDate(1, 2, 0), 5, "cancelled")
	// One whose invitation list names Belgium alone: the others do not see it.
	insert("som", "Cadence: SOM for Belgium", from.AddDate(0, 6, 0), 3, "planned")
	exec(t, url, `INSERT INTO meeting_invitations (meeting_id, delegation_id)
		SELECT m.id, d.id FROM meetings m, delegations d WHERE m.title = 'Cadence: SOM for Belgium' AND d.code = 'BE'`)

	got, err := st.CadenceMeetings(ctx, presidency, from)
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	for i, m := range got {
		titles[m.Title] = true
		if m.DialogueID == 0 || m.DialogueName == "" || (m.Level != dialogue.LevelSOM && m.Level != dialogue.LevelMinisterial) {
			t.Errorf("%q (%s) is not a dialogue's SOM or ministerial meeting", m.Title, m.Level)
		}
		if m.StartsAt.Before(from) {
			t.Errorf("%q starts %v, before %v", m.Title, m.StartsAt, from)
		}
		if i > 0 && m.StartsAt.Before(got[i-1].StartsAt) {
			t.Errorf("%q out of order", m.Title)
		}
	}
	for title, want := range map[string]bool{
		"Cadence: SOM at the start of the period":  true,
		"Cadence: cancelled ministerial":           true,
		"Cadence: SOM starting the evening before": false,
		"Cadence: technical meeting":               false,
	} {
		if titles[title] != want {
			t.Errorf("%q listed: %v, want %v", title, titles[title], want)
		}
	}

	// Whoever asks, exactly what VisibleMeetings gives them of the same kind.
	viewers := demoViewers(t, url)
	seen := make([]int, len(viewers))
	for i, v := range viewers {
		got, err := st.CadenceMeetings(ctx, v, from)
		if err != nil {
			t.Fatal(err)
		}
		all, err := st.VisibleMeetings(ctx, v, store.MeetingFilter{From: from.AddDate(0, 0, -7)})
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, m := range all {
			if m.DialogueID != 0 && (m.Level == dialogue.LevelSOM || m.Level == dialogue.LevelMinisterial) && !m.StartsAt.Before(from) {
				want = append(want, m.ID)
			}
		}
		var ids []int64
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("viewer %+v: %v, want %v", v, ids, want)
		}
		seen[i] = len(ids)
	}
	// The rule did discriminate: Belgium sees all the Presidency sees, CEPOL
	// all but Belgium's meeting, the zero viewer nothing.
	if seen[0] == 0 || seen[1] != 0 || seen[2] != seen[0] || seen[6] != seen[0]-1 {
		t.Errorf("meetings seen (Presidency, zero viewer, BE, COM, TN, EUROPOL, CEPOL): %v", seen)
	}
}

// demoViewers are the Presidency, the zero viewer, and delegates of BE, COM,
// TN, EUROPOL and CEPOL: every kind of audience the visibility rules tell
// apart, in that order.
func demoViewers(t *testing.T, url string) []dialogue.Viewer {
	t.Helper()
	viewers := []dialogue.Viewer{presidency, {}}
	for _, code := range []string{"BE", "COM", "TN", "EUROPOL", "CEPOL"} {
		var id int64
		var kind dialogue.DelegationKind
		if err := queryRow(url, `SELECT id, kind FROM delegations WHERE code = '`+code+`'`, &id, &kind); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		viewers = append(viewers, dialogue.Viewer{UserID: 9, DelegationID: id, DelegationKind: kind})
	}
	return viewers
}

// oneConnection is a store on a single connection: after five executions
// of a statement, PostgreSQL may keep one plan for it, which the tests
// using it then exercise for every viewer and bound.
func oneConnection(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// meetingForBelgium adds a technical meeting whose invitation list names
// Belgium alone.
func meetingForBelgium(t *testing.T, url, title string, start, end time.Time) {
	t.Helper()
	exec(t, url, `INSERT INTO meetings (dialogue_id, level, title, starts_at, ends_at)
		VALUES ((SELECT id FROM dialogues WHERE code = 'med'), 'technical', $1, $2, $3)`, title, start, end)
	exec(t, url, `INSERT INTO meeting_invitations (meeting_id, delegation_id)
		SELECT m.id, d.id FROM meetings m, delegations d WHERE m.title = $1 AND d.code = 'BE'`, title)
}

// meetingIDs are the ids of meetings, in order.
func meetingIDs(ms []dialogue.Meeting) (out []int64) {
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// TestFeedMeetings: a calendar feed holds exactly the meetings its user may
// see that end after the start of the window, in chronological order, also
// once PostgreSQL plans the statement once for every viewer and window (on
// one connection, after five executions).
func TestFeedMeetings(t *testing.T) {
	_, url := demoStore(t)
	ctx := context.Background()
	st := oneConnection(t, url)
	// One whose invitation list names Belgium alone.
	meetingForBelgium(t, url, "Feed: for Belgium", demoNow.AddDate(0, 1, 0), demoNow.AddDate(0, 1, 0).Add(3*time.Hour))

	viewers := demoViewers(t, url)
	windows := []time.Time{demoNow.AddDate(-1, 0, 0), demoNow, demoNow.AddDate(-10, 0, 0)}
	counts := make([]int, len(viewers))
	for round := range 3 {
		for i, v := range viewers {
			from := windows[(round+i)%len(windows)]
			got, err := st.FeedMeetings(ctx, v, from)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.VisibleMeetings(ctx, v, store.MeetingFilter{From: from})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(meetingIDs(got), meetingIDs(want)) {
				t.Errorf("round %d, viewer %+v, from %v: %v, want %v", round, v, from, meetingIDs(got), meetingIDs(want))
			}
			for _, m := range got {
				if !m.EndsAt.After(from) {
					t.Errorf("%q ended %v, before the window (%v)", m.Title, m.EndsAt, from)
				}
			}
			if from.Equal(demoNow) {
				counts[i] = len(got)
			}
		}
	}
	// The rule did discriminate: the Presidency and Belgium see Belgium's
	// meeting, CEPOL does not, the zero viewer sees nothing.
	if counts[0] == 0 || counts[1] != 0 || counts[2] == 0 || counts[6] >= counts[2] {
		t.Errorf("meetings ahead (Presidency, zero viewer, BE, COM, TN, EUROPOL, CEPOL): %v", counts)
	}
}

// TestNextMeetings: the home page's next meetings are the first ones not yet
// over, soonest first, a meeting under way included, under the visibility
// rule; the same also once PostgreSQL plans the statement once for every
// viewer and instant (one connection, more than five executions).
func TestNextMeetings(t *testing.T) {
	_, url := demoStore(t)
	ctx := context.Background()
	st := oneConnection(t, url)
	// Under way at demoNow, and invited: Belgium alone.
	meetingForBelgium(t, url, "Next: under way for Belgium", demoNow.Add(-time.Hour), demoNow.Add(2*time.Hour))

	viewers := demoViewers(t, url)
	instants := []time.Time{demoNow, demoNow.AddDate(0, 6, 0), demoNow.AddDate(-1, 0, 0)}
	for round := range 3 {
		for i, v := range viewers {
			now, n := instants[(round+i)%len(instants)], 5-2*(i%2)
			got, err := st.NextMeetings(ctx, v, now, n)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.VisibleMeetings(ctx, v, store.MeetingFilter{Now: now, UpcomingOnly: true, Limit: n})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(meetingIDs(got), meetingIDs(want)) {
				t.Errorf("round %d, viewer %+v, at %v: %v, want %v", round, v, now, meetingIDs(got), meetingIDs(want))
			}
			if v.SeeAll && len(got) != n {
				t.Errorf("at %v: %d meetings for the Presidency, want %d", now, len(got), n)
			}
		}
	}
	for i, v := range viewers {
		got, err := st.NextMeetings(ctx, v, demoNow, 3)
		if err != nil {
			t.Fatal(err)
		}
		first := len(got) > 0 && got[0].Title == "Next: under way for Belgium"
		if want := i == 0 || i == 2; first != want { // the Presidency and Belgium
			t.Errorf("viewer %+v: the meeting under way first: %v, want %v", v, first, want)
		}
	}
}

// TestVisibleMeetingsByID: by id, a viewer gets exactly those of the
// meetings asked for that VisibleMeetings would list for them.
func TestVisibleMeetingsByID(t *testing.T) {
	st, url := demoStore(t)
	ctx := context.Background()
	exec(t, url, `INSERT INTO meetings (level, title, starts_at, ends_at) VALUES ('cosi', 'ByID: COSI for Belgium', $1, $2)`,
		demoNow.AddDate(0, 2, 0), demoNow.AddDate(0, 2, 0).Add(3*time.Hour))
	exec(t, url, `INSERT INTO meeting_invitations (meeting_id, delegation_id)
		SELECT m.id, d.id FROM meetings m, delegations d WHERE m.title = 'ByID: COSI for Belgium' AND d.code = 'BE'`)
	all, err := st.Meetings(ctx, store.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := len(all) - 1; i >= 0; i-- { // in another order than the answer's
		ids = append(ids, all[i].ID)
	}
	ids = append(ids, 1<<40) // no such meeting
	for _, v := range demoViewers(t, url) {
		got, err := st.VisibleMeetingsByID(ctx, v, ids)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.VisibleMeetings(ctx, v, store.MeetingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var g, w []int64
		for _, m := range got {
			g = append(g, m.ID)
		}
		for _, m := range want {
			w = append(w, m.ID)
		}
		if !slices.Equal(g, w) {
			t.Errorf("viewer %+v: %v, want %v", v, g, w)
		}
	}
	if ms, err := st.VisibleMeetingsByID(ctx, presidency, nil); err != nil || len(ms) != 0 {
		t.Errorf("no ids: %v, %v", ms, err)
	}
}
