package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// TestDocumentDistribution: each kind of delegation sees exactly the
// documents distributed to it, in lists and by id; a draft is seen by the
// Presidency and the secretariat only.
func TestDocumentDistribution(t *testing.T) {
	ctx := context.Background()
	st, url := demoStore(t)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	id := func(code string) int64 {
		var id int64
		if err := c.QueryRow(ctx, `SELECT id FROM delegations WHERE code = $1`, code).Scan(&id); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		return id
	}
	// A draft addressed to all delegations: nobody but the Presidency sees it yet.
	var draft int64
	if err := c.QueryRow(ctx, `INSERT INTO documents (year, doc_date, sender, recipients, subject, status)
		VALUES (2026, '2026-11-20', 'Presidency', 'Delegations', 'Draft note', 'draft') RETURNING id`).Scan(&draft); err != nil {
		t.Fatal(err)
	}
	viewer := func(code string, kind dialogue.DelegationKind) dialogue.Viewer {
		return dialogue.Viewer{UserID: 9, DelegationID: id(code), DelegationKind: kind}
	}
	cases := []struct {
		name string
		v    dialogue.Viewer
		want []string
	}{
		{"presidency sees all, drafts included", presidency, []string{"draft (no number yet)", "15102/26", "5559/26", "9375/25", "6762/22"}},
		{"a member state sees the notes to delegations and to its working party", viewer("BE", dialogue.MemberState), []string{"15102/26", "5559/26", "9375/25", "6762/22"}},
		{"the Commission sees the notes to delegations and the EMWP", viewer("COM", dialogue.Institution), []string{"15102/26", "5559/26", "9375/25", "6762/22"}},
		{"a partner sees nothing it was not sent", viewer("TN", dialogue.Partner), nil},
		{"Europol sees 5559/26, which names it", viewer("EUROPOL", dialogue.Observer), []string{"5559/26"}},
		{"CEPOL sees nothing", viewer("CEPOL", dialogue.Observer), nil},
		{"the zero viewer sees nothing", dialogue.Viewer{}, nil},
	}
	for _, tc := range cases {
		list, err := st.Documents(ctx, store.DocumentFilter{Viewer: tc.v})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range list.Documents {
			got = append(got, d.Reference())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: list %v, want %v", tc.name, got, tc.want)
		}
		// By id: the same rule, and "not found" for the rest.
		all, _ := st.Documents(ctx, store.DocumentFilter{Viewer: presidency})
		for _, d := range all.Documents {
			_, err := st.Document(ctx, tc.v, d.ID)
			visible := slices.Contains(tc.want, d.Reference())
			if visible && err != nil {
				t.Errorf("%s: %s by id: %v", tc.name, d.Reference(), err)
			}
			if !visible && dialogue.KindOf(err) != dialogue.KindNotFound {
				t.Errorf("%s: %s by id: %v, want not found", tc.name, d.Reference(), err)
			}
		}
		byID, _ := st.DocumentsByID(ctx, tc.v, []int64{draft})
		if len(byID) != 0 && !tc.v.SeeAll {
			t.Errorf("%s: the draft leaks through DocumentsByID", tc.name)
		}
	}
}
