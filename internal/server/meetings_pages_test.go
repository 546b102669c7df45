package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// meetingsFixture is the demo portal with one session per role that the
// meetings tests need, and the demo meetings they use.
type meetingsFixture struct {
	raw      http.Handler
	st       *store.Store
	sec      asUser
	pres     asUser
	be       asUser // a Belgian delegate
	tn       asUser // a Tunisian delegate (a partner of the med dialogue, phase 1)
	europol  asUser // an observer
	cosiDec  int64  // the demo COSI meeting of 8 December 2026
	cosiMar  int64  // the demo COSI meeting of 16 March 2027
	somMar   int64  // the demo med SOM of 16 March 2027, back-to-back with cosiMar
	medID    int64
	roundID  int64 // the closed round on 5559/26
	cosiHeld int64 // COSI of 18 November 2025 (held)
}

func newMeetingsFixture(t *testing.T) meetingsFixture {
	t.Helper()
	raw, st := demoServerRaw(t)
	f := meetingsFixture{raw: raw, st: st}
	f.sec = signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	f.pres = signedIn(t, raw, st, dialogue.RolePresidency, "")
	f.be = signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	f.tn = signedIn(t, raw, st, dialogue.RoleDelegate, "TN")
	f.europol = signedIn(t, raw, st, dialogue.RoleObserver, "EUROPOL")
	f.cosiDec = cosiMeeting(t, st, time.Date(2026, 12, 8, 10, 0, 0, 0, dialogue.Brussels))
	f.cosiMar = cosiMeeting(t, st, time.Date(2027, 3, 16, 10, 0, 0, 0, dialogue.Brussels))
	f.cosiHeld = cosiMeeting(t, st, time.Date(2025, 11, 18, 10, 0, 0, 0, dialogue.Brussels))
	ctx := context.Background()
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	f.medID = med.ID
	ms, err := st.Meetings(ctx, store.MeetingFilter{DialogueID: med.ID, Level: dialogue.LevelSOM})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.BackToBackID == f.cosiMar {
			f.somMar = m.ID
		}
	}
	if f.somMar == 0 {
		t.Fatal("the demo has no med SOM back-to-back with COSI in March 2027")
	}
	f.roundID = round5559(t, st)
	return f
}

// round5559 is the demo's closed consultation round on 5559/26.
func round5559(t *testing.T, st *store.Store) int64 {
	t.Helper()
	rounds, err := st.Rounds(context.Background(), dialogue.Viewer{SeeAll: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rounds {
		if r.Round.DocumentRef == "5559/26" && r.Round.ClosedAt != nil {
			return r.Round.ID
		}
	}
	t.Fatal("no closed round on 5559/26 in the demo")
	return 0
}

func mpath(id int64, rest string) string { return "/meetings/" + strconv.FormatInt(id, 10) + rest }

// pageOK gets a page, expects 200 and passes it through checkHTML.
func pageOK(t *testing.T, h http.Handler, path string, wants ...string) response {
	t.Helper()
	r := get(t, h, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s = %d\n%s", path, r.status, r.body)
	}
	checkSecurityHeaders(t, path, r.header)
	checkHTML(t, path, r.body)
	r.mustContain(t, path, wants...)
	return r
}

// Every meetings page renders for the roles that use it, passes checkHTML
// and shows what it is for.
func TestMeetingPages(t *testing.T) {
	f := newMeetingsFixture(t)
	som := mpath(f.somMar, "")
	// The secretariat.
	pageOK(t, f.sec, "/meetings", "Upcoming", "Past", "COSI meeting (Demo)", `href="`+som+`"`,
		"Plan a meeting back-to-back with COSI", "Back-to-back with")
	month := pageOK(t, f.sec, "/meetings?view=month&month=2026-12", "Meetings in December 2026", `<table class="month">`,
		`<th scope="col"><abbr title="Monday">Mon</abbr></th>`, "COSI meeting (Demo)", "10:00–13:00",
		`href="/meetings?month=2026-11&amp;view=month"`, `href="/meetings?month=2027-01&amp;view=month"`, `id="f-month"`)
	if !strings.Contains(month.body, `id="day-2026-12-08"`) || strings.Count(month.body, `class="month-day`) != 35 {
		t.Errorf("December 2026 is not five weeks of seven days from Monday 30 November")
	}
	// Filters are kept in the month view and its links.
	pageOK(t, f.sec, "/meetings?view=month&month=2027-03&dialogue=med&level=som",
		"senior officials&#39; meeting (Demo)", `href="/meetings?dialogue=med&amp;level=som&amp;month=2027-02&amp;view=month"`)
	filtered := get(t, f.sec, "/meetings?view=month&month=2027-03&dialogue=med&level=som")
	filtered.mustNotContain(t, "month, med SOM", "COSI meeting (Demo)")
	bad := pageOK(t, f.sec, "/meetings?view=month&month=March", "Enter a month as year and month")
	bad.mustNotContain(t, "bad month", `<table class="month">`)

	pageOK(t, f.sec, som, "EU–Mediterranean dialogue: senior officials&#39; meeting (Demo)", "Back-to-back with",
		"COSI meeting (Demo)", "Add an agenda item", "Adjust the invitation list", "Save the minutes", "Add an action point",
		"History", mpath(f.somMar, "/calendar.ics"), mpath(f.somMar, "/edit"))
	pageOK(t, f.sec, som+"/edit", "Save the changes", `value="2027-03-16T14:30"`, `name="version" value="2"`) // the demo's link to COSI made version 2
	pageOK(t, f.sec, "/meetings/new", "Schedule the meeting", "Europe/Brussels")
	pageOK(t, f.sec, "/meetings/plan", "Find slots", "A half day")
	pageOK(t, f.sec, mpath(f.cosiHeld, ""), "COSI: exchange of views", "None: a meeting of COSI itself")
	pageOK(t, f.sec, "/account/calendar", "no calendar address", "Get a new address")
	feedPath(t, f.sec) // asks for one
	pageOK(t, f.sec, "/account/calendar", "/calendar/", ".ics", "Get a new address", "Switch the address off")
	pageOK(t, f.sec, "/", "Meeting cadence of the dialogues", "EU–Mediterranean dialogue: cadence", "At least one senior officials")
	pageOK(t, f.sec, "/dialogues/med", "Meeting cadence", "Launch year: one senior officials", "Open action points")

	// The Presidency sees the table but has no forms.
	pres := pageOK(t, f.pres, som, "No invitation list is drawn up yet", "History")
	pres.mustNotContain(t, som+" as the Presidency", "Add an agenda item", "Save the minutes", "Adjust the invitation list")

	// A Belgian delegate: no secretariat tools, its own invitation only.
	be := pageOK(t, f.be, som, "Your delegation: Belgium", "The secretariat has not sent the invitations yet")
	be.mustNotContain(t, som+" as BE", "Add an agenda item", "Save the minutes", "Adjust the invitation list", "History",
		"Invited delegations and their replies", mpath(f.somMar, "/edit"))
	pageOK(t, f.be, "/meetings?view=month&month=2027-03", "COSI meeting (Demo)")
	pageOK(t, f.be, "/dialogues/med", "Meeting cadence")
}

// A partner's delegate not invited to COSI sees no trace of a COSI meeting:
// not in the list, the month view, by id, as .ics, in the feed, on the
// home page, nor behind the dialogue meeting held back-to-back with it.
func TestMeetingsPartnerSeesNoCOSI(t *testing.T) {
	f := newMeetingsFixture(t)
	// (The demo SOM's own note, written by the secretariat, says it is held
	// after COSI; that is its text, not a link to COSI's meeting.)
	traces := []string{"COSI meeting (Demo)", mpath(f.cosiDec, ""), mpath(f.cosiMar, ""), "COSI: exchange of views",
		"Back-to-back with</dt>", "Back-to-back with <a"}
	for _, p := range []string{"/meetings", "/meetings?dialogue=cosi", "/meetings?view=month&month=2026-12",
		"/meetings?view=month&month=2027-03", "/", "/dialogues/med", mpath(f.somMar, "")} {
		pageOK(t, f.tn, p).mustNotContain(t, p+" as TN", traces...)
	}
	// The SOM itself is the partner's: it is in the list and the month.
	pageOK(t, f.tn, "/meetings?view=month&month=2027-03", "senior officials&#39; meeting (Demo)")
	for _, id := range []int64{f.cosiDec, f.cosiMar, f.cosiHeld} {
		for _, p := range []string{mpath(id, ""), mpath(id, "/calendar.ics")} {
			r := get(t, f.tn, p)
			if r.status != http.StatusNotFound {
				t.Errorf("GET %s as TN = %d, want 404", p, r.status)
			}
			r.mustNotContain(t, p+" as TN", "COSI meeting", "COSI: exchange", "Justus Lipsius", "BEGIN:VCALENDAR")
		}
		// Nor by replying to it.
		r := post(t, f.tn, mpath(id, "/attendance"), url.Values{"reply": {"attending"}, "level": {"expert"}})
		if r.status != http.StatusNotFound {
			t.Errorf("reply to COSI %d as TN = %d, want 404", id, r.status)
		}
	}
	feed := feedOf(t, f, f.tn)
	for _, id := range []int64{f.cosiDec, f.cosiMar, f.cosiHeld} {
		if strings.Contains(feed, "meeting-"+strconv.FormatInt(id, 10)+"@") {
			t.Errorf("TN's feed has COSI meeting %d", id)
		}
	}
	if strings.Contains(feed, "COSI meeting (Demo)") || strings.Contains(feed, "Back-to-back with:") || strings.Contains(feed, "Back-to-back with a COSI") {
		t.Errorf("TN's feed hints at a COSI meeting:\n%s", feed)
	}
	if !strings.Contains(feed, "meeting-"+strconv.FormatInt(f.somMar, 10)+"@") {
		t.Error("TN's feed lacks the med SOM it is invited to")
	}
	// Europol (an observer) sees the med SOM but no COSI meeting either.
	if r := get(t, f.europol, mpath(f.cosiDec, "")); r.status != http.StatusNotFound {
		t.Errorf("COSI as EUROPOL = %d", r.status)
	}
}

// The attendance flow through the forms: the secretariat's list, a
// delegation's reply for itself only, whatever the form says.
func TestMeetingsInvitationsAndReplies(t *testing.T) {
	f := newMeetingsFixture(t)
	ctx := context.Background()
	som := mpath(f.somMar, "")
	ds, err := f.st.Delegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code := map[string]int64{}
	for _, d := range ds {
		code[d.Code] = d.ID
	}
	// The list is drawn up from the form: BE, FR and TN.
	form := url.Values{"delegations": {strconv.FormatInt(code["BE"], 10), strconv.FormatInt(code["FR"], 10), strconv.FormatInt(code["TN"], 10)}}
	if r := post(t, f.sec, som+"/invitations", form); r.status != http.StatusSeeOther {
		t.Fatalf("invitations: %d\n%s", r.status, r.body)
	}
	// An empty list is refused, the page keeps the form.
	r := post(t, f.sec, som+"/invitations", url.Values{})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Invite at least one delegation") {
		t.Fatalf("empty invitation list: %d", r.status)
	}
	checkHTML(t, som+" (422)", r.body)

	// BE answers; a field smuggled in for another delegation is ignored.
	r = post(t, f.be, som+"/attendance", url.Values{"reply": {"attending"}, "level": {"senior_official"},
		"attendees": {"Jan Peeters, Director"}, "delegation": {strconv.FormatInt(code["FR"], 10)}, "delegation_id": {strconv.FormatInt(code["FR"], 10)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("BE reply: %d\n%s", r.status, r.body)
	}
	// Attending without a level: the form comes back with the message.
	r = post(t, f.be, som+"/attendance", url.Values{"reply": {"attending"}, "attendees": {"Someone"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Say at which level") || !strings.Contains(r.body, `value="Someone"`) {
		t.Fatalf("reply without level: %d", r.status)
	}
	checkHTML(t, som+" (reply 422)", r.body)
	invs, err := f.st.Invitations(ctx, f.somMar)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range invs {
		switch in.Delegation.Code {
		case "BE":
			if in.Reply != store.ReplyAttending || in.Level != store.AttendSeniorOfficial || in.Attendees != "Jan Peeters, Director" {
				t.Errorf("BE's invitation: %+v", in)
			}
		default:
			if in.Reply != store.ReplyNone {
				t.Errorf("%s's reply changed by BE: %+v", in.Delegation.Code, in)
			}
		}
	}
	// The secretariat's table shows it; BE's page shows its own reply only.
	pageOK(t, f.sec, som, "Jan Peeters, Director", "Senior official", "Attending")
	own := pageOK(t, f.be, som, "Jan Peeters, Director", "Send the reply")
	own.mustNotContain(t, som+" as BE", "Invited delegations and their replies", "Tunisia")
	// Once the list is drawn up, a delegation left out no longer sees the
	// dialogue meeting; a member state left out of a COSI meeting's list
	// still sees it (it sits in COSI) but cannot reply.
	de := signedIn(t, f.raw, f.st, dialogue.RoleDelegate, "DE")
	if r := get(t, de, som); r.status != http.StatusNotFound {
		t.Errorf("DE, not invited, opens the SOM: %d", r.status)
	}
	cosi := mpath(f.cosiDec, "")
	if r := post(t, f.sec, cosi+"/invitations", url.Values{"delegations": {strconv.FormatInt(code["BE"], 10)}}); r.status != http.StatusSeeOther {
		t.Fatalf("COSI invitations: %d", r.status)
	}
	if r := post(t, de, cosi+"/attendance", url.Values{"reply": {"declined"}}); r.status != http.StatusConflict {
		t.Errorf("DE, not invited, replies: %d", r.status)
	}
	pageOK(t, de, cosi, "Your delegation is not on the invitation list")
}

// Agenda, minutes and action points through the forms: delegations see
// circulated and final minutes only; open action points show on the
// dialogue's page until done.
func TestMeetingsAgendaMinutesActions(t *testing.T) {
	f := newMeetingsFixture(t)
	som := mpath(f.somMar, "")
	round := strconv.FormatInt(f.roundID, 10)
	doc := strconv.FormatInt(documentID(t, f.st, "5559/26"), 10)
	for _, item := range []url.Values{
		{"kind": {"discussion"}, "title": {"Thematic scope of the dialogue"}, "round": {round}},
		{"kind": {"information"}, "title": {"The Presidency's note"}, "document": {doc}},
		{"kind": {"concluded"}, "title": {"Adoption of the agenda"}},
	} {
		if r := post(t, f.sec, som+"/agenda", item); r.status != http.StatusSeeOther {
			t.Fatalf("add %v: %d\n%s", item, r.status, r.body)
		}
	}
	r := post(t, f.sec, som+"/agenda", url.Values{"kind": {"discussion"}, "title": {"  "}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Give the item a title") {
		t.Fatalf("item without title: %d", r.status)
	}
	checkHTML(t, som+" (agenda 422)", r.body)
	items, err := f.st.AgendaItems(context.Background(), dialogue.Viewer{SeeAll: true}, f.somMar)
	if err != nil || len(items) != 3 {
		t.Fatalf("agenda: %v %v", items, err)
	}
	// Move the last item first, edit one, delete one.
	last := mpath(f.somMar, "/agenda/"+strconv.FormatInt(items[2].ID, 10))
	for range 2 {
		if r := post(t, f.sec, last+"/move", url.Values{"direction": {"up"}}); r.status != http.StatusSeeOther {
			t.Fatalf("move up: %d", r.status)
		}
	}
	if r := post(t, f.sec, mpath(f.somMar, "/agenda/"+strconv.FormatInt(items[1].ID, 10)),
		url.Values{"kind": {"information"}, "title": {"The Presidency's note 5559/26"}, "document": {doc}}); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	// One item's form at a time: an Edit link for each, the form of the
	// one asked for, and of one sent back with a problem.
	second := strconv.FormatInt(items[1].ID, 10)
	list := pageOK(t, f.sec, som, `href="`+som+`?edit=`+second+`#item-`+second+`"`)
	list.mustNotContain(t, som, `id="ag`+second+`-title"`)
	pageOK(t, f.sec, som+"?edit="+second, `id="ag`+second+`-title"`, "Save the item")
	r = post(t, f.sec, mpath(f.somMar, "/agenda/"+second), url.Values{"kind": {"information"}, "title": {" "}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="ag`+second+`-title"`) || !strings.Contains(r.body, "Give the item a title") {
		t.Fatalf("item saved without a title: %d", r.status)
	}
	checkHTML(t, som+" (agenda item 422)", r.body)
	// An item of another meeting cannot be reached through this one.
	if r := post(t, f.sec, mpath(f.cosiHeld, "/agenda/"+strconv.FormatInt(items[1].ID, 10)+"/delete"), nil); r.status != http.StatusNotFound {
		t.Fatalf("delete through another meeting: %d", r.status)
	}
	page := pageOK(t, f.be, som, "Thematic scope of the dialogue", "Regional dialogue on internal security with the Mediterranean: questions to delegations",
		"The Presidency&#39;s note 5559/26", "5559/26")
	if a, b := strings.Index(page.body, "Adoption of the agenda"), strings.Index(page.body, "Thematic scope"); a < 0 || a > b {
		t.Error("the moved item is not first")
	}

	// Minutes: a draft is the secretariat's.
	if r := post(t, f.sec, som+"/minutes", url.Values{"base_version": {"0"}, "body": {"The meeting agreed **the scope**."}}); r.status != http.StatusSeeOther {
		t.Fatalf("save minutes: %d\n%s", r.status, r.body)
	}
	get(t, f.be, som).mustNotContain(t, som+" as BE", "the scope")
	pageOK(t, f.sec, som, "<strong>the scope</strong>", "Circulate version 1")
	// A stale save keeps the text typed.
	r = post(t, f.sec, som+"/minutes", url.Values{"base_version": {"0"}, "body": {"Another text"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Another text") || !strings.Contains(r.body, "changed by someone else") {
		t.Fatalf("stale minutes: %d", r.status)
	}
	checkHTML(t, som+" (minutes 409)", r.body)
	if r := post(t, f.sec, som+"/minutes/status", url.Values{"version": {"1"}, "status": {"circulated"}}); r.status != http.StatusSeeOther {
		t.Fatalf("circulate: %d", r.status)
	}
	pageOK(t, f.be, som, "<strong>the scope</strong>", "Circulated")
	if r := post(t, f.sec, som+"/minutes/status", url.Values{"version": {"1"}, "status": {"final"}}); r.status != http.StatusSeeOther {
		t.Fatalf("final: %d", r.status)
	}
	pageOK(t, f.sec, som, "Version 1 is final and locked")

	// Action points: on the meeting and on the dialogue's page until done.
	if r := post(t, f.sec, som+"/actions", url.Values{"title": {"Circulate a draft reference framework"}, "owner": {"Presidency"}, "due": {"2027-04-30"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add action: %d\n%s", r.status, r.body)
	}
	r = post(t, f.sec, som+"/actions", url.Values{"title": {"x"}, "due": {"30/04/2027"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter the due date") {
		t.Fatalf("bad action: %d", r.status)
	}
	checkHTML(t, som+" (action 422)", r.body)
	pageOK(t, f.be, "/dialogues/med", "Circulate a draft reference framework", "30 April 2027")
	points, err := f.st.ActionPoints(context.Background(), dialogue.Viewer{SeeAll: true}, store.ActionPointFilter{MeetingID: f.somMar})
	if err != nil || len(points) != 1 {
		t.Fatalf("points: %v %v", points, err)
	}
	r = post(t, f.sec, "/actions/"+strconv.FormatInt(points[0].ID, 10)+"/status", url.Values{"status": {"done"}, "next": {"https://evil.example/"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("done: %d to %q", r.status, r.header.Get("Location"))
	}
	get(t, f.be, "/dialogues/med").mustNotContain(t, "/dialogues/med", "Circulate a draft reference framework")
}

// After the meeting, the secretariat records who attended; before it, it
// cannot.
func TestMeetingsRecordAttendance(t *testing.T) {
	f := newMeetingsFixture(t)
	ctx := context.Background()
	ds, err := f.st.Delegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code := map[string]string{}
	for _, d := range ds {
		code[d.Code] = strconv.FormatInt(d.ID, 10)
	}
	held := mpath(f.cosiHeld, "")
	if r := post(t, f.sec, held+"/invitations", url.Values{"delegations": {code["BE"], code["FR"], code["COM"]}}); r.status != http.StatusSeeOther {
		t.Fatalf("invitations: %d", r.status)
	}
	pageOK(t, f.sec, held, "Record attendance", `<label for="att-BE" class="visually-hidden">Attended: Belgium</label>`)
	if r := post(t, f.sec, held+"/attended", url.Values{"attended-" + code["BE"]: {"yes"}, "attended-" + code["FR"]: {"no"}, "attended-" + code["COM"]: {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("record: %d\n%s", r.status, r.body)
	}
	invs, err := f.st.Invitations(ctx, f.cosiHeld)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range invs {
		want := map[string]string{"BE": "true", "FR": "false", "COM": "nil"}[in.Delegation.Code]
		got := "nil"
		if in.Attended != nil {
			got = strconv.FormatBool(*in.Attended)
		}
		if got != want {
			t.Errorf("%s attended = %s, want %s", in.Delegation.Code, got, want)
		}
	}
	// A delegation not invited is refused, with the message on the page.
	r := post(t, f.sec, held+"/attended", url.Values{"attended-" + code["DE"]: {"yes"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "only for invited delegations") {
		t.Fatalf("not invited: %d", r.status)
	}
	checkHTML(t, held+" (attended 422)", r.body)
	// Before the meeting (by the portal's clock, 2 March 2026 here, which
	// the pages and the store share): a conflict.
	if r := post(t, f.sec, mpath(f.cosiMar, "/attended"), url.Values{}); r.status != http.StatusConflict {
		t.Errorf("attendance before the meeting: %d", r.status)
	}
}
