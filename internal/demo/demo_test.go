package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// ---------------------------------------------------------------- the files

func dataFS(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(files, "data")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestDatasetParses(t *testing.T) {
	p, err := parse(dataFS(t))
	if err != nil {
		t.Fatal(err)
	}
	s := p.summary()
	want := Summary{
		Version: "2026-11-22", Delegations: 45, Dialogues: 2, Participants: 20, WorkingParties: 3,
		Presidencies: 12, Priorities: 16, Initiatives: 13, Missions: 6, Documents: 4, Questions: 9,
		Meetings: 18, DemoMeetings: 14, ActionRows: 42,
	}
	if s != want {
		t.Errorf("summary\n got %+v\nwant %+v", s, want)
	}
}

// The loader refuses fields it does not know, so a typo in the file cannot
// silently drop data.
func TestDatasetRefusesUnknownFields(t *testing.T) {
	raw, err := fs.ReadFile(dataFS(t), "dataset.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decode(bytes.NewReader(raw)); err != nil {
		t.Fatalf("the dataset has fields the loader does not know: %v", err)
	}
	for name, edit := range map[string]func(string) string{
		"top level": func(s string) string { return strings.Replace(s, `"version":`, `"verison": "x", "version":`, 1) },
		"in a document": func(s string) string {
			return strings.Replace(s, `"reference": "5559/26",`, `"reference": "5559/26", "languge": "en",`, 1)
		},
		"in a meeting": func(s string) string {
			return strings.Replace(s, `"key": "cosi-2025-11-18",`, `"key": "cosi-2025-11-18", "venu": "x",`, 1)
		},
	} {
		changed := edit(string(raw))
		if changed == string(raw) {
			t.Fatalf("%s: the edit did not apply", name)
		}
		_, err := parse(fstest.MapFS{"dataset.json": {Data: []byte(changed)}})
		if err == nil || !strings.Contains(err.Error(), "unknown field") {
			t.Errorf("%s: err = %v, want an unknown field error", name, err)
		}
	}
	_, err = decode(strings.NewReader(`{"version": "x"} {}`))
	if err == nil {
		t.Error("trailing data accepted")
	}
}

// The file stays readable and diff-friendly: canonical JSON, indented with
// two spaces, ending with a newline.
func TestDatasetIsFormatted(t *testing.T) {
	raw, err := fs.ReadFile(dataFS(t), "dataset.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	if !bytes.Equal(raw, indented.Bytes()) {
		t.Error("dataset.json is not formatted: reformat it with 2-space indentation (e.g. jq --indent 2 .)")
	}
}

// The checks catch the mistakes one makes while editing the file.
func TestDatasetChecks(t *testing.T) {
	raw, err := fs.ReadFile(dataFS(t), "dataset.json")
	if err != nil {
		t.Fatal(err)
	}
	bodies := fstest.MapFS{}
	for _, name := range []string{"5559-26.md", "9375-25.md", "6762-22.md"} {
		b, err := fs.ReadFile(dataFS(t), "documents/"+name)
		if err != nil {
			t.Fatal(err)
		}
		bodies["documents/"+name] = &fstest.MapFile{Data: b}
	}
	for _, tt := range []struct{ old, new, want string }{
		{`"protocol_order": 8`, `"protocol_order": 9`, "protocol order"},
		{`"delegation": "PS"`, `"delegation": "XX"`, `unknown delegation "XX"`},
		{`"body": "14203/25"`, `"body": "14203/25"}, {"n": 4, "body": "x"`, "marks footnotes"},
		{`"JAI 79"`, `"JAI 79", "JAI 80", "JAI 79"`, "appears twice"},
		{`"marking": "LIMITE"`, `"marking": "RESTREINT UE"`, "cannot be held"},
		{`"starts_at": "2026-12-08T10:00:00+01:00"`, `"starts_at": "2026-12-08T10:00:00+02:00"`, "UTC offset"},
		{`"presidency": "2026H2"`, `"presidency": "2027H1"`, "outside its presidency"},
		{`"key": "cosi-2025-11-18",`, `"key": "cosi-2025-11-18", "demo": true,`, `says "Demo"`},
		{`"back_to_back": "demo-cosi-2027-03"`, `"back_to_back": "demo-cosi-2027-08"`, "back_to_back"},
		{`"med": [
          "ii",
          "empact-smuggling-thb"
        ]`, `"med": ["vi"]`, "unknown priority med/vi"},
	} {
		changed := strings.Replace(string(raw), tt.old, tt.new, 1)
		if changed == string(raw) {
			t.Fatalf("edit %q did not apply", tt.old)
		}
		fsys := fstest.MapFS{"dataset.json": {Data: []byte(changed)}}
		for k, v := range bodies {
			fsys[k] = v
		}
		if _, err := parse(fsys); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("with %s: err = %v, want %q", tt.new, err, tt.want)
		}
	}
}

// The derived dates kept in the JSON are those deriveRange gives, so the
// function and the data cannot drift apart.
func TestActionRowDatesAreDerived(t *testing.T) {
	raw, err := fs.ReadFile(dataFS(t), "dataset.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	derived := 0
	sections := map[string]int{}
	for _, table := range ds.ActionTracking {
		for i, r := range table.Rows {
			from, to := deriveRange(r.Timeline, table.AsOf.Time)
			if show(from) != show(r.DueFrom.ptr()) || show(to) != show(r.DueTo.ptr()) {
				t.Errorf("rows[%d] %q: JSON has %s..%s, deriveRange gives %s..%s",
					i, r.Timeline, show(r.DueFrom.ptr()), show(r.DueTo.ptr()), show(from), show(to))
			}
			if from != nil {
				derived++
			}
			sections[r.Section]++
		}
	}
	if derived < 10 {
		t.Errorf("only %d rows have a derived range", derived)
	}
	for _, s := range dialogue.ActionSections {
		if sections[s] == 0 {
			t.Errorf("no row in section %s", s)
		}
	}
}

// ---------------------------------------------------------------- the database

func TestLoad(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	sum, err := Load(ctx, st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !sum.FirstLoad || sum.Delegations != 45 || sum.Documents != 4 || sum.Meetings != 18 || sum.Rounds != 3 || sum.Replies != 29 {
		t.Errorf("summary %+v", sum)
	}
	db := st.Pool()

	// The member states in protocol order, with EL for Greece.
	type ms struct{ Code, Name, NativeName string }
	states, err := pgx.CollectRows(query(t, db, `
		SELECT code, name, native_name FROM delegations WHERE kind = 'member_state' ORDER BY protocol_order`),
		pgx.RowToStructByPos[ms])
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range states {
		codes = append(codes, s.Code)
	}
	if !slices.Equal(codes, dialogue.ProtocolCodes) {
		t.Errorf("protocol order %v", codes)
	}
	if states[7] != (ms{"EL", "Greece", "Ελλάδα"}) || states[0].NativeName != "Belgique/België" {
		t.Errorf("states[0] %v, states[7] %v", states[0], states[7])
	}

	// Palestine carries its footnote.
	if got := scalar[string](t, db, `SELECT footnote FROM delegations WHERE code = 'PS'`); got != dialogue.PalestineFootnote {
		t.Errorf("Palestine footnote %q", got)
	}

	// 5559/26: three questions, the two options on the first, three
	// footnotes, the codes in order with EUROPOL unnumbered.
	const doc5559 = `(SELECT id FROM documents WHERE series = 'ST' AND number = 5559 AND year = 2026)`
	kinds := strings.Join(column[string](t, db, `SELECT kind FROM questions WHERE document_id = `+doc5559+` ORDER BY position`), ",")
	if kinds != "choice,text,agreement" {
		t.Errorf("5559/26 question kinds %s", kinds)
	}
	options := column[string](t, db, `
		SELECT o.label || ' ' || o.body FROM question_options o JOIN questions q ON q.id = o.question_id
		WHERE q.document_id = `+doc5559+` AND q.position = 1 ORDER BY o.position`)
	if len(options) != 2 || !strings.HasPrefix(options[0], "i) a phased approach") || options[1] != "ii) including all ten partners from the start" {
		t.Errorf("5559/26 options %q", options)
	}
	footnotes := column[string](t, db, `SELECT body FROM document_footnotes WHERE document_id = `+doc5559+` ORDER BY n`)
	if !slices.Equal(footnotes, []string{"14203/25", "16353/25", dialogue.PalestineFootnote}) {
		t.Errorf("5559/26 footnotes %q", footnotes)
	}
	dcodes := column[string](t, db, `
		SELECT code || coalesce(' ' || number, '') FROM document_codes WHERE document_id = `+doc5559+` ORDER BY position`)
	if len(dcodes) != 22 || dcodes[0] != "COSI 11" || dcodes[2] != "JAI 79" || dcodes[21] != "EUROPOL" {
		t.Errorf("5559/26 codes %q", dcodes)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM document_codes WHERE code = 'EUROPOL' AND number IS NULL AND document_id = `+doc5559); n != 1 {
		t.Errorf("EUROPOL without a number: %d rows", n)
	}
	if body := scalar[string](t, db, `SELECT body_md FROM documents WHERE id = `+doc5559); !strings.Contains(body, "Palestine[^3]") ||
		!strings.HasPrefix(body, "## Background") || !strings.Contains(body, "## Questions to delegations") {
		t.Errorf("5559/26 body starts %q", body[:min(len(body), 60)])
	}

	// 6762/22: the previous document as printed, not in the register.
	var prevRef string
	var prevID *int64
	if err := db.QueryRow(ctx, `SELECT previous_reference, previous_document_id FROM documents WHERE number = 6762 AND year = 2022`).
		Scan(&prevRef, &prevID); err != nil {
		t.Fatal(err)
	}
	if prevRef != "6314/1/22" || prevID != nil {
		t.Errorf("6762/22 previous %q %v", prevRef, prevID)
	}
	// 9375/25 goes to the EMWP.
	if wp := scalar[string](t, db, `SELECT w.code FROM documents d JOIN working_parties w ON w.id = d.working_party_id WHERE d.number = 9375`); wp != "EMWP" {
		t.Errorf("9375/25 working party %q", wp)
	}

	// Presidencies 2025H1 Poland .. 2030H2 Malta.
	pres := column[string](t, db, `
		SELECT p.year || 'H' || p.semester || ' ' || d.name FROM presidencies p JOIN delegations d ON d.id = p.delegation_id
		ORDER BY p.year, p.semester`)
	if len(pres) != 12 || pres[0] != "2025H1 Poland" || pres[3] != "2026H2 Ireland" || pres[11] != "2030H2 Malta" {
		t.Errorf("presidencies %q", pres)
	}

	// The senior officials' meeting is back-to-back with a COSI meeting.
	if got := scalar[string](t, db, `
		SELECT b.seed_key FROM meetings m JOIN meetings b ON b.id = m.back_to_back_id WHERE m.seed_key = 'demo-med-som-2027-03'`); got != "demo-cosi-2027-03" {
		t.Errorf("back-to-back %q", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM meetings WHERE demo AND NOT (title || note LIKE '%Demo%')`); n != 0 {
		t.Errorf("%d demo meetings do not say so", n)
	}
	if got := scalar[string](t, db, `
		SELECT d.code FROM meetings m JOIN presidencies p ON p.id = m.presidency_id JOIN delegations d ON d.id = p.delegation_id
		WHERE m.seed_key = 'demo-cosi-2027-09'`); got != "EL" {
		t.Errorf("September 2027 under %q", got)
	}

	// The matrix has its visible gap: MAOC-N reaches no Mediterranean partner.
	if n := scalar[int](t, db, `
		SELECT count(*) FROM initiative_partners ip JOIN initiatives i ON i.id = ip.initiative_id
		JOIN dialogue_participants dp ON dp.delegation_id = ip.delegation_id
		JOIN dialogues d ON d.id = dp.dialogue_id
		WHERE i.code = 'maoc-n' AND d.code = 'med'`); n != 0 {
		t.Errorf("MAOC-N has %d Mediterranean partners", n)
	}
	if got := column[string](t, db, `SELECT code FROM csdp_missions WHERE frontex_working_arrangement`); !slices.Equal(got, []string{"euam-ukraine"}) {
		t.Errorf("missions with a Frontex arrangement %q", got)
	}
	// Dates arrive as the calendar days written.
	if got := scalar[string](t, db, `
		SELECT dp.starts_on::text FROM dialogue_participants dp JOIN delegations d ON d.id = dp.delegation_id
		WHERE d.code = 'CLASI'`); got != "2022-03-03" {
		t.Errorf("CLASI starts on %s", got)
	}
	if got := scalar[string](t, db, `SELECT mandate_ends_on || ' ' || closed_on FROM csdp_missions WHERE code = 'eucap-sahel-niger'`); got != "2024-09-30 2024-09-30" {
		t.Errorf("EUCAP Sahel Niger %s", got)
	}
	if got := column[string](t, db, `
		SELECT timeline_text || ': ' || coalesce(due_from || '..' || due_to, 'none') FROM action_tracking
		WHERE timeline_text IN ('Q1 2024', 'early 2024', 'tbc') ORDER BY position LIMIT 3`); !slices.Equal(got, []string{
		"early 2024: 2024-01-01..2024-04-30", "Q1 2024: 2024-01-01..2024-03-31", "early 2024: 2024-01-01..2024-04-30",
	}) {
		t.Errorf("action rows %q", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM action_tracking WHERE timeline_text = 'tbc' AND due_from IS NULL`); n != 1 {
		t.Errorf("%d tbc rows without dates", n)
	}
	if got := scalar[string](t, db, `
		SELECT to_char(starts_at AT TIME ZONE 'Europe/Athens', 'YYYY-MM-DD HH24:MI') FROM meetings
		WHERE seed_key = 'demo-med-ministerial-2027-10'`); got != "2027-10-21 10:00" {
		t.Errorf("ministerial starts %s in Athens", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM audit_log WHERE action = 'demo.load'`); n != 1 {
		t.Errorf("%d audit records of the load", n)
	}
}

// tables are every table the demo writes.
var tables = []string{
	"delegations", "dialogues", "dialogue_participants", "working_parties", "working_party_members",
	"presidencies", "priorities", "initiatives", "initiative_dialogues", "initiative_implementers",
	"initiative_priorities", "initiative_partners", "csdp_missions", "documents", "document_recipients",
	"document_codes", "document_footnotes", "questions", "question_options", "meetings", "action_tracking",
	"demo_loads", "audit_log",
}

// snapshot returns each table's row count and a digest of its rows (ids and
// timestamps included).
func snapshot(t *testing.T, db *pgxpool.Pool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range tables {
		out[tb] = scalar[string](t, db,
			`SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '') FROM `+tb+` t`)
	}
	return out
}

func TestLoadTwiceChangesNothing(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	first, err := Load(ctx, st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st.Pool())
	second, err := Load(ctx, st, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatalf("second load: %v", err)
	}
	after := snapshot(t, st.Pool())
	for _, tb := range tables {
		if before[tb] != after[tb] {
			t.Errorf("%s changed: %s -> %s", tb, before[tb], after[tb])
		}
	}
	if !first.FirstLoad || second.FirstLoad {
		t.Errorf("first load %v, second %v", first.FirstLoad, second.FirstLoad)
	}
	first.FirstLoad = false
	if first != second {
		t.Errorf("summaries differ:\n%+v\n%+v", first, second)
	}
}

// Two portals starting on one empty database both load the demo: both
// succeed, and the data is there once.
func TestConcurrentLoads(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	errs := make(chan error, 2)
	firsts := make(chan bool, 2)
	for range 2 {
		go func() {
			s, err := Load(ctx, st, time.Now())
			firsts <- s.FirstLoad
			errs <- err
		}()
	}
	n := 0
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
		if <-firsts {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d loads were first", n)
	}
	if got := scalar[int](t, st.Pool(), `SELECT count(*) FROM meetings`); got != 18 {
		t.Errorf("%d meetings", got)
	}
}

// A re-import that changes a document updates its questions in place, so
// their ids (which replies refer to) survive; what the dataset no longer
// has goes, and loading the dataset again restores it.
func TestReimportKeepsQuestionIDs(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	if _, err := Load(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	db := st.Pool()
	const q = `SELECT q.id FROM questions q JOIN documents d ON d.id = q.document_id WHERE d.number = 5559 ORDER BY q.position`
	ids := column[int64](t, db, q)
	optionIDs := column[int64](t, db, `SELECT o.id FROM question_options o WHERE o.question_id = $1 ORDER BY o.position`, ids[0])

	p, err := parse(dataFS(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc dialogue.Document
	for _, d := range p.documents {
		if d.doc.Ref.Number == 5559 {
			doc = d.doc
		}
	}
	doc.Questions = slices.Clone(doc.Questions[:2])
	doc.Questions[0].Options = doc.Questions[0].Options[:1]
	doc.Questions[1].Prompt = "Changed prompt"
	doc.Codes = doc.Codes[:2]
	reimport := func() error {
		return st.Import(ctx, func(im *store.Importer) error {
			_, err := im.UpsertDocument(doc, "med")
			return err
		})
	}
	// The demo round has replies to the questions and options removed here:
	// the import refuses to lose them...
	if err := reimport(); err == nil || !strings.Contains(err.Error(), "foreign key") {
		t.Fatalf("removing questions that have replies: %v, want a refusal", err)
	}
	// ...and goes through once there are none.
	if _, err := db.Exec(ctx, `DELETE FROM positions; DELETE FROM round_summaries`); err != nil {
		t.Fatal(err)
	}
	if err := reimport(); err != nil {
		t.Fatal(err)
	}
	if got := column[int64](t, db, q); !slices.Equal(got, ids[:2]) {
		t.Errorf("question ids %v, want %v", got, ids[:2])
	}
	if got := scalar[string](t, db, `SELECT prompt FROM questions WHERE id = $1`, ids[1]); got != "Changed prompt" {
		t.Errorf("prompt %q", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM question_options WHERE question_id = $1`, ids[0]); n != 1 {
		t.Errorf("%d options left", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM document_codes c JOIN documents d ON d.id = c.document_id WHERE d.number = 5559`); n != 2 {
		t.Errorf("%d codes left", n)
	}
	// Only the questions changed, not the document's own columns.
	if v := scalar[int](t, db, `SELECT version FROM documents WHERE number = 5559`); v != 1 {
		t.Errorf("document version %d", v)
	}

	if _, err := Load(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := column[int64](t, db, q)
	if len(got) != 3 || !slices.Equal(got[:2], ids[:2]) {
		t.Errorf("after reloading, question ids %v (were %v)", got, ids)
	}
	if got := column[int64](t, db, `SELECT o.id FROM question_options o WHERE o.question_id = $1 ORDER BY o.position`, ids[0]); len(got) != 2 || got[0] != optionIDs[0] {
		t.Errorf("after reloading, option ids %v (were %v)", got, optionIDs)
	}

	// A changed document column bumps the version once.
	doc.Subject = "Changed subject"
	for range 2 {
		if err := st.Import(ctx, func(im *store.Importer) error {
			_, err := im.UpsertDocument(doc, "med")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if v := scalar[int](t, db, `SELECT version FROM documents WHERE number = 5559`); v != 2 {
		t.Errorf("document version %d after one change", v)
	}
}

func TestImportNamesUnknownKeys(t *testing.T) {
	st, _ := dbtest.Store(t)
	ctx := context.Background()
	err := st.Import(ctx, func(im *store.Importer) error {
		return im.UpsertParticipants("med", dialogue.Participant{Delegation: dialogue.Delegation{Code: "XX"}, Role: dialogue.ParticipantPartner, Phase: 1})
	})
	if err == nil || !strings.Contains(err.Error(), `unknown dialogue med`) {
		t.Errorf("err = %v", err)
	}
	if _, err := Load(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	err = st.Import(ctx, func(im *store.Importer) error {
		return im.UpsertParticipants("med", dialogue.Participant{Delegation: dialogue.Delegation{Code: "XX"}, Role: dialogue.ParticipantPartner, Phase: 1})
	})
	if err == nil || !strings.Contains(err.Error(), `unknown delegation XX`) || dialogue.KindOf(err) != dialogue.KindInvalid {
		t.Errorf("err = %v", err)
	}
	// A failed import writes nothing.
	before := snapshot(t, st.Pool())
	err = st.Import(ctx, func(im *store.Importer) error {
		if err := im.UpsertDelegations(dialogue.Delegation{Code: "XK", Kind: dialogue.Partner, Name: "Kosovo"}); err != nil {
			return err
		}
		return im.UpsertWorkingParty("COSI", "x", []string{"XX"})
	})
	if err == nil {
		t.Fatal("import with an unknown member succeeded")
	}
	after := snapshot(t, st.Pool())
	if before["delegations"] != after["delegations"] {
		t.Error("a failed import left a delegation behind")
	}
}

// ---------------------------------------------------------------- helpers

func query(t *testing.T, db *pgxpool.Pool, sql string, args ...any) pgx.Rows {
	t.Helper()
	rows, err := db.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func column[T any](t *testing.T, db *pgxpool.Pool, sql string, args ...any) []T {
	t.Helper()
	out, err := pgx.CollectRows(query(t, db, sql, args...), pgx.RowTo[T])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func scalar[T any](t *testing.T, db *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}
