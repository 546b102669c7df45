package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// roundsFixture is the demo portal with a round on 5559/26 (questions:
// choice with options i/ii, text, agreement) consulting BE, FR, DE and the
// partner TN, to be released to member states; one user per part.
type roundsFixture struct {
	st                         *store.Store
	doc, round                 int64
	note                       dialogue.Document
	choice, text, agree        dialogue.Question
	del                        map[string]int64
	pres, sec, be, be2, fr, tn asUser
}

func newRoundsFixture(t *testing.T, deadline time.Time, extra ...string) roundsFixture {
	t.Helper()
	raw, st := demoServerRaw(t)
	ctx := context.Background()
	f := roundsFixture{st: st, doc: documentID(t, st, "5559/26"), del: map[string]int64{}}
	var err error
	if f.note, err = st.Document(ctx, dialogue.Viewer{SeeAll: true}, f.doc); err != nil {
		t.Fatal(err)
	}
	if len(f.note.Questions) != 3 {
		t.Fatalf("5559/26 has %d questions", len(f.note.Questions))
	}
	f.choice, f.text, f.agree = f.note.Questions[0], f.note.Questions[1], f.note.Questions[2]
	if f.choice.Kind != dialogue.QuestionChoice || len(f.choice.Options) != 2 || f.text.Kind != dialogue.QuestionText {
		t.Fatalf("5559/26 questions %+v", f.note.Questions)
	}
	ds, err := st.Delegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		f.del[d.Code] = d.ID
	}
	ids := []int64{f.del["BE"], f.del["FR"], f.del["DE"], f.del["TN"]}
	for _, c := range extra {
		ids = append(ids, f.del[c])
	}
	// Open by the test server's clock (fixedNow) and by the database's.
	f.round, err = st.CreateRound(ctx, dialogue.Actor{Name: "test"}, store.NewRound{DocumentID: f.doc, Title: "Mediterranean dialogue: replies",
		OpensAt: fixedNow.Add(-24 * time.Hour), Deadline: deadline, ReleaseAudience: dialogue.ReleaseMemberStates, DelegationIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	f.pres = signedIn(t, raw, st, dialogue.RolePresidency, "")
	f.sec = signedIn(t, raw, st, dialogue.RoleSecretariat, "")
	f.be = signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	f.be2 = signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	f.fr = signedIn(t, raw, st, dialogue.RoleDelegate, "FR")
	f.tn = signedIn(t, raw, st, dialogue.RoleDelegate, "TN")
	return f
}

func (f roundsFixture) path(suffix string) string {
	return "/rounds/" + strconv.FormatInt(f.round, 10) + suffix
}

func (f roundsFixture) qpath(q dialogue.Question) string {
	return f.path("/questions/" + strconv.FormatInt(q.ID, 10))
}

func opt(q dialogue.Question, i int) string { return strconv.FormatInt(q.Options[i].ID, 10) }

// reply posts a reply form and expects the status.
func (f roundsFixture) reply(t *testing.T, as asUser, q dialogue.Question, base int, status, option, body string, want int) response {
	t.Helper()
	r := post(t, as, f.qpath(q), url.Values{"base": {strconv.Itoa(base)}, "status": {status}, "option": {option}, "body": {body}})
	if r.status != want {
		t.Fatalf("reply to question %d as %s: status %d, want %d\n%s", q.Position, as.user.Email, r.status, want, r.body)
	}
	return r
}

// page gets a page as a user, expects the status and, for HTML, checks it.
func page(t *testing.T, as asUser, path string, want int) response {
	t.Helper()
	r := get(t, as, path)
	if r.status != want {
		t.Fatalf("GET %s as %s: status %d, want %d\n%s", path, as.user.Email, r.status, want, r.body)
	}
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		checkSecurityHeaders(t, path, r.header)
		checkHTML(t, path, r.body)
	}
	return r
}

func parseCSV(t *testing.T, r response) [][]string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("CSV Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `.csv"`) {
		t.Fatalf("CSV Content-Disposition %q", cd)
	}
	body, ok := strings.CutPrefix(r.body, "\ufeff")
	if !ok {
		t.Fatalf("CSV without a byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], "|") != "Note|Question|Question text|Delegation code|Delegation|Status|Choice|Reply|Revision|Late|Received via|Updated (Brussels time)" {
		t.Fatalf("CSV header %v", recs)
	}
	return recs[1:]
}

type jsonExport struct {
	Round struct {
		ID              int64      `json:"id"`
		Note            string     `json:"note"`
		ReleasedAt      *time.Time `json:"released_at"`
		ReleaseAudience string     `json:"release_audience"`
	} `json:"round"`
	Scope     string `json:"scope"`
	Questions []struct {
		ID      int64  `json:"id"`
		Number  int    `json:"number"`
		Prompt  string `json:"prompt"`
		Options []struct {
			ID int64 `json:"id"`
		} `json:"options"`
	} `json:"questions"`
	Replies []struct {
		QuestionID     int64      `json:"question_id"`
		QuestionNumber int        `json:"question_number"`
		DelegationCode string     `json:"delegation_code"`
		Delegation     string     `json:"delegation"`
		Status         string     `json:"status"`
		StatusLabel    string     `json:"status_label"`
		OptionID       int64      `json:"option_id"`
		Choice         string     `json:"choice"`
		Reply          string     `json:"reply"`
		Revision       int        `json:"revision"`
		Late           bool       `json:"late"`
		ReceivedVia    string     `json:"received_via"`
		EnteredBy      string     `json:"entered_by"`
		UpdatedAt      *time.Time `json:"updated_at"`
	} `json:"replies"`
}

func parseJSON(t *testing.T, r response) jsonExport {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("JSON Content-Type %q", ct)
	}
	var x jsonExport
	if err := json.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("JSON does not parse: %v", err)
	}
	return x
}

func codesOf(recs [][]string) map[string]bool {
	out := map[string]bool{}
	for _, r := range recs {
		out[r[3]] = true
	}
	return out
}

// TestRoundSealing: before release, a delegation sees nothing of another
// delegation's reply, on any page, count or export; after release to member
// states, member states see the final replies (never drafts), partners still
// nothing; the Presidency sees everything throughout.
func TestRoundSealing(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	const secret, comment, draft = "Belgian position: phased approach first", "Belgian comment on scope", "Belgian unfinished draft"
	f.reply(t, f.be, f.text, 0, "submitted", "", secret, http.StatusSeeOther)
	f.reply(t, f.be, f.choice, 0, "submitted", opt(f.choice, 0), comment, http.StatusSeeOther)
	f.reply(t, f.be, f.agree, 0, "draft", "", draft, http.StatusSeeOther)
	f.reply(t, f.fr, f.agree, 0, "no_position", "", "", http.StatusSeeOther)

	// The Belgian delegate sees its own replies, with the history.
	own := page(t, f.be, f.path(""), http.StatusOK)
	own.mustContain(t, "BE round page", secret, comment, draft, "Submitted", "Draft", "Revision history", "Save draft", "Submit",
		"No position yet", "Scrutiny reservation", `name="base" value="1"`, "Deadline", "Time left")
	own.mustNotContain(t, "BE round page", "France", "No position yet</span>")

	// Everything FR can reach says nothing of BE's replies.
	frPages := map[string]int{
		"/rounds": 200, f.path(""): 200, f.path("/matrix"): 403, f.path("/compilation"): 404,
		f.path("/export.csv"): 200, f.path("/export.json"): 200, "/": 200, "/search?q=Belgian": 0,
	}
	for path, want := range frPages {
		r := get(t, f.fr, path)
		if want != 0 && r.status != want {
			t.Errorf("GET %s as FR: %d, want %d", path, r.status, want)
		}
		r.mustNotContain(t, path+" as FR", secret, comment, draft, "Belgium", "phased approach first")
		if strings.HasPrefix(r.header.Get("Content-Type"), "text/html") && r.status == 200 {
			checkHTML(t, path, r.body)
		}
	}
	list := page(t, f.fr, "/rounds", http.StatusOK)
	list.mustContain(t, "/rounds as FR", "My consultations", "Mediterranean dialogue: replies", "Q1: ", "No reply", "No position yet")
	list.mustNotContain(t, "/rounds as FR", " replied", "delegations)")
	recs := parseCSV(t, get(t, f.fr, f.path("/export.csv")))
	if len(recs) != 3 || len(codesOf(recs)) != 1 || !codesOf(recs)["FR"] {
		t.Fatalf("FR's CSV before release: %v", recs)
	}
	js := parseJSON(t, get(t, f.fr, f.path("/export.json")))
	if js.Scope != "own_delegation" || len(js.Replies) != 3 {
		t.Fatalf("FR's JSON before release: %+v", js)
	}
	for _, x := range js.Replies {
		if x.DelegationCode != "FR" {
			t.Fatalf("FR's JSON has %s's row", x.DelegationCode)
		}
	}

	// The Presidency sees every reply and the counts at any time.
	pl := page(t, f.pres, "/rounds", http.StatusOK)
	pl.mustContain(t, "/rounds as Presidency", "3 of 12 replied", "(1 draft, 4 delegations)", "Sealed")
	page(t, f.pres, f.path("/matrix"), http.StatusOK).mustContain(t, "matrix", "Belgium", "France", "Tunisia", "Submitted", "Draft", "No reply")
	page(t, f.pres, f.path("/compilation"), http.StatusOK).mustContain(t, "compilation", secret, comment)

	// Release to member states.
	if r := post(t, f.pres, f.path("/release"), url.Values{"release_audience": {"member_states"}}); r.status != http.StatusSeeOther {
		t.Fatalf("release: %d\n%s", r.status, r.body)
	}
	comp := page(t, f.fr, f.path("/compilation"), http.StatusOK)
	comp.mustContain(t, "compilation as FR", secret, comment, "Belgium", "No position yet")
	comp.mustNotContain(t, "compilation as FR", draft, "Edit the Presidency summary", "Issue the compilation")
	page(t, f.fr, f.path(""), http.StatusOK).mustContain(t, "FR round page", "Read every delegation")
	recs = parseCSV(t, get(t, f.fr, f.path("/export.csv")))
	if len(recs) != 12 || !codesOf(recs)["BE"] {
		t.Fatalf("FR's CSV after release: %d rows", len(recs))
	}
	csvText := get(t, f.fr, f.path("/export.csv")).body
	if !strings.Contains(csvText, secret) || strings.Contains(csvText, draft) {
		t.Errorf("FR's CSV after release: BE's reply missing or BE's draft shown")
	}
	js = parseJSON(t, get(t, f.fr, f.path("/export.json")))
	if js.Scope != "all" || len(js.Replies) != 12 {
		t.Fatalf("FR's JSON after release: %s %d", js.Scope, len(js.Replies))
	}
	for _, x := range js.Replies {
		if x.DelegationCode == "BE" && x.QuestionID == f.agree.ID && (x.Status != "none" || x.Reply != "") {
			t.Errorf("BE's draft in FR's JSON: %+v", x)
		}
	}

	// The partner is not in the audience: still nothing.
	for path, want := range map[string]int{"/rounds": 200, f.path(""): 200, f.path("/compilation"): 404, f.path("/export.csv"): 200, f.path("/export.json"): 200} {
		r := get(t, f.tn, path)
		if r.status != want {
			t.Errorf("GET %s as TN: %d, want %d", path, r.status, want)
		}
		r.mustNotContain(t, path+" as TN", secret, comment, draft, "Belgium")
	}
	if recs := parseCSV(t, get(t, f.tn, f.path("/export.csv"))); len(recs) != 3 || !codesOf(recs)["TN"] {
		t.Errorf("TN's CSV: %v", recs)
	}
}

// TestConflictingEditsOverHTTP: two colleagues edit the same reply; the
// second save gets a conflict page with both texts, and loses nothing.
func TestConflictingEditsOverHTTP(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	f.reply(t, f.be, f.text, 0, "draft", "", "Text by the first colleague", http.StatusSeeOther)
	r := f.reply(t, f.be2, f.text, 0, "submitted", "", "Text by the second colleague", http.StatusConflict)
	doc := checkHTML(t, "conflict page", r.body)
	r.mustContain(t, "conflict page", "Text by the first colleague", "Text by the second colleague", "revision 1", "You tried: Submit")
	ta := find(doc, func(n *nodeT) bool { return isElement(n, "textarea") })
	if ta == nil || !strings.Contains(textOf(ta), "Text by the second colleague") {
		t.Fatalf("the user's text is not in the form to resubmit")
	}
	base := find(doc, func(n *nodeT) bool { return isElement(n, "input") && attr(n, "name") == "base" })
	if base == nil || attr(base, "value") != "1" {
		t.Fatalf("the form does not go on top of the current revision")
	}
	// Resubmitted on top of revision 1: both revisions are kept.
	f.reply(t, f.be2, f.text, 1, "submitted", "", "Merged text", http.StatusSeeOther)
	hist, err := f.st.PositionHistory(context.Background(), f.round, f.text.ID, f.del["BE"])
	if err != nil || len(hist) != 2 || hist[0].Body != "Merged text" || hist[1].Body != "Text by the first colleague" {
		t.Fatalf("history %+v %v", hist, err)
	}
	own := page(t, f.be, f.path(""), http.StatusOK)
	own.mustContain(t, "BE round page", "Merged text", "Text by the first colleague", f.be2.user.Name, f.be.user.Name)
	// The delegation is never taken from the form.
	post(t, f.be, f.qpath(f.choice), url.Values{"base": {"0"}, "status": {"draft"}, "body": {"x"}, "delegation": {strconv.FormatInt(f.del["FR"], 10)}})
	if ps, _ := f.st.RoundPositions(context.Background(), f.round, f.del["FR"]); len(ps) != 0 {
		t.Fatalf("a BE delegate wrote for FR: %+v", ps)
	}
}

// TestDeadlineAndExtension: after the deadline a save is refused with a
// clear message (the text kept); an extension lets that one delegation save.
func TestDeadlineAndExtension(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(-time.Minute))
	r := f.reply(t, f.be, f.text, 0, "submitted", "", "Our late reply", http.StatusConflict)
	checkHTML(t, "deadline refusal", r.body)
	r.mustContain(t, "deadline refusal", "Not recorded", "The deadline", "has passed", "Our late reply")
	if ps, _ := f.st.RoundPositions(context.Background(), f.round, 0); len(ps) != 0 {
		t.Fatalf("a late reply was recorded: %+v", ps)
	}

	// A bad extension form keeps what was typed, with the messages.
	bad := post(t, f.pres, f.path("/extensions"), url.Values{"delegation": {"999999"}, "until": {"tomorrow"}, "reason": {"Translation"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad extension: %d", bad.status)
	}
	checkHTML(t, "extension errors", bad.body)
	bad.mustContain(t, "extension errors", "Choose a delegation consulted in this round", "Enter the new deadline", `value="Translation"`)

	until := time.Now().Add(time.Hour).In(dialogue.Brussels).Format("2006-01-02T15:04")
	ok := post(t, f.pres, f.path("/extensions"), url.Values{"delegation": {strconv.FormatInt(f.del["BE"], 10)}, "until": {until}, "reason": {"Translation pending"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("extension: %d\n%s", ok.status, ok.body)
	}
	page(t, f.pres, f.path(""), http.StatusOK).mustContain(t, "Presidency round page", "Translation pending", "Deadline extended for Belgium")
	f.reply(t, f.be, f.text, 0, "submitted", "", "Our reply within the extension", http.StatusSeeOther)
	page(t, f.be, f.path(""), http.StatusOK).mustContain(t, "BE round page", "Your deadline", "extension granted to your delegation", "Translation pending")
	f.reply(t, f.fr, f.text, 0, "submitted", "", "French late reply", http.StatusConflict)
}

// TestAReplySentBeforeTheDeadlineCounts: a reply counts when the portal
// received it, not when the database got round to it. Here every
// connection of the portal's pool is taken (as a deadline rush keeps them
// busy) while a delegate's save, sent a second before the deadline, waits
// for one, its session not yet read; the deadline passes; the connections
// come back: the reply is recorded, dated when it was sent.
func TestAReplySentBeforeTheDeadlineCounts(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	ctx := context.Background()
	deadline := time.Now().Add(time.Second)
	if _, err := f.st.Pool().Exec(ctx, `UPDATE rounds SET deadline = $1 WHERE id = $2`, deadline, f.round); err != nil {
		t.Fatal(err)
	}
	pool := f.st.Pool()
	var held []*pgxpool.Conn
	for range pool.Stat().MaxConns() {
		c, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	release := func() {
		for _, c := range held {
			c.Release()
		}
		held = nil
	}
	defer release()
	sent := time.Now()
	done := make(chan response, 1)
	go func() {
		done <- post(t, f.be, f.qpath(f.text), url.Values{"base": {"0"}, "status": {"submitted"}, "body": {"Sent in time"}})
	}()
	time.Sleep(time.Until(deadline.Add(300 * time.Millisecond)))
	select {
	case r := <-done:
		t.Fatalf("the save did not wait for a connection: %d\n%s", r.status, r.body)
	default:
	}
	release()
	if r := <-done; r.status != http.StatusSeeOther {
		t.Fatalf("a reply sent before the deadline, saved after it: status %d, want 303\n%s", r.status, r.body)
	}
	ps, err := f.st.RoundPositions(ctx, f.round, f.del["BE"])
	if err != nil || len(ps) != 1 {
		t.Fatalf("replies %+v, %v", ps, err)
	}
	if at := ps[0].UpdatedAt; at.Before(sent.Truncate(time.Microsecond)) || !at.Before(deadline) {
		t.Errorf("the reply is dated %s, want when it was sent (%s), before the deadline (%s)",
			at.Format(time.StampMicro), sent.Format(time.StampMicro), deadline.Format(time.StampMicro))
	}
}

// TestProxyReply: the secretariat records a reply received by e-mail; it
// is flagged late after the deadline, and the matrix and the compilation
// show its provenance.
func TestProxyReply(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(-time.Minute))
	form := url.Values{"delegation": {strconv.FormatInt(f.del["FR"], 10)}, "question": {strconv.FormatInt(f.choice.ID, 10)},
		"status": {"submitted"}, "option": {opt(f.choice, 1)}, "body": {"Reply received by e-mail from Paris"}, "source": {"email"}}
	if r := post(t, f.pres, f.path("/proxy"), form); r.status != http.StatusForbidden {
		t.Fatalf("Presidency records a proxy reply: %d", r.status)
	}
	bad := post(t, f.sec, f.path("/proxy"), url.Values{"body": {"Kept text"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty proxy form: %d", bad.status)
	}
	checkHTML(t, "proxy errors", bad.body)
	bad.mustContain(t, "proxy errors", "Choose the delegation", "Choose how the reply was received", "Kept text")
	if r := post(t, f.sec, f.path("/proxy"), form); r.status != http.StatusSeeOther {
		t.Fatalf("proxy reply: %d\n%s", r.status, r.body)
	}
	page(t, f.sec, f.path(""), http.StatusOK).mustContain(t, "secretariat round page", "flagged late")
	ps, _ := f.st.RoundPositions(context.Background(), f.round, f.del["FR"])
	if len(ps) != 1 || !ps[0].Late || ps[0].ProxySource != "email" || ps[0].AuthorName != f.sec.user.Name {
		t.Fatalf("proxy position %+v", ps)
	}
	matrix := page(t, f.pres, f.path("/matrix"), http.StatusOK)
	matrix.mustContain(t, "matrix", "Late", "Proxy", "Delegations that have not replied", "Belgium")
	comp := page(t, f.pres, f.path("/compilation"), http.StatusOK)
	comp.mustContain(t, "compilation", "Reply received by e-mail from Paris", "Received by e-mail, entered by "+f.sec.user.Name, "Late",
		"including all ten partners from the start")
	// The delegation sees it as its own reply, with where it came from.
	page(t, f.fr, f.path(""), http.StatusOK).mustContain(t, "FR round page", "Reply received by e-mail from Paris", "Received by the secretariat: E-mail")
	js := parseJSON(t, get(t, f.pres, f.path("/export.json")))
	for _, x := range js.Replies {
		if x.DelegationCode == "FR" && x.QuestionID == f.choice.ID && (x.ReceivedVia != "email" || x.EnteredBy != f.sec.user.Name || !x.Late) {
			t.Errorf("JSON proxy row %+v", x)
		}
	}
}

// TestExportsMatchTheDatabase: the CSV and the JSON, parsed back, say what
// the database holds, row by row.
func TestExportsMatchTheDatabase(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	f.reply(t, f.be, f.choice, 0, "submitted", opt(f.choice, 0), "Phased, with Tunisia first; \"quoted\", and a, comma", http.StatusSeeOther)
	f.reply(t, f.be, f.text, 0, "draft", "", "Line one\nLine two — with ünïcödé", http.StatusSeeOther)
	f.reply(t, f.fr, f.text, 0, "scrutiny_reservation", "", "=HYPERLINK(\"http://evil.example\")", http.StatusSeeOther)
	f.reply(t, f.fr, f.choice, 0, "submitted", opt(f.choice, 1), "", http.StatusSeeOther)
	if r := post(t, f.sec, f.path("/proxy"), url.Values{"delegation": {strconv.FormatInt(f.del["TN"], 10)}, "question": {strconv.FormatInt(f.agree.ID, 10)},
		"status": {"no_position"}, "source": {"note_verbale"}}); r.status != http.StatusSeeOther {
		t.Fatalf("proxy: %d", r.status)
	}

	ctx := context.Background()
	detail, err := f.st.RoundDetail(ctx, f.round)
	if err != nil {
		t.Fatal(err)
	}
	eligible := detail.Eligible
	positions, err := f.st.RoundPositions(ctx, f.round, 0)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]dialogue.Position{}
	for _, p := range positions {
		byKey[fmt.Sprint(p.QuestionID, "/", p.DelegationID)] = p
	}
	type want struct {
		q dialogue.Question
		e dialogue.Eligible
		p *dialogue.Position
	}
	var wants []want
	for _, q := range f.note.Questions {
		for _, e := range eligible {
			w := want{q: q, e: e}
			if p, ok := byKey[fmt.Sprint(q.ID, "/", e.Delegation.ID)]; ok {
				w.p = &p
			}
			wants = append(wants, w)
		}
	}
	choice := func(q dialogue.Question, id int64) string {
		for _, o := range q.Options {
			if o.ID == id {
				return o.Label + " " + o.Body
			}
		}
		return ""
	}
	unformula := func(s string) string {
		if strings.HasPrefix(s, "'=") {
			return s[1:]
		}
		return s
	}

	recs := parseCSV(t, get(t, f.pres, f.path("/export.csv")))
	if len(recs) != len(wants) || len(recs) != 12 {
		t.Fatalf("CSV has %d rows, want %d (every delegation × question)", len(recs), len(wants))
	}
	for i, w := range wants {
		rec := recs[i]
		exp := []string{"5559/26", strconv.Itoa(w.q.Position), w.q.Prompt, w.e.Delegation.Code, w.e.Delegation.Name,
			"No reply", "", "", "", "", "", ""}
		if p := w.p; p != nil {
			late := "no"
			if p.Late {
				late = "yes"
			}
			exp[5], exp[6], exp[7], exp[8], exp[9] = p.Status.Label(), choice(w.q, p.OptionID), p.Body, strconv.Itoa(p.Revision), late
			exp[10], exp[11] = dialogue.ProxySources[p.ProxySource], p.UpdatedAt.In(dialogue.Brussels).Format(time.RFC3339)
		}
		got := append([]string(nil), rec...)
		got[7] = unformula(got[7])
		if strings.Join(got, "\x00") != strings.Join(exp, "\x00") {
			t.Errorf("CSV row %d:\n got %q\nwant %q", i+1, got, exp)
		}
	}
	if !strings.Contains(get(t, f.pres, f.path("/export.csv")).body, `'=HYPERLINK`) {
		t.Errorf("a reply starting with = is not defused for spreadsheets")
	}

	js := parseJSON(t, get(t, f.pres, f.path("/export.json")))
	if js.Scope != "all" || js.Round.ID != f.round || js.Round.Note != "5559/26" || len(js.Questions) != 3 || len(js.Questions[0].Options) != 2 {
		t.Fatalf("JSON round/questions %+v", js)
	}
	if len(js.Replies) != len(wants) {
		t.Fatalf("JSON has %d replies, want %d", len(js.Replies), len(wants))
	}
	for i, w := range wants {
		x := js.Replies[i]
		if x.QuestionID != w.q.ID || x.QuestionNumber != w.q.Position || x.DelegationCode != w.e.Delegation.Code || x.Delegation != w.e.Delegation.Name {
			t.Errorf("JSON reply %d is %s/Q%d, want %s/Q%d", i, x.DelegationCode, x.QuestionNumber, w.e.Delegation.Code, w.q.Position)
			continue
		}
		if w.p == nil {
			if x.Status != "none" || x.StatusLabel != "No reply" || x.Reply != "" || x.Revision != 0 || x.UpdatedAt != nil {
				t.Errorf("JSON no-reply row %+v", x)
			}
			continue
		}
		p := w.p
		if x.Status != string(p.Status) || x.OptionID != p.OptionID || x.Choice != choice(w.q, p.OptionID) || x.Reply != p.Body ||
			x.Revision != p.Revision || x.Late != p.Late || x.ReceivedVia != p.ProxySource || x.UpdatedAt == nil || !x.UpdatedAt.Equal(p.UpdatedAt) {
			t.Errorf("JSON reply %d:\n got %+v\nwant %+v", i, x, *p)
		}
	}
}

// TestIssueCompilationOverHTTP: closing, releasing, a summary, then the
// compilation issued as a WK document linked to the note, visible to
// member states and not to the partner.
func TestIssueCompilationOverHTTP(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour), "PS")
	f.reply(t, f.be, f.choice, 0, "submitted", opt(f.choice, 0), "Start with North Africa", http.StatusSeeOther)
	f.reply(t, f.fr, f.choice, 0, "submitted", opt(f.choice, 0), "", http.StatusSeeOther)
	if r := post(t, f.pres, f.path("/compilation/issue"), nil); r.status != http.StatusConflict || !strings.Contains(r.body, "Close the round") {
		t.Fatalf("issue an open round: %d", r.status)
	}
	summary := f.path("/summaries/" + strconv.FormatInt(f.choice.ID, 10))
	if r := post(t, f.pres, summary, url.Values{"version": {"0"}, "body": {"Two delegations favour the phased approach."}}); r.status != http.StatusSeeOther {
		t.Fatalf("summary: %d\n%s", r.status, r.body)
	}
	// A colleague's stale version: a conflict page with both texts.
	stale := post(t, f.pres, summary, url.Values{"version": {"0"}, "body": {"My competing summary"}})
	if stale.status != http.StatusConflict {
		t.Fatalf("stale summary: %d", stale.status)
	}
	checkHTML(t, "summary conflict", stale.body)
	stale.mustContain(t, "summary conflict", "Two delegations favour the phased approach.", "My competing summary", `name="version" value="1"`)

	for _, p := range []string{"/close", "/release"} {
		if r := post(t, f.pres, f.path(p), url.Values{"release_audience": {"member_states"}}); r.status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", p, r.status, r.body)
		}
	}
	comp := page(t, f.pres, f.path("/compilation"), http.StatusOK)
	comp.mustContain(t, "compilation", "Issue the compilation as a document", "WK – working document", "Compilation of replies",
		"Two delegations favour the phased approach.", "LIMITE", "No. prev. doc.:")
	r := post(t, f.pres, f.path("/compilation/issue"), url.Values{"series": {"WK"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/documents/") {
		t.Fatalf("issue: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.header.Get("Location"), "/documents/"), 10, 64)
	doc, err := f.st.Document(context.Background(), dialogue.Viewer{SeeAll: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Ref.Series != dialogue.SeriesWK || doc.PreviousDocumentID != f.doc || doc.Audience != dialogue.AudienceMemberStates ||
		doc.Marking != dialogue.MarkingLimite || doc.Status != dialogue.DocumentIssued || doc.DialogueID != f.note.DialogueID {
		t.Fatalf("compilation document %+v", doc)
	}
	for _, want := range []string{"## Question 1", "Two delegations favour the phased approach.", "- i) a phased approach", ": 2 delegations",
		"**Belgium**: i)", "> Start with North Africa", "### No reply", "Germany", "Tunisia", "Palestine[^1]"} {
		if !strings.Contains(doc.BodyMD, want) {
			t.Errorf("compilation body lacks %q:\n%s", want, doc.BodyMD)
		}
	}
	if len(doc.Footnotes) != 1 || doc.Footnotes[0].Body != dialogue.PalestineFootnote {
		t.Errorf("Palestine's designation footnote is not a footnote of the compilation: %+v", doc.Footnotes)
	}
	docPath := "/documents/" + strconv.FormatInt(id, 10)
	// The Presidency is sent to the issued document, which says so once.
	page(t, f.pres, docPath, http.StatusOK).mustContain(t, docPath+" after issuing", "The compilation is issued.")
	page(t, f.pres, docPath, http.StatusOK).mustNotContain(t, docPath+" again", "The compilation is issued.")
	page(t, f.fr, docPath, http.StatusOK).mustContain(t, docPath+" as FR", "Compilation of replies", "Start with North Africa", "5559/26",
		dialogue.PalestineFootnote)
	if r := get(t, f.tn, docPath); r.status != http.StatusNotFound {
		t.Errorf("the partner reads the compilation released to member states: %d", r.status)
	}
	page(t, f.pres, "/rounds", http.StatusOK).mustContain(t, "/rounds", "Compiled")
	page(t, f.pres, f.path(""), http.StatusOK).mustContain(t, "round page", "Compiled", doc.Reference())
	page(t, f.fr, f.path("/compilation"), http.StatusOK).mustContain(t, "compilation as FR", doc.Reference())
	if r := post(t, f.pres, f.path("/compilation/issue"), nil); r.status != http.StatusConflict {
		t.Errorf("issue twice: %d", r.status)
	}
}

// TestClosedRoundIsReadOnly: once closed, the forms are gone and writes
// are refused.
func TestClosedRoundIsReadOnly(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	f.reply(t, f.be, f.text, 0, "draft", "", "Draft before closing", http.StatusSeeOther)
	if r := post(t, f.pres, f.path("/close"), nil); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.status)
	}
	be := page(t, f.be, f.path(""), http.StatusOK)
	be.mustContain(t, "closed round as BE", "Closed", "This round is closed", "Draft before closing")
	be.mustNotContain(t, "closed round as BE", "Save draft", `class="reply-form"`)
	f.reply(t, f.be, f.text, 1, "submitted", "", "After closing", http.StatusConflict).mustContain(t, "refusal", "closed", "After closing")
	pres := page(t, f.pres, f.path(""), http.StatusOK)
	pres.mustContain(t, "closed round as Presidency", "everything in it is read-only", "Release the replies")
	pres.mustNotContain(t, "closed round as Presidency", "Grant the extension", "Close the round</button>")
	page(t, f.sec, f.path(""), http.StatusOK).mustNotContain(t, "closed round as secretariat", "Record the reply")
	if r := post(t, f.sec, f.path("/proxy"), url.Values{"delegation": {strconv.FormatInt(f.del["FR"], 10)},
		"question": {strconv.FormatInt(f.text.ID, 10)}, "status": {"submitted"}, "body": {"late e-mail"}, "source": {"email"}}); r.status != http.StatusConflict {
		t.Errorf("proxy after closing: %d", r.status)
	}
	until := time.Now().Add(2 * time.Hour).In(dialogue.Brussels).Format("2006-01-02T15:04")
	if r := post(t, f.pres, f.path("/extensions"), url.Values{"delegation": {strconv.FormatInt(f.del["FR"], 10)}, "until": {until}}); r.status != http.StatusConflict {
		t.Errorf("extension after closing: %d", r.status)
	}
	if r := post(t, f.pres, f.path("/close"), nil); r.status != http.StatusConflict {
		t.Errorf("close twice: %d", r.status)
	}
	if ps, _ := f.st.RoundPositions(context.Background(), f.round, 0); len(ps) != 1 || ps[0].Revision != 1 {
		t.Errorf("positions after closing %+v", ps)
	}
}

// TestOpenRoundForm: the form opens a round in Brussels time, with the
// member states checked by default, and keeps what was typed on an error.
func TestOpenRoundForm(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	newPath := "/documents/" + strconv.FormatInt(f.doc, 10) + "/rounds/new"
	form := page(t, f.pres, newPath, http.StatusOK)
	doc := checkHTML(t, newPath, form.body)
	form.mustContain(t, newPath, "(Brussels time)", "Member states", "EU institutions", "Partners", "Observers and agencies",
		"Member states and partners", "The Presidency only", dialogue.PalestineFootnote, `type="datetime-local"`)
	be := byID(doc, "r-del-"+strconv.FormatInt(f.del["BE"], 10))
	tn := byID(doc, "r-del-"+strconv.FormatInt(f.del["TN"], 10))
	if be == nil || tn == nil || !hasAttr(be, "checked") || hasAttr(tn, "checked") {
		t.Fatalf("member states must be checked by default, partners not")
	}
	page(t, f.pres, "/rounds", http.StatusOK).mustContain(t, "/rounds", "Open a round", newPath)

	action := "/documents/" + strconv.FormatInt(f.doc, 10) + "/rounds"
	bad := post(t, f.pres, action, url.Values{"title": {"My typed title"}, "opens_at": {"2026-03-10T09:00"}, "deadline": {"2026-03-01T17:00"},
		"release_audience": {"member_states"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", bad.status)
	}
	checkHTML(t, "new round errors", bad.body)
	bad.mustContain(t, "new round errors", "There is a problem", "The deadline must come after the opening time",
		"Choose at least one delegation", `value="My typed title"`, `value="2026-03-10T09:00"`)

	ok := post(t, f.pres, action, url.Values{"title": {"Second consultation"}, "opens_at": {"2026-03-10T09:00"}, "deadline": {"2026-03-24T17:00"},
		"release_audience": {"member_states_partners"}, "delegations": {strconv.FormatInt(f.del["BE"], 10), strconv.FormatInt(f.del["MA"], 10)}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("open a round: %d\n%s", ok.status, ok.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(ok.header.Get("Location"), "/rounds/"), 10, 64)
	detail, err := f.st.RoundDetail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	r := detail.Round
	wantOpens := time.Date(2026, time.March, 10, 8, 0, 0, 0, time.UTC) // 09:00 CET
	wantDeadline := time.Date(2026, time.March, 24, 16, 0, 0, 0, time.UTC)
	if !r.OpensAt.Equal(wantOpens) || !r.Deadline.Equal(wantDeadline) || r.ReleaseAudience != dialogue.ReleaseMemberStatesPartners {
		t.Fatalf("round %+v", r)
	}
	el := detail.Eligible
	if len(el) != 2 || el[0].Delegation.Code != "BE" || el[1].Delegation.Code != "MA" {
		t.Fatalf("eligible %+v", el)
	}
	page(t, f.pres, "/rounds/"+strconv.FormatInt(id, 10), http.StatusOK).mustContain(t, "new round", "Second consultation",
		"Tue 10 Mar 2026, 09:00 CET", "Tue 24 Mar 2026, 17:00 CET", "Morocco", "The round is set up")
	// A delegation not consulted: the round does not exist for it.
	if r := get(t, f.fr, "/rounds/"+strconv.FormatInt(id, 10)); r.status != http.StatusNotFound {
		t.Errorf("FR opens a round it is not consulted in: %d", r.status)
	}
}

// TestRoundPagesHTML: every page of the area passes checkHTML for each
// part, with data in it.
func TestRoundPagesHTML(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	f.reply(t, f.be, f.choice, 0, "submitted", opt(f.choice, 0), "Reply", http.StatusSeeOther)
	bad := f.reply(t, f.be, f.text, 0, "submitted", "", "", http.StatusUnprocessableEntity)
	checkHTML(t, "reply errors", bad.body)
	bad.mustContain(t, "reply errors", "Write your delegation", `aria-invalid="true"`)
	for _, c := range []struct {
		as    asUser
		paths []string
	}{
		{f.pres, []string{"/rounds", f.path(""), f.path("/matrix"), f.path("/compilation")}},
		{f.sec, []string{"/rounds", f.path(""), f.path("/matrix"), f.path("/compilation")}},
		{f.be, []string{"/rounds", f.path("")}},
		{f.tn, []string{"/rounds", f.path("")}},
	} {
		for _, p := range c.paths {
			page(t, c.as, p, http.StatusOK)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(get(t, f.pres, f.path("")).body)
	for _, want := range []string{"Reply matrix", "Export as CSV", "Export as JSON", "Extend the deadline", "Release the replies", "Close the round"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("Presidency round page lacks %q", want)
		}
	}
}

func hasAttr(n *nodeT, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// TestSaveReplyAnswers: a save goes back to its question on the round page
// with what was recorded; a bad choice is shown beside the field with the
// text kept; a question that is not the round's, or a round that does not
// exist, is not found, and nothing is written.
func TestSaveReplyAnswers(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	r := f.reply(t, f.be, f.text, 0, "submitted", "", "Our reply.", http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != f.path("#q-2") {
		t.Errorf("after the save: Location %q, want %q", loc, f.path("#q-2"))
	}
	page(t, f.be, f.path(""), http.StatusOK).mustContain(t, "BE round page",
		"Question 2: your delegation&#39;s reply was submitted (revision 1).")

	bad := f.reply(t, f.be, f.choice, 0, "submitted", "not-a-number", "Our reasons.", http.StatusUnprocessableEntity)
	checkHTML(t, "bad choice", bad.body)
	bad.mustContain(t, "bad choice", "Choose one of the options offered.", "Our reasons.")

	f.reply(t, f.be, dialogue.Question{ID: 999999, Position: 9}, 0, "draft", "", "x", http.StatusNotFound)
	r = post(t, f.fr, "/rounds/"+strconv.FormatInt(f.round+1000, 10)+"/questions/"+strconv.FormatInt(f.text.ID, 10),
		url.Values{"base": {"0"}, "status": {"draft"}, "body": {"x"}})
	if r.status != http.StatusNotFound {
		t.Errorf("save in a round that does not exist: %d", r.status)
	}
	if ps, _ := f.st.RoundPositions(context.Background(), f.round, 0); len(ps) != 1 {
		t.Errorf("replies recorded: %+v, want Belgium's one", ps)
	}
}

// TestRevisionHistoryShownInPart: a reply revised many times shows its
// latest revisions with their count and a link to them all, which shows
// every one; nothing is lost.
func TestRevisionHistoryShownInPart(t *testing.T) {
	f := newRoundsFixture(t, time.Now().Add(time.Hour))
	const revisions = 12
	for i := range revisions {
		f.reply(t, f.be, f.text, i, "draft", "", "Belgian draft number "+strconv.Itoa(i+1)+".", http.StatusSeeOther)
	}
	first := page(t, f.be, f.path(""), http.StatusOK)
	all := f.path("?history=all#q-" + strconv.Itoa(f.text.Position))
	first.mustContain(t, "BE round page", "Revision history (12 revisions)", "The latest 10 are shown.",
		`href="`+all+`"`, "Belgian draft number 12.", "Belgian draft number 3.")
	first.mustNotContain(t, "BE round page", "Belgian draft number 2.", "Belgian draft number 1.")
	whole := page(t, f.be, f.path("?history=all"), http.StatusOK)
	whole.mustContain(t, "BE round page, whole history", "Revision history (12 revisions)", "Belgian draft number 2.", "Belgian draft number 1.")
	whole.mustNotContain(t, "BE round page, whole history", "The latest 10 are shown.")
}
