package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// cosiFilter is the dialogue filter's value for COSI's own meetings.
const cosiFilter = "cosi"

// meetings lists meetings, upcoming first (soonest first), then past ones
// (latest first), filtered by dialogue and level.
func (s *server) meetings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	form := web.MeetingsForm{
		Dialogue: strings.TrimSpace(q.Get("dialogue")),
		Level:    strings.TrimSpace(q.Get("level")),
		Errors:   dialogue.FieldErrors{},
		DialogueOptions: []web.Option{
			{Value: "", Label: "All meetings"},
			{Value: cosiFilter, Label: "COSI's own meetings"},
		},
		LevelOptions: []web.Option{{Value: "", Label: "Any level"}},
	}
	now := s.now()
	f := store.MeetingFilter{Now: now}
	for _, d := range dialogues {
		form.DialogueOptions = append(form.DialogueOptions, web.Option{Value: d.Code, Label: d.Name})
		if d.Code == form.Dialogue {
			f.DialogueID = d.ID
		}
	}
	switch {
	case form.Dialogue == cosiFilter:
		f.COSIOnly = true
	case form.Dialogue != "" && f.DialogueID == 0:
		form.Errors.Add("dialogue", "Choose a dialogue from the list.")
	}
	for _, l := range dialogue.MeetingLevels {
		form.LevelOptions = append(form.LevelOptions, web.Option{Value: string(l), Label: l.Label()})
		if string(l) == form.Level {
			f.Level = l
		}
	}
	if form.Level != "" && f.Level == "" {
		form.Errors.Add("level", "Choose a level from the list.")
	}

	v := web.MeetingsView{Form: form}
	if len(form.Errors) == 0 {
		ms, err := s.st.Meetings(ctx, f)
		if err != nil {
			return err
		}
		views, err := s.meetingViews(ctx, ms, dialogues)
		if err != nil {
			return err
		}
		for i, m := range ms {
			if m.EndsAt.After(now) {
				v.Upcoming = append(v.Upcoming, views[i])
			} else {
				v.Past = append(v.Past, views[i])
			}
		}
	}
	return s.render(w, r, http.StatusOK, web.MeetingsPage(v))
}

// meetingViews maps meetings to their views; the meetings they are
// back-to-back with and that are not in ms are loaded in one query.
func (s *server) meetingViews(ctx context.Context, ms []dialogue.Meeting, dialogues []dialogue.Dialogue) ([]web.MeetingView, error) {
	known := make(map[int64]dialogue.Meeting, len(ms))
	for _, m := range ms {
		known[m.ID] = m
	}
	var missing []int64
	for _, m := range ms {
		if _, ok := known[m.BackToBackID]; m.BackToBackID != 0 && !ok {
			missing = append(missing, m.BackToBackID)
		}
	}
	if len(missing) > 0 {
		others, err := s.st.MeetingsByID(ctx, missing)
		if err != nil {
			return nil, err
		}
		for _, o := range others {
			known[o.ID] = o
		}
	}
	byID := dialoguesByID(dialogues)
	views := make([]web.MeetingView, len(ms))
	for i, m := range ms {
		views[i] = meetingView(m, byID, known)
	}
	return views, nil
}
