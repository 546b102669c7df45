package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/loadgen"
	"github.com/dialogue-secretariat/portal/internal/server"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// benchDefaultPassword is the bench users' password unless bench-data was
// given another.
const benchDefaultPassword = "bench password 2026"

// benchEmailDomain marks the generated users (bench.<code>.<n>@bench.example).
const benchEmailDomain = "@bench.example"

// benchSaveRoundTitle names the open round the position-save page writes
// to; it is created once and reused by later runs.
const benchSaveRoundTitle = "Benchmark: position saves (portal bench)"

type benchUser struct {
	ID         int64
	Email      string
	Delegation dialogue.Delegation // zero for the Presidency and the secretariat
}

type benchDelegation struct {
	dialogue.Delegation
	Users []benchUser // delegates, bench.<code>.1 first
}

// benchData is what the bench reads from the database before it starts:
// who signs in, and which round, document, word and month the pages show.
type benchData struct {
	Years      int
	Documents  int
	Rounds     int
	Generated  string // the window of the data, from the first to the last round
	From, To   time.Time
	Presidency []benchUser
	Secret     []benchUser
	// Delegations with delegates (observers cannot reply), protocol order;
	// MemberStates is the subset that sees every LIMITE document sent to
	// delegations.
	Delegations  []benchDelegation
	MemberStates []benchDelegation
	AllIDs       []int64 // every bench delegation, for the rounds the bench opens

	BigRound   store.RoundSummary // released, the most delegations × questions
	Document   dialogue.Document  // LIMITE, seen by every member state's delegates
	ListYear   int
	SearchWord string
	SearchHits int
	Month      string                // YYYY-MM, the calendar's month
	Note       store.ConsultableNote // the note the bench opens its rounds on
	Questions  []dialogue.Question
}

func (d *benchData) describe() string {
	return fmt.Sprintf("%d-year dataset (%s): %d documents, %d rounds, %d delegations with delegates",
		d.Years, d.Generated, d.Documents, d.Rounds, len(d.Delegations))
}

// readBenchData finds the bench users and the pages' subjects.
func readBenchData(ctx context.Context, st *store.Store, o benchOptions) (*benchData, error) {
	users, err := st.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		return nil, err
	}
	dels, err := st.Delegations(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]dialogue.Delegation{}
	for _, d := range dels {
		byID[d.ID] = d
	}
	d := &benchData{}
	byDel := map[int64]*benchDelegation{}
	var allDel []int64
	var firstUser time.Time
	for _, u := range users {
		if !strings.HasSuffix(strings.ToLower(u.Email), benchEmailDomain) || u.Inactive() {
			continue
		}
		if firstUser.IsZero() || u.CreatedAt.Before(firstUser) {
			firstUser = u.CreatedAt
		}
		bu := benchUser{ID: u.ID, Email: u.Email}
		switch {
		case u.Role == dialogue.RolePresidency:
			d.Presidency = append(d.Presidency, bu)
		case u.Role == dialogue.RoleSecretariat:
			d.Secret = append(d.Secret, bu)
		case u.DelegationID != 0:
			if !slices.Contains(allDel, u.DelegationID) {
				allDel = append(allDel, u.DelegationID)
			}
			if u.Role != dialogue.RoleDelegate {
				continue
			}
			bu.Delegation = byID[u.DelegationID]
			bd := byDel[u.DelegationID]
			if bd == nil {
				bd = &benchDelegation{Delegation: bu.Delegation}
				byDel[u.DelegationID] = bd
			}
			bd.Users = append(bd.Users, bu)
		}
	}
	if len(d.Presidency) == 0 || len(d.Secret) == 0 || len(byDel) == 0 {
		return nil, errors.New("bench: the bench database has no bench users: run `make bench-data` " +
			"(portal bench-data --reset --years 10), or portal bench --prepare --years N")
	}
	byEmail := func(a, b benchUser) int { return strings.Compare(a.Email, b.Email) }
	slices.SortFunc(d.Presidency, byEmail)
	slices.SortFunc(d.Secret, byEmail)
	d.AllIDs = allDel
	for _, bd := range byDel {
		slices.SortFunc(bd.Users, byEmail)
		d.Delegations = append(d.Delegations, *bd)
	}
	slices.SortFunc(d.Delegations, func(a, b benchDelegation) int { return dialogue.CompareProtocol(a.Delegation, b.Delegation) })
	for _, bd := range d.Delegations {
		if bd.Kind == dialogue.MemberState {
			d.MemberStates = append(d.MemberStates, bd)
		}
	}
	if len(d.MemberStates) == 0 {
		return nil, errors.New("bench: no member state has bench delegates")
	}

	// The rounds: the window of the data (bench-data sets its users up three
	// months before it starts; the last round opens near its end), and the
	// largest released round.
	rounds, err := st.Rounds(ctx, dialogue.Viewer{SeeAll: true})
	if err != nil {
		return nil, err
	}
	d.Rounds = len(rounds)
	d.From = firstUser.AddDate(0, 3, 0)
	best := -1
	for i, r := range rounds {
		if r.Round.OpensAt.After(d.To) && r.Round.Title != benchSaveRoundTitle && !strings.HasPrefix(r.Round.Title, benchStormTitle) {
			d.To = r.Round.OpensAt
		}
		if r.Round.ReleasedAt == nil || r.Round.ClosedAt == nil {
			continue
		}
		if best < 0 || r.Eligible*r.Questions > rounds[best].Eligible*rounds[best].Questions {
			best = i
		}
	}
	if best < 0 {
		return nil, errors.New("bench: the bench database has no released round to show")
	}
	d.BigRound = rounds[best]
	d.Years = o.years
	if d.Years == 0 {
		d.Years = max(1, int(d.To.Sub(d.From).Hours()/24/365.25+0.5))
	}
	d.Generated = d.From.Format("Jan 2006") + " – " + d.From.AddDate(d.Years, 0, 0).Format("Jan 2006")

	all, err := st.Documents(ctx, store.DocumentFilter{Viewer: dialogue.Viewer{SeeAll: true}})
	if err != nil {
		return nil, err
	}
	d.Documents = len(all.Documents)

	// The document page: the big round's note when every member state's
	// delegates see it (a LIMITE note with questions and rounds: the
	// richest page), else the newest LIMITE note of a dialogue they all
	// see, else the newest LIMITE document; one that is not a revision and
	// follows no previous document, so that datasets of every size measure
	// the same page (a dialogue's link, or such a link, costs one more
	// statement, whatever the size: on the one-year dataset the big round's
	// note is not LIMITE, and the newest LIMITE document was of no dialogue).
	candidates := []int64{d.BigRound.Round.DocumentID}
	list, err := st.Documents(ctx, store.DocumentFilter{Viewer: delegationViewer(d.MemberStates[0]),
		Marking: dialogue.MarkingLimite, Status: dialogue.DocumentIssued, Limit: 50})
	if err != nil {
		return nil, err
	}
	for _, ofDialogue := range []bool{true, false} {
		for _, doc := range list.Documents {
			if (doc.DialogueID != 0) == ofDialogue {
				candidates = append(candidates, doc.ID)
			}
		}
	}
	for _, id := range candidates {
		visible := true
		for _, ms := range d.MemberStates {
			docs, err := st.DocumentsByID(ctx, delegationViewer(ms), []int64{id})
			if err != nil {
				return nil, err
			}
			if doc, ok := docs[id]; !ok || !doc.Marking.IsLimite() {
				visible = false
				break
			}
		}
		if visible {
			doc, err := st.Document(ctx, dialogue.Viewer{SeeAll: true}, id)
			if err != nil {
				return nil, err
			}
			if doc.PreviousDocumentID != 0 || doc.RevisesID != 0 {
				continue
			}
			d.Document = doc
			break
		}
	}
	if d.Document.ID == 0 {
		return nil, errors.New("bench: no LIMITE document is seen by every member state's delegates")
	}

	// The list's filters (the current year, LIMITE, COSI) and the month
	// of the calendar are those of the dataset's present: now, or when the
	// data was generated for past calendar years (bench-data --first-year),
	// the month its last round opened.
	present := time.Now()
	if !d.To.IsZero() && d.To.Before(present.AddDate(0, -1, 0)) {
		present = d.To
	}
	present = present.In(dialogue.Brussels)
	d.ListYear = present.Year()
	d.Month = present.Format("2006-01")

	// A word of the generated prose that matches many documents: a full
	// first page of both lists.
	v := delegationViewer(d.MemberStates[0])
	for _, w := range []string{"Europol", "trafficking", "cooperation", "security"} {
		res, err := st.Search(ctx, v, store.SearchRequest{Words: w})
		if err != nil {
			return nil, err
		}
		if n := len(res.Documents) + len(res.Replies); n > d.SearchHits {
			d.SearchWord, d.SearchHits = w, n
		}
	}

	// The note the bench opens its rounds on: the one with most questions.
	notes, err := st.ConsultableNotes(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if n.Questions > d.Note.Questions {
			d.Note = n
		}
	}
	if d.Note.ID == 0 {
		return nil, errors.New("bench: no issued note with questions to open a round on")
	}
	note, err := st.Document(ctx, dialogue.Viewer{SeeAll: true}, d.Note.ID)
	if err != nil {
		return nil, err
	}
	d.Questions = note.Questions
	return d, nil
}

func delegationViewer(d benchDelegation) dialogue.Viewer {
	return dialogue.Viewer{DelegationID: d.ID, DelegationKind: d.Kind}
}

// ---------------------------------------------------------------- pages

// benchPage is one page driven by the load generator.
type benchPage struct {
	Key      string // for --only
	Title    string
	Path     string // as shown in the report
	Role     string
	Limit    time.Duration // p99 target
	MinRatio float64       // of the trivial handler's requests/s; 0: none
	user     func(i int) *benchUser
	setup    func(ctx context.Context, w *loadgen.Worker) error
	step     func(ctx context.Context, w *loadgen.Worker) error
	accept   []int
}

// pickDelegate spreads workers over delegations first, then over each
// delegation's users: 32 workers are 32 different delegations' delegates.
func pickDelegate(ds []benchDelegation) func(i int) *benchUser {
	return func(i int) *benchUser {
		d := ds[i%len(ds)]
		return &d.Users[(i/len(ds))%len(d.Users)]
	}
}

func pickUser(us []benchUser) func(i int) *benchUser {
	return func(i int) *benchUser { return &us[i%len(us)] }
}

// getPage is a step that loads path and expects the page (200): a redirect
// means the session was lost, and is an error.
func getPage(path func(w *loadgen.Worker) string) func(ctx context.Context, w *loadgen.Worker) error {
	return func(ctx context.Context, w *loadgen.Worker) error {
		p := path(w)
		resp, err := w.Get(ctx, p)
		if err != nil {
			return err
		}
		if resp.Status != http.StatusOK && resp.Status < 400 { // 4xx and 5xx are counted already
			return fmt.Errorf("GET %s: status %d, want 200", stripQuery(p), resp.Status)
		}
		return nil
	}
}

func stripQuery(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return p
}

func fixed(p string) func(*loadgen.Worker) string { return func(*loadgen.Worker) string { return p } }

const (
	pageLimit   = 50 * time.Millisecond
	exportLimit = 200 * time.Millisecond
)

// benchPages are the pages of issue #6, each as the role that uses it.
func benchPages(ctx context.Context, st *store.Store, d *benchData) ([]benchPage, error) {
	round := strconv.FormatInt(d.BigRound.Round.ID, 10)
	docs := fmt.Sprintf("/documents?year=%d&marking=LIMITE&code=COSI", d.ListYear)
	pages := []benchPage{
		{Key: "home-presidency", Title: "Home", Path: "/", Role: "Presidency", Limit: pageLimit,
			user: pickUser(d.Presidency), step: getPage(fixed("/"))},
		{Key: "home-delegate", Title: "Home", Path: "/", Role: "delegate", Limit: pageLimit,
			user: pickDelegate(d.Delegations), step: getPage(fixed("/"))},
		{Key: "home-secretariat", Title: "Home", Path: "/", Role: "secretariat", Limit: pageLimit,
			user: pickUser(d.Secret), step: getPage(fixed("/"))},
		{Key: "documents", Title: "Document list, filtered", Path: docs, Role: "delegate (member state)", Limit: pageLimit,
			user: pickDelegate(d.MemberStates), step: getPage(fixed(docs))},
		{Key: "document", Title: "Document page (" + d.Document.Reference() + ", LIMITE)", Path: "/documents/" + strconv.FormatInt(d.Document.ID, 10),
			Role: "delegate (member state)", Limit: pageLimit,
			user: pickDelegate(d.MemberStates), step: getPage(fixed("/documents/" + strconv.FormatInt(d.Document.ID, 10)))},
		{Key: "search", Title: fmt.Sprintf("Search (%d hits)", d.SearchHits), Path: "/search?q=" + url.QueryEscape(d.SearchWord),
			Role: "delegate (member state)", Limit: pageLimit,
			user: pickDelegate(d.MemberStates), step: getPage(fixed("/search?q=" + url.QueryEscape(d.SearchWord)))},
		{Key: "matrix", Title: fmt.Sprintf("Reply matrix (%d × %d)", d.BigRound.Eligible, d.BigRound.Questions),
			Path: "/rounds/" + round + "/matrix", Role: "Presidency", Limit: pageLimit, MinRatio: 0.05,
			user: pickUser(d.Presidency), step: getPage(fixed("/rounds/" + round + "/matrix"))},
		{Key: "compilation", Title: fmt.Sprintf("Compilation (%d × %d)", d.BigRound.Eligible, d.BigRound.Questions),
			Path: "/rounds/" + round + "/compilation", Role: "Presidency", Limit: exportLimit,
			user: pickUser(d.Presidency), step: getPage(fixed("/rounds/" + round + "/compilation"))},
		{Key: "csv", Title: "CSV export", Path: "/rounds/" + round + "/export.csv", Role: "Presidency", Limit: exportLimit,
			user: pickUser(d.Presidency), step: getPage(fixed("/rounds/" + round + "/export.csv"))},
		{Key: "calendar-secretariat", Title: "Calendar, month", Path: "/meetings?view=month&month=" + d.Month, Role: "secretariat", Limit: pageLimit,
			user: pickUser(d.Secret), step: getPage(fixed("/meetings?view=month&month=" + d.Month))},
		{Key: "calendar-delegate", Title: "Calendar, month", Path: "/meetings?view=month&month=" + d.Month, Role: "delegate", Limit: pageLimit,
			user: pickDelegate(d.Delegations), step: getPage(fixed("/meetings?view=month&month=" + d.Month))},
	}

	// The .ics feed: each worker its own delegate's feed (no session).
	feedUser := pickDelegate(d.Delegations)
	tokens := map[int64]string{}
	for i := range 64 {
		u := feedUser(i)
		if _, ok := tokens[u.ID]; ok {
			continue
		}
		t, err := st.CalendarToken(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		tokens[u.ID] = t
	}
	pages = append(pages, benchPage{Key: "ics", Title: "Calendar feed (.ics)", Path: "/calendar/{token}.ics", Role: "delegate's feed, no session",
		Limit: exportLimit,
		setup: func(_ context.Context, w *loadgen.Worker) error {
			u := feedUser(w.ID)
			t, ok := tokens[u.ID]
			if !ok {
				var err error
				if t, err = st.CalendarToken(ctx, u.ID); err != nil {
					return err
				}
			}
			w.State = "/calendar/" + t + ".ics"
			return nil
		},
		step: getPage(func(w *loadgen.Worker) string { return w.State.(string) }),
	})

	// The position save: delegates revising their replies in an open round.
	saveRound, err := benchSaveRound(ctx, st, d)
	if err != nil {
		return nil, err
	}
	saver := &positionSaver{round: saveRound, questions: d.Questions}
	pages = append(pages, benchPage{Key: "save", Title: "Position save", Path: "POST /rounds/" + strconv.FormatInt(saveRound, 10) + "/questions/{qid}",
		Role: "delegate", Limit: pageLimit, user: pickDelegate(d.Delegations), accept: []int{http.StatusConflict},
		setup: func(ctx context.Context, w *loadgen.Worker) error {
			u := pickDelegate(d.Delegations)(w.ID)
			s, err := saver.newState(ctx, st, u.Delegation.ID, w.ID)
			w.State = s
			return err
		},
		step: func(ctx context.Context, w *loadgen.Worker) error {
			_, _, _, err := saver.save(ctx, w, w.State.(*saveState))
			return err
		},
	})
	return pages, nil
}

// benchSaveRound is the open round the position-save page writes to:
// created on the first run (all bench delegations consulted, deadline a
// year ahead), reused by later ones.
func benchSaveRound(ctx context.Context, st *store.Store, d *benchData) (int64, error) {
	rounds, err := st.Rounds(ctx, dialogue.Viewer{SeeAll: true})
	if err != nil {
		return 0, err
	}
	now := time.Now()
	for _, r := range rounds {
		if r.Round.Title == benchSaveRoundTitle && r.Round.ClosedAt == nil && r.Round.Deadline.After(now.Add(time.Hour)) &&
			r.Round.DocumentID == d.Note.ID && !r.Round.OpensAt.After(now) {
			return r.Round.ID, nil
		}
	}
	p := d.Presidency[0]
	return st.CreateRound(ctx, dialogue.Actor{UserID: p.ID, Name: p.Email, RemoteAddr: "portal bench"}, store.NewRound{
		DocumentID: d.Note.ID, Title: benchSaveRoundTitle, OpensAt: now.Add(-time.Minute), Deadline: now.AddDate(1, 0, 0),
		DelegationIDs: d.AllIDs, ReleaseAudience: dialogue.ReleasePresidency})
}

// ---------------------------------------------------------------- saving positions

// positionSaver saves replies as a delegate's browser does: POST the reply
// form with the revision the page showed (base); on a conflict, take the
// current revision from the conflict page and save again on top of it.
type positionSaver struct {
	round     int64
	questions []dialogue.Question
}

// saveState is one worker's view of its delegation's replies.
type saveState struct {
	delegation int64
	worker     int
	rev        map[int64]int // question → latest revision seen
	next, seq  int
}

// savedReply is a save the portal acknowledged (303).
type savedReply struct {
	Delegation, Question int64
	Revision             int
	Body                 string
}

func (p *positionSaver) newState(ctx context.Context, st *store.Store, delegation int64, worker int) (*saveState, error) {
	s := &saveState{delegation: delegation, worker: worker, rev: map[int64]int{}, next: worker}
	ps, err := st.RoundPositions(ctx, p.round, delegation)
	for _, x := range ps {
		s.rev[x.QuestionID] = x.Revision
	}
	return s, err
}

// The conflict page ("A colleague changed this reply first") carries the
// reply form again, on top of the current revision.
var (
	conflictMark = []byte("A colleague changed this reply first")
	baseField    = regexp.MustCompile(`name="base" value="(\d+)"`)
)

type saveOutcome int

const (
	saveAccepted saveOutcome = iota + 1
	saveLate
	saveOther // conflicts given up, errors
)

// save saves the worker's next question (retrying up to three times on
// conflicts) and counts the outcomes: accepted, conflict, late. sent is
// when the request that met the outcome was sent: after a conflict, the
// retry's, not the first attempt's.
func (p *positionSaver) save(ctx context.Context, w *loadgen.Worker, s *saveState) (outcome saveOutcome, saved *savedReply, sent time.Time, err error) {
	q := p.questions[s.next%len(p.questions)]
	s.next++
	path := "/rounds/" + strconv.FormatInt(p.round, 10) + "/questions/" + strconv.FormatInt(q.ID, 10)
	for range 3 {
		s.seq++
		body := fmt.Sprintf("Reply %d of bench worker %d: the delegation supports the proposal.", s.seq, s.worker)
		form := url.Values{"base": {strconv.Itoa(s.rev[q.ID])}, "status": {string(dialogue.PositionSubmitted)}, "body": {body}}
		if len(q.Options) > 0 {
			form.Set("option", strconv.FormatInt(q.Options[s.seq%len(q.Options)].ID, 10))
		}
		sent = time.Now()
		resp, err := w.PostForm(ctx, path, form)
		if err != nil {
			return saveOther, nil, sent, err
		}
		switch {
		case resp.Status == http.StatusSeeOther:
			s.rev[q.ID]++
			w.Count("accepted")
			return saveAccepted, &savedReply{Delegation: s.delegation, Question: q.ID, Revision: s.rev[q.ID], Body: body}, sent, nil
		case resp.Status == http.StatusConflict && bytes.Contains(resp.Body, conflictMark):
			m := baseField.FindSubmatch(resp.Body)
			if m == nil {
				return saveOther, nil, sent, errors.New("conflict page without the reply form")
			}
			s.rev[q.ID], _ = strconv.Atoi(string(m[1]))
			w.Count("conflict")
			continue
		case resp.Status == http.StatusConflict && (bytes.Contains(resp.Body, []byte("deadline")) || bytes.Contains(resp.Body, []byte("closed"))):
			w.Count("late")
			return saveLate, nil, sent, nil
		case resp.Status == http.StatusConflict:
			return saveOther, nil, sent, errors.New("409 that is neither a conflict nor the deadline")
		case resp.Status >= 400:
			return saveOther, nil, sent, nil // counted as an error by the load generator
		default:
			return saveOther, nil, sent, fmt.Errorf("save: status %d, want 303", resp.Status)
		}
	}
	w.Count("conflict, gave up")
	return saveOther, nil, sent, nil
}

// ---------------------------------------------------------------- running

// pageResult is one row of the report.
type pageResult struct {
	Key, Title, Path, Role string
	Limit                  time.Duration
	MinRatio               float64
	RPS                    float64
	P50, P95, P99          time.Duration
	Requests, Errors       int
	ErrorKinds             map[string]int `json:",omitempty"`
	Counts                 map[string]int `json:",omitempty"`
	Ratio                  float64        // RPS / the trivial handler's
	Statements             float64        // per request, measured in-process
	RoundTrips             float64
	AloneP50               time.Duration // served alone, in-process (see alone)
	// Stolen is the share of the machine's CPU time the hypervisor gave to
	// others while the page was driven (steal in /proc/stat); -1 unknown.
	// A virtual machine's figures are only comparable at similar steal.
	Stolen  float64
	Pass    bool
	Skipped string `json:",omitempty"` // why the page could not be measured
}

func runPages(ctx context.Context, st *store.Store, base string, d *benchData, o benchOptions, rep *benchReport) error {
	pages, err := benchPages(ctx, st, d)
	if err != nil {
		return err
	}
	only := map[string]bool{}
	for _, k := range strings.Split(o.only, ",") {
		if k = strings.TrimSpace(k); k != "" {
			only[k] = true
		}
	}
	for k := range only {
		if !slices.ContainsFunc(pages, func(p benchPage) bool { return p.Key == k }) {
			return fmt.Errorf("bench: --only: no page %q", k)
		}
	}

	// What each page costs alone (statements, service time), measured in
	// this process on the same database.
	inproc := newCountingTransport(server.New(server.Config{}, st))

	// The ceiling: the trivial handler on the same router.
	cpu := readCPUTimes()
	trivial, err := loadgen.Run(ctx, loadgen.Scenario{Name: "trivial", Base: base, Workers: o.users,
		Warmup: o.warmup, Duration: o.duration, Step: getPage(fixed("/ping"))})
	if err != nil {
		return err
	}
	ping := resultRow(benchPage{Key: "ping", Title: "Trivial handler (the ceiling)", Path: "/ping", Role: "no session"}, trivial, trivial.RPS())
	ping.Stolen = cpu.stolenSince()
	ping.Pass = ping.Errors == 0
	rep.Trivial = ping
	progress(ping)

	for _, p := range pages {
		if len(only) > 0 && !only[p.Key] {
			continue
		}
		al, err := measureAlone(ctx, inproc, p, o)
		if err != nil {
			row := pageResult{Key: p.Key, Title: p.Title, Path: p.Path, Role: p.Role, Limit: p.Limit, Skipped: err.Error()}
			rep.Pages = append(rep.Pages, row)
			fmt.Fprintf(os.Stderr, "bench: %-22s skipped: %v\n", p.Key, err)
			continue
		}
		cpu := readCPUTimes()
		res, err := loadgen.Run(ctx, scenarioOf(p, base, o))
		if err != nil {
			row := pageResult{Key: p.Key, Title: p.Title, Path: p.Path, Role: p.Role, Limit: p.Limit, Skipped: err.Error()}
			rep.Pages = append(rep.Pages, row)
			fmt.Fprintf(os.Stderr, "bench: %-22s skipped: %v\n", p.Key, err)
			continue
		}
		row := resultRow(p, res, trivial.RPS())
		row.Statements, row.RoundTrips, row.AloneP50 = al.Statements, al.RoundTrips, al.P50
		row.Stolen = cpu.stolenSince()
		rep.Pages = append(rep.Pages, row)
		progress(row)
	}
	return nil
}

func progress(r pageResult) {
	fmt.Fprintf(os.Stderr, "bench: %-22s %8.0f req/s  p50 %-9s p99 %-9s errors %d  CPU stolen %s\n", r.Key, r.RPS,
		fmtDuration(r.P50), fmtDuration(r.P99), r.Errors, stolenCell(r.Stolen))
}

func scenarioOf(p benchPage, base string, o benchOptions) loadgen.Scenario {
	return loadgen.Scenario{Name: p.Key, Base: base, Workers: o.users, Warmup: o.warmup, Duration: o.duration,
		Accept: p.accept, Setup: setupOf(p, o.password), Step: p.step}
}

// setupOf signs the worker in as the page's user, then runs the page's own setup.
func setupOf(p benchPage, password string) func(ctx context.Context, w *loadgen.Worker) error {
	return func(ctx context.Context, w *loadgen.Worker) error {
		if p.user != nil {
			if err := w.Login(ctx, p.user(w.ID).Email, password); err != nil {
				return err
			}
		}
		if p.setup != nil {
			return p.setup(ctx, w)
		}
		return nil
	}
}

func resultRow(p benchPage, r *loadgen.Result, trivialRPS float64) pageResult {
	row := pageResult{Key: p.Key, Title: p.Title, Path: p.Path, Role: p.Role, Limit: p.Limit, MinRatio: p.MinRatio,
		RPS: r.RPS(), P50: r.Percentile(50), P95: r.Percentile(95), P99: r.Percentile(99),
		Requests: r.Requests, Errors: r.Errors, ErrorKinds: r.ErrorKinds, Counts: r.Counts}
	if trivialRPS > 0 {
		row.Ratio = row.RPS / trivialRPS
	}
	row.Pass = row.Errors == 0 && row.Requests > 0 && (p.Limit == 0 || row.P99 < p.Limit) && row.Ratio >= p.MinRatio
	return row
}

// alone is what one request of a page costs with nobody else asking,
// measured in this process through the portal's own handler on the bench
// database: the statements it sends (and their round trips), and the
// median time to serve it over a second of requests one after another.
// Neither depends on the load generator or on the machine being busy with
// other things, which makes them the cleanest measure of growth.
type alone struct {
	Statements, RoundTrips float64
	P50                    time.Duration
}

func measureAlone(ctx context.Context, tr *countingTransport, p benchPage, o benchOptions) (alone, error) {
	var a alone
	sc := loadgen.Scenario{Name: p.Key, Base: "http://127.0.0.1:8080", Workers: 1, Operations: 1, Transport: tr,
		Accept: p.accept, Setup: setupOf(p, o.password), Step: p.step}
	team, err := loadgen.NewTeam(ctx, sc)
	if err != nil {
		return a, err
	}
	tr.reset(true)
	res, err := team.Run(ctx)
	n := float64(tr.requests.Load())
	a.Statements, a.RoundTrips = float64(tr.statements.Load())/n, float64(tr.roundTrips.Load())/n
	tr.reset(false)
	if err != nil {
		return a, err
	}
	if res.Errors > 0 {
		return a, fmt.Errorf("in-process request failed: %v", res.ErrorKinds)
	}
	if n == 0 {
		return a, errors.New("no request counted")
	}
	team.Scenario.Operations, team.Scenario.Duration = 500, time.Second
	if res, err = team.Run(ctx); err != nil {
		return a, err
	}
	a.P50 = res.Percentile(50)
	if o.profile != "" {
		return a, profileAlone(ctx, team, filepath.Join(o.profile, p.Key+".pprof"), o.duration)
	}
	return a, nil
}

// profileAlone writes a CPU profile of the portal's handler serving the
// team's page for d, one request after another: where the portal's own
// time goes (the database's is in the waits), to read with go tool pprof.
func profileAlone(ctx context.Context, team *loadgen.Team, path string, d time.Duration) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return errors.Join(err, f.Close())
	}
	team.Scenario.Operations, team.Scenario.Duration = 0, d
	_, err = team.Run(ctx)
	pprof.StopCPUProfile()
	return errors.Join(err, f.Close())
}

// countingTransport serves requests with a handler in this process, each
// with a store.WithQueryCount context when counting is on.
type countingTransport struct {
	h                                http.Handler
	on                               atomic.Bool
	requests, statements, roundTrips atomic.Int64
}

func newCountingTransport(h http.Handler) *countingTransport { return &countingTransport{h: h} }

func (t *countingTransport) reset(on bool) {
	t.requests.Store(0)
	t.statements.Store(0)
	t.roundTrips.Store(0)
	t.on.Store(on)
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var qc *store.QueryCount
	if t.on.Load() {
		ctx, qc = store.WithQueryCount(ctx)
	}
	in := req.Clone(ctx)
	in.RemoteAddr = "127.0.0.1:40000"
	in.RequestURI = req.URL.RequestURI()
	in.Host = req.URL.Host
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	if qc != nil {
		t.requests.Add(1)
		t.statements.Add(qc.Statements())
		t.roundTrips.Add(qc.RoundTrips())
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
