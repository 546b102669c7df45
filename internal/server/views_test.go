package server

import (
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestDocumentBodyLeavesOutItsOwnQuestions(t *testing.T) {
	q := []dialogue.Question{{Position: 1, Prompt: "Q?"}}
	cases := []struct {
		name, in, want string
		questions      []dialogue.Question
	}{
		{"last section", "## Background\n\nText.\n\n## Questions to delegations\n\n- Q?\n", "## Background\n\nText.\n\n", q},
		{"section followed by another", "## Way forward\n\n### Questions for Discussion:\n\n1. Q?\n\n## References\n\nR.", "## Way forward\n\n## References\n\nR.", q},
		{"deeper headings stay inside", "## Questions to delegations\n\n### Sub\n\nQ?\n## Annex\n", "## Annex\n", q},
		{"no recorded questions: body as written", "## Questions to delegations\n\n- Q?\n", "## Questions to delegations\n\n- Q?\n", nil},
		{"no such section", "## Background\n\nQuestions are welcome.", "## Background\n\nQuestions are welcome.", q},
	}
	for _, c := range cases {
		if got := documentBody(dialogue.Document{BodyMD: c.in, Questions: c.questions}); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestMeetingTime(t *testing.T) {
	lisbon, _ := time.LoadLocation("Europe/Lisbon")
	cases := []struct {
		start, end time.Time
		loc        *time.Location
		want       string
	}{
		{time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC), dialogue.Brussels, "Tue 8 Dec 2026, 10:00–13:00 CET"},
		{time.Date(2027, 4, 20, 8, 0, 0, 0, time.UTC), time.Date(2027, 4, 20, 11, 0, 0, 0, time.UTC), dialogue.Brussels, "Tue 20 Apr 2027, 10:00–13:00 CEST"},
		{time.Date(2025, 11, 13, 9, 0, 0, 0, time.UTC), time.Date(2025, 11, 14, 13, 0, 0, 0, time.UTC), lisbon, "Thu 13 Nov 2025, 09:00 – Fri 14 Nov 2025, 13:00 WET"},
		// A meeting across the change to summer time names both zones.
		{time.Date(2027, 3, 27, 22, 0, 0, 0, time.UTC), time.Date(2027, 3, 28, 4, 0, 0, 0, time.UTC), dialogue.Brussels, "Sat 27 Mar 2027, 23:00 CET – Sun 28 Mar 2027, 06:00 CEST"},
	}
	for _, c := range cases {
		if got := meetingTime(c.start, c.end, c.loc); got != c.want {
			t.Errorf("meetingTime(%v, %v) = %q, want %q", c.start, c.end, got, c.want)
		}
	}
}
