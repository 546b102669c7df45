package demo

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// deriveRange turns a timeline as an action-tracking table writes it into
// the range of days it covers, or nil, nil when none can be derived ("tbc",
// "soon", or no date at all). asOf is the table's own date: it gives the
// year of phrases that have none ("12 December", "by the end of the year",
// "early next year"), taking the first such date not before asOf's month.
//
// A timeline may list several dates separated by ";": the range covers them
// all. In each, leading words such as "by", "before", "in", "as of" or
// "still in" are ignored (the range is when the thing is due, not a
// deadline's open start), and so is a trailing "tbc" when a date remains
// ("in January, tbc" is January). What it understands:
//
//	Q1 2024                  2024-01-01 .. 2024-03-31 (also "early Q1 2024")
//	Q4 2023 - Q1 2024        2023-10-01 .. 2024-03-31
//	early 2024               2024-01-01 .. 2024-04-30
//	spring 2024              2024-03-01 .. 2024-05-31
//	first half of 2024       2024-01-01 .. 2024-06-30 (second half: July to December)
//	end of 2023, year end    2023-12-01 .. 2023-12-31
//	2024, the course of 2024 2024-01-01 .. 2024-12-31 (also "next year")
//	January / February 2024  2024-01-01 .. 2024-02-29 (also "December/January")
//	1 February 2024          2024-02-01 .. 2024-02-01
//
// Days are midnight UTC.
func deriveRange(text string, asOf time.Time) (from, to *time.Time) {
	for part := range strings.SplitSeq(text, ";") {
		f, t, ok := derivePart(part, asOf)
		if !ok {
			continue
		}
		if from == nil || f.Before(*from) {
			from = &f
		}
		if to == nil || t.After(*to) {
			to = &t
		}
	}
	return from, to
}

var (
	tbcSuffix   = regexp.MustCompile(`,?\s*\(?\s*(?:date\s+)?(?:tbc|to be confirmed)\s*\)?$`)
	leadingWord = regexp.MustCompile(`^(?:by|before|in|within|during|as of|from|still|the|course of|until)\s+`)
	slashSpaces = regexp.MustCompile(`\s*/\s*`)
	dashSpaces  = regexp.MustCompile(`\s*[-–]\s*`)

	quarterRange = regexp.MustCompile(`^q([1-4]) (\d{4})-q([1-4]) (\d{4})$`)
	quarter      = regexp.MustCompile(`^(?:early )?q([1-4]) (\d{4})$`)
	season       = regexp.MustCompile(`^(early|spring|first half of|second half of|end of|end|year end) ?(\d{4}|the year|next year)?$`)
	year         = regexp.MustCompile(`^(\d{4}|next year)$`)
	months       = regexp.MustCompile(`^([a-z]+)(?:/([a-z]+))?(?: (\d{4}))?$`)
	dayOfMonth   = regexp.MustCompile(`^(\d{1,2}) ([a-z]+)(?: (\d{4}))?$`)
)

func derivePart(part string, asOf time.Time) (from, to time.Time, ok bool) {
	s := strings.ToLower(strings.Join(strings.Fields(part), " "))
	s = strings.TrimSpace(tbcSuffix.ReplaceAllString(s, ""))
	for {
		t := leadingWord.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	s = slashSpaces.ReplaceAllString(s, "/")
	s = dashSpaces.ReplaceAllString(s, "-")
	if s == "" {
		return from, to, false
	}

	yearOf := func(text string) int {
		switch text {
		case "", "the year":
			return asOf.Year()
		case "next year":
			return asOf.Year() + 1
		}
		y, _ := strconv.Atoi(text)
		return y
	}
	// A month without a year is the first such month not before asOf's.
	yearOfMonth := func(m time.Month) int {
		if m < asOf.Month() {
			return asOf.Year() + 1
		}
		return asOf.Year()
	}

	if m := quarterRange.FindStringSubmatch(s); m != nil {
		f, _ := quarterDays(atoi(m[1]), atoi(m[2]))
		_, t := quarterDays(atoi(m[3]), atoi(m[4]))
		return f, t, !t.Before(f)
	}
	if m := quarter.FindStringSubmatch(s); m != nil {
		f, t := quarterDays(atoi(m[1]), atoi(m[2]))
		return f, t, true
	}
	if m := season.FindStringSubmatch(s); m != nil {
		y := yearOf(m[2])
		switch m[1] {
		case "early":
			return date(y, 1, 1), date(y, 4, 30), true
		case "spring":
			return date(y, 3, 1), date(y, 5, 31), true
		case "first half of":
			return date(y, 1, 1), date(y, 6, 30), true
		case "second half of":
			return date(y, 7, 1), date(y, 12, 31), true
		default: // end of, end, year end
			return date(y, 12, 1), date(y, 12, 31), true
		}
	}
	if m := year.FindStringSubmatch(s); m != nil {
		y := yearOf(m[1])
		return date(y, 1, 1), date(y, 12, 31), true
	}
	if m := months.FindStringSubmatch(s); m != nil {
		first, ok1 := monthNamed(m[1])
		last, ok2 := first, true
		if m[2] != "" {
			last, ok2 = monthNamed(m[2])
		}
		if !ok1 || !ok2 {
			return from, to, false
		}
		y1 := yearOfMonth(first)
		if m[3] != "" {
			y1 = atoi(m[3])
		}
		y2 := y1
		if last < first {
			y2++
		}
		return date(y1, int(first), 1), date(y2, int(last)+1, 0), true
	}
	if m := dayOfMonth.FindStringSubmatch(s); m != nil {
		mon, ok := monthNamed(m[2])
		d := atoi(m[1])
		if !ok || d < 1 || d > 31 {
			return from, to, false
		}
		y := yearOfMonth(mon)
		if m[3] != "" {
			y = atoi(m[3])
		}
		t := date(y, int(mon), d)
		return t, t, t.Day() == d // refuses 31 April
	}
	return from, to, false
}

func quarterDays(q, y int) (from, to time.Time) {
	return date(y, 3*q-2, 1), date(y, 3*q+1, 0)
}

// date normalises like time.Date: day 0 is the last day of the month before.
func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func monthNamed(s string) (time.Month, bool) {
	for m := time.January; m <= time.December; m++ {
		if strings.ToLower(m.String()) == s {
			return m, true
		}
	}
	return 0, false
}
