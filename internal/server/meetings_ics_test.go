package server_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dialogue-secretariat/portal/internal/calendar"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

var feedAddress = regexp.MustCompile(`value="http://127\.0\.0\.1:8080(/calendar/[A-Za-z0-9_-]+\.ics)"`)

// feedPath is the user's feed address, as the calendar page shows it.
func feedPath(t *testing.T, u asUser) string {
	t.Helper()
	r := pageOK(t, u, "/account/calendar")
	m := feedAddress.FindStringSubmatch(r.body)
	if m == nil {
		// No address yet: the user asks for one.
		if p := post(t, u, "/account/calendar/renew", nil); p.status != http.StatusSeeOther {
			t.Fatalf("create a feed address: %d", p.status)
		}
		r = pageOK(t, u, "/account/calendar")
		if m = feedAddress.FindStringSubmatch(r.body); m == nil {
			t.Fatalf("no feed address on /account/calendar:\n%s", r.body)
		}
	}
	return m[1]
}

// feedOf fetches the user's feed as a calendar application does: without
// a session.
func feedOf(t *testing.T, f meetingsFixture, u asUser) string {
	t.Helper()
	path := feedPath(t, u)
	r := get(t, f.raw, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET the feed = %d", r.status)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("feed Content-Type = %q", ct)
	}
	return r.body
}

func parseICS(t *testing.T, body string) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse the iCalendar: %v\n%s", err, body)
	}
	return cal
}

func icsProp(e *ics.VEvent, p ics.ComponentProperty) string {
	if x := e.GetProperty(p); x != nil {
		return x.Value
	}
	return ""
}

func viewerFor(u asUser, kind dialogue.DelegationKind) dialogue.Viewer {
	return dialogue.Viewer{UserID: u.user.ID, DelegationID: u.user.DelegationID, DelegationKind: kind}
}

// sameEvents checks that the calendar holds exactly the meetings, each
// with its stable UID, its times in UTC, its summary and its status.
func sameEvents(t *testing.T, who string, cal *ics.Calendar, ms []dialogue.Meeting) {
	t.Helper()
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		if _, dup := events[e.Id()]; dup {
			t.Errorf("%s: UID %s twice", who, e.Id())
		}
		events[e.Id()] = e
	}
	if len(events) != len(ms) {
		t.Errorf("%s: %d events, want the %d meetings the user may see", who, len(events), len(ms))
	}
	utc := func(x time.Time) string { return x.UTC().Format("20060102T150405Z") }
	for _, m := range ms {
		uid := calendar.UID(m.ID, "127.0.0.1")
		e, ok := events[uid]
		if !ok {
			t.Errorf("%s: no event %s for %q", who, uid, m.Title)
			continue
		}
		if got := icsProp(e, ics.ComponentPropertyDtStart); got != utc(m.StartsAt) {
			t.Errorf("%s: %s DTSTART = %q, want %q", who, uid, got, utc(m.StartsAt))
		}
		if got := icsProp(e, ics.ComponentPropertyDtEnd); got != utc(m.EndsAt) {
			t.Errorf("%s: %s DTEND = %q, want %q", who, uid, got, utc(m.EndsAt))
		}
		if got := icsProp(e, ics.ComponentPropertySummary); got != calendar.Summary(m) {
			t.Errorf("%s: %s SUMMARY = %q, want %q", who, uid, got, calendar.Summary(m))
		}
		if got := icsProp(e, ics.ComponentPropertyStatus); got != string(calendar.Status(m.Status)) {
			t.Errorf("%s: %s STATUS = %q, want %q", who, uid, got, calendar.Status(m.Status))
		}
	}
}

// The .ics of a meeting and the personal feed, parsed back with an
// iCalendar parser, are exactly the meetings the user may see.
func TestMeetingsICalendar(t *testing.T) {
	f := newMeetingsFixture(t)
	ctx := context.Background()
	start := time.Date(2027, 5, 4, 14, 30, 0, 0, dialogue.Brussels)
	cancelled, err := f.st.CreateMeeting(ctx, dialogue.Actor{Name: "test"}, store.MeetingInput{DialogueCode: "med",
		Level: dialogue.LevelTechnical, Title: "Experts on drug routes", StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		City: "Brussels", Status: dialogue.MeetingCancelled, CancelReason: "Postponed at the request of the Presidency"})
	if err != nil {
		t.Fatal(err)
	}

	// One meeting.
	for _, id := range []int64{f.somMar, cancelled, f.cosiDec} {
		path := mpath(id, "/calendar.ics")
		r := get(t, f.be, path)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/calendar; charset=utf-8" {
			t.Fatalf("GET %s as BE = %d %q", path, r.status, r.header.Get("Content-Type"))
		}
		m, err := f.st.VisibleMeeting(ctx, viewerFor(f.be, dialogue.MemberState), id)
		if err != nil {
			t.Fatal(err)
		}
		sameEvents(t, path, parseICS(t, r.body), []dialogue.Meeting{m})
	}
	one := parseICS(t, get(t, f.be, mpath(cancelled, "/calendar.ics")).body).Events()[0]
	if icsProp(one, ics.ComponentPropertyStatus) != "CANCELLED" ||
		!strings.Contains(icsProp(one, ics.ComponentPropertyDescription), "Postponed at the request of the Presidency") {
		t.Errorf("the cancelled meeting is not a cancelled event with its reason")
	}

	// The feeds: BE (a member state), TN (a partner), EUROPOL (an observer),
	// the secretariat (everything).
	for _, c := range []struct {
		who  string
		u    asUser
		kind dialogue.DelegationKind
	}{{"BE", f.be, dialogue.MemberState}, {"TN", f.tn, dialogue.Partner}, {"EUROPOL", f.europol, dialogue.Observer}, {"secretariat", f.sec, ""}} {
		v := viewerFor(c.u, c.kind)
		if c.who == "secretariat" {
			v = dialogue.Viewer{UserID: c.u.user.ID, SeeAll: true}
		}
		// The feed holds the past twelve months and everything ahead.
		want, err := f.st.VisibleMeetings(ctx, v, store.MeetingFilter{From: fixedNow.AddDate(-1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		cal := parseICS(t, feedOf(t, f, c.u))
		sameEvents(t, c.who+"'s feed", cal, want)
		ids := make([]int64, len(want))
		for i, m := range want {
			ids[i] = m.ID
		}
		hasCOSI, hasCancelled := slices.Contains(ids, f.cosiDec), slices.Contains(ids, cancelled)
		switch c.who {
		case "BE", "secretariat":
			if !hasCOSI || !hasCancelled {
				t.Errorf("%s's feed: COSI %v, cancelled meeting %v; want both", c.who, hasCOSI, hasCancelled)
			}
		default:
			if hasCOSI {
				t.Errorf("%s's feed has a COSI meeting", c.who)
			}
		}
	}
}

// A revoked token gets 404 with nothing to say; a renewed token works and
// the old one is 404; so is the token of a disabled user.
func TestMeetingsFeedTokens(t *testing.T) {
	f := newMeetingsFixture(t)
	first := feedPath(t, f.be)
	if again := feedPath(t, f.be); again != first {
		t.Fatalf("the address changed on a second visit: %s, %s", first, again)
	}
	if r := get(t, f.raw, first); r.status != http.StatusOK {
		t.Fatalf("feed: %d", r.status)
	}
	notFound := func(path, why string) {
		t.Helper()
		r := get(t, f.raw, path)
		if r.status != http.StatusNotFound {
			t.Errorf("%s (%s) = %d, want 404", path, why, r.status)
		}
		if strings.TrimSpace(r.body) != "Not found" || strings.Contains(r.header.Get("Content-Type"), "calendar") {
			t.Errorf("%s (%s): the 404 says more than it should: %q", path, why, r.body)
		}
	}
	notFound(strings.TrimSuffix(first, ".ics"), "no .ics")
	notFound("/calendar/"+strings.Repeat("A", 43)+".ics", "unknown token")
	notFound("/calendar/.ics", "empty token")

	// Renew: a new address; the old one is dead at once.
	if r := post(t, f.be, "/account/calendar/renew", nil); r.status != http.StatusSeeOther {
		t.Fatalf("renew: %d", r.status)
	}
	renewed := feedPath(t, f.be)
	if renewed == first {
		t.Fatal("renewing kept the address")
	}
	notFound(first, "replaced")
	if r := get(t, f.raw, renewed); r.status != http.StatusOK {
		t.Fatalf("renewed feed: %d", r.status)
	}

	// Revoke: switched off.
	r := post(t, f.be, "/account/calendar/revoke", nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/calendar" {
		t.Fatalf("revoke: %d %q", r.status, r.header.Get("Location"))
	}
	pageOK(t, f.be, "/account/calendar", "switched off").mustNotContain(t, "revoked page", ".ics")
	notFound(renewed, "revoked")
	// It stays off: visiting the page again does not make a new address.
	pageOK(t, f.be, "/account/calendar", "no calendar address").mustNotContain(t, "revisited page", ".ics")

	// A disabled user's feed is gone too.
	sec := feedPath(t, f.sec)
	if err := f.st.SetDisabled(context.Background(), dialogue.Actor{Name: "test"}, f.sec.user.ID, true); err != nil {
		t.Fatal(err)
	}
	notFound(sec, "disabled user")
}
