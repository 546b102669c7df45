package benchdata

import (
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Times of the generated activity: working days, office hours, Brussels.

// midnight is the start of t's day in Brussels.
func midnight(t time.Time) time.Time {
	t = t.In(dialogue.Brussels)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, dialogue.Brussels)
}

// weekday moves a weekend day to the Friday before or the Monday after.
func weekday(day time.Time) time.Time {
	switch day.Weekday() {
	case time.Saturday:
		return day.AddDate(0, 0, -1)
	case time.Sunday:
		return day.AddDate(0, 0, 1)
	}
	return day
}

// randomDay is a working day in [from, to), rarely in August or the last
// week of December.
func (g *gen) randomDay(from, to time.Time) time.Time {
	span := to.Sub(from)
	var day time.Time
	for try := 0; try < 6; try++ {
		day = weekday(midnight(from.Add(time.Duration(g.r.Int64N(int64(span))))))
		quiet := day.Month() == time.August || (day.Month() == time.December && day.Day() > 22)
		if !quiet || chance(g.r, 0.15) {
			break
		}
	}
	return day
}

// at is a random instant of day between the hours lo and hi (Brussels).
func (g *gen) at(day time.Time, lo, hi int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), lo, 0, 0, 0, dialogue.Brussels).
		Add(time.Duration(g.r.Int64N(int64(time.Duration(hi-lo) * time.Hour)))).Truncate(time.Second)
}

// officeTime is a random instant in office hours of a working day in
// [from, to), never before from nor at or after to (to is returned minus a
// minute when the span has no office hours left).
func (g *gen) officeTime(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	for try := 0; try < 8; try++ {
		t := from.Add(time.Duration(g.r.Int64N(int64(to.Sub(from))))).Truncate(time.Second)
		bx := t.In(dialogue.Brussels)
		if bx.Weekday() != time.Saturday && bx.Weekday() != time.Sunday && bx.Hour() >= 8 && bx.Hour() < 19 {
			return t
		}
	}
	return from.Add(time.Duration(g.r.Int64N(int64(to.Sub(from))))).Truncate(time.Second)
}

// minutesLater is t plus lo to hi minutes (and a few seconds).
func (g *gen) minutesLater(t time.Time, lo, hi int) time.Time {
	return t.Add(time.Duration(between(g.r, lo, hi))*time.Minute + time.Duration(g.r.IntN(60))*time.Second)
}

// dayAt is day at hh:mm in zone.
func dayAt(day time.Time, hh, mm int, zone *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, zone)
}

// dateOnly is the Brussels date of t as a UTC midnight, the form a date
// column takes.
func dateOnly(t time.Time) time.Time {
	t = t.In(dialogue.Brussels)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
