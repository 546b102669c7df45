package server

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The Presidencies to come, which the secretariat records from the
// delegations page (routes in delegationRoutes), and the handover that the
// users and home pages remind it of.

// newPresidency opens the form, for a semester when the link names one
// (?year=2031&semester=1: the member state recorded for it is chosen),
// else for the first semester after those recorded.
func (s *server) newPresidency(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := web.PresidencyForm{Year: q.Get("year"), Semester: q.Get("semester")}
	if f.Year == "" && f.Semester == "" {
		rows, err := s.presidencyRows(r)
		if err != nil {
			return err
		}
		last := dialogue.SemesterAt(s.now())
		if len(rows) > 0 {
			last = rows[len(rows)-1].Presidency
		}
		next := last.Next()
		f.Year, f.Semester = strconv.Itoa(next.Year), strconv.Itoa(next.Semester)
	}
	return s.renderPresidencyForm(w, r, http.StatusOK, f, true)
}

func (s *server) recordPresidency(w http.ResponseWriter, r *http.Request) error {
	f := web.PresidencyForm{Year: r.PostFormValue("year"), Semester: r.PostFormValue("semester"),
		Delegation: r.PostFormValue("delegation"), Was: r.PostFormValue("was")}
	err := s.st.RecordPresidency(r.Context(), actorOf(r), s.now(), store.PresidencyInput{Year: f.Year, Semester: f.Semester,
		Delegation: f.Delegation, Was: f.Was})
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderPresidencyForm(w, r, http.StatusUnprocessableEntity, f, false)
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		// The form now knows what is recorded, so saving again replaces it
		// knowingly.
		f.ConflictMessage = errorMessage(err)
		return s.renderPresidencyForm(w, r, http.StatusConflict, f, false)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/delegations#presidencies", "The Presidency is recorded.")
}

// renderPresidencyForm shows the form with the member states to choose
// from and the Presidencies recorded from the one in office on. Was and
// Current are set from what is recorded for the form's semester; chosen
// (the form just opened) also chooses that member state.
func (s *server) renderPresidencyForm(w http.ResponseWriter, r *http.Request, status int, f web.PresidencyForm, chosen bool) error {
	ctx := r.Context()
	ds, err := s.st.Delegations(ctx)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Kind == dialogue.MemberState {
			f.MemberStates = append(f.MemberStates, web.Option{Value: d.Code, Label: d.Name})
		}
	}
	rows, err := s.presidencyRows(r)
	if err != nil {
		return err
	}
	f.Recorded = rows
	year, _ := strconv.Atoi(f.Year)
	semester, _ := strconv.Atoi(f.Semester)
	f.Was, f.Current = store.PresidencyWas(year, semester, ""), ""
	for _, p := range rows {
		if p.Presidency.Year == year && p.Presidency.Semester == semester {
			f.Was, f.Current = store.PresidencyWas(year, semester, p.Presidency.Delegation.Code), p.Presidency.Delegation.Name
			if chosen {
				f.Delegation = p.Presidency.Delegation.Code
			}
		}
	}
	return s.render(w, r, status, web.PresidencyFormPage(f))
}

// presidencyRows are the Presidencies from the one in office on.
func (s *server) presidencyRows(r *http.Request) ([]web.PresidencyRow, error) {
	now := s.now()
	ps, err := s.st.PresidenciesFrom(r.Context(), now)
	if err != nil {
		return nil, err
	}
	rows := make([]web.PresidencyRow, len(ps))
	for i, p := range ps {
		rows[i] = web.PresidencyRow{Presidency: p, InOffice: p.Contains(now, dialogue.Brussels)}
	}
	return rows, nil
}

// handoverWindow is how many days before a Presidency takes over the users
// page reminds the secretariat of it.
const handoverWindow = 45

// handover is the next Presidency when it takes over within handoverWindow
// days (see web.Handover), else nil.
func (s *server) handover(r *http.Request) (*web.Handover, error) {
	next, start, days := nextSemester(s.now())
	if days > handoverWindow {
		return nil, nil
	}
	rows, err := s.presidencyRows(r)
	if err != nil {
		return nil, err
	}
	accounts, err := s.st.ListUsers(r.Context(), store.UserFilter{Role: dialogue.RolePresidency, Status: dialogue.AccountActive})
	if err != nil {
		return nil, err
	}
	lastDay := start.AddDate(0, 0, -1)
	h := &web.Handover{Period: next.Period(), Starts: longDate(start), Days: days, Accounts: len(accounts), LastDay: longDate(lastDay)}
	for _, a := range accounts {
		if a.AccessUntil.IsZero() || a.AccessUntil.After(calendarDay(lastDay)) {
			h.OpenEnded++
		}
	}
	for _, row := range rows {
		p := row.Presidency
		switch {
		case p.Year == next.Year && p.Semester == next.Semester:
			h.Incoming = p.Delegation.Name
		case row.InOffice:
			h.Outgoing = p.Delegation.Name
		}
	}
	return h, nil
}

// nextSemester is the semester after now's (Brussels), its first day, and
// the days until then.
func nextSemester(now time.Time) (next dialogue.Presidency, start time.Time, days int) {
	next = dialogue.SemesterAt(now).Next()
	start = next.Start(dialogue.Brussels)
	b := now.In(dialogue.Brussels)
	today := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, dialogue.Brussels)
	days = int(math.Round(start.Sub(today).Hours() / 24)) // a day of 23 or 25 hours is one day
	return next, start, days
}
