package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Users are administered by the secretariat (everyone) and by delegation
// managers (the users of their own delegation, delegates only). Which one
// applies is the policy's scope for auth.ManageOwnUsers / auth.ManageUsers.

func (s *server) users(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, web.UserForm{Role: string(dialogue.RoleDelegate)}, nil)
}

func (s *server) renderUsers(w http.ResponseWriter, r *http.Request, status int, form web.UserForm, link *web.ResetLink) error {
	ctx := r.Context()
	u := currentUser(ctx)
	all := auth.Can(u, auth.ManageUsers)
	v := web.UsersView{All: all, Form: form, Link: link}
	var ds []dialogue.Delegation
	if all {
		var err error
		if ds, err = s.st.Delegations(ctx); err != nil {
			return err
		}
		for _, d := range ds {
			v.Delegations = append(v.Delegations, web.Option{Value: d.Code, Label: d.Code + " – " + d.Name})
		}
		if v.Handover, err = s.handover(r); err != nil {
			return err
		}
	} else if u.Delegation != nil {
		v.OwnDelegation = u.Delegation.Name
	}
	var f store.UserFilter
	v.Filter, f = usersFilter(r.URL.Query(), all, ds)
	if !all {
		f.DelegationID = u.DelegationID // whatever the URL says
	}
	if len(v.Filter.Errors) > 0 {
		if status == http.StatusOK {
			status = http.StatusUnprocessableEntity
		}
		return s.render(w, r, status, web.UsersPage(v))
	}
	list, err := s.st.ListUsers(ctx, f)
	if err != nil {
		return err
	}
	for _, x := range list {
		row := web.UserRow{ID: x.ID, Name: x.Name, Email: x.Email, Role: x.Role.Label(), Disabled: x.Disabled,
			Self: x.ID == u.ID, Manager: x.IsManager, RoleValue: string(x.Role)}
		if x.Delegation != nil {
			row.Delegation = x.Delegation.Code + " – " + x.Delegation.Name
		}
		v.Users = append(v.Users, row)
	}
	return s.render(w, r, status, web.UsersPage(v))
}

// usersFilter reads the users list's filter from a URL's query: the page's
// own, or that of a form's action on it, which carries the filter so that
// the list comes back as it was. The delegation and the role are the
// secretariat's (all; delegations are the choices), a manager's list being
// their delegation's. Query, in the result, holds only valid values,
// encoded anew: it is never the URL's text.
func usersFilter(q url.Values, all bool, delegations []dialogue.Delegation) (web.UsersFilter, store.UserFilter) {
	form := web.UsersFilter{Words: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Errors: dialogue.FieldErrors{}}
	f := store.UserFilter{Words: form.Words}
	keep := url.Values{}
	if form.Words != "" {
		keep.Set("q", form.Words)
	}
	if all {
		form.Delegation, form.Role = strings.ToUpper(strings.TrimSpace(q.Get("delegation"))), q.Get("role")
		if form.Delegation != "" {
			for _, d := range delegations {
				if d.Code == form.Delegation {
					f.DelegationID = d.ID
				}
			}
			if f.DelegationID == 0 {
				form.Errors.Add("delegation", "Choose a delegation from the list.")
			} else {
				keep.Set("delegation", form.Delegation)
			}
		}
		if form.Role != "" {
			if f.Role = dialogue.Role(form.Role); !f.Role.Valid() {
				form.Errors.Add("role", "Choose a role from the list.")
			} else {
				keep.Set("role", form.Role)
			}
		}
	}
	switch form.Status {
	case "":
	case "active", "disabled":
		disabled := form.Status == "disabled"
		f.Disabled = &disabled
		keep.Set("status", form.Status)
	default:
		form.Errors.Add("status", "Choose active or disabled, or neither for both.")
	}
	if len(keep) > 0 {
		form.Query = "?" + keep.Encode()
	}
	return form, f
}

// createUser creates an account without a password and shows a one-time
// link with which the person sets it (the invitation).
func (s *server) createUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(ctx)
	form := web.UserForm{
		Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Delegation: strings.ToUpper(r.PostFormValue("delegation")),
		Manager: r.PostFormValue("manager") == "on",
	}
	nu := store.NewUser{Email: form.Email, Name: form.Name, Role: dialogue.Role(form.Role), DelegationCode: form.Delegation, IsManager: form.Manager}
	if !auth.Can(u, auth.ManageUsers) {
		// A manager invites delegates of their own delegation, nothing else:
		// whatever the form says.
		nu.Role, nu.IsManager, nu.DelegationCode = dialogue.RoleDelegate, false, u.Delegation.Code
	}
	created, err := s.st.CreateUser(ctx, actorOf(r), nu)
	if fe := formErrors(err); fe != nil {
		form.Errors = fe
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, form, nil)
	}
	if err != nil {
		return err
	}
	link, err := s.issueResetLink(r, created.ID)
	if err != nil {
		return err
	}
	return s.renderUsers(w, r, http.StatusCreated, web.UserForm{Role: string(dialogue.RoleDelegate)},
		&web.ResetLink{For: created.Name + " (" + created.Email + ")", URL: link, Invitation: true})
}

// targetUser loads the user named in the URL if the current user may
// manage them; anyone else is "not found", so ids cannot be probed.
func (s *server) targetUser(r *http.Request) (dialogue.User, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return dialogue.User{}, dialogue.ErrNotFound
	}
	t, err := s.st.UserByID(r.Context(), id)
	if err != nil {
		return t, err
	}
	u := currentUser(r.Context())
	if auth.Can(u, auth.ManageUsers) {
		return t, nil
	}
	if t.DelegationID == 0 || !auth.CanFor(u, auth.ManageOwnUsers, t.DelegationID) || t.Role != dialogue.RoleDelegate {
		return t, dialogue.ErrNotFound
	}
	return t, nil
}

func (s *server) setUserDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		t, err := s.targetUser(r)
		if err != nil {
			return err
		}
		if t.ID == currentUser(r.Context()).ID {
			return dialogue.Errorf(dialogue.KindInvalid, "You cannot disable your own account.")
		}
		if err := s.st.SetDisabled(r.Context(), actorOf(r), t.ID, disabled); err != nil {
			return err
		}
		s.backToUsers(w, r)
		return nil
	}
}

func (s *server) resetUser(w http.ResponseWriter, r *http.Request) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	link, err := s.issueResetLink(r, t.ID)
	if err != nil {
		return err
	}
	return s.renderUsers(w, r, http.StatusOK, web.UserForm{Role: string(dialogue.RoleDelegate)},
		&web.ResetLink{For: t.Name + " (" + t.Email + ")", URL: link})
}

// setUserRole is the secretariat's: the user's sessions get a new token at
// their next request (see loadUser).
func (s *server) setUserRole(w http.ResponseWriter, r *http.Request) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	c := store.RoleChange{Role: dialogue.Role(r.PostFormValue("role")), Manager: r.PostFormValue("manager") == "on",
		Was: dialogue.Role(r.PostFormValue("was_role")), WasManager: r.PostFormValue("was_manager") == "on"}
	if !c.Role.Valid() || c.Role.NeedsDelegation() != (t.DelegationID != 0) || (c.Manager && c.Role != dialogue.RoleDelegate) {
		return dialogue.Errorf(dialogue.KindInvalid, "This role does not fit this user: delegates and observers belong to a delegation, the Presidency and the secretariat do not; only a delegate can be a manager.")
	}
	if !c.Was.Valid() {
		return dialogue.Errorf(dialogue.KindInvalid, "This form does not say which role it showed: open the users list again and change the role there.")
	}
	if err := s.st.SetRole(r.Context(), actorOf(r), t.ID, c); err != nil {
		return err
	}
	s.backToUsers(w, r)
	return nil
}

// backToUsers sends the browser back to the users list after an action,
// filtered as the action's URL says. The filter's values are encoded anew
// into a path of the portal's own; the list checks them.
func (s *server) backToUsers(w http.ResponseWriter, r *http.Request) {
	q, keep := r.URL.Query(), url.Values{}
	for _, k := range []string{"q", "delegation", "role", "status"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			keep.Set(k, v)
		}
	}
	to := "/users"
	if len(keep) > 0 {
		to += "?" + keep.Encode()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *server) issueResetLink(r *http.Request, userID int64) (string, error) {
	token, hash := newResetToken()
	if err := s.st.CreatePasswordReset(r.Context(), actorOf(r), userID, hash, resetValidity); err != nil {
		return "", err
	}
	return s.baseURL + "/reset/" + token, nil
}

// formErrors returns the per-field messages of an invalid-input error, or nil.
func formErrors(err error) dialogue.FieldErrors {
	if err == nil || dialogue.KindOf(err) != dialogue.KindInvalid {
		return nil
	}
	var fe *dialogue.FormError
	var de *dialogue.Error
	switch {
	case asError(err, &fe):
		return fe.Fields
	case asError(err, &de) && de.Field != "":
		return dialogue.FieldErrors{de.Field: de.Message}
	case asError(err, &de):
		return dialogue.FieldErrors{"form": de.Message}
	}
	return nil
}
