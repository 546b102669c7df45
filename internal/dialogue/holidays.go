package dialogue

import (
	"slices"
	"time"
)

// Holiday is a day on which no meeting is held in a host's calendar.
type Holiday struct {
	Date time.Time // midnight UTC of the day (a calendar date, not an instant)
	Name string
}

// HolidayCalendar computes a host's public holidays for any year by rule.
type HolidayCalendar struct {
	Code string // "BE", "EU"
	Name string
	rule func(year int) []Holiday
}

// Holidays returns the calendar's holidays in a year, in date order.
func (c HolidayCalendar) Holidays(year int) []Holiday {
	hs := c.rule(year)
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// On returns the holiday falling on the given calendar day, if any.
func (c HolidayCalendar) On(day time.Time) (Holiday, bool) {
	d := Day(day)
	for _, h := range c.rule(d.Year()) {
		if h.Date.Equal(d) {
			return h, true
		}
	}
	return Holiday{}, false
}

// Day returns the calendar date of t (in t's own location) as midnight UTC,
// the form Holiday.Date uses.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return date(y, m, d)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// EasterSunday returns the date of Western (Gregorian) Easter Sunday, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher), valid for any year of
// the Gregorian calendar.
func EasterSunday(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date(year, time.Month(month), day)
}

// Belgium is the calendar of Belgium's public holidays (the host of COSI's
// meetings in Brussels).
var Belgium = HolidayCalendar{Code: "BE", Name: "Belgium", rule: func(y int) []Holiday {
	easter := EasterSunday(y)
	return []Holiday{
		{date(y, time.January, 1), "New Year's Day"},
		{easter.AddDate(0, 0, 1), "Easter Monday"},
		{date(y, time.May, 1), "Labour Day"},
		{easter.AddDate(0, 0, 39), "Ascension Day"},
		{easter.AddDate(0, 0, 50), "Whit Monday"},
		{date(y, time.July, 21), "Belgian National Day"},
		{date(y, time.August, 15), "Assumption"},
		{date(y, time.November, 1), "All Saints' Day"},
		{date(y, time.November, 11), "Armistice Day"},
		{date(y, time.December, 25), "Christmas Day"},
	}
}}

// EUInstitutions is the usual list of the EU institutions' closing days in
// Brussels (the Council's General Secretariat). Each year's decision can add
// a bridge day; these are the days that recur by rule.
var EUInstitutions = HolidayCalendar{Code: "EU", Name: "EU institutions", rule: func(y int) []Holiday {
	easter := EasterSunday(y)
	hs := []Holiday{
		{date(y, time.January, 1), "New Year's Day"},
		{date(y, time.January, 2), "Day after New Year's Day"},
		{easter.AddDate(0, 0, -3), "Maundy Thursday"},
		{easter.AddDate(0, 0, -2), "Good Friday"},
		{easter.AddDate(0, 0, 1), "Easter Monday"},
		{date(y, time.May, 1), "Labour Day"},
		{date(y, time.May, 9), "Europe Day (anniversary of the Schuman declaration)"},
		{easter.AddDate(0, 0, 39), "Ascension Day"},
		{easter.AddDate(0, 0, 40), "Day after Ascension Day"},
		{easter.AddDate(0, 0, 50), "Whit Monday"},
		{date(y, time.July, 21), "Belgian National Day"},
		{date(y, time.August, 15), "Assumption"},
		{date(y, time.November, 1), "All Saints' Day"},
		{date(y, time.November, 2), "All Souls' Day"},
	}
	for d := 24; d <= 31; d++ {
		hs = append(hs, Holiday{date(y, time.December, d), "End-of-year closure"})
	}
	return hs
}}

// HolidayCalendars are the calendars known by host code.
var HolidayCalendars = map[string]HolidayCalendar{"BE": Belgium, "EU": EUInstitutions}

// CalendarsForCity returns the holiday calendars that apply to a meeting
// held in a city. Brussels follows Belgium's and the institutions' closing
// days; Luxembourg (where the Council meets in April, June and October) the
// institutions'; elsewhere none is known yet, and only weekends are excluded.
func CalendarsForCity(city string) []HolidayCalendar {
	switch city {
	case "Brussels", "Bruxelles", "Brussel":
		return []HolidayCalendar{Belgium, EUInstitutions}
	case "Luxembourg":
		return []HolidayCalendar{EUInstitutions}
	}
	return nil
}
