package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The scheduling assistant (the secretariat): for a dialogue meeting to
// plan, the half-days or days right before and after the COSI meetings of a
// period, in the same city, that fit (dialogue.ProposeSlots), each with why,
// and the near slots left out with why. Choosing one creates the meeting,
// back-to-back with that COSI meeting, with its default invitation list.

// planLevels are the levels a dialogue meeting can be planned at.
var planLevels = []dialogue.MeetingLevel{dialogue.LevelSOM, dialogue.LevelMinisterial, dialogue.LevelTechnical}

// maxPlanPeriod bounds the period searched.
const maxPlanPeriod = 2 * 366 * 24 * time.Hour

// planRequest is a validated request of the assistant.
type planRequest struct {
	dialogue dialogue.Dialogue
	level    dialogue.MeetingLevel
	length   dialogue.SlotLength
	from, to time.Time // the period: from the start of From to the end of To (Brussels)
}

func (s *server) planForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	today := s.today()
	f := web.PlanForm{Dialogue: q.Get("dialogue"), Level: q.Get("level"), From: q.Get("from"), To: q.Get("to"), Length: q.Get("length")}
	searched := q.Has("dialogue")
	if !searched {
		f.Level, f.Length = string(dialogue.LevelSOM), string(dialogue.HalfDay)
		f.From, f.To = today.Format(time.DateOnly), today.AddDate(0, 6, 0).Format(time.DateOnly)
	}
	v := web.PlanView{Form: f}
	status := http.StatusOK
	if searched {
		if err := s.planSearch(r.Context(), &v); err != nil {
			return err
		}
		if len(v.Form.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
	}
	return s.renderPlan(w, r, status, v)
}

// planSearch validates the form and, when it is valid, fills in the slots.
func (s *server) planSearch(ctx context.Context, v *web.PlanView) error {
	req, err := s.planRequestOf(ctx, &v.Form)
	if err != nil || len(v.Form.Errors) > 0 {
		return err
	}
	fits, excluded, cosi, err := s.proposeSlots(ctx, req)
	if err != nil {
		return err
	}
	v.Searched, v.COSI = true, cosi
	for _, sl := range fits {
		v.Slots = append(v.Slots, slotView(sl))
	}
	for _, e := range excluded {
		v.Excluded = append(v.Excluded, web.ExcludedSlotView{When: meetingTime(e.Start, e.End, dialogue.Brussels),
			WhenISO: e.Start.Format(time.RFC3339), Relation: e.Relation, COSI: *meetingLink(e.COSI), Reason: e.Reason})
	}
	return nil
}

func slotView(sl dialogue.Slot) web.SlotView {
	sv := web.SlotView{When: meetingTime(sl.Start, sl.End, dialogue.Brussels), WhenISO: sl.Start.Format(time.RFC3339),
		Relation: sl.Relation, COSI: *meetingLink(sl.COSI), City: sl.City, Reasons: sl.Reasons,
		Start: sl.Start.UTC().Format(time.RFC3339), End: sl.End.UTC().Format(time.RFC3339), COSIID: sl.COSI.ID,
		Button: "Plan on " + sl.Start.In(dialogue.Brussels).Format("Mon 2 Jan 2006, 15:04")}
	if sl.COSI.TimeZone != "" && sl.COSI.TimeZone != dialogue.Brussels.String() {
		if loc, err := dialogue.LoadZone(sl.COSI.TimeZone); err == nil {
			if local := meetingTime(sl.Start, sl.End, loc); local != sv.When {
				sv.Local = local
			}
		}
	}
	return sv
}

// planRequestOf checks the assistant's form, recording its problems in it.
func (s *server) planRequestOf(ctx context.Context, f *web.PlanForm) (planRequest, error) {
	f.Errors = dialogue.FieldErrors{}
	var req planRequest
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return req, err
	}
	for _, d := range dialogues {
		if d.Code == f.Dialogue {
			req.dialogue = d
		}
	}
	if req.dialogue.ID == 0 {
		f.Errors.Add("dialogue", "Choose the dialogue whose meeting to plan.")
	}
	req.level = dialogue.MeetingLevel(f.Level)
	if !slices.Contains(planLevels, req.level) {
		f.Errors.Add("level", "Choose a senior officials', ministerial or technical meeting.")
	}
	req.length = dialogue.SlotLength(f.Length)
	if req.length != dialogue.HalfDay && req.length != dialogue.FullDay {
		f.Errors.Add("length", "Choose a half day or a day.")
	}
	from, errFrom := time.ParseInLocation(time.DateOnly, f.From, dialogue.Brussels)
	if errFrom != nil {
		f.Errors.Add("from", "Enter the first day of the period, for example 2027-01-01.")
	}
	to, errTo := time.ParseInLocation(time.DateOnly, f.To, dialogue.Brussels)
	if errTo != nil {
		f.Errors.Add("to", "Enter the last day of the period, for example 2027-03-31.")
	}
	if errFrom == nil && errTo == nil {
		req.from, req.to = from, to.AddDate(0, 0, 1)
		switch {
		case !req.to.After(req.from):
			f.Errors.Add("to", "The period must end on or after the day it starts.")
		case req.to.Sub(req.from) > maxPlanPeriod:
			f.Errors.Add("to", "Choose a period of at most two years.")
		}
	}
	return req, nil
}

// proposeSlots gathers what dialogue.ProposeSlots needs: the COSI meetings
// in and next to the period, the other meetings that could clash with the
// delegations each invites, and those the planned meeting would invite.
func (s *server) proposeSlots(ctx context.Context, req planRequest) ([]dialogue.Slot, []dialogue.ExcludedSlot, int, error) {
	// A slot on the first day can be the day before a COSI meeting the day
	// after, and so on: look a little beyond the period.
	around := func(t time.Time, days int) time.Time { return t.AddDate(0, 0, days) }
	cosi, err := s.st.COSIMeetings(ctx, around(req.from, -2), around(req.to, 2))
	if err != nil {
		return nil, nil, 0, err
	}
	all, err := s.st.Meetings(ctx, store.MeetingFilter{})
	if err != nil {
		return nil, nil, 0, err
	}
	var others []dialogue.Meeting
	var ids []int64
	for _, m := range all {
		if m.Level == dialogue.LevelCOSI || m.Level == dialogue.LevelCOSISupport {
			continue
		}
		if m.StartsAt.Before(around(req.to, 2)) && m.EndsAt.After(around(req.from, -2)) {
			others = append(others, m)
			ids = append(ids, m.ID)
		}
	}
	invites, err := s.st.MeetingDelegations(ctx, ids)
	if err != nil {
		return nil, nil, 0, err
	}
	invited, err := s.plannedInvitees(ctx, req.dialogue)
	if err != nil {
		return nil, nil, 0, err
	}
	fits, excluded := dialogue.ProposeSlots(dialogue.SlotRequest{From: req.from, To: req.to, Length: req.length,
		COSI: cosi, Others: others, OthersDelegations: invites, Delegations: invited})
	n := 0
	for _, c := range cosi {
		if c.Status != dialogue.MeetingCancelled {
			n++
		}
	}
	return fits, excluded, n, nil
}

// plannedInvitees are the delegations a new meeting of the dialogue would
// invite by default: the member states and the institutions, the dialogue's
// observers, and its partners of the current phase (all of them when the
// dialogue takes all partners from the start). It is the rule the store
// applies to a meeting without an invitation list (DefaultInvitees), for a
// meeting that does not exist yet.
func (s *server) plannedInvitees(ctx context.Context, d dialogue.Dialogue) ([]int64, error) {
	ds, err := s.st.Delegations(ctx)
	if err != nil {
		return nil, err
	}
	parts, err := s.st.Participants(ctx, []int64{d.ID})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, dl := range ds {
		if dl.Kind == dialogue.MemberState || dl.Kind == dialogue.Institution {
			ids = append(ids, dl.ID)
		}
	}
	for _, p := range parts[d.ID] {
		if p.Role == dialogue.ParticipantObserver || p.Phase == 1 || d.GeographicScope == "all" {
			ids = append(ids, p.Delegation.ID)
		}
	}
	return ids, nil
}

// planMeeting creates the meeting in the chosen slot, if it still fits.
func (s *server) planMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	pv := web.PlanView{Form: web.PlanForm{Dialogue: v("dialogue"), Level: v("level"), From: v("from"), To: v("to"), Length: v("length")}}
	req, err := s.planRequestOf(ctx, &pv.Form)
	if err != nil {
		return err
	}
	start, errStart := time.Parse(time.RFC3339, v("start"))
	end, errEnd := time.Parse(time.RFC3339, v("end"))
	cosiID, okCOSI := parseID(v("cosi"))
	if errStart != nil || errEnd != nil || !okCOSI {
		pv.Form.Errors.Add("slot", "Choose one of the proposed slots.")
	}
	if len(pv.Form.Errors) > 0 {
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, pv)
	}
	fits, _, _, err := s.proposeSlots(ctx, req)
	if err != nil {
		return err
	}
	var chosen *dialogue.Slot
	for i, sl := range fits {
		if sl.Start.Equal(start) && sl.End.Equal(end) && sl.COSI.ID == cosiID {
			chosen = &fits[i]
		}
	}
	if chosen == nil {
		if err := s.planSearch(ctx, &pv); err != nil {
			return err
		}
		pv.Message = "This slot no longer fits (another meeting was planned in the meantime, or the COSI meeting moved). Choose another one."
		return s.renderPlan(w, r, http.StatusConflict, pv)
	}
	c := chosen.COSI
	in := store.MeetingInput{DialogueID: req.dialogue.ID, Level: req.level,
		Title:    req.dialogue.ShortName + " dialogue: " + strings.ToLower(req.level.Label()[:1]) + req.level.Label()[1:],
		StartsAt: chosen.Start, EndsAt: chosen.End, TimeZone: c.TimeZone, Venue: c.Venue, City: c.City,
		Format: dialogue.FormatInPerson, Status: dialogue.MeetingPlanned, BackToBackID: c.ID}
	// No note about the COSI meeting: the link says it to those who may see
	// COSI's meetings, and partners invited to this one may not.
	id, err := s.st.ScheduleMeeting(ctx, actorOf(r), in)
	if fe := formErrors(err); fe != nil {
		pv.Form.Errors = fe
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, pv)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, meetingHref(id), "The meeting is planned "+chosen.Relation+" the COSI meeting, with the dialogue's default invitation list. Check its details and build its agenda.")
}

func (s *server) renderPlan(w http.ResponseWriter, r *http.Request, status int, v web.PlanView) error {
	dialogues, err := s.st.Dialogues(r.Context())
	if err != nil {
		return err
	}
	v.Form.DialogueOptions = []web.Option{{Value: "", Label: "Choose a dialogue"}}
	for _, d := range dialogues {
		v.Form.DialogueOptions = append(v.Form.DialogueOptions, web.Option{Value: d.Code, Label: d.Name})
	}
	v.Form.LevelOptions = nil
	for _, l := range planLevels {
		v.Form.LevelOptions = append(v.Form.LevelOptions, web.Option{Value: string(l), Label: l.Label()})
	}
	v.Form.LengthOptions = []web.Option{
		{Value: string(dialogue.HalfDay), Label: "A half day (morning 09:30–13:00 or afternoon 14:30–18:00, local time)"},
		{Value: string(dialogue.FullDay), Label: "A day (09:30–18:00, local time)"},
	}
	return s.render(w, r, status, web.MeetingPlanPage(v))
}
