package server

import (
	"context"
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
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return err
	}
	viewer := viewerOf(currentUser(ctx))
	meetings, err := s.st.NextMeetings(ctx, viewer, s.now(), 5)
	if err != nil {
		return err
	}
	docs, err := s.st.Documents(ctx, store.DocumentFilter{Viewer: viewerOf(currentUser(ctx)), Status: dialogue.DocumentIssued, Limit: 5})
	if err != nil {
		return err
	}
	views, err := s.meetingViews(ctx, viewer, meetings, dialogues)
	if err != nil {
		return err
	}
	v := web.HomeView{Meetings: views, Documents: documentRows(docs.Documents)}
	u := currentUser(ctx)
	switch {
	case auth.Can(u, auth.ManageUsers):
		v.Role = "secretariat"
		if auth.Can(u, auth.EditMeetings) {
			// Each dialogue's cadence for last year and the years ahead:
			// the senior officials' and ministerial meetings starting from
			// 1 January of last year, the only ones the rules weigh (one
			// query, a few rows a year however long the history).
			from := time.Date(s.now().In(dialogue.Brussels).Year()-1, time.January, 1, 0, 0, 0, 0, dialogue.Brussels)
			ms, err := s.st.CadenceMeetings(ctx, viewer, from)
			if err != nil {
				return err
			}
			v.Cadence = homeCadence(dialogues, ms, s.now())
		}
	case auth.Can(u, auth.RunRounds):
		v.Role = "presidency"
	default:
		v.Role = "delegation"
		if u.Delegation != nil {
			v.Delegation = u.Delegation.Name
		}
	}
	if v.Rounds, err = s.openRounds(ctx, u); err != nil {
		return err
	}
	for _, d := range dialogues {
		v.Dialogues = append(v.Dialogues, web.Link{Href: dialogueHref(d.Code), Text: d.ShortName + " dialogue"})
	}
	return s.render(w, r, http.StatusOK, web.HomePage(v))
}

// openRounds are the rounds still accepting replies that concern the user:
// every open round for the Presidency and the secretariat (with the count
// of replies), the delegation's own (with its progress) for delegations.
func (s *server) openRounds(ctx context.Context, u *dialogue.User) ([]web.HomeRound, error) {
	now := s.now()
	rounds, _, err := s.st.FindRounds(ctx, viewerOf(u), store.RoundFilter{OpenAt: now, Limit: 20})
	if err != nil {
		return nil, err
	}
	var out []web.HomeRound
	for _, rs := range rounds {
		r := rs.Round
		deadline := r.DeadlineFor(rs.ExtendedUntil)
		if r.ClosedAt != nil || now.Before(r.OpensAt) || !now.Before(deadline) {
			continue
		}
		h := web.HomeRound{Href: "/rounds/" + strconv.FormatInt(r.ID, 10), Title: r.Title, Note: r.DocumentRef,
			Deadline: dialogue.FormatInstant(deadline), TimeLeft: timeLeft(deadline.Sub(now)), Demo: r.Demo}
		if viewerOf(u).SeeAll {
			h.Progress = fmt.Sprintf("%d replies received; %d delegations consulted", rs.Final, rs.Eligible)
		} else {
			h.Progress = fmt.Sprintf("%d of %d questions answered", rs.Final, rs.Questions)
		}
		out = append(out, h)
	}
	return out, nil
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
