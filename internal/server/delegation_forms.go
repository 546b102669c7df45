package server

import (
	"net/http"
	"strconv"
	"strings"

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
