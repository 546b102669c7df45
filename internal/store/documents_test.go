package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// presidency sees every document.
var presidency = dialogue.Viewer{UserID: 1, SeeAll: true}

func refs(t *testing.T, st *store.Store, f store.DocumentFilter) []string {
	t.Helper()
	if f.Viewer == (dialogue.Viewer{}) {
		f.Viewer = presidency
	}
	list, err := st.Documents(context.Background(), f)
	if err != nil {
		t.Fatalf("Documents(%+v): %v", f, err)
	}
	out := make([]string, len(list.Documents))
	for i, d := range list.Documents {
		out[i] = d.Reference()
	}
	return out
}

func TestDocumentFilters(t *testing.T) {
	st, _ := demoStore(t)
	ctx := context.Background()
	med, err := st.DialogueByCode(ctx, "med")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    store.DocumentFilter
		want []string
	}{
		{"all, newest first", store.DocumentFilter{}, []string{"15102/26", "5559/26", "9375/25", "6762/22"}},
		{"issued", store.DocumentFilter{Status: dialogue.DocumentIssued}, []string{"15102/26", "5559/26", "9375/25", "6762/22"}},
		{"LIMITE", store.DocumentFilter{Marking: dialogue.MarkingLimite}, []string{"15102/26", "5559/26", "9375/25"}},
		{"not marked", store.DocumentFilter{Marking: dialogue.MarkingNone}, []string{"6762/22"}},
		{"year", store.DocumentFilter{Year: 2025}, []string{"9375/25"}},
		{"series ST", store.DocumentFilter{Series: dialogue.SeriesST}, []string{"15102/26", "5559/26", "9375/25", "6762/22"}},
		{"series WK", store.DocumentFilter{Series: dialogue.SeriesWK}, []string{}},
		{"code COSI", store.DocumentFilter{Code: "COSI"}, []string{"15102/26", "5559/26", "9375/25", "6762/22"}},
		{"code in lower case", store.DocumentFilter{Code: "med"}, []string{"15102/26", "5559/26"}},
		{"code without number", store.DocumentFilter{Code: "EUROPOL"}, []string{"5559/26"}},
		{"code and marking", store.DocumentFilter{Code: "JAI", Marking: dialogue.MarkingLimite, Year: 2026}, []string{"15102/26", "5559/26"}},
		{"unknown code", store.DocumentFilter{Code: "NOPE"}, []string{}},
		// The code is written into the statement: what no code can be
		// matches nothing (and is never SQL).
		{"not a code", store.DocumentFilter{Code: "COSI' OR 'a' = 'a"}, []string{}},
		{"code and year", store.DocumentFilter{Code: "cosi", Year: 2026}, []string{"15102/26", "5559/26"}},
		{"dialogue", store.DocumentFilter{DialogueID: med.ID}, []string{"15102/26", "5559/26"}},
		{"dialogue by code", store.DocumentFilter{DialogueCode: "med"}, []string{"15102/26", "5559/26"}},
		{"unknown dialogue", store.DocumentFilter{DialogueCode: "atlantis"}, []string{}},
		{"limit", store.DocumentFilter{Limit: 2}, []string{"15102/26", "5559/26"}},
		{"offset", store.DocumentFilter{Limit: 2, Offset: 2}, []string{"9375/25", "6762/22"}},
	}
	for _, c := range cases {
		if got := refs(t, st, c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// The register pages through large numbers of documents 50 at a time.
func TestDocumentPages(t *testing.T) {
	st, url := dbtest.Store(t)
	exec(t, url, `
		INSERT INTO documents (series, number, year, doc_date, sender, recipients, subject, status, issued_at)
		SELECT 'ST', n, 2026, date '2026-01-01' + n, 'Presidency', 'Delegations', 'Note ' || n, 'issued', now()
		FROM generate_series(1, 120) AS n`)
	exec(t, url, `INSERT INTO documents (year, doc_date, sender, recipients, subject) VALUES (2026, '2026-06-01', 'Presidency', 'Delegations', 'A draft')`)
	ctx := context.Background()
	seen := map[string]bool{}
	for page, want := range []struct {
		n    int
		more bool
	}{{50, true}, {50, true}, {20, false}} {
		list, err := st.Documents(ctx, store.DocumentFilter{Viewer: presidency, Status: dialogue.DocumentIssued, Limit: 50, Offset: page * 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Documents) != want.n || list.More != want.more {
			t.Fatalf("page %d: %d documents, more %v; want %d, %v", page+1, len(list.Documents), list.More, want.n, want.more)
		}
		for _, d := range list.Documents {
			if seen[d.Reference()] || d.Status != dialogue.DocumentIssued {
				t.Errorf("page %d: %s repeated or not issued", page+1, d.Reference())
			}
			seen[d.Reference()] = true
		}
		if page == 0 && list.Documents[0].Reference() != "120/26" {
			t.Errorf("first document %s, want the newest 120/26", list.Documents[0].Reference())
		}
	}
}

func TestDocument(t *testing.T) {
	st, _ := demoStore(t)
	ctx := context.Background()
	list, err := st.Documents(ctx, store.DocumentFilter{Viewer: presidency, Code: "EUROPOL"})
	if err != nil || len(list.Documents) != 1 {
		t.Fatalf("5559/26 not found: %v %+v", err, list)
	}
	d, err := st.Document(ctx, presidency, list.Documents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Reference() != "5559/26" || d.LanguageCode() != "(OR. en)" || !d.Marking.IsLimite() ||
		d.Date.Format("2 January 2006") != "12 February 2026" || d.Sender != "Presidency" || d.Recipients != "Delegations" ||
		d.DocType != "NOTE" || d.DialogueID == 0 || d.Status != dialogue.DocumentIssued {
		t.Errorf("5559/26 = %+v", d)
	}
	if !strings.Contains(d.BodyMD, "Palestine[^3]") {
		t.Errorf("body lacks the footnote marker on Palestine")
	}
	var codes []string
	for _, c := range d.Codes {
		codes = append(codes, c.String())
	}
	if len(codes) < 4 || codes[0] != "COSI 11" || codes[2] != "JAI 79" || codes[len(codes)-1] != "EUROPOL" {
		t.Errorf("codes = %v", codes)
	}
	if len(d.Footnotes) != 3 || d.Footnotes[2].N != 3 || d.Footnotes[2].Body != dialogue.PalestineFootnote {
		t.Errorf("footnotes = %+v", d.Footnotes)
	}
	if len(d.Questions) != 3 {
		t.Fatalf("questions = %+v", d.Questions)
	}
	for i, q := range d.Questions {
		if q.Position != i+1 {
			t.Errorf("question %d has position %d", i+1, q.Position)
		}
	}
	q1 := d.Questions[0]
	if q1.Kind != dialogue.QuestionChoice || len(q1.Options) != 2 || q1.Options[0].Label != "i)" ||
		!strings.HasPrefix(q1.Options[1].Body, "including all ten partners") {
		t.Errorf("question 1 = %+v", q1)
	}
	if len(d.Questions[1].Options) != 0 || !strings.HasPrefix(d.Questions[1].Prompt, "How to best articulate") {
		t.Errorf("question 2 = %+v", d.Questions[1])
	}

	// 9375/25 goes to a working party and has an "On:" date.
	list, err = st.Documents(ctx, store.DocumentFilter{Viewer: presidency, Year: 2025})
	if err != nil || len(list.Documents) != 1 {
		t.Fatalf("9375/25: %v", err)
	}
	d, err = st.Document(ctx, presidency, list.Documents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.OnDate == nil || d.OnDate.Format("2006-01-02") != "2025-06-10" || d.Audience != dialogue.AudienceWorkingParty || d.WorkingParty != "EMWP" {
		t.Errorf("9375/25 = %+v", d)
	}

	if _, err := st.Document(ctx, presidency, 999999); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("Document(999999) = %v, want not found", err)
	}
	byID, err := st.DocumentsByID(ctx, presidency, []int64{d.ID, 999999})
	if err != nil || len(byID) != 1 || byID[d.ID].Reference() != "9375/25" {
		t.Errorf("DocumentsByID = %v, %v", byID, err)
	}
}
