package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// home orients each kind of user and shows the next meetings and the
// latest documents.
func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(ctx)
	viewer := viewerOf(u)
	now := s.now()
	// Every list in one round trip (store.Home).
	req := store.HomeRequest{Viewer: viewer, Now: now, Meetings: 5, Documents: 5, OpenRounds: 20}
	secretariat := auth.Can(u, auth.ManageUsers)
	if secretariat && auth.Can(u, auth.EditMeetings) {
		// Each dialogue's cadence for last year and the years ahead: the
		// senior officials' and ministerial meetings starting from 1
		// January of last year, the only ones the rules weigh (a few rows
		// a year however long the history).
		req.CadenceFrom = time.Date(now.In(dialogue.Brussels).Year()-1, time.January, 1, 0, 0, 0, 0, dialogue.Brussels)
	}
	data, err := s.st.Home(ctx, req)
	if err != nil {
		return err
	}
	views, err := s.meetingViews(ctx, viewer, data.Meetings, data.Dialogues)
	if err != nil {
		return err
	}
	v := web.HomeView{Meetings: views, Documents: documentRows(data.Documents), Rounds: homeRounds(viewer, data.OpenRounds, now)}
	switch {
	case secretariat:
		v.Role = "secretariat"
		if _, start, days := nextSemester(now); days <= handoverWindow {
			v.Handover = fmt.Sprintf("The Presidency changes on %s, in %d %s.", longDate(start), days, web.Plural(days, "day", "days"))
		}
		if !req.CadenceFrom.IsZero() {
			v.Cadence = homeCadence(data.Dialogues, data.Cadence, now)
		}
	case auth.Can(u, auth.RunRounds):
		v.Role = "presidency"
	default:
		v.Role = "delegation"
		if u.Delegation != nil {
			v.Delegation = u.Delegation.Name
		}
	}
	for _, d := range data.Dialogues {
		v.Dialogues = append(v.Dialogues, web.Link{Href: dialogueHref(d.Code), Text: d.ShortName + " dialogue"})
	}
	v.AccessEnds = accessEndsNotice(u, now)
	return s.render(w, r, http.StatusOK, web.HomePage(v))
}

// accessNoticeDays is how long before their last day of access users are
// told on their home page, time to ask for more if their work goes on.
const accessNoticeDays = 30

// accessEndsNotice tells users whose last day of access is near when it
// is, or "".
func accessEndsNotice(u *dialogue.User, now time.Time) string {
	if u.AccessUntil.IsZero() {
		return ""
	}
	days := int(u.AccessUntil.Sub(calendarDay(now)).Hours() / 24)
	switch {
	case days < 0 || days > accessNoticeDays:
		return ""
	case days == 0:
		return "Today is your last day of access to the portal. Ask the secretariat if your work here goes on."
	}
	return fmt.Sprintf("Your access to the portal ends after %s, in %d %s. Ask the secretariat if your work here goes on.",
		longDate(u.AccessUntil), days, web.Plural(days, "day", "days"))
}

// homeRounds are the rounds still accepting replies that concern the
// viewer: every open round for the Presidency and the secretariat (with the
// count of replies), the delegation's own (with its progress) for
// delegations.
func homeRounds(viewer dialogue.Viewer, rounds []store.RoundSummary, now time.Time) []web.HomeRound {
	var out []web.HomeRound
	for _, rs := range rounds {
		r := rs.Round
		deadline := r.DeadlineFor(rs.ExtendedUntil)
		if r.ClosedAt != nil || now.Before(r.OpensAt) || !now.Before(deadline) {
			continue
		}
		h := web.HomeRound{Href: "/rounds/" + strconv.FormatInt(r.ID, 10), Title: r.Title, Note: r.DocumentRef,
			Deadline: dialogue.FormatInstant(deadline), TimeLeft: timeLeft(deadline.Sub(now)), Demo: r.Demo}
		if viewer.SeeAll {
			h.Progress = fmt.Sprintf("%d %s received; %d %s consulted", rs.Final, web.Plural(rs.Final, "reply", "replies"),
				rs.Eligible, web.Plural(rs.Eligible, "delegation", "delegations"))
		} else {
			h.Progress = fmt.Sprintf("%d of %d questions answered", rs.Final, rs.Questions)
		}
		out = append(out, h)
	}
	return out
}

// timeLeft says how long until a deadline, in the unit that matters.
func timeLeft(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days left", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours left", int(d.Hours()))
	default:
		return fmt.Sprintf("%d minutes left", max(1, int(d.Minutes())))
	}
}
