package server_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

func TestSearchPage(t *testing.T) {
	raw, st := demoServerRaw(t)
	be := signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	tn := signedIn(t, raw, st, dialogue.RoleDelegate, "TN")

	r := get(t, be, "/search?q=Estoril")
	if r.status != http.StatusOK {
		t.Fatalf("search: %d", r.status)
	}
	checkHTML(t, "/search?q=Estoril", r.body)
	r.mustContain(t, "/search as BE", "5559/26", "<mark>Estoril</mark>", "Documents (1)")

	r = get(t, tn, "/search?q=Estoril")
	r.mustContain(t, "/search as TN", "Documents (0)", "No document matches.")
	r.mustNotContain(t, "/search as TN", "5559/26", "Regional dialogue")

	// The passage is text: markup in a query or a document is escaped.
	r = get(t, be, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
	if r.status != http.StatusOK || strings.Contains(r.body, "<script>alert") {
		t.Fatalf("query not escaped: %d", r.status)
	}
	long := strings.Repeat("a", 201)
	if r := get(t, be, "/search?q="+long); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "at most 200 characters") {
		t.Fatalf("long query: %d", r.status)
	}
	empty := get(t, be, "/search")
	checkHTML(t, "/search", empty.body)
}

// TestSearchPages: a list longer than a page ends in a link to its older
// results, which shows that list alone and goes on where the page before
// stopped; an altered link is refused with a message and the search box.
func TestSearchPages(t *testing.T) {
	raw, st := demoServerRaw(t)
	be := signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	addZanzibarNotes(t, st)
	r := get(t, be, "/search?q=zanzibar")
	checkHTML(t, "/search?q=zanzibar", r.body)
	// 25 notes, note 1 the newest: pages of 1–10, 11–20 and 21–25.
	r.mustContain(t, "/search?q=zanzibar", "Documents (newest 10)", "Zanzibar note 10<", "Older documents", "Replies (0)")
	r.mustNotContain(t, "/search?q=zanzibar", "Zanzibar note 11<", "Older replies", "Back to the newest results")
	olderLink := func(body string) string {
		t.Helper()
		link := regexp.MustCompile(`href="(/search\?[^"]*list=documents[^"]*)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatal("no link to the older documents")
		}
		return html.UnescapeString(link[1])
	}
	older := olderLink(r.body)
	r = get(t, be, older)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", older, r.status)
	}
	checkHTML(t, older, r.body)
	r.mustContain(t, older, "Older documents (10)", "Zanzibar note 11<", "Zanzibar note 20<", "Back to the newest results", `href="/search?q=zanzibar"`)
	r.mustNotContain(t, older, "Zanzibar note 10<", "Zanzibar note 21<", "Replies (")
	older = olderLink(r.body)
	r = get(t, be, older)
	checkHTML(t, older, r.body)
	r.mustContain(t, older, "Older documents (5)", "Zanzibar note 21<", "Zanzibar note 25<", "Back to the newest results")
	r.mustNotContain(t, older, "Zanzibar note 20<", "Replies (", "Older documents</a>")

	for _, bad := range []string{"list=documents&after=2026-10-11", "list=replies&after=x.y", "list=elsewhere&after=1", "after=1.2",
		"list=documents&after=2026-10-11.99999999999.1.1", "list=documents&after=2026-10-11.2026.-1.1",
		"list=replies&after=999999999999999999.1", "list=replies&after=1.-1"} {
		path := "/search?q=zanzibar&" + bad
		r := get(t, be, path)
		if r.status != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", path, r.status)
		}
		r.mustContain(t, path, "This link to more results is not valid: search again.", `value="zanzibar"`)
		r.mustNotContain(t, path, "Zanzibar note")
	}
}

// addZanzibarNotes adds 25 notes on Zanzibar distributed to the
// delegations, one a day, newest first numbered 1/26 to 25/26: more than
// a page of search results.
func addZanzibarNotes(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := st.Pool().Exec(context.Background(), `
		INSERT INTO documents (number, year, doc_date, sender, recipients, subject, body_md, status, issued_at, audience)
		SELECT i, 2026, date '2026-10-31' - i, 'Presidency', 'Delegations', 'Zanzibar note ' || i, 'On Zanzibar.', 'issued', now(), 'delegations'
		FROM generate_series(1, 25) i`); err != nil {
		t.Fatal(err)
	}
}
