package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The secretariat keeps the delegations (store.CreateDelegation) and the
// Presidencies to come (store.RecordPresidency) from the delegations page.
func (s *server) delegationRoutes(with withAction) {
	with(auth.EditRegistry).Get("/delegations/new", s.page(s.newDelegation))
	with(auth.EditRegistry).Post("/delegations", s.page(s.createDelegation))
	with(auth.EditRegistry).Get("/delegations/{delegation}/edit", s.page(s.editDelegation))
	with(auth.EditRegistry).Post("/delegations/{delegation}", s.page(s.updateDelegation))
	with(auth.EditRegistry).Get("/presidencies/new", s.page(s.newPresidency))
	with(auth.EditRegistry).Post("/presidencies", s.page(s.recordPresidency))
}

func (s *server) newDelegation(w http.ResponseWriter, r *http.Request) error {
	return s.renderDelegationForm(w, r, http.StatusOK, web.DelegationForm{Kind: string(dialogue.Partner)})
}

func (s *server) createDelegation(w http.ResponseWriter, r *http.Request) error {
	f, in := delegationFormOf(r)
	d, err := s.st.CreateDelegation(r.Context(), actorOf(r), in)
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderDelegationForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/delegations", d.Name+" ("+d.Code+") is recorded. Add it to a dialogue's participation from the dialogue's page, and give it users.")
}

func (s *server) editDelegation(w http.ResponseWriter, r *http.Request) error {
	e, err := s.st.DelegationForEdit(r.Context(), delegationOfURL(r))
	if err != nil {
		return err
	}
	return s.renderDelegationForm(w, r, http.StatusOK, delegationFormFrom(e))
}

func (s *server) updateDelegation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.st.DelegationForEdit(ctx, delegationOfURL(r))
	if err != nil {
		return err
	}
	f, in := delegationFormOf(r)
	f.Editing, f.Code, f.Kind, f.SavedName = true, e.Delegation.Code, string(e.Delegation.Kind), e.Delegation.Name
	err = s.st.UpdateDelegation(ctx, actorOf(r), e.Delegation.Code, f.Version, in)
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderDelegationForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		// What was typed stays; the delegation as saved now is shown above
		// it, and the form now starts from its version.
		now, err2 := s.st.DelegationForEdit(ctx, e.Delegation.Code)
		if err2 != nil {
			return err2
		}
		f.Conflict, f.ConflictMessage, f.Version = &now.Delegation, errorMessage(err), now.Version
		return s.renderDelegationForm(w, r, http.StatusConflict, f)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/delegations", "Changes to "+e.Delegation.Code+" saved. The audit log keeps what each save recorded.")
}

// delegationOfURL is the delegation's code in the URL, as codes are
// written (/delegations/tn/edit is Tunisia's form).
func delegationOfURL(r *http.Request) string {
	return strings.ToUpper(chi.URLParam(r, "delegation"))
}

// delegationFormFrom is the edit form of a delegation as saved.
func delegationFormFrom(e store.DelegationEdit) web.DelegationForm {
	d := e.Delegation
	f := web.DelegationForm{Editing: true, SavedName: d.Name, Version: e.Version, Code: d.Code, Kind: string(d.Kind), Name: d.Name,
		NativeName: d.NativeName, Footnote: d.Footnote}
	if d.ProtocolOrder > 0 {
		f.ProtocolOrder = strconv.Itoa(d.ProtocolOrder)
	}
	return f
}

// delegationFormOf reads the form as sent: what to show again and what to
// save.
func delegationFormOf(r *http.Request) (web.DelegationForm, store.DelegationInput) {
	f := web.DelegationForm{Code: r.PostFormValue("code"), Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"),
		NativeName: r.PostFormValue("native_name"), ProtocolOrder: r.PostFormValue("protocol_order"), Footnote: r.PostFormValue("footnote")}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in := store.DelegationInput{Code: f.Code, Kind: dialogue.DelegationKind(f.Kind), Name: f.Name, NativeName: f.NativeName,
		ProtocolOrder: f.ProtocolOrder, Footnote: f.Footnote}
	return f, in
}

// renderDelegationForm shows the form with the number of member states
// (for the protocol order's hint).
func (s *server) renderDelegationForm(w http.ResponseWriter, r *http.Request, status int, f web.DelegationForm) error {
	ds, err := s.st.Delegations(r.Context())
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Kind == dialogue.MemberState {
			f.MemberStates++
		}
	}
	return s.render(w, r, status, web.DelegationFormPage(f))
}

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
	h := &web.Handover{Period: next.Period(), Starts: longDate(start), Days: days}
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
