package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestIssueCompilation(t *testing.T) {
	ctx := context.Background()
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if _, err := f.save(0, "Belgium's reply"); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, time.March, 20, 12, 0, 0, 0, dialogue.Brussels)
	issue := func(versions map[int64]int) (int64, error) {
		return f.st.IssueCompilation(ctx, cli, store.NewCompilation{RoundID: f.round, Date: day, BodyMD: "## Question 1\n\nBelgium's reply",
			Footnotes: []dialogue.Footnote{{N: 1, Body: dialogue.PalestineFootnote}}, SummaryVersions: versions})
	}
	// Open, then closed but sealed: refused, and nothing is created.
	if _, err := issue(nil); dialogue.KindOf(err) != dialogue.KindConflict || !strings.Contains(err.Error(), "Close the round") {
		t.Fatalf("issue an open round: %v", err)
	}
	if err := f.st.CloseRound(ctx, cli, f.round); err != nil {
		t.Fatal(err)
	}
	if _, err := issue(nil); dialogue.KindOf(err) != dialogue.KindConflict || !strings.Contains(err.Error(), "Release") {
		t.Fatalf("issue a sealed round: %v", err)
	}
	if err := f.st.ReleaseRound(ctx, cli, f.round, dialogue.ReleaseMemberStates); err != nil {
		t.Fatal(err)
	}
	// A summary saved after the body was written is a conflict.
	if _, err := f.st.SaveSummary(ctx, cli, f.round, f.text, "Most delegations agree.", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := issue(map[int64]int{}); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("issue with a stale summary: %v", err)
	}
	if _, err := f.st.IssueCompilation(ctx, cli, store.NewCompilation{RoundID: f.round, Series: "XX", BodyMD: "x"}); dialogue.KindOf(err) != dialogue.KindInvalid {
		t.Fatalf("unknown series: %v", err)
	}
	id, err := issue(map[int64]int{f.text: 1})
	if err != nil {
		t.Fatal(err)
	}

	doc, err := f.st.Document(ctx, dialogue.Viewer{SeeAll: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	detail, _ := f.st.RoundDetail(ctx, f.round)
	r := detail.Round
	switch {
	case doc.Ref.Series != dialogue.SeriesWK || doc.Ref.Number != 1 || doc.Ref.Year != 2026:
		t.Errorf("reference %s, want WK 1/26", doc.Reference())
	case doc.Status != dialogue.DocumentIssued || doc.IssuedAt == nil:
		t.Errorf("status %s", doc.Status)
	case doc.PreviousDocumentID != r.DocumentID || doc.PreviousReference != "5559/26":
		t.Errorf("previous %d %q, want the note", doc.PreviousDocumentID, doc.PreviousReference)
	case doc.Audience != dialogue.AudienceMemberStates || len(doc.NamedRecipients) != 0:
		t.Errorf("audience %s %v", doc.Audience, doc.NamedRecipients)
	case !strings.HasPrefix(doc.Subject, "Compilation of replies: Test note") || doc.BodyMD != "## Question 1\n\nBelgium's reply":
		t.Errorf("subject %q body %q", doc.Subject, doc.BodyMD)
	case len(doc.Footnotes) != 1 || doc.Footnotes[0].Body != dialogue.PalestineFootnote:
		t.Errorf("footnotes %+v", doc.Footnotes)
	case doc.Date.Format("2006-01-02") != "2026-03-20":
		t.Errorf("date %s", doc.Date)
	}
	if r.CompilationDocumentID != id || r.StateAt(time.Now()) != dialogue.RoundCompiled {
		t.Errorf("round %+v: not linked to the compilation", r)
	}
	// Member states see it; the audit log says who compiled.
	if _, err := f.st.Document(ctx, dialogue.Viewer{DelegationID: f.fr, DelegationKind: dialogue.MemberState}, id); err != nil {
		t.Errorf("FR cannot read the compilation: %v", err)
	}
	recs, _ := f.st.ListAudit(ctx, store.AuditFilter{Action: "round.compile"})
	if len(recs) != 1 || recs[0].ObjectID != f.round {
		t.Errorf("audit %+v", recs)
	}
	// Twice: refused; summaries are then frozen too.
	if _, err := issue(map[int64]int{f.text: 1}); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("issue twice: %v", err)
	}
	if _, err := f.st.SaveSummary(ctx, cli, f.round, f.text, "Later.", 1); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("summary after issue: %v", err)
	}
	// The next one takes the next number of the series in the year.
	id2, err := issueAnother(t, f, dialogue.SeriesST, day)
	if err != nil {
		t.Fatal(err)
	}
	doc2, _ := f.st.Document(ctx, dialogue.Viewer{SeeAll: true}, id2)
	if doc2.Reference() != "5560/26" {
		t.Errorf("an ST compilation after 5559/26 is %s, want 5560/26", doc2.Reference())
	}
}

// issueAnother opens, closes and releases a second round on the fixture's
// note, consulting FR and a partner, released to member states and
// partners, and issues its compilation.
func issueAnother(t *testing.T, f roundFixture, series dialogue.Series, day time.Time) (int64, error) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, f.url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var tn, doc int64
	if err := c.QueryRow(ctx, `INSERT INTO delegations (code, kind, name) VALUES ('TN', 'partner', 'Tunisia') RETURNING id`).Scan(&tn); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, `SELECT document_id FROM rounds WHERE id = $1`, f.round).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	round, err := f.st.CreateRound(ctx, cli, store.NewRound{DocumentID: doc, Title: "Second", OpensAt: time.Now().Add(-time.Hour),
		Deadline: time.Now().Add(time.Hour), DelegationIDs: []int64{f.fr, tn}, ReleaseAudience: dialogue.ReleaseMemberStatesPartners})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CloseRound(ctx, cli, round); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReleaseRound(ctx, cli, round, dialogue.ReleaseMemberStatesPartners); err != nil {
		t.Fatal(err)
	}
	id, err := f.st.IssueCompilation(ctx, cli, store.NewCompilation{RoundID: round, Series: series, Date: day, BodyMD: "No reply."})
	if err != nil {
		return 0, err
	}
	doc2, err := f.st.Document(ctx, dialogue.Viewer{DelegationID: tn, DelegationKind: dialogue.Partner}, id)
	if err != nil {
		t.Errorf("the partner consulted cannot read the compilation released to partners: %v", err)
	}
	if doc2.Audience != dialogue.AudienceDelegations || len(doc2.NamedRecipients) != 1 || doc2.NamedRecipients[0].Code != "TN" {
		t.Errorf("audience %s, recipients %+v: want delegations plus TN", doc2.Audience, doc2.NamedRecipients)
	}
	return id, nil
}
