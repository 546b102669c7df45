package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/web"
)

// Mapping of domain values to the view models of package web: dates and
// times formatted (instants in Brussels), links built.

// longDate prints a calendar date as the Council does: "12 February 2026".
// Dates (doc_date, mandate ends) are days, not instants: no zone applies.
func longDate(t time.Time) string { return t.Format("2 January 2006") }

// calendarDay is the day of t in Brussels as the database gives a date
// column (midnight UTC), to compare with a last day of access.
func calendarDay(t time.Time) time.Time {
	b := t.In(dialogue.Brussels)
	return time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
}

func documentHref(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) }

func dialogueHref(code string) string { return "/dialogues/" + code }

func meetingAnchor(id int64) string { return "meeting-" + strconv.FormatInt(id, 10) }

func meetingHref(id int64) string { return "/meetings/" + strconv.FormatInt(id, 10) }

func documentRow(d dialogue.Document) web.DocumentRow {
	return web.DocumentRow{
		Href:      documentHref(d.ID),
		Reference: d.Reference(),
		Date:      longDate(d.Date),
		DateISO:   d.Date.Format(time.DateOnly),
		Subject:   d.Subject,
		Series:    d.Ref.Series,
		Limite:    d.Marking.IsLimite(),
		Draft:     d.Status == dialogue.DocumentDraft,
		Demo:      d.Demo,
	}
}

func documentRows(ds []dialogue.Document) []web.DocumentRow {
	rows := make([]web.DocumentRow, len(ds))
	for i, d := range ds {
		rows[i] = documentRow(d)
	}
	return rows
}

// meetingTime prints a meeting's span in loc with the zone's abbreviation:
// "Tue 8 Dec 2026, 10:00–13:00 CET", or with both days when it spans more
// than one: "Fri 13 Nov 2025, 09:00 – Sat 14 Nov 2025, 17:00 WET".
func meetingTime(start, end time.Time, loc *time.Location) string {
	start, end = start.In(loc), end.In(loc)
	const day = "Mon 2 Jan 2006, 15:04"
	sz, _ := start.Zone()
	ez, _ := end.Zone()
	from := start.Format(day)
	if sz != ez {
		from += " " + sz
	}
	if start.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return from + "–" + end.Format("15:04 MST")
	}
	return from + " – " + end.Format(day+" MST")
}

func meetingView(m dialogue.Meeting, dialogues map[int64]dialogue.Dialogue, b2b map[int64]dialogue.Meeting) web.MeetingView {
	v := web.MeetingView{
		Anchor:       meetingAnchor(m.ID),
		Href:         meetingHref(m.ID),
		When:         meetingTime(m.StartsAt, m.EndsAt, dialogue.Brussels),
		WhenISO:      m.StartsAt.Format(time.RFC3339),
		Level:        m.Level.Label(),
		Title:        m.Title,
		Format:       m.Format.Label(),
		Status:       m.Status.Label(),
		Cancelled:    m.Status == dialogue.MeetingCancelled,
		CancelReason: m.CancelReason,
		Presidency:   m.Presidency,
		Note:         m.Note,
		Demo:         m.Demo,
	}
	if m.TimeZone != "" && m.TimeZone != dialogue.Brussels.String() {
		if loc, err := dialogue.LoadZone(m.TimeZone); err == nil {
			if local := meetingTime(m.StartsAt, m.EndsAt, loc); local != v.When {
				v.Local = local
			}
		}
	}
	v.Place = strings.Join(nonEmpty(m.City, m.Venue), ", ")
	if d, ok := dialogues[m.DialogueID]; ok {
		v.Dialogue = &web.Link{Href: dialogueHref(d.Code), Text: d.ShortName}
	} else if m.DialogueName != "" {
		v.Dialogue = &web.Link{Href: "/meetings", Text: m.DialogueName}
	}
	// Only a meeting the viewer may see is named (b2b holds only those).
	if o, ok := b2b[m.BackToBackID]; ok && m.BackToBackID != 0 {
		text := o.Title + " (" + o.StartsAt.In(dialogue.Brussels).Format("2 Jan 2006") + ")"
		v.BackToBack = &web.Link{Href: meetingHref(m.BackToBackID), Text: text}
	}
	return v
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func dialoguesByID(ds []dialogue.Dialogue) map[int64]dialogue.Dialogue {
	m := make(map[int64]dialogue.Dialogue, len(ds))
	for _, d := range ds {
		m[d.ID] = d
	}
	return m
}

// participation groups a dialogue's partners by phase and lists its observers.
func participation(d dialogue.Dialogue, ps []dialogue.Participant, today time.Time) web.DialogueParticipation {
	dp := web.DialogueParticipation{Dialogue: d, Href: dialogueHref(d.Code)}
	for _, p := range ps {
		if p.Role == dialogue.ParticipantObserver {
			dp.Observers = append(dp.Observers, p.Delegation)
			continue
		}
		if n := len(dp.Phases); n == 0 || dp.Phases[n-1].Phase != p.Phase {
			dp.Phases = append(dp.Phases, web.PhaseGroup{Phase: p.Phase})
		}
		g := &dp.Phases[len(dp.Phases)-1]
		g.Partners = append(g.Partners, web.PartnerView{Delegation: p.Delegation, Start: participationStart(p, today), Note: p.Note})
	}
	return dp
}

func participationStart(p dialogue.Participant, today time.Time) string {
	switch {
	case p.StartsOn == nil:
		return "Not started"
	case dayAfter(*p.StartsOn, today):
		return "Not started (from " + longDate(*p.StartsOn) + ")"
	}
	return "Since " + longDate(*p.StartsOn)
}

// dayAfter reports whether the calendar date d is after the day of t.
func dayAfter(d, t time.Time) bool {
	return d.Format(time.DateOnly) > t.Format(time.DateOnly)
}
