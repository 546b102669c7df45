package demo

import (
	"testing"
	"time"
)

func TestDeriveRange(t *testing.T) {
	asOf := date(2023, 12, 13) // the EUCO letter
	tests := []struct {
		text     string
		from, to string // "" for no range
	}{
		{"Q1 2024", "2024-01-01", "2024-03-31"},
		{"Q4 2023", "2023-10-01", "2023-12-31"},
		{"early Q1 2024", "2024-01-01", "2024-03-31"},
		{"Q4 2023 - Q1 2024", "2023-10-01", "2024-03-31"},
		{"Q4 2023 – Q1 2024", "2023-10-01", "2024-03-31"},
		{"early 2024", "2024-01-01", "2024-04-30"},
		{"in early 2024", "2024-01-01", "2024-04-30"},
		{"early next year", "2024-01-01", "2024-04-30"},
		{"spring 2024", "2024-03-01", "2024-05-31"},
		{"by spring 2024", "2024-03-01", "2024-05-31"},
		{"first half of 2024", "2024-01-01", "2024-06-30"},
		{"during the first half of 2024", "2024-01-01", "2024-06-30"},
		{"second half of 2024", "2024-07-01", "2024-12-31"},
		{"end of 2023", "2023-12-01", "2023-12-31"},
		{"by end of 2023", "2023-12-01", "2023-12-31"},
		{"before end 2023", "2023-12-01", "2023-12-31"},
		{"by the end of 2023", "2023-12-01", "2023-12-31"},
		{"by the end of the year", "2023-12-01", "2023-12-31"},
		{"by year end", "2023-12-01", "2023-12-31"},
		{"2024", "2024-01-01", "2024-12-31"},
		{"in 2024", "2024-01-01", "2024-12-31"},
		{"still in 2023", "2023-01-01", "2023-12-31"},
		{"in the course of 2024", "2024-01-01", "2024-12-31"},
		{"2024, date tbc", "2024-01-01", "2024-12-31"},
		{"December 2023", "2023-12-01", "2023-12-31"},
		{"February 2024", "2024-02-01", "2024-02-29"},
		{"January / February 2024", "2024-01-01", "2024-02-29"},
		{"December/January", "2023-12-01", "2024-01-31"},
		{"in January, tbc", "2024-01-01", "2024-01-31"},
		{"January (tbc)", "2024-01-01", "2024-01-31"},
		{"as of 1 February 2024", "2024-02-01", "2024-02-01"},
		{"12 December", "2023-12-12", "2023-12-12"},
		{"13 December; 12 December; in January, tbc", "2023-12-12", "2024-01-31"},
		{"before the end of the year; early next year", "2023-12-01", "2024-04-30"},
		{"Q1 2024; in 2024", "2024-01-01", "2024-12-31"},
		{"  Q1   2024 ", "2024-01-01", "2024-03-31"},
		{"q1 2024", "2024-01-01", "2024-03-31"},
		// Nothing to derive.
		{"", "", ""},
		{"tbc", "", ""},
		{"TBC", "", ""},
		{"date tbc", "", ""},
		{"to be confirmed", "", ""},
		{"soon", "", ""},
		{"as soon as possible", "", ""},
		{"Q5 2024", "", ""},
		{"31 April 2024", "", ""},
		{"Q1 2024 - Q4 2023", "", ""},
		{"tbc; Q1 2024", "2024-01-01", "2024-03-31"},
	}
	for _, tt := range tests {
		from, to := deriveRange(tt.text, asOf)
		if got, want := show(from)+".."+show(to), tt.from+".."+tt.to; got != want {
			t.Errorf("deriveRange(%q) = %s, want %s", tt.text, got, want)
		}
	}
}

func FuzzDeriveRange(f *testing.F) {
	for _, s := range []string{"Q1 2024", "early 2024", "December/January", "12 December; tbc", "by end of 2023"} {
		f.Add(s)
	}
	asOf := date(2023, 12, 13)
	f.Fuzz(func(t *testing.T, s string) {
		from, to := deriveRange(s, asOf)
		if (from == nil) != (to == nil) {
			t.Fatalf("deriveRange(%q): one end only", s)
		}
		if from != nil && to.Before(*from) {
			t.Fatalf("deriveRange(%q) = %v..%v: ends before it starts", s, from, to)
		}
	})
}

func show(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}
