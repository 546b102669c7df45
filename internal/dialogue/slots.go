package dialogue

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SlotLength is how long the meeting to plan lasts.
type SlotLength string

const (
	HalfDay SlotLength = "half_day"
	FullDay SlotLength = "day"
)

// The working hours of a meeting day, in the host's local time.
const (
	morningStart   = 9*time.Hour + 30*time.Minute
	morningEnd     = 13 * time.Hour
	afternoonStart = 14*time.Hour + 30*time.Minute
	afternoonEnd   = 18 * time.Hour
)

// SlotRequest asks for slots back-to-back with the COSI meetings of a period.
type SlotRequest struct {
	From, To time.Time // the period (instants); only slots inside it are proposed
	Length   SlotLength
	// COSI are the COSI meetings of the period.
	COSI []Meeting
	// Others are the meetings that could clash, with the delegations each
	// invites (by meeting id); cancelled ones are ignored.
	Others            []Meeting
	OthersDelegations map[int64][]int64
	// Delegations are those the planned meeting will invite.
	Delegations []int64
}

// Slot is a proposed time for the meeting, back-to-back with a COSI meeting.
type Slot struct {
	Start, End time.Time
	COSI       Meeting
	Relation   string   // "the afternoon after", "the day before", ...
	City       string   // the COSI meeting's city, where the meeting is held too
	Reasons    []string // why it fits
}

// ExcludedSlot is a near slot that does not fit, and why.
type ExcludedSlot struct {
	Start, End time.Time
	COSI       Meeting
	Relation   string
	Reason     string
}

// ProposeSlots returns, for each COSI meeting, the half-days or days right
// before and after it in the same city that fit (working days in the host's
// calendars, no clash with another meeting of the same delegations), and
// the near slots it excluded with the reason. Both lists are in time order.
func ProposeSlots(req SlotRequest) ([]Slot, []ExcludedSlot) {
	var fits []Slot
	var excluded []ExcludedSlot
	seen := map[int64]bool{}
	invited := map[int64]bool{}
	for _, id := range req.Delegations {
		invited[id] = true
	}
	for _, cosi := range req.COSI {
		if cosi.Status == MeetingCancelled {
			continue
		}
		for _, c := range candidates(cosi, req.Length) {
			if c.start.Before(req.From) || c.end.After(req.To) || seen[c.start.Unix()] {
				continue
			}
			seen[c.start.Unix()] = true
			if reason := excludedBecause(c, req, invited); reason != "" {
				excluded = append(excluded, ExcludedSlot{Start: c.start, End: c.end, COSI: cosi, Relation: c.relation, Reason: reason})
				continue
			}
			fits = append(fits, Slot{Start: c.start, End: c.end, COSI: cosi, Relation: c.relation, City: cosi.City, Reasons: fitReasons(c, cosi)})
		}
	}
	slices.SortFunc(fits, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	slices.SortFunc(excluded, func(a, b ExcludedSlot) int { return a.Start.Compare(b.Start) })
	return fits, excluded
}

type candidate struct {
	start, end time.Time
	relation   string
	loc        *time.Location
	city       string
}

// candidates are the slots adjacent to a COSI meeting, in its local time.
func candidates(cosi Meeting, length SlotLength) []candidate {
	loc := locationOf(cosi)
	start, end := cosi.StartsAt.In(loc), cosi.EndsAt.In(loc)
	day := func(t time.Time, offset int) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d+offset, 0, 0, 0, 0, loc)
	}
	at := func(d time.Time, h time.Duration) time.Time {
		// Wall-clock hours on that day, right across summer-time changes.
		return time.Date(d.Year(), d.Month(), d.Day(), int(h.Hours()), int(h.Minutes())%60, 0, 0, loc)
	}
	before, cosiDay, after := day(start, -1), day(start, 0), day(end, 1)
	var cs []candidate
	add := func(d time.Time, from, to time.Duration, relation string) {
		cs = append(cs, candidate{at(d, from), at(d, to), relation, loc, cosi.City})
	}
	if length == FullDay {
		add(before, morningStart, afternoonEnd, "the day before")
		add(after, morningStart, afternoonEnd, "the day after")
		return cs
	}
	add(before, afternoonStart, afternoonEnd, "the afternoon of the day before")
	if !start.Before(at(cosiDay, morningEnd)) {
		add(cosiDay, morningStart, morningEnd, "the morning before")
	}
	if !end.After(at(cosiDay, afternoonStart)) {
		add(cosiDay, afternoonStart, afternoonEnd, "the afternoon after")
	}
	add(after, morningStart, morningEnd, "the morning of the day after")
	return cs
}

func excludedBecause(c candidate, req SlotRequest, invited map[int64]bool) string {
	local := c.start.In(c.loc)
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return fmt.Sprintf("%s is a %s", local.Format("2 Jan 2006"), wd)
	}
	for _, cal := range CalendarsForCity(c.city) {
		if h, ok := cal.On(local); ok {
			return fmt.Sprintf("%s is a holiday (%s: %s)", local.Format("Mon 2 Jan 2006"), cal.Name, h.Name)
		}
	}
	// The member states sit in COSI: a slot on top of another COSI meeting
	// of the period never fits.
	for _, m := range req.COSI {
		if m.Status != MeetingCancelled && m.StartsAt.Before(c.end) && c.start.Before(m.EndsAt) {
			return fmt.Sprintf("overlaps the COSI meeting of %s", FormatInstant(m.StartsAt))
		}
	}
	for _, m := range req.Others {
		if m.Status == MeetingCancelled || !m.StartsAt.Before(c.end) || !c.start.Before(m.EndsAt) {
			continue
		}
		for _, id := range req.OthersDelegations[m.ID] {
			if invited[id] {
				return fmt.Sprintf("clashes with %q (%s), which invites some of the same delegations", m.Title, FormatInstant(m.StartsAt))
			}
		}
	}
	return ""
}

func fitReasons(c candidate, cosi Meeting) []string {
	cals := CalendarsForCity(cosi.City)
	names := make([]string, len(cals))
	for i, cal := range cals {
		names[i] = cal.Name
	}
	working := "a weekday (no holiday calendar is known for " + cosi.City + ")"
	if len(names) > 0 {
		working = "a working day: a weekday and no holiday in the calendars of " + strings.Join(names, " and the ")
	}
	return []string{
		fmt.Sprintf("Back-to-back: %s the COSI meeting of %s in %s", c.relation, FormatInstant(cosi.StartsAt), cosi.City),
		"It is " + working,
		"No other meeting of the invited delegations at that time",
	}
}

func locationOf(m Meeting) *time.Location {
	if m.TimeZone != "" {
		if loc, err := LoadZone(m.TimeZone); err == nil {
			return loc
		}
	}
	return Brussels
}
