package dialogue

import (
	"fmt"
	"time"
)

// CadenceStatus says whether a cadence rule holds for a period.
type CadenceStatus string

const (
	CadenceMet     CadenceStatus = "met"     // a meeting of that level was held in the period
	CadencePlanned CadenceStatus = "planned" // none held yet, but one is planned or confirmed in the period
	CadenceAtRisk  CadenceStatus = "at_risk" // the period is not over and nothing is planned
	CadenceMissed  CadenceStatus = "missed"  // the period is over without such a meeting
)

// Label is the status as shown to users.
func (s CadenceStatus) Label() string {
	switch s {
	case CadenceMet:
		return "Met"
	case CadencePlanned:
		return "Planned"
	case CadenceAtRisk:
		return "At risk"
	case CadenceMissed:
		return "Missed"
	}
	return string(s)
}

// CadenceCheck is one rule for one period, with the meeting that decides it.
type CadenceCheck struct {
	Rule     string
	Year     int
	Status   CadenceStatus
	Deciding *Meeting // the meeting that meets or plans the rule, if any
	Detail   string   // the dates that decide it, in words
}

// CheckCadence applies the cadence 5559/26 proposes to a dialogue's
// meetings at now: in the launch year, one senior officials' meeting and one
// ministerial meeting; then at least one senior officials' meeting per
// calendar year (ideally back-to-back with COSI), up to next year so that
// planning shows. Ministerial meetings after the launch year are convened as
// needed, so no rule applies to them.
func CheckCadence(d Dialogue, meetings []Meeting, now time.Time) []CadenceCheck {
	if d.LaunchYear == 0 {
		return nil
	}
	year := now.In(Brussels).Year()
	checks := []CadenceCheck{
		check("Launch year: one senior officials' meeting", d.LaunchYear, LevelSOM, meetings, now),
		check("Launch year: one ministerial meeting", d.LaunchYear, LevelMinisterial, meetings, now),
	}
	for y := d.LaunchYear + 1; y <= year+1; y++ {
		c := check("At least one senior officials' meeting a year", y, LevelSOM, meetings, now)
		if c.Deciding != nil && c.Deciding.BackToBackID == 0 {
			c.Detail += "; not back-to-back with a COSI meeting, as 5559/26 would ideally have it"
		}
		checks = append(checks, c)
	}
	return checks
}

func check(rule string, year int, level MeetingLevel, meetings []Meeting, now time.Time) CadenceCheck {
	c := CadenceCheck{Rule: rule, Year: year}
	end := time.Date(year+1, time.January, 1, 0, 0, 0, 0, Brussels)
	var held, planned *Meeting
	for i := range meetings {
		m := &meetings[i]
		if m.Level != level || m.Status == MeetingCancelled || m.StartsAt.In(Brussels).Year() != year {
			continue
		}
		switch {
		case m.Status == MeetingHeld || !m.EndsAt.After(now):
			if held == nil || m.StartsAt.Before(held.StartsAt) {
				held = m
			}
		default:
			if planned == nil || m.StartsAt.Before(planned.StartsAt) {
				planned = m
			}
		}
	}
	switch {
	case held != nil:
		c.Status, c.Deciding = CadenceMet, held
		c.Detail = fmt.Sprintf("held on %s", held.StartsAt.In(Brussels).Format("2 January 2006"))
	case planned != nil:
		c.Status, c.Deciding = CadencePlanned, planned
		c.Detail = fmt.Sprintf("%s for %s", planned.Status.Label(), planned.StartsAt.In(Brussels).Format("2 January 2006"))
	case now.Before(end):
		c.Status = CadenceAtRisk
		c.Detail = fmt.Sprintf("nothing planned; %d days left until the end of %d", int(end.Sub(now).Hours()/24), year)
	default:
		c.Status = CadenceMissed
		c.Detail = fmt.Sprintf("no such meeting in %d", year)
	}
	return c
}
