package server_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat plans a senior officials' meeting from a slot the
// assistant proposes after a COSI meeting, builds its agenda linking the
// 5559/26 round; a Belgian delegate sees it and answers attendance; the
// secretariat's attendance table then shows the answer.
func TestBrowserPlanMeetingAndAnswerAttendance(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := addUser(t, st, dialogue.RoleSecretariat, "", false)
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	round := strconv.FormatInt(round5559(t, st), 10)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browser(t)

	// The secretariat: the assistant, for the med dialogue's SOM, in
	// January 2027 (the demo's COSI meeting of Tuesday 19 January).
	browserSignIn(t, ctx, ts.URL, sec.Email)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/meetings/plan"),
		chromedp.WaitVisible(chromedp.ID("p-dialogue")),
		chromedp.SetValue(chromedp.ID("p-dialogue"), "med"),
		chromedp.SetValue(chromedp.ID("p-level"), "som"),
		chromedp.SetValue(chromedp.ID("p-from"), "2027-01-01"),
		chromedp.SetValue(chromedp.ID("p-to"), "2027-01-31"),
		chromedp.Click(chromedp.ID("p-length-1")),
		chromedp.Click(chromedp.ID("p-submit")),
		chromedp.WaitVisible(chromedp.CSS("table.plan-slots")),
	); err != nil {
		t.Fatalf("ask the assistant: %v", err)
	}
	slots := text(t, ctx, "table.plan-slots tbody")
	for _, want := range []string{"Mon 18 Jan 2027, 14:30–18:00 CET", "the afternoon of the day before", "COSI meeting (Demo) (19 Jan 2027)",
		"It is a working day", "No other meeting of the invited delegations"} {
		if !strings.Contains(slots, want) {
			t.Errorf("proposals lack %q: %s", want, slots)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Plan on Mon 18 Jan 2027, 14:30"]`)),
		chromedp.WaitVisible(chromedp.CSS(".meeting-flash")),
	); err != nil {
		t.Fatalf("choose the slot: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !regexp.MustCompile(`/meetings/[0-9]+$`).MatchString(loc) {
		t.Fatalf("after planning, at %q (%v)", loc, err)
	}
	meeting := strings.TrimPrefix(loc, ts.URL)
	if facts := text(t, ctx, ".meeting-facts"); !strings.Contains(facts, "Mon 18 Jan 2027, 14:30–18:00 CET") ||
		!strings.Contains(facts, "Back-to-back with COSI meeting (Demo) (19 Jan 2027)") || !strings.Contains(facts, "Senior officials' meeting") {
		t.Errorf("the planned meeting: %s", facts)
	}

	// Its agenda: an item for discussion linked to the 5559/26 round.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("ag-title"), "Thematic scope of the dialogue"),
		chromedp.SetValue(chromedp.ID("ag-kind"), "discussion"),
		chromedp.SetValue(chromedp.ID("ag-round"), round),
		chromedp.Click(chromedp.ID("ag-submit")),
		chromedp.WaitVisible(chromedp.CSS("ol.agenda")),
	); err != nil {
		t.Fatalf("add the agenda item: %v", err)
	}
	if got := text(t, ctx, "ol.agenda"); !strings.Contains(got, "Thematic scope of the dialogue") ||
		!strings.Contains(got, "Consultation: Regional dialogue on internal security with the Mediterranean: questions to delegations") {
		t.Errorf("agenda = %q", got)
	}
	meetingsSignOut(t, ctx)

	// A Belgian delegate finds it among the meetings and answers.
	browserSignIn(t, ctx, ts.URL, be.Email)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/meetings"),
		chromedp.WaitVisible(chromedp.CSS("table.meetings")),
		chromedp.Click(chromedp.CSS(`table.meetings a[href="`+meeting+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.agenda")),
	); err != nil {
		t.Fatalf("open the meeting as the delegate: %v", err)
	}
	if got := text(t, ctx, "ol.agenda"); !strings.Contains(got, "Thematic scope of the dialogue") || !strings.Contains(got, "questions to delegations") {
		t.Errorf("agenda as the delegate = %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("reply-attending")),
		chromedp.SetValue(chromedp.ID("reply-level"), "senior_official"),
		chromedp.SendKeys(chromedp.ID("reply-attendees"), "Jan Peeters, Director"),
		chromedp.Click(chromedp.ID("reply-submit")),
		chromedp.WaitVisible(chromedp.CSS(".meeting-flash")),
	); err != nil {
		t.Fatalf("answer attendance: %v", err)
	}
	if got := text(t, ctx, "#own-reply"); !strings.Contains(got, "Attending, Senior official: Jan Peeters, Director") {
		t.Errorf("own reply = %q", got)
	}
	meetingsSignOut(t, ctx)

	// The secretariat's attendance table shows it.
	browserSignIn(t, ctx, ts.URL, sec.Email)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+meeting),
		chromedp.WaitVisible(chromedp.CSS("table.invitations")),
	); err != nil {
		t.Fatalf("open the meeting as the secretariat: %v", err)
	}
	if row := text(t, ctx, "#inv-BE"); !strings.Contains(row, "Attending") || !strings.Contains(row, "Senior official") ||
		!strings.Contains(row, "Jan Peeters, Director") {
		t.Errorf("BE's row in the attendance table = %q", row)
	}
}

// meetingsSignOut signs out through the header's button.
func meetingsSignOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}
