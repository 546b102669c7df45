package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func hitsOf(t *testing.T, st *store.Store, v dialogue.Viewer, q string) (docs, replies []string) {
	t.Helper()
	res, err := st.Search(context.Background(), v, store.SearchRequest{Words: q})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	for _, h := range res.Documents {
		docs = append(docs, h.Document.Reference())
		if !strings.Contains(h.Passage, store.MatchStart) {
			t.Errorf("search %q: passage of %s marks no match: %q", q, h.Document.Reference(), h.Passage)
		}
	}
	for _, h := range res.Replies {
		replies = append(replies, h.Delegation.Code)
	}
	return docs, replies
}

func TestSearchDocumentsByDistribution(t *testing.T) {
	st, _ := demoStore(t)
	ctx := context.Background()
	ds, _ := st.Delegations(ctx)
	ids := map[string]int64{}
	for _, d := range ds {
		ids[d.Code] = d.ID
	}
	// Accents and case are ignored: "Communaute" finds nothing in our
	// English notes, but "MEDITERRANEE" would; take words of the seeds.
	docs, _ := hitsOf(t, st, presidency, "smuggling")
	if len(docs) < 2 {
		t.Fatalf("presidency: %v", docs)
	}
	be := dialogue.Viewer{UserID: 5, DelegationID: ids["BE"], DelegationKind: dialogue.MemberState}
	tn := dialogue.Viewer{UserID: 6, DelegationID: ids["TN"], DelegationKind: dialogue.Partner}
	if docs, _ := hitsOf(t, st, be, "Estoril"); len(docs) != 1 || docs[0] != "5559/26" {
		t.Fatalf("BE searching Estoril: %v", docs)
	}
	if docs, _ := hitsOf(t, st, tn, "Estoril"); len(docs) != 0 {
		t.Fatalf("TN finds LIMITE notes not sent to it: %v", docs)
	}
	if docs, _ := hitsOf(t, st, be, "ministeres de l'interieur"); len(docs) != 0 {
		t.Fatalf("nonsense query: %v", docs)
	}
	if docs, _ := hitsOf(t, st, be, `"joint declaration" -Mediterranean`); len(docs) != 1 || docs[0] != "6762/22" {
		t.Fatalf("phrase and exclusion: %v", docs)
	}
}

// TestSearchPassageOfANote: a note's passage is its text as the page shows
// it, without the Markdown of its headings, emphasis and lists.
func TestSearchPassageOfANote(t *testing.T) {
	st, _ := demoStore(t)
	for q, want := range map[string]string{
		"arrangements": "(Demo) Demo document. This note", // the subject, then the text under "**Demo document.**"
		"background":   "It is not a Council document. [Background] Following the replies",
		"prefer":       "meetings. Questions to delegations Which arrangement do you [prefer] for the first",
	} {
		res, err := st.Search(context.Background(), presidency, store.SearchRequest{Words: q})
		if err != nil || len(res.Documents) == 0 {
			t.Fatalf("search %q: %v %v", q, res.Documents, err)
		}
		p := strings.NewReplacer(store.MatchStart, "[", store.MatchStop, "]").Replace(res.Documents[0].Passage)
		if !strings.Contains(p, want) {
			t.Errorf("search %q: passage %q lacks %q", q, p, want)
		}
		if strings.ContainsAny(p, "#*") || strings.Contains(p, " - ") {
			t.Errorf("search %q: passage shows Markdown: %q", q, p)
		}
	}
}

func TestSearchRepliesAreSealed(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.be,
		Status: dialogue.PositionSubmitted, Body: "Belgium favours a gradual approach to the Méditerranée partners."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.agree, DelegationID: f.fr,
		Status: dialogue.PositionDraft, Body: "France drafts on the mediterranee too."}); err != nil {
		t.Fatal(err)
	}
	be := dialogue.Viewer{UserID: 1, DelegationID: f.be, DelegationKind: dialogue.MemberState}
	fr := dialogue.Viewer{UserID: 2, DelegationID: f.fr, DelegationKind: dialogue.MemberState}
	all := dialogue.Viewer{UserID: 3, SeeAll: true}

	cases := []struct {
		name string
		v    dialogue.Viewer
		want string
	}{
		{"BE finds its own reply, accents ignored", be, "BE"},
		{"FR finds only its own draft, not BE's reply (sealed)", fr, "FR"},
		{"the Presidency finds the submitted reply, not FR's draft", all, "BE"},
	}
	for _, c := range cases {
		_, replies := hitsOf(t, f.st, c.v, "mediterranee")
		if strings.Join(replies, ",") != c.want {
			t.Errorf("%s: %v, want %s", c.name, replies, c.want)
		}
	}
	if err := f.st.ReleaseRound(ctx, cli, f.round, dialogue.ReleaseMemberStates); err != nil {
		t.Fatal(err)
	}
	if _, replies := hitsOf(t, f.st, fr, "mediterranee"); strings.Join(replies, ",") != "BE,FR" && strings.Join(replies, ",") != "FR,BE" {
		t.Fatalf("after release FR finds %v, want BE's reply and its own draft", replies)
	}
	tn := dialogue.Viewer{UserID: 4, DelegationID: f.be + f.fr + 50, DelegationKind: dialogue.Partner}
	if _, replies := hitsOf(t, f.st, tn, "mediterranee"); len(replies) != 0 {
		t.Fatalf("a partner finds %v in a round released to member states", replies)
	}
}

func TestSearchFindsTheCurrentTextOfAReply(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	be := dialogue.Viewer{UserID: 1, DelegationID: f.be, DelegationKind: dialogue.MemberState}
	all := dialogue.Viewer{UserID: 3, SeeAll: true}
	if _, err := f.save(0, "A first thought on visa liberalisation."); err != nil {
		t.Fatal(err)
	}
	if _, replies := hitsOf(t, f.st, be, "liberalisation"); len(replies) != 1 {
		t.Fatalf("the draft's text: %v", replies)
	}
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.be,
		BaseRevision: 1, Status: dialogue.PositionSubmitted, Body: "Belgium supports readmission clauses."}); err != nil {
		t.Fatal(err)
	}
	// What a reply says now is what is found, as the round pages show it:
	// a word only an earlier revision had no longer finds it.
	for _, v := range []dialogue.Viewer{be, all} {
		if _, replies := hitsOf(t, f.st, v, "liberalisation"); len(replies) != 0 {
			t.Errorf("the replaced text still finds the reply: %v", replies)
		}
		if _, replies := hitsOf(t, f.st, v, "readmission"); strings.Join(replies, ",") != "BE" {
			t.Errorf("the current text: %v", replies)
		}
	}
}

func TestSearchPassages(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	filler := func(n int) string { return strings.Repeat("lorem ipsum ", n/2) }
	body := "Belgium opens.\n\n" + filler(60) + "The Œuvre of the Méditerranée-ÉCOLE, " + filler(10) +
		"then the cross-border\u00a0\t\u2003 route (5559/26). " + filler(100) + "Again the MEDITERRANEE, at the end."
	if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: f.be,
		Status: dialogue.PositionSubmitted, Body: body}); err != nil {
		t.Fatal(err)
	}
	all := dialogue.Viewer{UserID: 3, SeeAll: true}
	passage := func(q string) string {
		t.Helper()
		res, err := f.st.Search(ctx, all, store.SearchRequest{Words: q})
		if err != nil || len(res.Replies) != 1 {
			t.Fatalf("search %q: %v %v", q, res.Replies, err)
		}
		return strings.NewReplacer(store.MatchStart, "[", store.MatchStop, "]").Replace(res.Replies[0].Passage)
	}
	mark := func(q string, want ...string) {
		t.Helper()
		p := passage(q)
		for _, w := range want {
			if !strings.Contains(p, w) {
				t.Errorf("search %q: passage %q lacks %q", q, p, w)
			}
		}
	}
	// Accents and case ignored as the index ignores them; a word inside a
	// longer one is not a match; the text is laid out on one line, each run
	// of white space (a no-break space, a tab, an em space) one space.
	mark("mediterranee oeuvre", "The [Œuvre] of the [Méditerranée]-ÉCOLE", "Again the [MEDITERRANEE], at the end.")
	mark("cross-border", "the [cross-border] route")
	mark(`"cross border" 5559/26`, "[cross]-[border] route ([5559/26]).")
	// Two fragments of at most about 40 words, around the first matches,
	// not the start of the text.
	p := passage("mediterranee")
	frags := strings.Split(p, " … ")
	if len(frags) != 2 {
		t.Fatalf("passage %q: %d fragments, want 2", p, len(frags))
	}
	for _, fr := range frags {
		if n := len(strings.Fields(fr)); n > 40 || n < 15 {
			t.Errorf("fragment of %d words: %q", n, fr)
		}
	}
	if strings.Contains(p, "Belgium opens") || strings.Contains(p, "\n") {
		t.Errorf("passage %q", p)
	}
	// Without a match in the text (only an excluded word was given), the
	// text's first words.
	if p := passage("readmission or -zebra"); !strings.HasPrefix(p, "Belgium opens. lorem ipsum") || strings.Contains(p, "[") {
		t.Errorf("passage without a match: %q", p)
	}
}

// TestSearchFollowsTheRelease: a partner finds other delegations' replies
// once the round is released to the partners, and a reply given after the
// release at once; never a draft, and nothing before the release.
func TestSearchFollowsTheRelease(t *testing.T) {
	f := newRoundFixture(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ctx := context.Background()
	c, err := pgx.Connect(ctx, f.url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var tnID int64
	if err := c.QueryRow(ctx, `INSERT INTO delegations (code, kind, name) VALUES ('TN', 'partner', 'Tunisia') RETURNING id`).Scan(&tnID); err != nil {
		t.Fatal(err)
	}
	tn := dialogue.Viewer{UserID: 7, DelegationID: tnID, DelegationKind: dialogue.Partner}
	fr := dialogue.Viewer{UserID: 8, DelegationID: f.fr, DelegationKind: dialogue.MemberState}
	save := func(delegation int64, base int, status dialogue.PositionStatus, body string) {
		t.Helper()
		if _, err := f.st.SavePosition(ctx, cli, store.PositionSave{RoundID: f.round, QuestionID: f.text, DelegationID: delegation,
			BaseRevision: base, Status: status, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	found := func(v dialogue.Viewer, want string) {
		t.Helper()
		if _, replies := hitsOf(t, f.st, v, "Europol"); strings.Join(replies, ",") != want {
			t.Errorf("viewer of delegation %d finds %v, want [%s]", v.DelegationID, replies, want)
		}
	}
	save(f.be, 0, dialogue.PositionSubmitted, "Belgium on Europol.")
	save(f.fr, 0, dialogue.PositionDraft, "France drafts on Europol.")
	found(tn, "")
	found(fr, "FR") // its own draft; not Belgium's before the release
	if err := f.st.ReleaseRound(ctx, cli, f.round, dialogue.ReleaseMemberStatesPartners); err != nil {
		t.Fatal(err)
	}
	found(tn, "BE")
	found(fr, "FR,BE")
	save(f.fr, 1, dialogue.PositionSubmitted, "France on Europol, given after the release.")
	found(tn, "FR,BE")
}

// TestSearchIsThePlainQuery: with more documents and replies than Search
// looks at first, it finds exactly what the plain query finds (every match
// the viewer may see, sorted), page after page, for viewers who may see
// much or little and for words common and rare.
func TestSearchIsThePlainQuery(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.Store(t)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	// Three years of a register (1,000 notes, one every day or so, with
	// every kind of distribution) and 40 rounds of 4 questions put to 30
	// delegations (4,800 replies), released to one audience or another or
	// not at all. Words: "europol" in half the texts, "often" in a fifth,
	// "middling" in a few percent, "seldom" in a handful, in no pattern of
	// date.
	if _, err := c.Exec(ctx, `
		INSERT INTO delegations (code, kind, name, protocol_order)
		SELECT 'M' || i, 'member_state', 'Member ' || i, i FROM generate_series(1, 27) i;
		INSERT INTO delegations (code, kind, name) VALUES
		    ('TN', 'partner', 'Tunisia'), ('EUROPOL', 'observer', 'Europol'), ('COM', 'institution', 'Commission');
		INSERT INTO working_parties (code, name) VALUES ('JAIEX', 'JAI External');
		INSERT INTO working_party_members (working_party_id, delegation_id)
		SELECT w.id, d.id FROM working_parties w, delegations d WHERE d.code IN ('M1', 'M2', 'TN');
		INSERT INTO documents (number, year, doc_date, sender, recipients, subject, body_md, status, issued_at, audience, working_party_id)
		SELECT i, 2024 + i % 3, date '2026-11-01' - i, 'Presidency', 'Delegations', 'Note ' || i,
		       concat_ws(' ', 'A note on', CASE WHEN i % 2 = 0 THEN 'Europol' END, CASE WHEN i % 5 = 0 THEN 'often' END,
		                 CASE WHEN i % 37 = 0 THEN 'middling' END, CASE WHEN i % 211 = 0 THEN 'seldom' END, 'and more.'),
		       CASE WHEN i % 50 = 0 THEN 'draft' ELSE 'issued' END, now(),
		       (ARRAY['delegations', 'delegations', 'delegations', 'member_states', 'working_party', 'named'])[1 + i % 6],
		       CASE WHEN i % 6 = 4 THEN (SELECT id FROM working_parties) END
		FROM generate_series(1, 1000) i;
		-- Pairs of drafts without a number beside numbered notes of the same
		-- date and year (sorted before them, as the register sorts them; a
		-- pair differs only by id), where the Presidency's pages of
		-- "Europol" end: its 20th hit is the first of a pair.
		INSERT INTO documents (year, doc_date, sender, recipients, subject, body_md, status, audience)
		SELECT d.year, d.doc_date, 'Presidency', 'Delegations', 'Draft beside ' || d.number, 'A draft on Europol, often.', 'draft', 'delegations'
		FROM documents d, generate_series(1, 2) n WHERE d.number BETWEEN 28 AND 50 AND d.number % 2 = 0;
		INSERT INTO document_recipients (document_id, delegation_id)
		SELECT d.id, g.id FROM documents d, delegations g
		WHERE d.audience = 'named' AND ((g.code = 'TN' AND d.number % 4 = 1) OR (g.code = 'EUROPOL' AND d.number % 8 = 5) OR g.code = 'M3');
		-- Named recipients added to a wider audience, who may see such a
		-- document by both: found once.
		INSERT INTO document_recipients (document_id, delegation_id)
		SELECT d.id, g.id FROM documents d, delegations g
		WHERE d.audience IN ('delegations', 'member_states', 'working_party') AND d.number % 7 = 0 AND g.code IN ('M3', 'TN', 'EUROPOL', 'COM');
		INSERT INTO questions (document_id, position, kind, prompt)
		SELECT d.id, q, 'text', 'Question ' || q FROM documents d, generate_series(1, 4) q WHERE d.number = 1;
		INSERT INTO rounds (document_id, title, opens_at, deadline, closed_at, released_at, release_audience)
		SELECT d.id, 'Round ' || r, timestamptz '2026-11-01' - r * interval '10 days', timestamptz '2026-11-01' - r * interval '10 days' + interval '5 days',
		       CASE WHEN r % 4 <> 0 THEN now() END, CASE WHEN r % 4 <> 0 THEN now() END,
		       (ARRAY['member_states', 'member_states_partners', 'presidency'])[1 + r % 3]
		FROM documents d, generate_series(1, 40) r WHERE d.number = 1;
		INSERT INTO round_delegations (round_id, delegation_id) SELECT r.id, d.id FROM rounds r, delegations d;
		INSERT INTO positions (round_id, question_id, delegation_id, revision, status, body, updated_at)
		SELECT r.id, q.id, d.id, 1, CASE WHEN (r.id + q.position + d.id) % 7 = 0 THEN 'draft' ELSE 'submitted' END,
		       concat_ws(' ', 'We reply', CASE WHEN (r.id + q.position + d.id) % 2 = 0 THEN 'Europol' END,
		                 CASE WHEN (r.id * 3 + d.id) % 5 = 0 THEN 'often' END, CASE WHEN (r.id + q.position * d.id) % 37 = 0 THEN 'middling' END,
		                 CASE WHEN (r.id * 7 + q.position * 11 + d.id) % 997 = 0 THEN 'seldom' END, 'and so on.'),
		       r.opens_at + q.position * interval '1 hour' + d.id * interval '1 minute'
		FROM rounds r, questions q, delegations d;
		INSERT INTO position_revisions (position_id, revision, status, body, demo, created_at)
		SELECT id, 1, status, body, true, updated_at FROM positions;
		ANALYZE;`); err != nil {
		t.Fatal(err)
	}
	column := func(sql string, args ...any) []string {
		t.Helper()
		rows, err := c.Query(ctx, sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// The plain queries, with the rules of store/visibility.go and of
	// sealing written out again.
	const plainDocuments = `
		SELECT d.id::text FROM documents d
		WHERE d.search @@ websearch_to_tsquery('portal', $1)
		  AND ($2 OR (d.status = 'issued' AND (
		       EXISTS (SELECT 1 FROM document_recipients dr WHERE dr.document_id = d.id AND dr.delegation_id = $3)
		       OR (d.audience = 'delegations' AND EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = $3 AND vd.kind IN ('member_state', 'institution')))
		       OR (d.audience = 'member_states' AND EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = $3 AND vd.kind = 'member_state'))
		       OR (d.audience = 'working_party' AND EXISTS (SELECT 1 FROM working_party_members wm WHERE wm.working_party_id = d.working_party_id AND wm.delegation_id = $3)))))
		ORDER BY d.doc_date DESC, d.year DESC, d.number DESC NULLS FIRST, d.id DESC
		LIMIT $4`
	const plainReplies = `
		SELECT concat_ws(' ', r.id, qu.position, d.code) FROM positions p
		JOIN rounds r ON r.id = p.round_id
		JOIN questions qu ON qu.id = p.question_id
		JOIN delegations d ON d.id = p.delegation_id
		WHERE to_tsvector('portal', p.body) @@ websearch_to_tsquery('portal', $1)
		  AND (p.delegation_id = $3 OR (p.status <> 'draft' AND ($2 OR (r.released_at IS NOT NULL AND (
		       (r.release_audience = 'member_states' AND (SELECT kind FROM delegations WHERE id = $3) IN ('member_state', 'institution'))
		       OR (r.release_audience = 'member_states_partners' AND (SELECT kind FROM delegations WHERE id = $3) IN ('member_state', 'institution', 'partner')))))))
		ORDER BY p.updated_at DESC, p.id DESC
		LIMIT $4`
	viewers := map[string]dialogue.Viewer{"presidency": {UserID: 1, SeeAll: true}}
	for _, code := range []string{"M1", "M3", "TN", "EUROPOL", "COM"} {
		var id int64
		var kind dialogue.DelegationKind
		if err := c.QueryRow(ctx, `SELECT id, kind FROM delegations WHERE code = $1`, code).Scan(&id, &kind); err != nil {
			t.Fatal(err)
		}
		viewers[code] = dialogue.Viewer{UserID: 2, DelegationID: id, DelegationKind: kind}
	}
	// A partner whose kind the portal got wrong reads through the members'
	// statement, and still finds exactly what it may read.
	viewers["TN as a member state"] = dialogue.Viewer{UserID: 2, DelegationID: viewers["TN"].DelegationID, DelegationKind: dialogue.MemberState}
	// Delegations taken for observers read through the observers'
	// statement for documents (named recipients apart), which is
	// complete for anyone: they find exactly what they may see.
	for _, code := range []string{"M1", "M3", "TN", "COM"} {
		viewers[code+" as an observer"] = dialogue.Viewer{UserID: 2, DelegationID: viewers[code].DelegationID, DelegationKind: dialogue.Observer}
	}
	// Up to pages pages of each list: the first page of both, then each
	// page from the link of the one before; the plain query gives one more row than those pages hold, to
	// tell whether the last page read rightly offers more.
	const pages = 4
	for name, v := range viewers {
		// Also: a phrase; only an exclusion; only punctuation (an empty
		// query, which matches nothing); and a reply's month as its indexed
		// text holds it (migration 000018), which no query may match.
		for _, w := range []string{"Europol", "often", "middling", "seldom", "often middling", "europol or seldom", "nowhere",
			`"reply europol" -often`, "-europol", "?!", `"2026-10 month"`, "2026-10 month"} {
			var docs, replies []string
			var more [2]bool
			for _, list := range []store.SearchList{store.SearchDocuments, store.SearchReplies} {
				req := store.SearchRequest{Words: w}
				for page := 0; page < pages; page++ {
					res, err := st.Search(ctx, v, req)
					if err != nil {
						t.Fatal(err)
					}
					next := res.MoreDocuments
					if list == store.SearchDocuments {
						for _, h := range res.Documents {
							docs = append(docs, fmt.Sprint(h.Document.ID))
						}
						more[0] = next != ""
					} else {
						for _, h := range res.Replies {
							replies = append(replies, fmt.Sprint(h.RoundID, " ", h.QuestionPos, " ", h.Delegation.Code))
						}
						next = res.MoreReplies
						more[1] = next != ""
					}
					if next == "" {
						break
					}
					req = store.SearchRequest{Words: w, List: list, After: next}
				}
			}
			limit := pages*store.SearchPageSize + 1
			check := func(what string, got []string, more bool, plain string) {
				t.Helper()
				want := column(plain, w, v.SeeAll, v.DelegationID, limit)
				if len(want) == limit {
					want = want[:limit-1]
					if !more {
						t.Errorf("%s searching %q: %s end after %d, want a link to more", name, w, what, len(got))
					}
				} else if more {
					t.Errorf("%s searching %q: %s offer more after all %d", name, w, what, len(got))
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s searching %q: %s %v, want %v", name, w, what, got, want)
				}
			}
			check("documents", docs, more[0], plainDocuments)
			check("replies", replies, more[1], plainReplies)
		}
	}
	// A member state taken for a partner reads through the partners'
	// statement: less than it may read, never anything else.
	m1 := viewers["M1"]
	m1.DelegationKind = dialogue.Partner
	for _, w := range []string{"Europol", "middling"} {
		res, err := st.Search(ctx, m1, store.SearchRequest{Words: w})
		if err != nil {
			t.Fatal(err)
		}
		may := map[string]bool{}
		for _, r := range column(plainReplies, w, false, m1.DelegationID, 100000) {
			may[r] = true
		}
		for _, h := range res.Replies {
			if r := fmt.Sprint(h.RoundID, " ", h.QuestionPos, " ", h.Delegation.Code); !may[r] {
				t.Errorf("M1 taken for a partner, searching %q, finds %s, which it may not read", w, r)
			}
		}
	}
}

// BenchmarkSearch times Search on an existing database, such as the ten
// years of `portal bench-data`, named by PORTAL_SEARCH_BENCH_URL (migrated:
// Search needs migration 000003), for viewers who may see much or little
// and words common and rare:
//
//	PORTAL_SEARCH_BENCH_URL=$(bin/portal devdb url portal_bench) go test -run - -bench Search ./internal/store/
func BenchmarkSearch(b *testing.B) {
	url := os.Getenv("PORTAL_SEARCH_BENCH_URL")
	if url == "" {
		b.Skip("PORTAL_SEARCH_BENCH_URL is not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, url, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	viewers := []struct {
		name string
		v    dialogue.Viewer
	}{{"presidency", dialogue.Viewer{UserID: 1, SeeAll: true}}}
	for _, code := range []string{"BE", "TN", "EUROPOL"} {
		var id int64
		var kind dialogue.DelegationKind
		if err := st.Pool().QueryRow(ctx, `SELECT id, kind FROM delegations WHERE code = $1`, code).Scan(&id, &kind); err != nil {
			b.Fatal(err)
		}
		viewers = append(viewers, struct {
			name string
			v    dialogue.Viewer
		}{code, dialogue.Viewer{UserID: 2, DelegationID: id, DelegationKind: kind}})
	}
	for _, w := range []string{"Europol", "trafficking", "Estoril"} {
		for _, v := range viewers {
			b.Run(w+"/"+v.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := st.Search(ctx, v.v, store.SearchRequest{Words: w}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
