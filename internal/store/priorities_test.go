package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// The secretariat adds, reorders, relabels and removes a dialogue's
// priorities; a priority initiatives address is not removed; a wrong row is
// told by its field; a stale form is a conflict.
func TestSavePriorities(t *testing.T) {
	ctx := context.Background()
	st, url := demoStore(t)
	sec := dialogue.Actor{Name: "sec@example.eu"}
	clasi, err := st.DialogueByCode(ctx, "clasi")
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := st.Priorities(ctx, clasi.ID)
	v, err := st.PrioritiesVersion(ctx, clasi.ID)
	if err != nil || v != 1 || len(ps) < 3 {
		t.Fatalf("version %d, %d priorities, %v", v, len(ps), err)
	}
	rows := func() []store.PriorityChange {
		var out []store.PriorityChange
		for _, p := range ps {
			out = append(out, store.PriorityChange{ID: p.ID, Code: p.Code, Title: p.Title, Status: string(p.Status), EmpactCycle: p.EmpactCycle})
		}
		return out
	}
	// Every demo priority of CLASI is addressed by an initiative.
	ins, _ := st.Initiatives(ctx, clasi.ID)
	var addressedOne int64
	for _, in := range ins {
		if len(in.PriorityIDs) > 0 {
			addressedOne = in.PriorityIDs[0]
		}
	}
	if addressedOne == 0 {
		t.Fatal("no CLASI priority is addressed by an initiative")
	}

	bad := rows()
	last := len(bad) - 1 // not the removed one (see below)
	if bad[last].ID == addressedOne {
		t.Fatal("the removed priority is the last")
	}
	bad[last].Title = ""
	bad[1].Code = bad[2].Code
	bad[2].EmpactCycle = "2029-2026"
	for i := range bad {
		if bad[i].ID == addressedOne {
			bad[i].Remove = true
		}
	}
	bad = append(bad, store.PriorityChange{Code: "Cyber Crime", Title: "Cybercrime against children", Status: "later"})
	err = st.SavePriorities(ctx, sec, clasi.ID, v, bad)
	fields := fieldsOf(err)
	for _, want := range []string{store.RowField("title", ps[last].ID), store.RowField("remove", addressedOne), store.RowField("code", ps[2].ID),
		store.RowField("empact_cycle", ps[2].ID), "code-new", "status-new"} {
		found := false
		for _, f := range fields {
			found = found || f == want
		}
		if !found {
			t.Errorf("a wrong form: no message for %s among %v (%v)", want, fields, err)
		}
	}

	// Add one; then swap the first two labels, put the last first and
	// remove the one added.
	added := append(rows(), store.PriorityChange{Code: "children", Title: "Crimes against children", Status: "possible_future", EmpactCycle: "2026-2029"})
	if err := st.SavePriorities(ctx, sec, clasi.ID, v, added); err != nil {
		t.Fatal(err)
	}
	withNew, _ := st.Priorities(ctx, clasi.ID)
	if len(withNew) != len(ps)+1 || withNew[len(ps)].Code != "children" || withNew[len(ps)].EmpactCycle != "2026-2029" {
		t.Fatalf("after adding: %+v", withNew)
	}
	v++
	ps = withNew

	// A meeting's agenda refers to the new priority: it is not removed.
	start := time.Now().Add(30 * 24 * time.Hour)
	meeting, err := st.CreateMeeting(ctx, sec, store.MeetingInput{DialogueCode: "clasi", Level: dialogue.LevelSOM, Title: "CLASI SOM",
		StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, url, `WITH i AS (INSERT INTO agenda_items (meeting_id, position, kind, title) VALUES ($1, 1, 'discussion', 'Children') RETURNING id)
		INSERT INTO agenda_item_priorities (agenda_item_id, priority_id) SELECT id, $2 FROM i`, meeting, withNew[len(withNew)-1].ID)
	onAgenda := rows()
	onAgenda[len(onAgenda)-1].Remove = true
	err = st.SavePriorities(ctx, sec, clasi.ID, v, onAgenda)
	wantFields(t, "removing a priority on an agenda", err, store.RowField("remove", withNew[len(withNew)-1].ID))
	exec(t, url, `DELETE FROM agenda_item_priorities`)

	good := rows()
	good[0].Code, good[1].Code = good[1].Code, good[0].Code
	good[len(good)-2].Position = "0.5"
	good[len(good)-1].Remove = true
	if err := st.SavePriorities(ctx, sec, clasi.ID, v, good); err != nil {
		t.Fatal(err)
	}
	after, _ := st.Priorities(ctx, clasi.ID)
	if len(after) != len(ps)-1 || after[0].ID != ps[len(ps)-2].ID {
		t.Errorf("after reordering and removing: %+v", after)
	}
	for _, p := range after {
		if p.Code == "children" {
			t.Error("the removed priority is still there")
		}
		if p.ID == ps[0].ID && p.Code != ps[1].Code {
			t.Errorf("labels not swapped: %+v", p)
		}
	}
	if err := st.SavePriorities(ctx, sec, clasi.ID, v, good); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("a save from the stale version: %v", err)
	}
}
