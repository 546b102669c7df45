package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Scheduling and editing meetings (the secretariat). Every edit names the
// version it started from: when someone saved in between, nothing is
// written and the form comes back with what the user typed beside the
// meeting as it is now (409); saving again replaces it, and both versions
// stay in the meeting's history.

// localLayout is how a datetime-local field sends a time.
const localLayout = "2006-01-02T15:04"

func (s *server) newMeeting(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := web.MeetingForm{Level: string(dialogue.LevelSOM), TimeZone: dialogue.Brussels.String(), City: "Brussels",
		Format: string(dialogue.FormatInPerson), Status: string(dialogue.MeetingPlanned)}
	if d := q.Get("dialogue"); d != "" {
		f.Dialogue = d
	}
	if l := q.Get("level"); l != "" {
		f.Level = l
	}
	return s.renderMeetingForm(w, r, http.StatusOK, f)
}

func (s *server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := meetingFormOf(r)
	in, fe := meetingInputOf(f)
	id, err := s.st.ScheduleMeeting(ctx, actorOf(r), in)
	if errs := mergeErrors(fe, err); errs != nil {
		f.Errors = errs
		return s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, meetingHref(id), "The meeting is scheduled, with the dialogue's default invitation list. Build its agenda below.")
}

func (s *server) editMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	m, err := s.st.VisibleMeeting(ctx, viewerOf(currentUser(ctx)), id)
	if err != nil {
		return err
	}
	return s.renderMeetingForm(w, r, http.StatusOK, s.meetingFormFrom(ctx, m))
}

func (s *server) updateMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := urlMeetingID(r)
	if err != nil {
		return err
	}
	f := meetingFormOf(r)
	f.ID = id
	in, fe := meetingInputOf(f)
	err = s.st.UpdateMeeting(ctx, actorOf(r), id, f.Version, in)
	if errs := mergeErrors(fe, err); errs != nil {
		f.Errors = errs
		return s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, f)
	}
	switch dialogue.KindOf(err) {
	case 0:
		if err != nil {
			return err
		}
	case dialogue.KindConflict:
		viewer := viewerOf(currentUser(ctx))
		now, err2 := s.st.VisibleMeeting(ctx, viewer, id)
		if err2 != nil {
			return err2
		}
		views, err2 := s.meetingViews(ctx, viewer, []dialogue.Meeting{now}, nil)
		if err2 != nil {
			return err2
		}
		f.Conflict, f.ConflictMessage, f.Version = &views[0], errorMessage(err), now.Version
		return s.renderMeetingForm(w, r, http.StatusConflict, f)
	default:
		return err
	}
	return s.flashTo(w, r, meetingHref(id), "Changes saved. The meeting's history keeps the version before them.")
}

// errorMessage is a domain error's message for the user.
func errorMessage(err error) string {
	var de *dialogue.Error
	if asError(err, &de) {
		return de.Message
	}
	return "Someone else changed this in the meantime."
}

// mergeErrors puts the form's own problems (times that do not parse) and the
// store's in one set; nil when there are none and err is not invalid input.
func mergeErrors(own dialogue.FieldErrors, err error) dialogue.FieldErrors {
	store := formErrors(err)
	if len(own) == 0 && store == nil {
		return nil
	}
	out := dialogue.FieldErrors{}
	for k, v := range own {
		out.Add(k, v)
	}
	for k, v := range store {
		out.Add(k, v)
	}
	return out
}

// meetingFormOf reads the meeting form as the user sent it.
func meetingFormOf(r *http.Request) web.MeetingForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := web.MeetingForm{
		Dialogue: v("dialogue"), Level: v("level"), Title: v("title"), StartsAt: v("starts_at"), EndsAt: v("ends_at"),
		TimeZone: v("time_zone"), Venue: v("venue"), City: v("city"), Format: v("format"), Status: v("status"),
		CancelReason: v("cancel_reason"), BackToBack: v("back_to_back"), Note: r.PostFormValue("note"),
	}
	f.Version, _ = strconv.Atoi(v("version"))
	return f
}

// meetingInputOf turns the form into the store's input; times are read in
// the venue's zone (Brussels when the zone is not valid: the store says so).
func meetingInputOf(f web.MeetingForm) (store.MeetingInput, dialogue.FieldErrors) {
	fe := dialogue.FieldErrors{}
	in := store.MeetingInput{DialogueCode: f.Dialogue, Level: dialogue.MeetingLevel(f.Level), Title: f.Title,
		TimeZone: f.TimeZone, Venue: f.Venue, City: f.City, Format: dialogue.MeetingFormat(f.Format),
		Status: dialogue.MeetingStatus(f.Status), CancelReason: f.CancelReason, Note: f.Note}
	loc := dialogue.Brussels
	if f.TimeZone != "" && f.TimeZone != "Local" {
		if l, err := dialogue.LoadZone(f.TimeZone); err == nil {
			loc = l
		}
	}
	in.StartsAt = parseLocalTime(f.StartsAt, loc, "starts_at", "start", fe)
	in.EndsAt = parseLocalTime(f.EndsAt, loc, "ends_at", "end", fe)
	if f.BackToBack != "" {
		id, ok := parseID(f.BackToBack)
		if !ok {
			fe.Add("back_to_back", "Choose a COSI meeting from the list.")
		}
		in.BackToBackID = id
	}
	return in, fe
}

func parseLocalTime(s string, loc *time.Location, field, what string, fe dialogue.FieldErrors) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{localLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	fe.Add(field, "Enter the "+what+" as a date and time, for example 2027-03-16T14:30.")
	return time.Time{}
}

// meetingFormFrom is the edit form of a saved meeting.
func (s *server) meetingFormFrom(ctx context.Context, m dialogue.Meeting) web.MeetingForm {
	loc := dialogue.Brussels
	if l, err := dialogue.LoadZone(m.TimeZone); err == nil && m.TimeZone != "" {
		loc = l
	}
	f := web.MeetingForm{ID: m.ID, Version: m.Version, Level: string(m.Level), Title: m.Title,
		StartsAt: m.StartsAt.In(loc).Format(localLayout), EndsAt: m.EndsAt.In(loc).Format(localLayout),
		TimeZone: m.TimeZone, Venue: m.Venue, City: m.City, Format: string(m.Format), Status: string(m.Status),
		CancelReason: m.CancelReason, Note: m.Note}
	if m.BackToBackID != 0 {
		f.BackToBack = strconv.FormatInt(m.BackToBackID, 10)
	}
	if m.DialogueID != 0 {
		if ds, err := s.st.Dialogues(ctx); err == nil {
			for _, d := range ds {
				if d.ID == m.DialogueID {
					f.Dialogue = d.Code
				}
			}
		}
	}
	return f
}

// renderMeetingForm fills the form's lists and renders it.
func (s *server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, f web.MeetingForm) error {
	ctx := r.Context()
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return err
	}
	f.DialogueOptions = []web.Option{{Value: "", Label: "None (COSI or the COSI Support Group)"}}
	for _, d := range dialogues {
		f.DialogueOptions = append(f.DialogueOptions, web.Option{Value: d.Code, Label: d.Name})
	}
	f.LevelOptions = nil
	for _, l := range dialogue.MeetingLevels {
		f.LevelOptions = append(f.LevelOptions, web.Option{Value: string(l), Label: l.Label()})
	}
	f.FormatOptions = nil
	for _, x := range []dialogue.MeetingFormat{dialogue.FormatInPerson, dialogue.FormatHybrid, dialogue.FormatVideoconference} {
		f.FormatOptions = append(f.FormatOptions, web.Option{Value: string(x), Label: x.Label()})
	}
	f.StatusOptions = nil
	for _, x := range []dialogue.MeetingStatus{dialogue.MeetingPlanned, dialogue.MeetingConfirmed, dialogue.MeetingHeld, dialogue.MeetingCancelled} {
		f.StatusOptions = append(f.StatusOptions, web.Option{Value: string(x), Label: x.Label()})
	}
	cosi, err := s.st.Meetings(ctx, store.MeetingFilter{COSIOnly: true})
	if err != nil {
		return err
	}
	f.BackToBackOptions = []web.Option{{Value: "", Label: "None"}}
	for i := len(cosi) - 1; i >= 0; i-- { // latest first
		c := cosi[i]
		if c.ID == f.ID {
			continue
		}
		label := c.Title + " – " + c.StartsAt.In(dialogue.Brussels).Format("Mon 2 Jan 2006") + " – " + c.City
		if c.Status == dialogue.MeetingCancelled {
			label += " (cancelled)"
		}
		f.BackToBackOptions = append(f.BackToBackOptions, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: label})
	}
	return s.render(w, r, status, web.MeetingFormPage(f))
}
