package benchdata_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/benchdata"
	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

const password = "bench password 2026"

// oneYear is 2025, seen from 1 January 2026.
func oneYear(seed int64) benchdata.Options {
	return benchdata.Options{Years: 1, FirstYear: 2025, Seed: seed, Password: password}
}

func generate(t *testing.T, opts benchdata.Options) (*store.Store, benchdata.Stats) {
	t.Helper()
	st, _ := dbtest.Store(t)
	stats, err := benchdata.Generate(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", stats)
	return st, stats
}

func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestGenerateOneYear(t *testing.T) {
	st, stats := generate(t, oneYear(7))
	ctx := context.Background()

	// Deterministic: another database, the same seed, the same rows. (Taken
	// first: the checks below write.)
	t.Run("deterministic", func(t *testing.T) {
		again, _ := generate(t, oneYear(7))
		if a, b := fingerprint(t, st), fingerprint(t, again); a != b {
			t.Errorf("the same seed gave different data:\n%s\n%s", a, b)
		}
	})

	// Row counts: what the issue asks for one year.
	for _, c := range []struct {
		what   string
		got    int
		lo, hi int
	}{
		{"documents", stats.Rows("documents"), 400, 410}, // 400 issued and a few drafts
		{"rounds", stats.Rows("rounds"), 60, 60},
		{"meetings", stats.Rows("meetings"), 70, 80},
		{"users", stats.Rows("users"), 37*5 + 15, 37*5 + 15},
		{"positions", stats.Rows("positions"), 8000, 14000},
		{"position_revisions", stats.Rows("position_revisions"), 15000, 35000},
		{"meeting_invitations", stats.Rows("meeting_invitations"), 70 * 20, 80 * 37},
		{"audit_log", stats.Rows("audit_log"), 20000, 60000},
		{"issued documents", count(t, st, `SELECT count(*) FROM documents WHERE status = 'issued' AND created_by IN (SELECT id FROM users WHERE email LIKE '%@bench.example')`), 400, 400},
		{"ST", count(t, st, `SELECT count(*) FROM documents d JOIN users u ON u.id = d.created_by WHERE d.series = 'ST' AND d.status = 'issued' AND u.email LIKE 'bench.%'`), 270, 290},
		{"WK", count(t, st, `SELECT count(*) FROM documents d JOIN users u ON u.id = d.created_by WHERE d.series = 'WK' AND u.email LIKE 'bench.%'`), 75, 85},
		{"CM", count(t, st, `SELECT count(*) FROM documents d JOIN users u ON u.id = d.created_by WHERE d.series = 'CM' AND u.email LIKE 'bench.%'`), 30, 40},
		{"REVs", count(t, st, `SELECT count(*) FROM documents WHERE revises_id IS NOT NULL`), 40, 40},
		{"LIMITE %", count(t, st, `SELECT (100 * avg((marking = 'LIMITE')::int))::int FROM documents d JOIN users u ON u.id = d.created_by WHERE u.email LIKE 'bench.%' AND d.series <> 'CM'`), 50, 72},
		{"codes per document", count(t, st, `SELECT max(n) FROM (SELECT count(*) AS n FROM document_codes c JOIN documents d ON d.id = c.document_id JOIN users u ON u.id = d.created_by WHERE u.email LIKE 'bench.%' GROUP BY c.document_id) x`), 2, 6},
		{"presidencies 2025", count(t, st, `SELECT count(*) FROM presidencies WHERE year = 2025`), 2, 2},
		{"users per delegation", count(t, st, `SELECT min(n) FROM (SELECT count(*) AS n FROM users WHERE email LIKE '%@bench.example' AND delegation_id IS NOT NULL GROUP BY delegation_id) x`), 5, 5},
		{"delegations with users", count(t, st, `SELECT count(DISTINCT delegation_id) FROM users WHERE email LIKE '%@bench.example'`), 37, 37},
		{"compiled rounds", count(t, st, `SELECT count(*) FROM rounds r JOIN documents d ON d.id = r.compilation_document_id WHERE d.series = 'WK'`), 5, 40},
		{"open rounds", count(t, st, `SELECT count(*) FROM rounds WHERE closed_at IS NULL AND seed_key IS NULL`), 1, 8},
		{"held meetings", count(t, st, `SELECT count(*) FROM meetings WHERE status = 'held' AND seed_key IS NULL`), 55, 78},
		{"planned or confirmed", count(t, st, `SELECT count(*) FROM meetings WHERE status IN ('planned', 'confirmed') AND seed_key IS NULL AND starts_at > '2026-01-01'`), 1, 15},
		{"back-to-back", count(t, st, `SELECT count(*) FROM meetings WHERE back_to_back_id IS NOT NULL AND seed_key IS NULL`), 3, 4},
		// The year's full round, its annual review: released, ten
		// questions, the 27 member states and the 5 partners asked (the
		// bench's matrix on every size).
		{"full rounds", count(t, st, `SELECT count(*) FROM rounds r
			WHERE r.title LIKE 'Annual review of the EU–Mediterranean dialogue%'
			  AND r.released_at IS NOT NULL AND r.seed_key IS NULL
			  AND (SELECT count(*) FROM questions q WHERE q.document_id = r.document_id) = 10
			  AND (SELECT count(*) FROM round_delegations rd WHERE rd.round_id = r.id) = 32`), 1, 1},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %d, want %d to %d", c.what, c.got, c.lo, c.hi)
		}
	}

	// The rules of the domain hold in the generated data (the demo's rows
	// have their own dates).
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, dialogue.Brussels)
	for _, c := range []struct{ what, sql string }{
		{"a position's revision is its number of revisions", `
			SELECT count(*) FROM positions p
			WHERE p.revision <> (SELECT count(*) FROM position_revisions r WHERE r.position_id = p.id)
			   OR p.revision > 4`},
		{"a position is its latest revision", `
			SELECT count(*) FROM positions p JOIN position_revisions r ON r.position_id = p.id AND r.revision = p.revision
			WHERE (p.status, p.option_id, p.body, p.late, p.updated_at, p.proxy_source, p.author_id, p.demo)
			   IS DISTINCT FROM (r.status, r.option_id, r.body, r.late, r.created_at, r.proxy_source, r.author_id, r.demo)`},
		{"revisions follow each other", `
			SELECT count(*) FROM position_revisions a JOIN position_revisions b ON b.position_id = a.position_id AND b.revision = a.revision + 1
			WHERE b.created_at <= a.created_at`},
		{"own replies are saved while the round is open, before the delegation's deadline", `
			SELECT count(*) FROM position_revisions pr
			JOIN positions p ON p.id = pr.position_id
			JOIN rounds r ON r.id = p.round_id
			JOIN round_delegations rd ON rd.round_id = r.id AND rd.delegation_id = p.delegation_id
			WHERE NOT pr.demo AND pr.proxy_source IS NULL
			  AND (pr.created_at < r.opens_at OR pr.created_at >= greatest(r.deadline, coalesce(rd.extended_until, r.deadline))
			       OR pr.created_at >= coalesce(r.closed_at, 'infinity'))`},
		{"late replies are recorded by the secretariat and flagged late, before the close", `
			SELECT count(*) FROM position_revisions pr
			JOIN positions p ON p.id = pr.position_id
			JOIN rounds r ON r.id = p.round_id
			JOIN users u ON u.id = pr.author_id
			WHERE pr.proxy_source IS NOT NULL AND NOT pr.demo
			  AND (NOT pr.late OR u.role <> 'secretariat' OR pr.created_at >= r.closed_at)`},
		{"authors belong to the delegation", `
			SELECT count(*) FROM position_revisions pr JOIN positions p ON p.id = pr.position_id JOIN users u ON u.id = pr.author_id
			WHERE pr.proxy_source IS NULL AND u.delegation_id IS DISTINCT FROM p.delegation_id AND NOT pr.demo`},
		{"submitted replies to choices have an option; to text and agreements a text", `
			SELECT count(*) FROM positions p JOIN questions q ON q.id = p.question_id
			WHERE p.status = 'submitted' AND ((q.kind <> 'text' AND p.option_id IS NULL) OR (q.kind <> 'choice' AND p.body = ''))`},
		{"options belong to the question", `
			SELECT count(*) FROM position_revisions pr JOIN positions p ON p.id = pr.position_id
			JOIN question_options o ON o.id = pr.option_id WHERE o.question_id <> p.question_id`},
		{"questions belong to the round's note", `
			SELECT count(*) FROM positions p JOIN rounds r ON r.id = p.round_id JOIN questions q ON q.id = p.question_id
			WHERE q.document_id <> r.document_id`},
		{"nothing happens after now but deadlines and meetings", `
			SELECT (SELECT count(*) FROM audit_log WHERE at >= $1 AND action <> 'demo.load')
			     + (SELECT count(*) FROM position_revisions WHERE created_at >= $1 AND NOT demo)
			     + (SELECT count(*) FROM documents WHERE (issued_at >= $1 OR created_at >= $1) AND created_by IS NOT NULL)
			     + (SELECT count(*) FROM rounds WHERE (closed_at >= $1 OR released_at >= $1) AND NOT demo)
			     + (SELECT count(*) FROM meetings WHERE seed_key IS NULL AND status = 'held' AND ends_at >= $1)`},
		{"a closed round closes after its deadlines; a release follows the close", `
			SELECT count(*) FROM rounds r
			WHERE NOT r.demo AND (r.closed_at < r.deadline OR r.released_at < r.closed_at
			   OR (r.released_at IS NOT NULL) <> (r.release_audience <> 'presidency')
			   OR EXISTS (SELECT 1 FROM round_delegations rd WHERE rd.round_id = r.id AND rd.extended_until > r.closed_at))`},
		{"every reply's readers follow its round's release (migration 000010)", `
			SELECT count(*) FROM positions p JOIN rounds r ON r.id = p.round_id
			WHERE p.readers <> reply_readers(p.status, r.released_at, r.release_audience)`},
		{"a compilation is a released round's", `
			SELECT count(*) FROM rounds r JOIN documents c ON c.id = r.compilation_document_id
			WHERE r.released_at IS NULL OR c.issued_at < r.released_at OR c.previous_document_id <> r.document_id`},
		{"REVs repeat their original's reference and codes", `
			SELECT count(*) FROM documents v JOIN documents o ON o.id = v.revises_id
			WHERE (v.series, v.number, v.year, v.revision) <> (o.series, o.number, o.year, 1)
			   OR v.issued_at <= o.issued_at
			   OR (SELECT count(*) FROM document_codes c WHERE c.document_id = v.id AND (c.inherited OR c.number IS NULL))
			   <> (SELECT count(*) FROM document_codes c WHERE c.document_id = o.id)`},
		{"numbers follow the dates", `
			SELECT count(*) FROM documents a JOIN documents b ON (b.series, b.year) = (a.series, a.year)
			   AND b.number > a.number AND b.doc_date < a.doc_date
			WHERE a.revision = 0 AND b.revision = 0 AND NOT a.demo AND NOT b.demo AND a.created_by IS NOT NULL AND b.created_by IS NOT NULL`},
		{"invitation replies come before the meeting, attendance only for held meetings", `
			SELECT count(*) FROM meeting_invitations i JOIN meetings m ON m.id = i.meeting_id
			WHERE i.replied_at >= m.starts_at OR (i.attended IS NOT NULL AND m.status <> 'held')
			   OR (i.reply = 'none') <> (i.replied_by IS NULL)`},
		{"meeting history: one snapshot per edit", `
			SELECT count(*) FROM meetings m WHERE m.seed_key IS NULL
			AND m.version - 1 <> (SELECT count(*) FROM meeting_history h WHERE h.meeting_id = m.id)`},
		{"audit ids follow time", `
			SELECT count(*) FROM (SELECT at < lag(at) OVER (ORDER BY id) AS back FROM audit_log WHERE actor LIKE '%bench.example') x WHERE back`},
	} {
		var args []any
		if strings.Contains(c.sql, "$1") {
			args = append(args, now)
		}
		if n := count(t, st, c.sql, args...); n != 0 {
			t.Errorf("%s: %d rows break the rule", c.what, n)
		}
	}

	// One audit record per position save, and the trigger is back on.
	if saves, revs := count(t, st, `SELECT count(*) FROM audit_log WHERE action IN ('position.save', 'position.record_proxy')`),
		count(t, st, `SELECT count(*) FROM position_revisions WHERE NOT demo`); saves != revs {
		t.Errorf("%d position saves audited, %d revisions", saves, revs)
	}
	if n := count(t, st, `SELECT count(*) FROM pg_trigger WHERE tgname = 'position_revisions_deadline' AND tgenabled = 'O'`); n != 1 {
		t.Error("the deadline trigger is not enabled again")
	}

	// The history of a held meeting reads back: planned, then confirmed.
	var held int64
	if err := st.Pool().QueryRow(ctx, `SELECT min(id) FROM meetings WHERE status = 'held' AND version = 3`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	changes, err := st.MeetingHistory(ctx, held)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].Before.Status != dialogue.MeetingConfirmed || changes[1].Before.Status != dialogue.MeetingPlanned ||
		changes[0].Before.StartsAt.IsZero() {
		t.Errorf("history of meeting %d: %+v", held, changes)
	}

	// Text search has work to do, and finds it.
	if n := count(t, st, `SELECT count(*) FROM documents WHERE search @@ to_tsquery('portal', 'trafficking & europol')`); n < 20 {
		t.Errorf("full-text search finds %d documents", n)
	}
	if n := count(t, st, `SELECT (avg(length(body_md)))::int FROM documents d JOIN users u ON u.id = d.created_by WHERE d.series = 'ST' AND u.email LIKE 'bench.%'`); n < 2000 || n > 7000 {
		t.Errorf("average ST body %d bytes, want 2-6 KB", n)
	}

	// The portal's own writes go on after the generated ids: every identity
	// sequence is past them.
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var user, docID, qID, optID, roundID, posID, meetingID, itemID, auditID int64
	for _, step := range []struct {
		sql  string
		args func() []any
		id   *int64
	}{
		{`INSERT INTO users (email, name, role) VALUES ('new@example.org', 'New', 'secretariat') RETURNING id`, nil, &user},
		{`INSERT INTO documents (year, doc_date, sender, recipients, subject) VALUES (2026, '2026-01-02', 'Presidency', 'Delegations', 'New') RETURNING id`, nil, &docID},
		{`INSERT INTO questions (document_id, position, kind, prompt) VALUES ($1, 1, 'choice', 'New?') RETURNING id`,
			func() []any { return []any{docID} }, &qID},
		{`INSERT INTO question_options (question_id, position, label, body) VALUES ($1, 1, 'i)', 'yes') RETURNING id`,
			func() []any { return []any{qID} }, &optID},
		{`INSERT INTO rounds (document_id, title, opens_at, deadline) VALUES ($1, 'New', now(), now() + interval '1 week') RETURNING id`,
			func() []any { return []any{docID} }, &roundID},
		{`WITH rd AS (INSERT INTO round_delegations (round_id, delegation_id) SELECT $1, id FROM delegations WHERE code = 'BE')
		  INSERT INTO positions (round_id, question_id, delegation_id, revision, status)
		  SELECT $1, $2, id, 1, 'draft' FROM delegations WHERE code = 'BE' RETURNING id`,
			func() []any { return []any{roundID, qID} }, &posID},
		{`INSERT INTO meetings (level, title, starts_at, ends_at) VALUES ('cosi', 'New', now(), now() + interval '1 hour') RETURNING id`, nil, &meetingID},
		{`INSERT INTO agenda_items (meeting_id, position, kind, title) VALUES ($1, 1, 'discussion', 'New') RETURNING id`,
			func() []any { return []any{meetingID} }, &itemID},
		{`INSERT INTO audit_log (action) VALUES ('test.insert') RETURNING id`, nil, &auditID},
	} {
		var args []any
		if step.args != nil {
			args = step.args()
		}
		if err := tx.QueryRow(ctx, step.sql, args...).Scan(step.id); err != nil {
			t.Fatalf("%s: %v", step.sql, err)
		}
	}

	// A second run refuses: the data is there.
	if _, err := benchdata.Generate(ctx, st, oneYear(7)); !errors.Is(err, benchdata.ErrHasBenchData) {
		t.Errorf("second run: %v, want ErrHasBenchData", err)
	}
}

// fingerprint is a digest of what a seed decides: documents, positions and
// their revisions, meetings and the audit log, ids included.
func fingerprint(t *testing.T, st *store.Store) string {
	t.Helper()
	var parts []string
	for _, sql := range []string{
		`SELECT md5(string_agg(concat_ws('|', id, series, number, year, revision, doc_date, marking, audience, subject, body_md,
			created_by, issued_at, previous_document_id, revises_id), E'\n' ORDER BY id)) FROM documents`,
		`SELECT md5(string_agg(concat_ws('|', document_id, position, code, number, inherited), E'\n' ORDER BY document_id, position)) FROM document_codes`,
		`SELECT md5(string_agg(concat_ws('|', id, round_id, question_id, delegation_id, revision, status, option_id, body, late, updated_at), E'\n' ORDER BY id)) FROM positions`,
		`SELECT md5(string_agg(concat_ws('|', position_id, revision, author_id, created_at, proxy_source), E'\n' ORDER BY position_id, revision)) FROM position_revisions`,
		`SELECT md5(string_agg(concat_ws('|', id, level, title, starts_at, status, back_to_back_id, version), E'\n' ORDER BY id)) FROM meetings`,
		`SELECT md5(string_agg(concat_ws('|', id, at, user_id, action, object_id, detail::text), E'\n' ORDER BY id)) FROM audit_log WHERE action <> 'demo.load'`,
	} {
		var s string
		if err := st.Pool().QueryRow(context.Background(), sql).Scan(&s); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestOptions(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	for _, o := range []benchdata.Options{
		{Years: 1, FirstYear: 2025, Now: time.Now(), Password: password}, // both
		{Years: 5, FirstYear: 1985, Password: password},                  // before 1990
		{Years: 61, Password: password},                                  // too many
		{Years: 1, Password: "short"},                                    // weak password
	} {
		if _, err := benchdata.Generate(ctx, st, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	// Nothing was written by the refusals, not even the demo registry.
	if n := count(t, st, `SELECT count(*) FROM delegations`); n != 0 {
		t.Errorf("%d delegations after refusals", n)
	}
}

func TestWindowEndsNow(t *testing.T) {
	now := time.Date(2026, 11, 22, 15, 0, 0, 0, dialogue.Brussels)
	_, stats := generate(t, benchdata.Options{Years: 1, Now: now, Seed: 1, Password: password})
	if !stats.To.Equal(now) || !stats.From.Equal(now.AddDate(-1, 0, 0)) {
		t.Errorf("window %s → %s, want the year before %s", stats.From, stats.To, now)
	}
	if got := stats.String(); !strings.Contains(got, "documents 40") || !strings.Contains(got, "audit_log") {
		t.Errorf("String() = %q", got)
	}
}
