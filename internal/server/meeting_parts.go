package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The parts of a meeting: invitations and attendance, agenda, minutes and
// action points. Each write is one store call (one transaction with its
// audit record); a form with problems comes back on the meeting's page with
// what was typed and a message beside each field (422).

// done records a message for the next page and goes back to the meeting.
func (s *server) done(w http.ResponseWriter, r *http.Request, meetingID int64, anchor, msg string) error {
	return s.flashTo(w, r, meetingHref(meetingID)+"#"+anchor, msg)
}

// ---------------------------------------------------------------- invitations

func (s *server) setInvitations(w http.ResponseWriter, r *http.Request) error {
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return dialogue.FieldError("delegations", "The form could not be read.")
	}
	var ids []int64
	chosen := map[int64]bool{}
	for _, raw := range r.PostForm["delegations"] {
		d, ok := parseID(raw)
		if !ok {
			return dialogue.FieldError("delegations", "Choose delegations from the list.")
		}
		ids = append(ids, d)
		chosen[d] = true
	}
	err = s.st.SetInvitations(r.Context(), actorOf(r), id, ids)
	if fe := formErrors(err); fe != nil {
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			for g := range v.InviteForm.Groups {
				for i := range v.InviteForm.Groups[g].Delegations {
					c := &v.InviteForm.Groups[g].Delegations[i]
					c.Checked = chosen[c.Delegation.ID]
				}
			}
			v.InviteForm.Errors, v.Problems = fe, pageErrors(fe, "inv")
		})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "attendance", "The invitation list is saved.")
}

// replyAttendance records the user's own delegation's reply; the delegation
// is never taken from the form.
func (s *server) replyAttendance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(ctx)
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	if _, err := s.st.VisibleMeeting(ctx, viewerOf(u), id); err != nil {
		return err
	}
	form := web.ReplyForm{Reply: r.PostFormValue("reply"), Level: r.PostFormValue("level"), Attendees: strings.TrimSpace(r.PostFormValue("attendees"))}
	err = s.st.ReplyAttendance(ctx, actorOf(r), s.now(), id, u.DelegationID,
		store.AttendanceReply(form.Reply), store.AttendanceLevel(form.Level), form.Attendees)
	if fe := formErrors(err); fe != nil {
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			if v.Own != nil {
				form.Levels, form.Errors = v.Own.Form.Levels, fe
				v.Own.Form = form
			}
			v.Problems = pageErrors(fe, "reply")
		})
	}
	if dialogue.KindOf(err) == dialogue.KindNotFound {
		return dialogue.Errorf(dialogue.KindConflict, "Your delegation is not on the invitation list of this meeting, so it cannot reply. Ask the secretariat if it should be.")
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "attendance", "Your delegation's reply is recorded.")
}

// recordAttendance records, after the meeting has started, which invited
// delegations attended: fields attended-<delegation id> = yes, no or "".
func (s *server) recordAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return dialogue.FieldError("attended", "The form could not be read.")
	}
	attended := map[int64]bool{}
	for key, vals := range r.PostForm {
		raw, ok := strings.CutPrefix(key, "attended-")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		d, ok := parseID(raw)
		if !ok || (vals[0] != "yes" && vals[0] != "no") {
			return dialogue.FieldError("attended", "Say for each delegation whether it attended: yes, no, or not recorded.")
		}
		attended[d] = vals[0] == "yes"
	}
	err = s.st.RecordAttendance(r.Context(), actorOf(r), s.now(), id, attended)
	if fe := formErrors(err); fe != nil {
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			v.AttendedErrors, v.Problems = fe, pageErrors(fe, "att")
		})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "attendance", "Attendance is recorded.")
}

// ---------------------------------------------------------------- agenda

// agendaInputOf reads an agenda item's form.
func agendaInputOf(r *http.Request) (store.AgendaItemInput, web.AgendaForm, dialogue.FieldErrors) {
	_ = r.ParseForm()
	f := web.AgendaForm{Kind: r.PostFormValue("kind"), Title: strings.TrimSpace(r.PostFormValue("title")),
		Document: r.PostFormValue("document"), Round: r.PostFormValue("round"), Priorities: map[string]bool{}}
	fe := dialogue.FieldErrors{}
	in := store.AgendaItemInput{Kind: store.AgendaKind(f.Kind), Title: f.Title}
	pick := func(raw, field, msg string) int64 {
		if raw == "" {
			return 0
		}
		id, ok := parseID(raw)
		if !ok {
			fe.Add(field, msg)
		}
		return id
	}
	in.DocumentID = pick(f.Document, "document", "Choose a document from the list.")
	in.RoundID = pick(f.Round, "round", "Choose a consultation round from the list.")
	for _, raw := range r.PostForm["priorities"] {
		if id := pick(raw, "priorities", "Choose priorities from the list."); id != 0 {
			in.PriorityIDs = append(in.PriorityIDs, id)
			f.Priorities[raw] = true
		}
	}
	return in, f, fe
}

func (s *server) addAgendaItem(w http.ResponseWriter, r *http.Request) error {
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	in, form, fe := agendaInputOf(r)
	if len(fe) == 0 {
		_, err = s.st.AddAgendaItem(r.Context(), actorOf(r), id, in)
	}
	if errs := mergeErrors(fe, err); errs != nil {
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			form.Errors = errs
			v.AgendaForm, v.Problems = form, pageErrors(errs, "ag")
		})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "agenda", "The item is added to the agenda.")
}

// agendaItemID is the agenda item in the URL, if it is an item of the
// meeting in the URL.
func (s *server) agendaItemID(r *http.Request, meetingID int64) (int64, error) {
	itemID, ok := parseID(chi.URLParam(r, "item"))
	if !ok {
		return 0, dialogue.ErrNotFound
	}
	items, err := s.st.AgendaItems(r.Context(), viewerOf(currentUser(r.Context())), meetingID)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if it.ID == itemID {
			return itemID, nil
		}
	}
	return 0, dialogue.ErrNotFound
}

func (s *server) updateAgendaItem(w http.ResponseWriter, r *http.Request) error {
	id, itemID, err := s.urlAgendaItem(r)
	if err != nil {
		return err
	}
	in, form, fe := agendaInputOf(r)
	if len(fe) == 0 {
		err = s.st.UpdateAgendaItem(r.Context(), actorOf(r), itemID, in)
	}
	if errs := mergeErrors(fe, err); errs != nil {
		prefix := "ag" + strconv.FormatInt(itemID, 10)
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			form.Errors = errs
			for i := range v.Agenda {
				if v.Agenda[i].ID == itemID {
					v.Agenda[i].Form, v.Agenda[i].Editing = form, true
				}
			}
			v.Problems = pageErrors(errs, prefix)
		})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "item-"+strconv.FormatInt(itemID, 10), "The agenda item is saved.")
}

// urlAgendaItem reads the meeting and one of its agenda items from the URL
// (an item of another meeting is not found).
func (s *server) urlAgendaItem(r *http.Request) (meetingID, itemID int64, err error) {
	if meetingID, err = urlMeetingID(r); err != nil {
		return 0, 0, err
	}
	itemID, err = s.agendaItemID(r, meetingID)
	return meetingID, itemID, err
}

func (s *server) moveAgendaItem(w http.ResponseWriter, r *http.Request) error {
	id, itemID, err := s.urlAgendaItem(r)
	if err != nil {
		return err
	}
	direction := 0
	switch r.PostFormValue("direction") {
	case "up":
		direction = -1
	case "down":
		direction = 1
	}
	if err := s.st.MoveAgendaItem(r.Context(), actorOf(r), itemID, direction); err != nil {
		return err
	}
	return s.done(w, r, id, "item-"+strconv.FormatInt(itemID, 10), "The agenda item is moved.")
}

func (s *server) deleteAgendaItem(w http.ResponseWriter, r *http.Request) error {
	id, itemID, err := s.urlAgendaItem(r)
	if err != nil {
		return err
	}
	if err := s.st.DeleteAgendaItem(r.Context(), actorOf(r), itemID); err != nil {
		return err
	}
	return s.done(w, r, id, "agenda", "The item is removed from the agenda; the others are renumbered.")
}

// ---------------------------------------------------------------- minutes

func (s *server) saveMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	body := r.PostFormValue("body")
	base, _ := strconv.Atoi(r.PostFormValue("base_version"))
	baseSaved, _ := time.Parse(time.RFC3339Nano, r.PostFormValue("base_saved"))
	var version int
	if strings.TrimSpace(body) == "" {
		err = dialogue.FieldError("body", "Write the minutes before saving them.")
	} else {
		version, err = s.st.SaveMinutes(r.Context(), actorOf(r), id, base, baseSaved, body)
	}
	fe := formErrors(err)
	if fe != nil || dialogue.KindOf(err) == dialogue.KindConflict {
		status, msg := http.StatusUnprocessableEntity, ""
		if fe == nil {
			status, msg = http.StatusConflict, errorMessage(err)
		}
		return s.renderMeeting(w, r, status, func(v *web.MeetingPageView) {
			// The base becomes the latest version: saving again replaces it
			// knowingly; the text typed is kept.
			v.MinutesForm.Body, v.MinutesForm.Errors, v.MinutesForm.Conflict = body, fe, msg
			if fe != nil {
				v.Problems = pageErrors(fe, "minutes")
			}
		})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "minutes", "Minutes saved (version "+strconv.Itoa(version)+").")
}

func (s *server) setMinutesStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	status := store.MinutesStatus(r.PostFormValue("status"))
	err = s.st.SetMinutesStatus(r.Context(), actorOf(r), id, version, status)
	if fe := formErrors(err); fe != nil {
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			v.StatusErrors, v.Problems = fe, pageErrors(fe, "minutes")
		})
	}
	if err != nil {
		return err
	}
	msg := "The minutes are circulated: the delegations can read them."
	if status == store.MinutesFinal {
		msg = "The minutes are final and locked; a correction is saved as a new version."
	}
	return s.done(w, r, id, "minutes", msg)
}

// ---------------------------------------------------------------- action points

func (s *server) addActionPoint(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	form := web.ActionForm{Title: strings.TrimSpace(r.PostFormValue("title")), Owner: strings.TrimSpace(r.PostFormValue("owner")),
		OwnerDelegation: r.PostFormValue("owner_delegation"), Due: strings.TrimSpace(r.PostFormValue("due"))}
	fe := dialogue.FieldErrors{}
	in := store.ActionPointInput{MeetingID: id, Title: form.Title, Owner: form.Owner}
	if form.Due != "" {
		due, err := time.Parse(time.DateOnly, form.Due)
		if err != nil {
			fe.Add("due", "Enter the due date as a date, for example 2027-04-30.")
		} else {
			in.DueOn = &due
		}
	}
	if form.OwnerDelegation != "" {
		ds, err := s.st.Delegations(ctx)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Code == form.OwnerDelegation {
				in.OwnerDelegationID = d.ID
			}
		}
		if in.OwnerDelegationID == 0 {
			fe.Add("owner", "Choose the owner delegation from the list.")
		}
	}
	if len(fe) == 0 {
		_, err = s.st.AddActionPoint(ctx, actorOf(r), in)
	}
	if errs := mergeErrors(fe, err); errs != nil {
		return s.renderMeeting(w, r, http.StatusUnprocessableEntity, func(v *web.MeetingPageView) {
			form.Errors = errs
			v.ActionForm, v.Problems = form, pageErrors(errs, "ap")
		})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, id, "actions", "The action point is added. It shows on the dialogue's page until it is done.")
}

// setActionPointStatus changes an action point's status and goes back to
// the page it was changed on (a local path only).
func (s *server) setActionPointStatus(w http.ResponseWriter, r *http.Request) error {
	id, ok := parseID(chi.URLParam(r, "id"))
	if !ok {
		return dialogue.ErrNotFound
	}
	status := store.ActionStatus(r.PostFormValue("status"))
	if err := s.st.SetActionPointStatus(r.Context(), actorOf(r), id, status); err != nil {
		return err
	}
	next := r.PostFormValue("next")
	if next == "" {
		next = "/meetings"
	}
	return s.flashTo(w, r, localPath(next), "The action point is now "+strings.ToLower(status.Label())+".")
}
