package server

import (
	"slices"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Mapping of the meetings area's domain values to view models.

// meetingLink names a meeting with its date, for links.
func meetingLink(m dialogue.Meeting) *web.Link {
	return &web.Link{Href: meetingHref(m.ID), Text: m.Title + " (" + m.StartsAt.In(dialogue.Brussels).Format("2 Jan 2006") + ")"}
}

// cadenceRows maps a dialogue's cadence checks to table rows.
func cadenceRows(checks []dialogue.CadenceCheck) []web.CadenceRow {
	rows := make([]web.CadenceRow, 0, len(checks))
	for _, c := range checks {
		row := web.CadenceRow{Rule: c.Rule, Year: c.Year, Status: c.Status.Label(), StatusKey: string(c.Status), Detail: c.Detail}
		if c.Deciding != nil {
			row.Deciding = meetingLink(*c.Deciding)
		}
		rows = append(rows, row)
	}
	return rows
}

// homeCadence summarises each dialogue's cadence for the secretariat's
// home: the rules of this year and the next, and last year's if missed.
func homeCadence(dialogues []dialogue.Dialogue, meetings []dialogue.Meeting, now time.Time) []web.DialogueCadence {
	byDialogue := map[int64][]dialogue.Meeting{}
	for _, m := range meetings {
		if m.DialogueID != 0 {
			byDialogue[m.DialogueID] = append(byDialogue[m.DialogueID], m)
		}
	}
	year := now.In(dialogue.Brussels).Year()
	var out []web.DialogueCadence
	for _, d := range dialogues {
		dc := web.DialogueCadence{Dialogue: web.Link{Href: dialogueHref(d.Code) + "#cadence", Text: d.ShortName + " dialogue"},
			Launched: d.LaunchYear != 0}
		var recent []dialogue.CadenceCheck
		for _, c := range dialogue.CheckCadence(d, byDialogue[d.ID], now) {
			if c.Year >= year || (c.Year == year-1 && c.Status == dialogue.CadenceMissed) {
				recent = append(recent, c)
			}
		}
		dc.Rows = cadenceRows(recent)
		out = append(out, dc)
	}
	return out
}

// actionRows maps action points to rows; withMeeting links each to the
// meeting that agreed it.
func actionRows(ps []store.ActionPoint, now time.Time, withMeeting bool) []web.ActionPointRow {
	today := now.In(dialogue.Brussels).Format(time.DateOnly)
	rows := make([]web.ActionPointRow, 0, len(ps))
	for _, p := range ps {
		row := web.ActionPointRow{ID: p.ID, Title: p.Title, Owner: actionOwner(p), Status: p.Status.Label(), StatusKey: string(p.Status)}
		if p.DueOn != nil {
			row.Due, row.DueISO = longDate(*p.DueOn), p.DueOn.Format(time.DateOnly)
			open := p.Status == store.ActionOpen || p.Status == store.ActionInProgress
			row.Overdue = open && row.DueISO < today
		}
		if withMeeting && p.MeetingID != 0 {
			text := p.MeetingTitle
			if p.MeetingStartsAt != nil {
				text += " (" + p.MeetingStartsAt.In(dialogue.Brussels).Format("2 Jan 2006") + ")"
			}
			row.Meeting = &web.Link{Href: meetingHref(p.MeetingID), Text: text}
		}
		rows = append(rows, row)
	}
	return rows
}

func actionOwner(p store.ActionPoint) string {
	switch {
	case p.Owner != "" && p.OwnerDelegation != "" && !strings.Contains(p.Owner, p.OwnerDelegation):
		return p.Owner + " (" + p.OwnerDelegation + ")"
	case p.Owner != "":
		return p.Owner
	}
	return p.OwnerDelegation
}

func actionStatusOptions() []web.Option {
	opts := make([]web.Option, len(store.ActionStatuses))
	for i, st := range store.ActionStatuses {
		opts[i] = web.Option{Value: string(st), Label: st.Label()}
	}
	return opts
}

// fieldLabels name a meeting's form fields in the history.
var fieldLabels = map[string]string{
	"dialogue": "dialogue", "level": "level", "title": "title", "starts_at": "start", "ends_at": "end",
	"time_zone": "time zone", "venue": "venue", "city": "city", "format": "format", "presidency": "Presidency",
	"status": "status", "cancel_reason": "reason for cancelling", "back_to_back": "back-to-back meeting", "note": "note",
}

func historyRows(hs []store.MeetingChange) []web.MeetingChangeRow {
	rows := make([]web.MeetingChangeRow, len(hs))
	for i, h := range hs {
		changed := make([]string, len(h.Changed))
		for j, f := range h.Changed {
			changed[j] = fieldLabels[f]
			if changed[j] == "" {
				changed[j] = f
			}
		}
		who := h.ChangedByName
		if who == "" {
			who = "the system"
		}
		before := h.Before.Title + "; " + meetingTime(h.Before.StartsAt, h.Before.EndsAt, dialogue.Brussels) + "; " +
			strings.Join(nonEmpty(h.Before.City, h.Before.Venue), ", ")
		before = strings.TrimSuffix(before, "; ") + "; " + h.Before.Status.Label()
		if h.Before.CancelReason != "" {
			before += " (" + h.Before.CancelReason + ")"
		}
		rows[i] = web.MeetingChangeRow{Version: h.Version, ChangedBy: who, ChangedAt: dialogue.FormatInstant(h.ChangedAt),
			Changed: strings.Join(changed, ", "), Before: before}
		if rows[i].Changed == "" {
			rows[i].Changed = "nothing (saved unchanged)"
		}
	}
	return rows
}

// pageErrors builds the summary of a form's problems on a meeting's page;
// each links to the message beside its field (prefix-field-error).
func pageErrors(fe dialogue.FieldErrors, prefix string) web.PageErrors {
	pe := web.PageErrors{Errors: fe, IDs: map[string]string{}}
	for f := range fe {
		pe.Order = append(pe.Order, f)
		pe.IDs[f] = prefix + "-" + f + "-error"
	}
	slices.Sort(pe.Order)
	return pe
}
