package calendar_test

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dialogue-secretariat/portal/internal/calendar"
	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

const baseURL = "https://portal.example.eu/"

var stamp = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// handMade are meetings covering what a feed must carry: a confirmed COSI
// meeting, a meeting held in Lisbon's zone, a cancelled one, a demo one
// back-to-back with the COSI meeting, and text that needs escaping.
func handMade(t *testing.T) []dialogue.Meeting {
	lisbon := mustZone(t, "Europe/Lisbon")
	return []dialogue.Meeting{
		{ID: 1, Level: dialogue.LevelCOSI, Title: "COSI meeting", Status: dialogue.MeetingConfirmed,
			StartsAt: time.Date(2027, 3, 16, 10, 0, 0, 0, dialogue.Brussels), EndsAt: time.Date(2027, 3, 16, 13, 0, 0, 0, dialogue.Brussels),
			TimeZone: "Europe/Brussels", Venue: "Justus Lipsius building", City: "Brussels", Format: dialogue.FormatInPerson,
			Presidency: "Lithuania (January–June 2027)", Version: 3},
		{ID: 2, DialogueID: 7, DialogueName: "EU–Mediterranean", Level: dialogue.LevelMinisterial,
			Title: "EU-MENA States Ministerial Conference", Status: dialogue.MeetingHeld,
			StartsAt: time.Date(2025, 11, 13, 9, 0, 0, 0, lisbon), EndsAt: time.Date(2025, 11, 14, 13, 0, 0, 0, lisbon),
			TimeZone: "Europe/Lisbon", City: "Lisbon", Format: dialogue.FormatInPerson, Version: 1,
			Note: `Also called "the Estoril ministerial conference"; kept as in the source, with commas, semicolons; and a backslash \.`},
		{ID: 3, DialogueID: 7, DialogueName: "EU–Mediterranean", Level: dialogue.LevelTechnical,
			Title: "Experts' meeting on drug trafficking, routes; and ports", Status: dialogue.MeetingCancelled,
			CancelReason: "Postponed at the request of the Presidency",
			StartsAt:     time.Date(2026, 6, 10, 14, 30, 0, 0, dialogue.Brussels), EndsAt: time.Date(2026, 6, 10, 18, 0, 0, 0, dialogue.Brussels),
			TimeZone: "Europe/Brussels", Format: dialogue.FormatVideoconference, Version: 2},
		{ID: 4, DialogueID: 7, DialogueName: "EU–Mediterranean", Level: dialogue.LevelSOM,
			Title: "EU–Mediterranean dialogue: senior officials' meeting", Status: dialogue.MeetingPlanned, Demo: true,
			StartsAt: time.Date(2027, 3, 16, 14, 30, 0, 0, dialogue.Brussels), EndsAt: time.Date(2027, 3, 16, 17, 30, 0, 0, dialogue.Brussels),
			TimeZone: "Europe/Brussels", Venue: "Justus Lipsius building", City: "Brussels", Format: dialogue.FormatHybrid,
			BackToBackID: 1, Version: 1},
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	ms := handMade(t)
	out, err := calendar.Encode(ms, calendar.Options{BaseURL: baseURL, Name: "My meetings", Now: stamp})
	if err != nil {
		t.Fatal(err)
	}
	cal := parse(t, out)
	checkCalendar(t, cal, "My meetings")
	got := checkEvents(t, cal, ms, "portal.example.eu")

	// Details beyond the common checks.
	if s := prop(got[4], ics.ComponentPropertySummary); s != "[Demo] EU–Mediterranean dialogue: senior officials' meeting" {
		t.Errorf("demo summary = %q", s)
	}
	if s := prop(got[3], ics.ComponentPropertySummary); s != ms[2].Title {
		t.Errorf("escaped summary came back as %q", s)
	}
	if s := prop(got[3], ics.ComponentPropertyLocation); s != "Videoconference" {
		t.Errorf("videoconference location = %q", s)
	}
	if d := prop(got[3], ics.ComponentPropertyDescription); !strings.Contains(d, "CANCELLED: Postponed at the request of the Presidency") {
		t.Errorf("cancelled description lacks the reason:\n%s", d)
	}
	if s := prop(got[3], ics.ComponentPropertyTransp); s != "TRANSPARENT" {
		t.Errorf("cancelled meeting TRANSP = %q", s)
	}
	d2 := prop(got[2], ics.ComponentPropertyDescription)
	for _, want := range []string{"Local time (Europe/Lisbon): Thu 13 Nov 2025 09:00 WET – Fri 14 Nov 2025 13:00 WET",
		"Brussels time: Thu 13 Nov 2025 10:00 CET – Fri 14 Nov 2025 14:00 CET", ms[1].Note, "Dialogue: EU–Mediterranean"} {
		if !strings.Contains(d2, want) {
			t.Errorf("Lisbon description lacks %q:\n%s", want, d2)
		}
	}
	d4 := prop(got[4], ics.ComponentPropertyDescription)
	for _, want := range []string{"Back-to-back with: COSI meeting (Tue 16 Mar 2027 10:00 CET)", "Demo data", "Format: Hybrid"} {
		if !strings.Contains(d4, want) {
			t.Errorf("SOM description lacks %q:\n%s", want, d4)
		}
	}
	if d1 := prop(got[1], ics.ComponentPropertyDescription); !strings.Contains(d1, "Presidency: Lithuania (January–June 2027)") {
		t.Errorf("COSI description lacks the Presidency:\n%s", d1)
	}

	// The wire format: CRLF everywhere, lines folded at 75 octets, times in
	// the UTC "Z" form and no TZID anywhere.
	text := string(out)
	if strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Error("a line ends without CRLF")
	}
	for _, line := range strings.Split(text, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
	if strings.Contains(text, "TZID") {
		t.Error("times carry a TZID; want UTC")
	}
	if !regexp.MustCompile(`(?m)^DTSTART:20251113T090000Z\r$`).MatchString(text) {
		t.Errorf("Lisbon 09:00 (WET = UTC) not written as DTSTART:20251113T090000Z:\n%s", text)
	}
	if !strings.Contains(text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n") {
		t.Errorf("no well-formed REFRESH-INTERVAL:\n%s", text)
	}
	if !strings.Contains(text, "DTSTAMP:20260302T090000Z") {
		t.Error("DTSTAMP is not Options.Now in UTC")
	}
}

func TestEncodeIsStable(t *testing.T) {
	ms := handMade(t)
	a, err := calendar.Encode(ms, calendar.Options{BaseURL: baseURL, Now: stamp})
	if err != nil {
		t.Fatal(err)
	}
	// An edit changes SEQUENCE, never the UID.
	ms[0].Title, ms[0].Version = "COSI meeting (moved)", 4
	b, err := calendar.Encode(ms, calendar.Options{BaseURL: "https://portal.example.eu/other/path", Now: stamp})
	if err != nil {
		t.Fatal(err)
	}
	ea, eb := parse(t, a).Events(), parse(t, b).Events()
	for i := range ea {
		if ea[i].Id() != eb[i].Id() {
			t.Errorf("UID changed: %q → %q", ea[i].Id(), eb[i].Id())
		}
	}
	if prop(eb[0], ics.ComponentPropertySequence) != "4" {
		t.Errorf("SEQUENCE after the edit = %q", prop(eb[0], ics.ComponentPropertySequence))
	}
	if cal := parse(t, a); calProp(cal, ics.PropertyXWRCalName) != calendar.DefaultName {
		t.Errorf("default name = %q", calProp(cal, ics.PropertyXWRCalName))
	}
}

func TestEncodeRefusesBadInput(t *testing.T) {
	ms := handMade(t)
	for _, tc := range []struct {
		name string
		ms   []dialogue.Meeting
		base string
	}{
		{"no base URL", ms, ""},
		{"relative base URL", ms, "/portal"},
		{"meeting without id", []dialogue.Meeting{{Title: "x", StartsAt: stamp, EndsAt: stamp.Add(time.Hour)}}, baseURL},
		{"end before start", []dialogue.Meeting{{ID: 9, Title: "x", StartsAt: stamp, EndsAt: stamp}}, baseURL},
	} {
		if _, err := calendar.Encode(tc.ms, calendar.Options{BaseURL: tc.base}); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	// An empty feed is a valid calendar.
	out, err := calendar.Encode(nil, calendar.Options{BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	if cal := parse(t, out); len(cal.Events()) != 0 {
		t.Errorf("%d events in an empty feed", len(cal.Events()))
	}
}

// TestEncodeDemoMeetings encodes the demo dataset's meetings as the store
// returns them and parses the feed back.
func TestEncodeDemoMeetings(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, stamp); err != nil {
		t.Fatal(err)
	}
	ms, err := st.Meetings(ctx, store.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 10 {
		t.Fatalf("%d demo meetings", len(ms))
	}
	out, err := calendar.Encode(ms, calendar.Options{BaseURL: "http://localhost:8080", Now: stamp})
	if err != nil {
		t.Fatal(err)
	}
	cal := parse(t, out)
	checkCalendar(t, cal, calendar.DefaultName)
	checkEvents(t, cal, ms, "localhost")
}

func parse(t *testing.T, b []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, b)
	}
	return cal
}

func calProp(cal *ics.Calendar, p ics.Property) string {
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == string(p) {
			return cp.Value
		}
	}
	return ""
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if ip := e.GetProperty(p); ip != nil {
		return ip.Value
	}
	return ""
}

func checkCalendar(t *testing.T, cal *ics.Calendar, name string) {
	t.Helper()
	for p, want := range map[ics.Property]string{
		ics.PropertyVersion:    "2.0",
		ics.PropertyProductId:  calendar.ProductID,
		ics.PropertyMethod:     "PUBLISH",
		ics.PropertyXWRCalName: name,
	} {
		if got := calProp(cal, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
}

// checkEvents asserts that the calendar holds exactly one event per meeting
// whose UID, times (UTC), summary, status, location, URL and sequence are
// the meeting's, and returns the events by meeting id.
func checkEvents(t *testing.T, cal *ics.Calendar, ms []dialogue.Meeting, host string) map[int64]*ics.VEvent {
	t.Helper()
	events := cal.Events()
	if len(events) != len(ms) {
		t.Fatalf("%d events for %d meetings", len(events), len(ms))
	}
	byID := map[int64]*ics.VEvent{}
	for i, m := range ms {
		e := events[i]
		byID[m.ID] = e
		if want := "meeting-" + strconv.FormatInt(m.ID, 10) + "@" + host; e.Id() != want {
			t.Errorf("UID = %q, want %q", e.Id(), want)
		}
		start, err := e.GetStartAt()
		if err != nil || !start.Equal(m.StartsAt.Truncate(time.Second)) || start.Location() != time.UTC {
			t.Errorf("%d: DTSTART = %v (%v), want %v in UTC", m.ID, start, err, m.StartsAt.UTC())
		}
		end, err := e.GetEndAt()
		if err != nil || !end.Equal(m.EndsAt.Truncate(time.Second)) || end.Location() != time.UTC {
			t.Errorf("%d: DTEND = %v (%v), want %v in UTC", m.ID, end, err, m.EndsAt.UTC())
		}
		if got := prop(e, ics.ComponentPropertySummary); got != calendar.Summary(m) || !strings.Contains(got, m.Title) {
			t.Errorf("%d: SUMMARY = %q, want %q", m.ID, got, m.Title)
		}
		if m.Demo && !strings.Contains(strings.ToLower(prop(e, ics.ComponentPropertySummary)), "demo") {
			t.Errorf("%d: demo meeting's summary does not say so", m.ID)
		}
		wantStatus := map[dialogue.MeetingStatus]string{
			dialogue.MeetingPlanned: "TENTATIVE", dialogue.MeetingConfirmed: "CONFIRMED",
			dialogue.MeetingHeld: "CONFIRMED", dialogue.MeetingCancelled: "CANCELLED",
		}[m.Status]
		if got := prop(e, ics.ComponentPropertyStatus); got != wantStatus {
			t.Errorf("%d: STATUS = %q, want %q", m.ID, got, wantStatus)
		}
		if got := prop(e, ics.ComponentPropertyLocation); got != calendar.Location(m) ||
			(m.City != "" && !strings.Contains(got, m.City)) || (m.Venue != "" && !strings.Contains(got, m.Venue)) {
			t.Errorf("%d: LOCATION = %q, want venue %q and city %q", m.ID, got, m.Venue, m.City)
		}
		if got, want := prop(e, ics.ComponentPropertyUrl), "/meetings/"+strconv.FormatInt(m.ID, 10); !strings.HasSuffix(got, want) || !strings.Contains(got, host) {
			t.Errorf("%d: URL = %q", m.ID, got)
		}
		if got := prop(e, ics.ComponentPropertySequence); got != strconv.Itoa(m.Version) {
			t.Errorf("%d: SEQUENCE = %q, want %d", m.ID, got, m.Version)
		}
		if stamp, err := e.GetDtStampTime(); err != nil || stamp.IsZero() {
			t.Errorf("%d: DTSTAMP %v %v", m.ID, stamp, err)
		}
	}
	return byID
}
