package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// cosiFilter is the dialogue filter's value for COSI's own meetings.
const cosiFilter = "cosi"

// monthView is the view parameter of the month view.
const monthView = "month"

// meetings lists the meetings the user may see, filtered by dialogue and
// level: as a list, upcoming first (soonest first), then past ones (latest
// first); or, with view=month, as a month's calendar (month=2026-12).
func (s *server) meetings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(ctx)
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
	month := firstOfMonth(now.In(dialogue.Brussels))
	if q.Get("view") == monthView {
		form.View = monthView
		form.Month = strings.TrimSpace(q.Get("month"))
		if form.Month != "" {
			m, err := time.ParseInLocation("2006-01", form.Month, dialogue.Brussels)
			if err != nil || m.Year() < 1900 || m.Year() > 2200 {
				form.Errors.Add("month", "Enter a month as year and month, for example 2026-12.")
			} else {
				month = m
			}
		}
		if _, bad := form.Errors["month"]; !bad {
			form.Month = month.Format("2006-01")
		}
	}

	v := web.MeetingsView{Form: form, CanPlan: auth.Can(u, auth.EditMeetings),
		ListHref:  meetingsHref("", "", form.Dialogue, form.Level),
		MonthHref: meetingsHref(monthView, form.Month, form.Dialogue, form.Level)}
	if len(form.Errors) > 0 {
		return s.render(w, r, http.StatusOK, web.MeetingsPage(v))
	}
	viewer := viewerOf(u)
	if form.View == monthView {
		f.Now = time.Time{} // chronological
		// The grid's weeks reach into the months around: a week either side.
		f.From, f.To = month.AddDate(0, 0, -7), month.AddDate(0, 1, 7)
		ms, err := s.st.VisibleMeetings(ctx, viewer, f)
		if err != nil {
			return err
		}
		mv := monthGrid(month, ms, now, func(m time.Time) string {
			return meetingsHref(monthView, m.Format("2006-01"), form.Dialogue, form.Level)
		})
		v.Month = &mv
		return s.render(w, r, http.StatusOK, web.MeetingsPage(v))
	}
	// The list: what is coming, and the past twelve months (earlier
	// meetings are in the month view), so the page stays short after years.
	f.From = now.AddDate(-1, 0, 0)
	ms, err := s.st.VisibleMeetings(ctx, viewer, f)
	if err != nil {
		return err
	}
	views, err := s.meetingViews(ctx, viewer, ms, dialogues)
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
	return s.render(w, r, http.StatusOK, web.MeetingsPage(v))
}

// meetingsHref is the meetings page with a view and filters.
func meetingsHref(view, month, dialogueCode, level string) string {
	q := url.Values{}
	if view != "" {
		q.Set("view", view)
	}
	if month != "" {
		q.Set("month", month)
	}
	if dialogueCode != "" {
		q.Set("dialogue", dialogueCode)
	}
	if level != "" {
		q.Set("level", level)
	}
	if len(q) == 0 {
		return "/meetings"
	}
	return "/meetings?" + q.Encode()
}

func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, dialogue.Brussels)
}

// monthGrid lays out a month (its first day, in Brussels) as weeks from
// Monday to Sunday, each day of the month with the meetings that take place
// on it in Brussels time; a meeting over several days appears on each.
func monthGrid(month time.Time, ms []dialogue.Meeting, now time.Time, href func(time.Time) string) web.MonthView {
	prev, next := month.AddDate(0, -1, 0), month.AddDate(0, 1, 0)
	v := web.MonthView{
		Caption: month.Format("January 2006"), Value: month.Format("2006-01"),
		PrevHref: href(prev), NextHref: href(next),
		PrevLabel: prev.Format("January 2006"), NextLabel: next.Format("January 2006"),
	}
	today := now.In(dialogue.Brussels).Format(time.DateOnly)
	start := month.AddDate(0, 0, -((int(month.Weekday()) + 6) % 7)) // the Monday on or before the 1st
	seen := map[int64]bool{}
	for day := start; day.Before(next) || day.Weekday() != time.Monday; day = day.AddDate(0, 0, 1) {
		if day.Weekday() == time.Monday {
			v.Weeks = append(v.Weeks, nil)
		}
		d := web.MonthDay{Day: day.Day(), ISO: day.Format(time.DateOnly), Label: day.Format("Monday 2 January 2006"),
			InMonth: day.Month() == month.Month(), Today: day.Format(time.DateOnly) == today,
			Weekend: day.Weekday() == time.Saturday || day.Weekday() == time.Sunday}
		if d.InMonth {
			end := day.AddDate(0, 0, 1)
			for _, m := range ms {
				if !m.StartsAt.Before(end) || !m.EndsAt.After(day) {
					continue
				}
				seen[m.ID] = true
				d.Meetings = append(d.Meetings, web.MonthEntry{Href: meetingHref(m.ID), Title: m.Title,
					Time:      dayTimes(m, day, end),
					Cancelled: m.Status == dialogue.MeetingCancelled, Demo: m.Demo})
			}
		}
		w := &v.Weeks[len(v.Weeks)-1]
		*w = append(*w, d)
	}
	v.Count = len(seen)
	return v
}

// dayTimes is a meeting's times on one day (Brussels): "10:00–13:00",
// "from 09:00", "until 13:00" or "all day".
func dayTimes(m dialogue.Meeting, day, end time.Time) string {
	s, e := m.StartsAt.In(dialogue.Brussels), m.EndsAt.In(dialogue.Brussels)
	startsToday, endsToday := !s.Before(day), !e.After(end)
	switch {
	case startsToday && endsToday:
		return s.Format("15:04") + "–" + e.Format("15:04")
	case startsToday:
		return "from " + s.Format("15:04")
	case endsToday:
		return "until " + e.Format("15:04")
	}
	return "all day"
}

// meetingViews maps meetings to their views for a viewer. A meeting held
// back-to-back with another is linked to it only if the viewer may see that
// one too; those not in ms are loaded in one query.
func (s *server) meetingViews(ctx context.Context, v dialogue.Viewer, ms []dialogue.Meeting, dialogues []dialogue.Dialogue) ([]web.MeetingView, error) {
	known, err := s.backToBack(ctx, v, ms)
	if err != nil {
		return nil, err
	}
	byID := dialoguesByID(dialogues)
	views := make([]web.MeetingView, len(ms))
	for i, m := range ms {
		views[i] = meetingView(m, byID, known)
	}
	return views, nil
}

// backToBack returns, by id, the meetings of ms and those they are held
// back-to-back with, limited to what the viewer may see.
func (s *server) backToBack(ctx context.Context, v dialogue.Viewer, ms []dialogue.Meeting) (map[int64]dialogue.Meeting, error) {
	known := make(map[int64]dialogue.Meeting, len(ms))
	for _, m := range ms {
		known[m.ID] = m
	}
	var missing []int64
	for _, m := range ms {
		if _, ok := known[m.BackToBackID]; m.BackToBackID != 0 && !ok && !slices.Contains(missing, m.BackToBackID) {
			missing = append(missing, m.BackToBackID)
		}
	}
	if len(missing) == 0 {
		return known, nil
	}
	// Those of the others the viewer may see, by id (not every COSI
	// meeting ever held).
	others, err := s.st.VisibleMeetingsByID(ctx, v, missing)
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if slices.Contains(missing, o.ID) {
			known[o.ID] = o
		}
	}
	return known, nil
}

// hideUnseenBackToBack drops the back-to-back link of meetings whose other
// meeting the viewer may not see, so that nothing (a calendar entry's
// description included) names or hints at it.
func hideUnseenBackToBack(ms []dialogue.Meeting, known map[int64]dialogue.Meeting) []dialogue.Meeting {
	out := slices.Clone(ms)
	for i := range out {
		if _, ok := known[out[i].BackToBackID]; !ok {
			out[i].BackToBackID = 0
		}
	}
	return out
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
