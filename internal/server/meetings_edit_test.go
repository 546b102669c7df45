package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// meetingForm is the edit form of a meeting as the page fills it.
func meetingForm(m dialogue.Meeting, dialogueCode string) url.Values {
	loc, _ := time.LoadLocation(m.TimeZone)
	return url.Values{"version": {strconv.Itoa(m.Version)}, "dialogue": {dialogueCode}, "level": {string(m.Level)},
		"title": {m.Title}, "starts_at": {m.StartsAt.In(loc).Format("2006-01-02T15:04")}, "ends_at": {m.EndsAt.In(loc).Format("2006-01-02T15:04")},
		"time_zone": {m.TimeZone}, "venue": {m.Venue}, "city": {m.City}, "format": {string(m.Format)}, "status": {string(m.Status)},
		"cancel_reason": {m.CancelReason}, "back_to_back": {strconv.FormatInt(m.BackToBackID, 10)}, "note": {m.Note}}
}

func oneMeeting(t *testing.T, st *store.Store, id int64) dialogue.Meeting {
	t.Helper()
	ms, err := st.MeetingsByID(context.Background(), []int64{id})
	if err != nil || len(ms) != 1 {
		t.Fatalf("meeting %d: %v %v", id, ms, err)
	}
	return ms[0]
}

// Two secretariat officers edit the same meeting from the same version: the
// first saves; the second gets the conflict page with what they typed and
// the meeting as saved; saving again keeps both in the history.
func TestMeetingsConflictingEditsKeepBoth(t *testing.T) {
	f := newMeetingsFixture(t)
	other := signedIn(t, f.raw, f.st, dialogue.RoleSecretariat, "")
	path := mpath(f.somMar, "")
	base := oneMeeting(t, f.st, f.somMar)

	pageOK(t, f.sec, path+"/edit")
	pageOK(t, other, path+"/edit")
	mine := meetingForm(base, "med")
	mine.Set("venue", "Europa building")
	theirs := meetingForm(base, "med")
	theirs.Set("title", "EU–Mediterranean senior officials (moved)")
	theirs.Set("starts_at", "2027-03-16T15:00")

	if r := post(t, other, path, theirs); r.status != http.StatusSeeOther {
		t.Fatalf("first edit: %d\n%s", r.status, r.body)
	}
	r := post(t, f.sec, path, mine)
	if r.status != http.StatusConflict {
		t.Fatalf("second edit on the same version: %d, want 409", r.status)
	}
	checkHTML(t, path+" (409)", r.body)
	r.mustContain(t, path+" (409)", "Changed by someone else meanwhile", "EU–Mediterranean senior officials (moved)",
		`value="Europa building"`, `name="version" value="`+strconv.Itoa(base.Version+1)+`"`, "nothing you typed is lost")
	if got := oneMeeting(t, f.st, f.somMar); got.Venue == "Europa building" || got.Title != "EU–Mediterranean senior officials (moved)" {
		t.Fatalf("the stale edit was written: %+v", got)
	}
	// Saving the kept form again (on the version it showed) replaces it knowingly.
	mine.Set("version", strconv.Itoa(base.Version+1))
	if r := post(t, f.sec, path, mine); r.status != http.StatusSeeOther {
		t.Fatalf("save after the conflict: %d\n%s", r.status, r.body)
	}
	now := oneMeeting(t, f.st, f.somMar)
	if now.Venue != "Europa building" || now.Version != base.Version+2 || now.Title != base.Title {
		t.Fatalf("after both edits: %+v", now)
	}
	hist, err := f.st.MeetingHistory(context.Background(), f.somMar)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %v %v", hist, err)
	}
	if hist[1].Before.Title != base.Title || hist[0].Before.Title != "EU–Mediterranean senior officials (moved)" {
		t.Errorf("history does not keep both versions: %+v", hist)
	}
	page := pageOK(t, f.sec, path, "Every change to the meeting", "EU–Mediterranean senior officials (moved)")
	page.mustContain(t, path, "title, start", "venue")
}

// Scheduling through the form: problems come back beside the fields with
// everything typed kept; times are read in the venue's zone.
func TestMeetingsScheduleForm(t *testing.T) {
	f := newMeetingsFixture(t)
	form := url.Values{"level": {"ministerial"}, "dialogue": {"med"}, "title": {"EU–Mediterranean ministerial"},
		"starts_at": {"2027-10-21T17:00"}, "ends_at": {"2027-10-21T10:00"}, "time_zone": {"Europe/Athens"},
		"city": {"Athens"}, "format": {"hybrid"}, "status": {"cancelled"}, "note": {"Kept as typed"}}
	r := post(t, f.sec, "/meetings", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid meeting: %d", r.status)
	}
	checkHTML(t, "/meetings (422)", r.body)
	r.mustContain(t, "/meetings (422)", "There is a problem", "The meeting must end after it starts", "Say why the meeting is cancelled",
		`value="EU–Mediterranean ministerial"`, `value="Europe/Athens"`, "Kept as typed", `value="2027-10-21T17:00"`)
	r = post(t, f.sec, "/meetings", url.Values{"starts_at": {"tomorrow"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter the start as a date and time") {
		t.Fatalf("unparsable start: %d", r.status)
	}

	form.Set("starts_at", "2027-10-21T10:00")
	form.Set("ends_at", "2027-10-21T17:00")
	form.Set("status", "planned")
	r = post(t, f.sec, "/meetings", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("schedule: %d\n%s", r.status, r.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.header.Get("Location"), "/meetings/"), 10, 64)
	m := oneMeeting(t, f.st, id)
	if want := time.Date(2027, 10, 21, 7, 0, 0, 0, time.UTC); !m.StartsAt.Equal(want) || m.TimeZone != "Europe/Athens" {
		t.Errorf("10:00 in Athens stored as %s (%s), want %s", m.StartsAt.UTC(), m.TimeZone, want)
	}
	invs, err := f.st.Invitations(context.Background(), id)
	if err != nil || len(invs) == 0 {
		t.Fatalf("no invitation list drawn up: %v", err)
	}
	pageOK(t, f.sec, mpath(id, ""), "The meeting is scheduled", "Thu 21 Oct 2027, 09:00–16:00 CEST",
		"Local time: Thu 21 Oct 2027, 10:00–17:00 EEST")
}

var planButton = regexp.MustCompile(`<form method="post" action="/meetings/plan" class="inline-form">(.*?)</form>`)
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`)

// The scheduling assistant proposes the slots next to COSI meetings with
// their reasons, shows the excluded near slots with theirs, and choosing a
// slot creates the meeting back-to-back with that COSI meeting.
func TestMeetingsPlanningAssistant(t *testing.T) {
	f := newMeetingsFixture(t)
	path := "/meetings/plan?dialogue=med&level=som&from=2027-03-01&to=2027-03-31&length=half_day"
	r := pageOK(t, f.sec, path, "Proposed slots", "Back-to-back: the afternoon of the day before the COSI meeting of Tue 16 Mar 2027",
		"Plan on Mon 15 Mar 2027, 14:30", "Plan on Wed 17 Mar 2027, 09:30", "Near slots left out",
		`clashes with &#34;EU–Mediterranean dialogue: senior officials&#39; meeting (Demo)&#34;`)
	r.mustNotContain(t, path, "Plan on Tue 16 Mar 2027, 14:30") // the demo SOM is there
	// Problems with the request come back beside the fields.
	bad := get(t, f.sec, "/meetings/plan?dialogue=arctic&level=cosi&from=2027-03-31&to=2027-03-01&length=week")
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad request: %d", bad.status)
	}
	checkHTML(t, "plan (422)", bad.body)
	bad.mustContain(t, "plan (422)", "Choose the dialogue", "Choose a senior officials", "Choose a half day or a day", "The period must end")

	// Choose the first slot: the Monday afternoon before COSI.
	m := planButton.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no slot to choose")
	}
	form := url.Values{}
	for _, h := range hiddenInput.FindAllStringSubmatch(m[1], -1) {
		form.Set(h[1], h[2])
	}
	res := post(t, f.sec, "/meetings/plan", form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("plan: %d\n%s", res.status, res.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(res.header.Get("Location"), "/meetings/"), 10, 64)
	planned := oneMeeting(t, f.st, id)
	if planned.BackToBackID != f.cosiMar || planned.Level != dialogue.LevelSOM || planned.DialogueID != f.medID ||
		planned.City != "Brussels" || !planned.StartsAt.Equal(time.Date(2027, 3, 15, 14, 30, 0, 0, dialogue.Brussels)) {
		t.Errorf("planned meeting: %+v", planned)
	}
	pageOK(t, f.sec, mpath(id, ""), "EU–Mediterranean dialogue: senior officials&#39; meeting", "Back-to-back with", "COSI meeting (Demo)")
	// The same slot again: it now clashes with the meeting just planned.
	res = post(t, f.sec, "/meetings/plan", form)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "This slot no longer fits") {
		t.Fatalf("the same slot twice: %d", res.status)
	}
	checkHTML(t, "plan (409)", res.body)
}
