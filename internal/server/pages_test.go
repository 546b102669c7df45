package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Every page answers 200 on the demo data, with the security headers, no
// inline style or script, and the content it exists for.
func TestPagesWithDemoData(t *testing.T) {
	h, st := demoServer(t)
	doc5559 := strconv.FormatInt(documentID(t, st, "5559/26"), 10)
	pages := []struct {
		path string
		want []string
	}{
		{"/", []string{"Presidency", "Delegations", "Secretariat", "Next meetings", "Latest documents",
			"5559/26", "Tue 8 Dec 2026, 10:00–13:00 CET", `href="/documents"`, `href="/meetings"`, "For the Presidency"}},
		{"/delegations", []string{"Member states", "Belgium", "Belgique/België", "Ελλάδα", "EU institutions",
			"Partners", "Phase 1", "Phase 2", "Not started", "Observers", "Europol",
			"Palestine", `href="#note-1"`, `id="note-1"`, dialogue.PalestineFootnote}},
		{"/dialogues/med", []string{"EU–Mediterranean", "Partners and observers", "Thematic priorities",
			"Initial priorities", "Possible future additions", "2026-2029", "Existing initiatives", "EuroMed Police",
			"Coverage", "gap", "5559/26", "Meetings", "Palestine", dialogue.PalestineFootnote,
			`<span class="visually-hidden">: Algeria</span>`,
			`<a href="/documents?dialogue=med">All documents about this dialogue in the register</a>`,
			`<a href="/meetings?dialogue=med&amp;view=month">Earlier meetings of this dialogue, month by month</a>`}},
		{"/dialogues/clasi", []string{"CLASI", "6762/22"}},
		{"/documents", []string{"5559/26", "9375/25", "6762/22", "LIMITE", "<caption>", `<label for="f-year">`}},
		{"/documents/" + doc5559, []string{"5559/26", "(OR. en)", "LIMITE", "Brussels, <time", "12 February 2026",
			"COSI 11", "JAI 79", "EUROJUST", "NOTE", "From:", "Presidency", "To:", "Delegations", "Subject:",
			"Regional dialogue on internal security with the Mediterranean", dialogue.PalestineFootnote,
			`href="#fn-3"`, `id="fn-3"`, "Questions to delegations",
			"Do you agree with the Presidency&#39;s proposal regarding the thematic scope",
			"How to best articulate the new dialogue with existing initiatives",
			"Do you agree with the arrangements for the dialogue proposed above",
			"a phased approach, starting with a small number of partners", "including all ten partners from the start",
			`href="/dialogues/med"`}},
		{"/missions", []string{"EUCAP Sahel Niger", "EUAM Ukraine", "Closed", "Frontex working arrangement", "Yes"}},
		{"/meetings", []string{"Upcoming", "Past", "Tue 8 Dec 2026, 10:00–13:00 CET", "Local time",
			"Back-to-back with", "Demo", "COSI", "Ireland (July–December 2026)"}},
		{"/actions", []string{"PREVENTION", "Tunisia", "Next steps"}},
	}
	for _, p := range pages {
		r := get(t, h, p.path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", p.path, r.status)
			continue
		}
		checkSecurityHeaders(t, p.path, r.header)
		checkHTML(t, p.path, r.body)
		r.mustContain(t, p.path, p.want...)
	}
}

func TestDocumentPage(t *testing.T) {
	h, st := demoServer(t)
	path := "/documents/" + strconv.FormatInt(documentID(t, st, "5559/26"), 10)
	r := get(t, h, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s = %d", path, r.status)
	}
	doc := checkHTML(t, path, r.body)
	text := func(id string) string {
		n := byID(doc, id)
		if n == nil {
			t.Fatalf("GET %s: no element #%s", path, id)
		}
		return strings.Join(strings.Fields(textOf(n)), " ")
	}
	// The footnote marker on Palestine in the body links to footnote 3.
	if !regexp.MustCompile(`Palestine<sup class="fnref"><a href="#fn-3" id="fnref-3">`).MatchString(r.body) {
		t.Errorf("Palestine carries no footnote marker to #fn-3")
	}
	if got := text("fn-3"); !strings.Contains(got, dialogue.PalestineFootnote) {
		t.Errorf("footnote 3 = %q", got)
	}
	// The questions come once, in order, with their kinds and options.
	qs := text("doc-questions-title")
	if qs != "Questions to delegations" {
		t.Errorf("questions heading = %q", qs)
	}
	if n := strings.Count(r.body, "How to best articulate the new dialogue"); n != 1 {
		t.Errorf("question 2 appears %d times, want once", n)
	}
	var items []string
	walk(doc, func(n *nodeT) {
		if isElement(n, "li") && n.Parent != nil && isElement(n.Parent, "ol") && hasClass(n.Parent, "questions") {
			items = append(items, strings.Join(strings.Fields(textOf(n)), " "))
		}
	})
	if len(items) != 3 {
		t.Fatalf("%d questions, want 3: %q", len(items), items)
	}
	for i, want := range []string{"Do you agree with the Presidency's proposal", "How to best articulate", "Do you agree with the arrangements"} {
		if !strings.HasPrefix(items[i], want) {
			t.Errorf("question %d = %q, want it to start with %q", i+1, items[i], want)
		}
	}
	if !strings.Contains(items[0], "i) a phased approach") || !strings.Contains(items[0], "ii) including all ten partners") {
		t.Errorf("question 1 lacks its options: %q", items[0])
	}
	if !strings.Contains(items[1], "Answer: Free text") {
		t.Errorf("question 2 lacks its kind: %q", items[1])
	}

	// 6762/22: French original, no marking, previous document as printed.
	path = "/documents/" + strconv.FormatInt(documentID(t, st, "6762/22"), 10)
	r = get(t, h, path)
	r.mustContain(t, path, "(OR. fr)", "No. prev. doc.:", "6314/1/22", "3 March 2022")
	r.mustNotContain(t, path, "LIMITE")
	// 9375/25: the "On:" line between From and To.
	path = "/documents/" + strconv.FormatInt(documentID(t, st, "9375/25"), 10)
	r = get(t, h, path)
	if !regexp.MustCompile(`From:.*Presidency.*On:.*10 June 2025.*To:.*Working Party on External Aspects`).MatchString(r.body) {
		t.Errorf("9375/25: no From / On / To lines in order")
	}
}

func TestDocumentFilters(t *testing.T) {
	h, _ := demoServer(t)
	cases := []struct {
		query       string
		want, never []string
	}{
		{"marking=LIMITE", []string{"5559/26", "9375/25"}, []string{">6762/22<"}},
		{"marking=none", []string{"6762/22"}, []string{">5559/26<", ">9375/25<"}},
		{"year=2022", []string{"6762/22"}, []string{">5559/26<"}},
		{"code=med", []string{"5559/26"}, []string{">9375/25<", ">6762/22<"}},
		{"code=COSI&marking=LIMITE&year=2025", []string{"9375/25"}, []string{">5559/26<", ">6762/22<"}},
		{"series=WK", []string{"No documents match."}, []string{">5559/26<"}},
		{"dialogue=med", []string{"5559/26", `<option value="med" selected>`}, []string{">9375/25<", ">6762/22<"}},
		{"dialogue=CLASI&marking=none", []string{"6762/22", `<option value="clasi" selected>`}, []string{">5559/26<", ">9375/25<"}},
	}
	for _, c := range cases {
		path := "/documents?" + c.query
		r := get(t, h, path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s = %d", path, r.status)
		}
		r.mustContain(t, path, c.want...)
		r.mustNotContain(t, path, c.never...)
	}
	// Newest first.
	r := get(t, h, "/documents")
	if a, b, c := strings.Index(r.body, ">5559/26<"), strings.Index(r.body, ">9375/25<"), strings.Index(r.body, ">6762/22<"); !(a < b && b < c) {
		t.Errorf("register not newest first: %d %d %d", a, b, c)
	}

	// A bad year: a message beside the field, the input kept, no results.
	path := "/documents?year=20x6&marking=LIMITE"
	r = get(t, h, path)
	if r.status != http.StatusOK {
		t.Errorf("GET %s = %d", path, r.status)
	}
	doc := checkHTML(t, path, r.body)
	year := byID(doc, "f-year")
	if year == nil || attr(year, "value") != "20x6" || attr(year, "aria-invalid") != "true" {
		t.Fatalf("year field not kept or not marked invalid: %v", year)
	}
	if e := byID(doc, "f-year-error"); e == nil || !strings.Contains(textOf(e), "four digits") {
		t.Errorf("no message beside the year field")
	}
	if !strings.Contains(attr(year, "aria-describedby"), "f-year-error") {
		t.Errorf("year field not described by its error")
	}
	r.mustContain(t, path, `<option value="LIMITE" selected>`)
	r.mustNotContain(t, path, ">5559/26<")

	// A dialogue that does not exist: said beside the list, the other
	// filters kept, no results.
	path = "/documents?dialogue=atlantis&year=2026"
	r = get(t, h, path)
	doc = checkHTML(t, path, r.body)
	if e := byID(doc, "f-dialogue-error"); e == nil || !strings.Contains(textOf(e), "Choose a dialogue from the list") {
		t.Errorf("no message beside the dialogue list")
	}
	if d := byID(doc, "f-dialogue"); d == nil || attr(d, "aria-invalid") != "true" {
		t.Errorf("dialogue list not marked invalid: %v", d)
	}
	if y := byID(doc, "f-year"); y == nil || attr(y, "value") != "2026" {
		t.Errorf("year not kept: %v", y)
	}
	r.mustContain(t, path, `<option value="med">`, `<option value="clasi">`)
	r.mustNotContain(t, path, ">5559/26<")
}

func TestNotFound(t *testing.T) {
	h, _ := demoServer(t)
	for _, path := range []string{"/documents/999999", "/documents/abc", "/documents/-1", "/dialogues/atlantis", "/no/such/page", "/static/nope.css", "/static/"} {
		r := get(t, h, path)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, r.status)
			continue
		}
		checkSecurityHeaders(t, path, r.header)
		checkHTML(t, path, r.body)
		r.mustContain(t, path, "Page not found", `<nav aria-label="Main"`)
	}
}

func TestStaticFiles(t *testing.T) {
	h, _ := emptyServer(t)
	for path, ctype := range map[string]string{"/static/site.css": "text/css", "/static/htmx.min.js": "javascript"} {
		r := get(t, h, path)
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), ctype) {
			t.Errorf("GET %s = %d %s", path, r.status, r.header.Get("Content-Type"))
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("GET %s: Cache-Control %q", path, cc)
		}
		checkSecurityHeaders(t, path, r.header)
	}
	// The pages link them with a content version.
	r := get(t, h, "/")
	if !regexp.MustCompile(`href="/static/site.css\?v=[0-9a-f]{12}"`).MatchString(r.body) {
		t.Errorf("home page does not link the versioned style sheet")
	}
}

func TestHealthz(t *testing.T) {
	h, st := emptyServer(t)
	r := get(t, h, "/healthz")
	if r.status != http.StatusOK || strings.TrimSpace(r.body) != "ok" {
		t.Errorf("GET /healthz = %d %q", r.status, r.body)
	}
	checkSecurityHeaders(t, "/healthz", r.header)
	st.Close()
	r = get(t, h, "/healthz")
	if r.status != http.StatusServiceUnavailable || strings.TrimSpace(r.body) != "database unavailable" {
		t.Errorf("GET /healthz on a closed store = %d %q", r.status, r.body)
	}
}

// A failing database gives the 500 page, which shows no internals.
func TestInternalErrorPage(t *testing.T) {
	h, st := emptyServer(t)
	st.Close()
	r := get(t, h, "/documents")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("GET /documents on a closed store = %d", r.status)
	}
	checkSecurityHeaders(t, "/documents", r.header)
	checkHTML(t, "/documents", r.body)
	r.mustContain(t, "/documents", "Something went wrong")
	r.mustNotContain(t, "/documents", "closed pool", "store:", "pgx")
}

// The register pages by 50, and the page links keep the filters.
func TestDocumentPagination(t *testing.T) {
	st, url := dbtest.Store(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Exec(ctx, `
		INSERT INTO documents (series, number, year, doc_date, marking, sender, recipients, subject, status, issued_at)
		SELECT 'ST', n, 2026, date '2026-01-01' + n, 'LIMITE', 'Presidency', 'Delegations', 'Note ' || n, 'issued', now()
		FROM generate_series(1, 60) AS n`)
	c.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := signedIn(t, newHandler(t, st), st, dialogue.RolePresidency, "")

	r := get(t, h, "/documents?marking=LIMITE&year=2026")
	if n := strings.Count(r.body, `<tr><th scope="row"`); n != 50 {
		t.Errorf("first page has %d rows, want 50", n)
	}
	r.mustContain(t, "page 1", `href="/documents?marking=LIMITE&amp;page=2&amp;year=2026"`, `rel="next"`)
	r.mustNotContain(t, "page 1", `rel="prev"`)

	r = get(t, h, "/documents?marking=LIMITE&year=2026&page=2")
	if n := strings.Count(r.body, `<tr><th scope="row"`); n != 10 {
		t.Errorf("second page has %d rows, want 10", n)
	}
	r.mustContain(t, "page 2", `href="/documents?marking=LIMITE&amp;year=2026"`, `rel="prev"`, ">1/26<")
	r.mustNotContain(t, "page 2", `rel="next"`, ">60/26<")
}

func TestMeetingFilters(t *testing.T) {
	h, _ := demoServer(t)
	r := get(t, h, "/meetings?dialogue=med")
	r.mustContain(t, "med", "senior officials&#39; meeting", "EU-MENA States Ministerial Conference", `<option value="med" selected>`)
	r.mustNotContain(t, "med", "COSI meeting (Demo)</")
	r = get(t, h, "/meetings?dialogue=cosi&level=cosi")
	r.mustContain(t, "cosi", "COSI meeting (Demo)")
	r.mustNotContain(t, "cosi", "Ministerial Conference")
	// The Lisbon conference shows its local time beside Brussels time.
	r = get(t, h, "/meetings?level=ministerial")
	r.mustContain(t, "ministerial", "Thu 13 Nov 2025, 10:00 – Fri 14 Nov 2025, 14:00 CET", "Local time: Thu 13 Nov 2025, 09:00 – Fri 14 Nov 2025, 13:00 WET")

	path := "/meetings?dialogue=atlantis&level=summit"
	r = get(t, h, path)
	doc := checkHTML(t, path, r.body)
	for _, id := range []string{"f-dialogue-error", "f-level-error"} {
		if byID(doc, id) == nil {
			t.Errorf("GET %s: no message #%s", path, id)
		}
	}
}

// The distribution line names the added recipients once, without markup
// leaking as text, and agreement options print once.
func TestDocumentDistributionAndOptionsRender(t *testing.T) {
	h, st := demoServer(t)
	path := "/documents/" + strconv.FormatInt(documentID(t, st, "5559/26"), 10)
	r := get(t, h, path)
	r.mustNotContain(t, path, "@DelegationNames", "AgreeAgree", " , and:")
	r.mustContain(t, path, "(member states, Commission, EEAS), and: ")
	doc := checkHTML(t, path, r.body)
	var labels []string
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "span" && attr(n, "class") == "option-label" {
			labels = append(labels, textOf(n.Parent))
		}
	})
	if len(labels) != 5 || strings.TrimSpace(labels[2]) != "Agree" {
		t.Fatalf("options as printed: %q", labels)
	}
}
