package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/benchdata"
	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

const growthPassword = "growth test password"

// dataset is a generated database with the handler on it and the targets
// its pages are asked about.
type dataset struct {
	st         *store.Store
	h          http.Handler
	presidency asUser
	secretary  asUser
	delegate   asUser
	round      int64
	question   int64
	document   int64
	meeting    int64
	token      string
}

func generated(t *testing.T, years int) dataset {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.Store(t)
	now := time.Now()
	if _, err := benchdata.Generate(ctx, st, benchdata.Options{Years: years, Now: now, Seed: 7, Password: growthPassword}); err != nil {
		t.Fatalf("generate %d years: %v", years, err)
	}
	ds := dataset{st: st, h: newHandlerAt(t, st, time.Now)}
	signIn := func(email string) asUser {
		u, _, err := st.UserForLogin(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		c, rec := login(t, ds.h, email, growthPassword)
		if c == nil {
			t.Fatalf("sign in %s: %d", email, rec.Code)
		}
		return asUser{h: ds.h, cookie: c, user: u}
	}
	ds.presidency = signIn("bench.presidency.1@" + benchdata.Domain)
	ds.secretary = signIn("bench.secretariat.1@" + benchdata.Domain)
	ds.delegate = signIn("bench.be.1@" + benchdata.Domain)

	all := dialogue.Viewer{SeeAll: true}
	rounds, _, err := st.FindRounds(ctx, all, store.RoundFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rounds { // the newest released round consulting BE
		if r.Round.ReleasedAt == nil || r.Round.ClosedAt == nil {
			continue
		}
		ps, err := st.RoundPositions(ctx, r.Round.ID, ds.delegate.user.DelegationID)
		if err == nil && len(ps) > 0 {
			ds.round, ds.question = r.Round.ID, ps[0].QuestionID
			break
		}
	}
	be := viewerOf(ds.delegate)
	// The same kind of document in both datasets (its page reads related
	// documents and its dialogue only when it has them): the newest LIMITE
	// one of a dialogue that follows no previous document and revises none.
	// Which one is newest depends on the day the data is generated for.
	docs, err := st.Documents(ctx, store.DocumentFilter{Viewer: be, Marking: dialogue.MarkingLimite, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs.Documents {
		if d.PreviousDocumentID == 0 && d.RevisesID == 0 && d.DialogueID != 0 {
			ds.document = d.ID
			break
		}
	}
	if ds.document == 0 {
		t.Fatalf("no LIMITE dialogue document for BE among %d", len(docs.Documents))
	}
	// The same kind of meeting in both datasets: a COSI meeting (a dialogue
	// meeting also loads its dialogue's priorities).
	ms, err := st.VisibleMeetings(ctx, be, store.MeetingFilter{Now: now, Level: dialogue.LevelCOSI, Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("a meeting for BE: %v", err)
	}
	ds.meeting = ms[0].ID
	if ds.token, err = st.CalendarToken(ctx, ds.delegate.user.ID); err != nil {
		t.Fatal(err)
	}
	if ds.round == 0 {
		t.Fatal("no released round consulting BE")
	}
	return ds
}

func viewerOf(u asUser) dialogue.Viewer {
	return dialogue.Viewer{UserID: u.user.ID, DelegationID: u.user.DelegationID, DelegationKind: u.user.Delegation.Kind}
}

// statements asks for a page with a counting context and returns how many
// SQL statements it took and the size of the page.
func (ds dataset) statements(t *testing.T, h http.Handler, path string) (statements int64, bytes int) {
	t.Helper()
	ctx, count := store.WithQueryCount(context.Background())
	req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("GET %s: %d", path, rec.Code)
	}
	return count.Statements(), rec.Body.Len()
}

// TestQueryCountDoesNotGrowWithData: every page that matters takes the same
// number of SQL statements on one year of activity and on ten, and every
// list is about as long: a page that lists everything grows with the years
// (the dialogue page listed a decade of documents and meetings, 534 KB
// against 84 on one year). A page about one round, document or meeting is
// as long as that object (its questions, its replies, its text), and the
// datasets' objects differ, more or less by the day the data is generated
// for: on 20 April 2027, the round's pages were half as long again on ten
// years as on one, with three more questions. Their length is not
// compared; their statements are.
func TestQueryCountDoesNotGrowWithData(t *testing.T) {
	small, large := generated(t, 1), generated(t, 10)
	type page struct {
		who  string
		path func(dataset) string
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	// The lists, and the pages about the dataset's round, document or
	// meeting (their length is that object's).
	lists := []page{
		{"presidency", func(dataset) string { return "/" }},
		{"delegate", func(dataset) string { return "/" }},
		{"secretary", func(dataset) string { return "/" }},
		{"delegate", func(dataset) string { return "/documents?marking=LIMITE&code=COSI" }},
		{"delegate", func(dataset) string { return "/search?q=trafficking" }},
		{"presidency", func(dataset) string { return "/search?q=trafficking" }},
		{"presidency", func(dataset) string { return "/rounds" }},
		{"delegate", func(dataset) string { return "/rounds" }},
		{"delegate", func(dataset) string { return "/meetings" }},
		{"delegate", func(dataset) string { return "/meetings?view=month" }},
		{"presidency", func(dataset) string { return "/dialogues/med" }},
		{"delegate", func(dataset) string { return "/dialogues/med" }},
		{"delegate", func(dataset) string { return "/documents?dialogue=med" }},
		{"presidency", func(dataset) string { return "/delegations" }},
		{"secretary", func(dataset) string { return "/users" }},
		{"secretary", func(dataset) string { return "/audit" }},
		{"presidency", func(dataset) string { return "/drafts" }},
		{"anonymous", func(d dataset) string { return "/calendar/" + d.token + ".ics" }},
	}
	objects := []page{
		{"delegate", func(d dataset) string { return "/documents/" + id(d.document) }},
		{"presidency", func(d dataset) string { return "/rounds/" + id(d.round) }},
		{"delegate", func(d dataset) string { return "/rounds/" + id(d.round) }},
		{"presidency", func(d dataset) string { return "/rounds/" + id(d.round) + "/matrix" }},
		{"presidency", func(d dataset) string { return "/rounds/" + id(d.round) + "/compilation" }},
		{"delegate", func(d dataset) string { return "/rounds/" + id(d.round) + "/compilation" }},
		{"presidency", func(d dataset) string { return "/rounds/" + id(d.round) + "/export.csv" }},
		{"presidency", func(d dataset) string { return "/rounds/" + id(d.round) + "/export.json" }},
		{"secretary", func(d dataset) string { return "/meetings/" + id(d.meeting) }},
		{"delegate", func(d dataset) string { return "/meetings/" + id(d.meeting) }},
	}
	handler := func(d dataset, who string) http.Handler {
		switch who {
		case "presidency":
			return d.presidency
		case "secretary":
			return d.secretary
		case "delegate":
			return d.delegate
		}
		return d.h
	}
	var report []string
	for i, p := range append(lists, objects...) {
		object := i >= len(lists)
		a, aBytes := small.statements(t, handler(small, p.who), p.path(small))
		b, bBytes := large.statements(t, handler(large, p.who), p.path(large))
		report = append(report, fmt.Sprintf("%-10s %-40s %3d %3d %8d %8d", p.who, strings.SplitN(p.path(small), "?", 2)[0], a, b, aBytes, bBytes))
		if a != b || a == 0 {
			t.Errorf("%s as %s: %d statements on one year, %d on ten", p.path(small), p.who, a, b)
		}
		if !object && float64(bBytes) > 1.5*float64(aBytes) {
			t.Errorf("%s as %s: %d bytes on one year, %d on ten", p.path(small), p.who, aBytes, bBytes)
		}
	}
	sort.Strings(report)
	t.Logf("statements per page and its size (1 year, 10 years):\n%s", strings.Join(report, "\n"))
}
