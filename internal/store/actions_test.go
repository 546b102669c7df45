package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestActionRows(t *testing.T) {
	st, _ := demoStore(t)
	rows, err := st.ActionRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("no action rows")
	}
	// In the annex's order: by section, then position.
	last := -1
	for i, r := range rows {
		s := slices.Index(dialogue.ActionSections, r.Section)
		if s < last {
			t.Errorf("row %d (%s) out of section order", i, r.Section)
		}
		if s == last && r.Position < rows[i-1].Position {
			t.Errorf("row %d out of position order", i)
		}
		last = s
	}
	derived := false
	for _, r := range rows {
		if r.DueFrom != nil && r.DueTo != nil {
			derived = true
			if r.DueTo.Before(*r.DueFrom) {
				t.Errorf("%q: range ends before it starts", r.TimelineText)
			}
		}
	}
	if !derived {
		t.Errorf("no row has a derived date range")
	}
}
