package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// roundFixture is an issued note with a text, a choice and an agreement
// question, and a round consulting two delegations.
type roundFixture struct {
	st                  *store.Store
	url                 string
	round               int64
	be, fr              int64
	text, choice, agree int64
	optionI             int64
	deadline            time.Time
}

func newRoundFixture(t *testing.T, opens, deadline time.Time) roundFixture {
	t.Helper()
	ctx := context.Background()
	st, url := dbtest.Store(t)
	f := roundFixture{st: st, url: url, deadline: deadline}
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := c.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	f.be = q(`INSERT INTO delegations (code, kind, name, protocol_order) VALUES ('BE', 'member_state', 'Belgium', 1) RETURNING id`)
	f.fr = q(`INSERT INTO delegations (code, kind, name, protocol_order) VALUES ('FR', 'member_state', 'France', 10) RETURNING id`)
	doc := q(`INSERT INTO documents (number, year, doc_date, sender, recipients, subject, status, issued_at)
		VALUES (5559, 2026, '2026-02-12', 'Presidency', 'Delegations', 'Test note', 'issued', now()) RETURNING id`)
	f.text = q(`INSERT INTO questions (document_id, position, kind, prompt) VALUES ($1, 1, 'text', 'How?') RETURNING id`, doc)
	f.choice = q(`INSERT INTO questions (document_id, position, kind, prompt) VALUES ($1, 2, 'choice', 'Which?') RETURNING id`, doc)
	f.agree = q(`INSERT INTO questions (document_id, position, kind, prompt) VALUES ($1, 3, 'agreement', 'Agree?') RETURNING id`, doc)
	f.optionI = q(`INSERT INTO question_options (question_id, position, label, body) VALUES ($1, 1, 'i)', 'phased') RETURNING id`, f.choice)
	q(`INSERT INTO question_options (question_id, position, label, body) VALUES ($1, 2, 'ii)', 'all ten') RETURNING id`, f.choice)
	f.round, err = st.CreateRound(ctx, cli, store.NewRound{DocumentID: doc, Title: "Round", OpensAt: opens, Deadline: deadline,
		DelegationIDs: []int64{f.be, f.fr}, ReleaseAudience: dialogue.ReleaseMemberStates})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f roundFixture) save(base int, body string) (store.SavedPosition, error) {
	return f.st.SavePosition(context.Background(), dialogue.Actor{Name: "delegate"}, store.PositionSave{
		RoundID: f.round, QuestionID: f.text, DelegationID: f.be, BaseRevision: base,
		Status: dialogue.PositionDraft, Body: body})
}

func (f roundFixture) revisions(t *testing.T) int {
	t.Helper()
	c, _ := pgx.Connect(context.Background(), f.url)
	defer c.Close(context.Background())
	var n int
	_ = c.QueryRow(context.Background(), `SELECT count(*) FROM position_revisions`).Scan(&n)
	return n
}

func TestEverySaveIsANewRevision(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	p1, err := f.save(0, "first draft")
	if err != nil || p1.Revision != 1 {
		t.Fatalf("first save: %+v %v", p1, err)
	}
	p2, err := f.save(1, "second draft")
	if err != nil || p2.Revision != 2 || p2.ID != p1.ID {
		t.Fatalf("second save: %+v %v", p2, err)
	}
	if n := f.revisions(t); n != 2 {
		t.Fatalf("%d revisions kept, want 2", n)
	}
}

func TestConflictingEditsKeepBothTexts(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if _, err := f.save(0, "base"); err != nil {
		t.Fatal(err)
	}
	// Two colleagues opened revision 1; the first saves, the second conflicts.
	if _, err := f.save(1, "Anna's text"); err != nil {
		t.Fatal(err)
	}
	_, err := f.save(1, "Bruno's text")
	var ce *dialogue.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("second save: %v, want a conflict", err)
	}
	if ce.Current.Body != "Anna's text" || ce.Current.Revision != 2 {
		t.Fatalf("conflict carries %+v, want Anna's revision 2", ce.Current)
	}
	// Two first saves at once: the loser conflicts too, nothing is overwritten.
	if _, err := f.st.SavePosition(context.Background(), cli, store.PositionSave{RoundID: f.round, QuestionID: f.choice,
		DelegationID: f.fr, Status: dialogue.PositionDraft, Body: "one"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.st.SavePosition(context.Background(), cli, store.PositionSave{RoundID: f.round, QuestionID: f.choice,
		DelegationID: f.fr, Status: dialogue.PositionDraft, Body: "two"})
	if !errors.As(err, &ce) || ce.Current.Body != "one" {
		t.Fatalf("concurrent first saves: %v", err)
	}
	if n := f.revisions(t); n != 3 {
		t.Fatalf("%d revisions, want 3 (conflicts store nothing)", n)
	}
}

func TestSubmitNeedsWhatTheQuestionAsks(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	cases := []struct {
		name  string
		save  store.PositionSave
		field string
	}{
		{"text question submitted empty", store.PositionSave{QuestionID: f.text, Status: dialogue.PositionSubmitted}, "body"},
		{"choice submitted without option", store.PositionSave{QuestionID: f.choice, Status: dialogue.PositionSubmitted, Body: "x"}, "option"},
		{"option of another question", store.PositionSave{QuestionID: f.agree, Status: dialogue.PositionDraft, OptionID: f.optionI}, "option"},
		{"unknown status", store.PositionSave{QuestionID: f.text, Status: "maybe", Body: "x"}, "status"},
	}
	for _, c := range cases {
		c.save.RoundID, c.save.DelegationID = f.round, f.be
		_, err := f.st.SavePosition(ctx, cli, c.save)
		var de *dialogue.Error
		if !errors.As(err, &de) || de.Field != c.field {
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
	// Not eligible: another delegation's id gives "not found", nothing more.
	_, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.be + f.fr + 100,
		Status: dialogue.PositionDraft, Body: "x"})
	if dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("ineligible delegation: %v", err)
	}
	ok, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, DelegationID: f.be, QuestionID: f.choice,
		Status: dialogue.PositionSubmitted, OptionID: f.optionI})
	if err != nil || ok.Status != dialogue.PositionSubmitted {
		t.Fatalf("valid choice submit: %v", err)
	}
}

func TestDeadlineExtensionAndProxy(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour))
	ctx := context.Background()
	if _, err := f.save(0, "too late"); dialogue.KindOf(err) != dialogue.KindDeadline {
		t.Fatalf("save after deadline: %v", err)
	}
	// The secretariat records a reply received by e-mail: accepted, flagged late.
	p, err := f.st.SavePosition(ctx, dialogue.Actor{Name: "secretariat"}, store.PositionSave{RoundID: f.round, QuestionID: f.text,
		DelegationID: f.fr, Status: dialogue.PositionSubmitted, Body: "by e-mail", ProxySource: "email"})
	if err != nil || !p.Late || p.ProxySource != "email" {
		t.Fatalf("proxy reply: %+v %v", p, err)
	}
	if err := f.st.ExtendDeadline(ctx, cli, f.round, f.be, time.Now().Add(time.Hour), "translation pending"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.save(0, "within the extension"); err != nil {
		t.Fatalf("save within extension: %v", err)
	}
	if err := f.st.CloseRound(ctx, cli, f.round); err != nil {
		t.Fatal(err)
	}
	if _, err := f.save(1, "after closing"); dialogue.KindOf(err) != dialogue.KindDeadline {
		t.Fatalf("save after closing: %v", err)
	}
}

// TestTheDeadlineAppliesToReceipt: a reply counts when the portal received
// it, however long it then waited to commit (a deadline rush), and is dated
// by it; the database still refuses a stamp that is not fresh, so that no
// stamp, however early, lets a save in long after the deadline.
func TestTheDeadlineAppliesToReceipt(t *testing.T) {
	now := time.Now()
	f := newRoundFixture(t, now.Add(-time.Hour), now.Add(-3*time.Second))
	ctx := context.Background()
	save := func(base int, received time.Time, q int64, body string) (store.SavedPosition, error) {
		return f.st.SavePosition(ctx, dialogue.Actor{Name: "delegate"}, store.PositionSave{
			RoundID: f.round, QuestionID: q, DelegationID: f.be, BaseRevision: base,
			Status: dialogue.PositionDraft, Body: body, ReceivedAt: received})
	}
	// Received a millisecond before the deadline, committed seconds after it.
	onTime := f.deadline.Add(-time.Millisecond)
	p, err := save(0, onTime, f.text, "sent in time")
	if err != nil {
		t.Fatalf("a reply received before the deadline was refused: %v", err)
	}
	if !p.UpdatedAt.Equal(onTime.Truncate(time.Microsecond)) {
		t.Errorf("the reply is dated %s, want its receipt %s", p.UpdatedAt, onTime)
	}
	c, err := pgx.Connect(ctx, f.url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var created time.Time
	if err := c.QueryRow(ctx, `SELECT created_at FROM position_revisions WHERE position_id = $1`, p.ID).Scan(&created); err != nil ||
		!created.Equal(p.UpdatedAt) {
		t.Errorf("the revision is dated %s, want %s (%v)", created, p.UpdatedAt, err)
	}
	// The audit entry, dated when it was written, keeps the receipt.
	var audited time.Time
	if err := c.QueryRow(ctx, `SELECT (detail->>'received')::timestamptz FROM audit_log WHERE action = 'position.save' AND object_id = $1`, p.ID).
		Scan(&audited); err != nil || !audited.Equal(p.UpdatedAt) {
		t.Errorf("the audit entry says received %s, want %s (%v)", audited, p.UpdatedAt, err)
	}

	// Received at the deadline: late.
	if _, err := save(p.Revision, f.deadline, f.text, "at the deadline"); dialogue.KindOf(err) != dialogue.KindDeadline {
		t.Errorf("a reply received at the deadline: %v, want refused as late", err)
	}
	// A stamp the database does not trust, where the portal's own check
	// (here, under an extension) would let it through: over a minute old
	// at commit, or in the future.
	if err := f.st.ExtendDeadline(ctx, cli, f.round, f.be, time.Now().Add(time.Hour), "translation pending"); err != nil {
		t.Fatal(err)
	}
	for _, received := range []time.Time{f.deadline.Add(-2 * time.Minute), time.Now().Add(time.Minute)} {
		_, err := save(0, received, f.choice, "stale")
		if dialogue.KindOf(err) != dialogue.KindDeadline || !strings.Contains(err.Error(), "took over a minute") {
			t.Errorf("received %s: %v, want refused by the database", received.Format(time.TimeOnly), err)
		}
	}
	if n := f.revisions(t); n != 1 {
		t.Errorf("%d revisions stored, want the one received in time", n)
	}
}

// TestConcurrentSubmitsAtTheDeadline: many saves race the deadline. Every
// save reported as accepted is in the database (none lost), none received
// at or after the deadline, and every refusal says why.
func TestConcurrentSubmitsAtTheDeadline(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	// The deadline is set only now, after the fixture (slow on a loaded
	// machine), so that the saves below really straddle it.
	deadline := time.Now().Add(400 * time.Millisecond)
	exec(t, f.url, `UPDATE rounds SET deadline = $1 WHERE id = $2`, deadline, f.round)
	type result struct {
		err error
		at  time.Time
	}
	var mu sync.Mutex
	var results []result
	var wg sync.WaitGroup
	questions := []int64{f.text, f.choice, f.agree}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := questions[w%3]
			d := []int64{f.be, f.fr}[w%2]
			base := 0
			for time.Now().Before(deadline.Add(300 * time.Millisecond)) {
				p, err := f.st.SavePosition(ctx, dialogue.Actor{Name: fmt.Sprint("worker", w)}, store.PositionSave{
					RoundID: f.round, QuestionID: q, DelegationID: d, BaseRevision: base,
					Status: dialogue.PositionDraft, Body: fmt.Sprint("text ", w, " ", base)})
				done := time.Now()
				var ce *dialogue.ConflictError
				switch {
				case err == nil:
					base = p.Revision
				case errors.As(err, &ce):
					base = ce.Current.Revision
				}
				mu.Lock()
				results = append(results, result{err, done})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	accepted, refusedLate := 0, 0
	for _, r := range results {
		switch {
		case r.err == nil:
			accepted++
		case dialogue.KindOf(r.err) == dialogue.KindDeadline:
			refusedLate++
		case dialogue.KindOf(r.err) == dialogue.KindConflict:
		default:
			t.Errorf("unexpected error: %v", r.err)
		}
	}
	if accepted == 0 || refusedLate == 0 {
		t.Fatalf("accepted %d, refused late %d: the race did not straddle the deadline", accepted, refusedLate)
	}
	if n := f.revisions(t); n != accepted {
		t.Fatalf("%d revisions stored, %d saves reported accepted: none may be lost or invented", n, accepted)
	}
	c, _ := pgx.Connect(ctx, f.url)
	defer c.Close(ctx)
	var after int
	_ = c.QueryRow(ctx, `SELECT count(*) FROM position_revisions WHERE created_at >= $1`, deadline).Scan(&after)
	if after != 0 {
		t.Fatalf("%d revisions received at or after the deadline", after)
	}
}

// RoundCells (the matrix) says what RoundPositions says of each reply's
// state, including a reply first recorded by the secretariat and then
// revised by the delegation itself (no longer "received outside").
func TestRoundCellsFollowTheLatestRevision(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	if _, err := f.save(0, "draft"); err != nil {
		t.Fatal(err)
	}
	proxy := store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.fr,
		Status: dialogue.PositionSubmitted, Body: "by letter", ProxySource: "letter"}
	if _, err := f.st.SavePosition(ctx, dialogue.Actor{Name: "secretariat"}, proxy); err != nil {
		t.Fatal(err)
	}
	check := func(wantFRProxy bool) {
		t.Helper()
		full, err := f.st.RoundPositions(ctx, f.round, 0)
		if err != nil {
			t.Fatal(err)
		}
		cells, err := f.st.RoundCells(ctx, f.round, 0)
		if err != nil || len(cells) != len(full) || len(cells) != 2 {
			t.Fatalf("cells %d, positions %d: %v", len(cells), len(full), err)
		}
		// The matrix's one round trip reads the same cells and detail.
		detail, err := f.st.RoundDetail(ctx, f.round)
		if err != nil {
			t.Fatal(err)
		}
		detail2, cells2, err := f.st.RoundDetailCells(ctx, f.round)
		if err != nil || !reflect.DeepEqual(detail2, detail) || !reflect.DeepEqual(cells2, cells) {
			t.Fatalf("RoundDetailCells = %+v, %+v, %v\nwant %+v, %+v", detail2, cells2, err, detail, cells)
		}
		byID := map[int64]dialogue.Position{}
		for _, p := range full {
			byID[p.ID] = p
		}
		for _, c := range cells {
			p := byID[c.ID]
			if c.QuestionID != p.QuestionID || c.DelegationID != p.DelegationID || c.Revision != p.Revision ||
				c.Status != p.Status || c.Late != p.Late || c.ProxySource != p.ProxySource || c.Body != "" {
				t.Fatalf("cell %+v\nposition %+v", c, p)
			}
			if c.DelegationID == f.fr && (c.ProxySource != "") != wantFRProxy {
				t.Fatalf("FR cell proxy %q, want proxy %v", c.ProxySource, wantFRProxy)
			}
		}
	}
	check(true)
	own := proxy
	own.ProxySource, own.BaseRevision, own.Body = "", 1, "our own words"
	if _, err := f.st.SavePosition(ctx, dialogue.Actor{Name: "delegate fr"}, own); err != nil {
		t.Fatal(err)
	}
	check(false)
}
