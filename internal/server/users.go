package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
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
	v := web.UsersView{All: all, Form: form, Link: link, Flash: s.sessions.PopString(ctx, sessionFlash)}
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
		if v.FromHint, v.UntilHint, err = s.presidencyAccessHints(ctx); err != nil {
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
			Ended: x.AccessEnded, NotYet: x.AccessNotYet, Self: x.ID == u.ID, Manager: x.IsManager, RoleValue: string(x.Role)}
		if !x.AccessUntil.IsZero() {
			row.Until = longDate(x.AccessUntil)
		}
		if !x.AccessFrom.IsZero() {
			row.From = longDate(x.AccessFrom)
		}
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
	if form.Status != "" {
		if f.Status = dialogue.AccountStatus(form.Status); f.Status.Valid() {
			keep.Set("status", form.Status)
		} else {
			form.Errors.Add("status", "Choose a status from the list, or every account.")
		}
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
		Manager: r.PostFormValue("manager") == "on", From: strings.TrimSpace(r.PostFormValue("from")),
		Until: strings.TrimSpace(r.PostFormValue("until")),
	}
	from, fromErr := parseDay(form.From)
	until, untilErr := s.parseAccessUntil(form.Until, "")
	nu := store.NewUser{Email: form.Email, Name: form.Name, Role: dialogue.Role(form.Role), DelegationCode: form.Delegation,
		IsManager: form.Manager, AccessFrom: from, AccessUntil: until}
	if !auth.Can(u, auth.ManageUsers) {
		// A manager invites delegates of their own delegation, nothing else:
		// whatever the form says.
		nu.Role, nu.IsManager, nu.DelegationCode = dialogue.RoleDelegate, false, u.Delegation.Code
	}
	var created dialogue.User
	var err error
	if fromErr == "" && untilErr == "" {
		created, err = s.st.CreateUser(ctx, actorOf(r), nu)
	}
	if fe := withDayErrors(err, fromErr, untilErr); fe != nil {
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

// editUser opens the account form: the name, the e-mail address and the
// last day of access.
func (s *server) editUser(w http.ResponseWriter, r *http.Request) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	f := accountForm(t)
	return s.renderAccount(w, r, http.StatusOK, t, web.AccountView{Form: f, Was: f})
}

// accountForm is a user's account as the form shows it.
func accountForm(u dialogue.User) web.AccountForm {
	f := web.AccountForm{Name: u.Name, Email: u.Email}
	if !u.AccessFrom.IsZero() {
		f.From = u.AccessFrom.Format(time.DateOnly)
	}
	if !u.AccessUntil.IsZero() {
		f.Until = u.AccessUntil.Format(time.DateOnly)
	}
	return f
}

// updateUser saves the account form, unless someone changed the account
// since the form was opened: then the form comes back with the account as
// saved now above what was typed.
func (s *server) updateUser(w http.ResponseWriter, r *http.Request) error {
	t, err := s.targetUser(r)
	if err != nil {
		return err
	}
	v := web.AccountView{
		Form: web.AccountForm{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
			From: strings.TrimSpace(r.PostFormValue("from")), Until: strings.TrimSpace(r.PostFormValue("until"))},
		Was: web.AccountForm{Name: r.PostFormValue("was_name"), Email: r.PostFormValue("was_email"),
			From: r.PostFormValue("was_from"), Until: r.PostFormValue("was_until")},
	}
	// The days the form showed, whatever they are.
	wasFrom, bad1 := parseDay(v.Was.From)
	wasUntil, bad2 := parseDay(v.Was.Until)
	if bad1 != "" || bad2 != "" || v.Was.Email == "" {
		return dialogue.Errorf(dialogue.KindInvalid, "This form does not say how it showed the account: open the users list again and edit the account from there.")
	}
	from, fromErr := parseDay(v.Form.From)
	until, untilErr := s.parseAccessUntil(v.Form.Until, v.Was.Until)
	if fromErr == "" && untilErr == "" {
		err = s.st.UpdateAccount(r.Context(), actorOf(r), t.ID, store.Account{Name: v.Form.Name, Email: v.Form.Email, From: from, Until: until},
			store.Account{Name: v.Was.Name, Email: v.Was.Email, From: wasFrom, Until: wasUntil})
	}
	if fe := withDayErrors(err, fromErr, untilErr); fe != nil {
		v.Errors = fe
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, t, v)
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		v.Conflict = errorMessage(err)
		if t, err = s.targetUser(r); err != nil {
			return err
		}
		v.Was = accountForm(t) // saving again replaces it knowingly
		return s.renderAccount(w, r, http.StatusConflict, t, v)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionFlash, "The account of "+v.Form.Name+" is saved: "+accessDays(from, until)+".")
	s.backToUsers(w, r)
	return nil
}

func (s *server) renderAccount(w http.ResponseWriter, r *http.Request, status int, t dialogue.User, v web.AccountView) error {
	v.Name, v.Role = t.Name, t.Role.Label()
	if t.Delegation != nil {
		v.Delegation = t.Delegation.Code + " – " + t.Delegation.Name
	}
	switch t.Status() {
	case dialogue.AccountDisabled:
		v.Status = "Disabled: the account cannot be used whatever its last day of access."
	case dialogue.AccountEnded:
		v.Status = "Access ended: its last day was " + longDate(t.AccessUntil) + "."
	case dialogue.AccountNotYet:
		v.Status = "Not yet: access from " + longDate(t.AccessFrom) + "."
	default:
		v.Status = "Active"
	}
	if t.Role == dialogue.RolePresidency {
		var err error
		if v.FromHint, v.UntilHint, err = s.presidencyAccessHints(r.Context()); err != nil {
			return err
		}
	}
	back := usersHref(r)
	v.Back = templ.SafeURL(back)
	v.Action = templ.SafeURL(strings.Replace(back, "/users", "/users/"+strconv.FormatInt(t.ID, 10)+"/edit", 1))
	return s.render(w, r, status, web.AccountPage(v))
}

// withDayErrors is the per-field messages of err (see formErrors) and the
// days of access's own (from parseDay and parseAccessUntil), nil when there
// is none.
func withDayErrors(err error, from, until string) dialogue.FieldErrors {
	fe := formErrors(err)
	for field, msg := range map[string]string{"from": from, "until": until} {
		if msg != "" {
			if fe == nil {
				fe = dialogue.FieldErrors{}
			}
			fe.Add(field, msg)
		}
	}
	return fe
}

// accessDays says an account's days of access, for the message after a
// save.
func accessDays(from, until time.Time) string {
	switch {
	case from.IsZero() && until.IsZero():
		return "access without an end"
	case from.IsZero():
		return "last day of access " + longDate(until)
	case until.IsZero():
		return "access from " + longDate(from) + ", without an end"
	}
	return "access from " + longDate(from) + " to " + longDate(until)
}

// parseDay reads a day of access as typed ("" for none), and returns the
// problem to show beside the field, if any.
func parseDay(typed string) (time.Time, string) {
	if typed == "" {
		return time.Time{}, ""
	}
	day, err := time.Parse(time.DateOnly, typed)
	if err != nil {
		return time.Time{}, "Enter the day as a date, e.g. 2026-12-31, or leave it empty."
	}
	return day, ""
}

// parseAccessUntil reads a last day of access as parseDay does. A day
// before today is refused unless it is the one the form showed (was):
// ending access today or earlier is what disabling an account is for.
func (s *server) parseAccessUntil(typed, was string) (time.Time, string) {
	day, msg := parseDay(typed)
	if msg != "" || day.IsZero() {
		return day, msg
	}
	if day.Before(calendarDay(s.now())) && typed != was {
		return time.Time{}, "Choose today or a later day. To end the access now, disable the account."
	}
	return day, ""
}

// presidencyAccessHints propose a Presidency officer's days of access:
// the last is that of the Presidency in office and, in the weeks before a
// handover, when the secretariat invites the incoming staff, that of the
// Presidency to come, whose first day is then proposed as theirs.
func (s *server) presidencyAccessHints(ctx context.Context) (from, until string, err error) {
	now := s.now()
	in, err := s.semesterName(ctx, dialogue.SemesterAt(now))
	if err != nil {
		return "", "", err
	}
	until = "A Presidency officer's access usually ends with the Presidency they serve: " + lastDay(dialogue.SemesterAt(now)) + in + " for the one in office"
	if next, start, days := nextSemester(now); days <= handoverWindow {
		after, err := s.semesterName(ctx, next)
		if err != nil {
			return "", "", err
		}
		until += ", " + lastDay(next) + after + " for the one that takes over on " + longDate(start)
		from = "The incoming Presidency's staff, invited before the handover, set their password at once and sign in from " + longDate(start) + after + "."
	}
	return from, until + ".", nil
}

// lastDay is the last day of a semester.
func lastDay(sem dialogue.Presidency) string {
	return longDate(sem.End(dialogue.Brussels).AddDate(0, 0, -1))
}

// semesterName is " (Ireland)" for a semester whose Presidency is
// recorded, else "".
func (s *server) semesterName(ctx context.Context, sem dialogue.Presidency) (string, error) {
	p, err := s.st.CurrentPresidency(ctx, sem.Start(dialogue.Brussels))
	switch {
	case err == nil:
		return " (" + p.Delegation.Name + ")", nil
	case dialogue.KindOf(err) == dialogue.KindNotFound:
		return "", nil
	}
	return "", err
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
	http.Redirect(w, r, usersHref(r), http.StatusSeeOther)
}

// usersHref is the users list, filtered as r's URL says, the filter's
// values encoded anew into a path of the portal's own.
func usersHref(r *http.Request) string {
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
	return to
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
