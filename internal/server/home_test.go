package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// The home page puts first what concerns each kind of user.
func TestHomeOrientsEachRole(t *testing.T) {
	raw, st := demoServerRaw(t)
	cases := []struct {
		role       dialogue.Role
		delegation string
		want       []string
		unwanted   []string
	}{
		{dialogue.RolePresidency, "", []string{"For the Presidency", "Open consultations", "Arrangements for the first senior officials&#39; meeting (Demo)", "1 reply received; 32 delegations consulted"}, []string{"For your delegation"}},
		{dialogue.RoleSecretariat, "", []string{"For the secretariat", `href="/users"`, `href="/audit"`}, []string{"For the Presidency"}},
		{dialogue.RoleDelegate, "BE", []string{"For your delegation, Belgium", "Your open consultations", "0 of 3 questions answered", "days left"}, []string{" received;", " consulted", `href="/audit"`}},
		// Tunisia is consulted in the open demo round, CEPOL is not.
		{dialogue.RoleDelegate, "TN", []string{"For your delegation, Tunisia", "Arrangements for the first senior officials"}, nil},
		{dialogue.RoleObserver, "CEPOL", []string{"No consultation is open."}, []string{"Arrangements for the first senior officials"}},
	}
	for _, c := range cases {
		h := signedIn(t, raw, st, c.role, c.delegation)
		r := get(t, h, "/")
		checkHTML(t, "/ as "+string(c.role), r.body)
		r.mustContain(t, "/ as "+string(c.role)+" "+c.delegation, c.want...)
		r.mustNotContain(t, "/ as "+string(c.role)+" "+c.delegation, c.unwanted...)
	}
}

// The secretariat's cadence summary weighs the senior officials' meetings
// by the year they start in (Brussels time), whatever else is held: the
// home page reads only those meetings, from 1 January of last year.
func TestHomeCadenceReadsTheMeetingsThatCount(t *testing.T) {
	raw, st := demoServerRaw(t)
	h := signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	ctx := context.Background()
	add := func(level dialogue.MeetingLevel, title string, starts time.Time) {
		t.Helper()
		if _, err := st.CreateMeeting(ctx, dialogue.Actor{Name: "test"}, store.MeetingInput{DialogueCode: "clasi",
			Level: level, Title: title, StartsAt: starts, EndsAt: starts.Add(3 * time.Hour)}); err != nil {
			t.Fatalf("%s: %v", title, err)
		}
	}
	brussels := func(y int, m time.Month, d, hour, min int) time.Time {
		return time.Date(y, m, d, hour, min, 0, 0, dialogue.Brussels)
	}
	clasi := func() string {
		r := get(t, h, "/")
		i := strings.Index(r.body, "EU–CLASI dialogue: cadence")
		if i < 0 {
			t.Fatalf("no cadence of the CLASI dialogue on the secretariat's home page")
		}
		j := strings.Index(r.body[i:], "</table>")
		return r.body[i : i+j]
	}
	// The demo holds no CLASI senior officials' meeting in 2025 (the demo's
	// clock is March 2026): last year's rule was missed.
	if s := clasi(); !strings.Contains(s, "no such meeting in 2025") {
		t.Fatalf("2025 is not missed before the test's meetings: %s", s)
	}
	// A technical meeting in 2025, and a senior officials' meeting that ends
	// in 2025 but started on New Year's Eve, do not meet it.
	add(dialogue.LevelTechnical, "CLASI technical meeting", brussels(2025, time.June, 3, 9, 0))
	add(dialogue.LevelSOM, "CLASI SOM of New Year's Eve", brussels(2024, time.December, 31, 23, 0))
	if s := clasi(); !strings.Contains(s, "no such meeting in 2025") {
		t.Errorf("a technical meeting or a meeting of 2024 met the 2025 rule: %s", s)
	}
	// One starting half an hour into 2025 in Brussels (still 2024 in UTC)
	// does: the met rule of last year is no longer listed. A ministerial
	// meeting planned for this year does not plan this year's rule; a senior
	// officials' meeting does.
	add(dialogue.LevelSOM, "CLASI SOM of New Year's night", brussels(2025, time.January, 1, 0, 30))
	add(dialogue.LevelMinisterial, "CLASI ministerial meeting", brussels(2026, time.May, 5, 9, 0))
	s := clasi()
	if strings.Contains(s, "2025") {
		t.Errorf("2025 still listed once met: %s", s)
	}
	if !strings.Contains(s, "nothing planned; 304 days left until the end of 2026") {
		t.Errorf("the ministerial meeting planned this year's senior officials' rule: %s", s)
	}
	add(dialogue.LevelSOM, "CLASI SOM of the autumn", brussels(2026, time.October, 6, 9, 0))
	if s := clasi(); !strings.Contains(s, "Planned for 6 October 2026") || !strings.Contains(s, "CLASI SOM of the autumn") {
		t.Errorf("the senior officials' meeting planned in October does not plan this year's rule: %s", s)
	}
}

// A user whose last day of access is near is told on the home page, and
// not before the month that precedes it.
func TestHomeSaysWhenTheUsersAccessEnds(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now) // the database's clock decides the access
	officer := signedIn(t, raw, st, dialogue.RolePresidency, "")
	b := time.Now().In(dialogue.Brussels)
	today := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		days int
		want string
	}{
		{40, ""},
		{12, "Your access to the portal ends after " + today.AddDate(0, 0, 12).Format("2 January 2006") + ", in 12 days."},
		{1, "in 1 day."},
		{0, "Today is your last day of access to the portal."},
	} {
		until := today.AddDate(0, 0, c.days)
		setLastDay(t, st, officer.user.ID, until)
		r := pageOK(t, officer, "/")
		if c.want == "" {
			r.mustNotContain(t, "/ 40 days ahead", "access to the portal")
		} else {
			r.mustContain(t, "/", c.want, "Ask the secretariat if your work here goes on.")
		}
	}
}
