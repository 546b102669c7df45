package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/server"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// fixedNow is the instant the tests run at: after 5559/26 (12 February
// 2026), before the meetings the demo schedules for later in 2026.
var fixedNow = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

func newHandler(t *testing.T, st *store.Store) http.Handler {
	t.Helper()
	return newHandlerAt(t, st, func() time.Time { return fixedNow })
}

// newHandlerAt is the portal with the given clock (time.Now for workflows
// whose deadlines the database checks against real time).
func newHandlerAt(t *testing.T, st *store.Store, now func() time.Time) http.Handler {
	t.Helper()
	var logs bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return server.New(server.Config{Log: log, Now: now}, st)
}

// emptyServer is the portal on a freshly migrated, empty database, as seen
// by a signed-in Presidency user (who may see every page).
func emptyServer(t *testing.T) (http.Handler, *store.Store) {
	t.Helper()
	st, _ := dbtest.Store(t)
	return signedIn(t, newHandler(t, st), st, dialogue.RolePresidency, ""), st
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, h http.Handler, path string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return response{status: rec.Code, header: rec.Result().Header, body: string(b)}
}

func (r response) mustContain(t *testing.T, path string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.body, w) {
			t.Errorf("GET %s: body lacks %q", path, w)
		}
	}
}

func (r response) mustNotContain(t *testing.T, path string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(r.body, w) {
			t.Errorf("GET %s: body has %q", path, w)
		}
	}
}

// checkSecurityHeaders asserts the headers every response carries.
func checkSecurityHeaders(t *testing.T, path string, h http.Header) {
	t.Helper()
	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("GET %s: %s = %q, want %q", path, k, got, v)
		}
	}
}

// checkHTML parses a page and asserts what the Content-Security-Policy and
// accessibility need: no style attributes, no <style> elements, no inline
// script content, one <main id="main">, lang="en", every form field
// labelled, every table captioned and its header cells scoped.
var leakedComponent = regexp.MustCompile(`@[A-Z][A-Za-z]*\(`)

func checkHTML(t *testing.T, path, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: parse HTML: %v", path, err)
	}
	// A templ component called inside a line of text is printed as text.
	if call := leakedComponent.FindString(body); call != "" {
		t.Errorf("GET %s: the page shows the template call %q", path, call)
	}
	labels := map[string]bool{}
	var fields []string
	mains := 0
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			if a.Key == "style" {
				t.Errorf("GET %s: <%s> has a style attribute %q", path, n.Data, a.Val)
			}
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("GET %s: <%s> has an inline event handler %s", path, n.Data, a.Key)
			}
		}
		switch n.Data {
		case "html":
			if attr(n, "lang") != "en" {
				t.Errorf("GET %s: <html lang=%q>", path, attr(n, "lang"))
			}
		case "style":
			t.Errorf("GET %s: page has a <style> element", path)
		case "script":
			if strings.TrimSpace(textOf(n)) != "" {
				t.Errorf("GET %s: inline script content %q", path, textOf(n))
			}
			if attr(n, "src") == "" {
				t.Errorf("GET %s: <script> without src", path)
			}
		case "main":
			mains++
			if attr(n, "id") != "main" {
				t.Errorf("GET %s: <main id=%q>", path, attr(n, "id"))
			}
		case "label":
			labels[attr(n, "for")] = true
		case "input", "select", "textarea":
			if attr(n, "type") != "hidden" && attr(n, "type") != "submit" {
				fields = append(fields, attr(n, "id"))
			}
		case "table":
			if find(n, func(c *html.Node) bool { return c.Type == html.ElementNode && c.Data == "caption" }) == nil {
				t.Errorf("GET %s: a table has no caption", path)
			}
		case "th":
			if attr(n, "scope") == "" {
				t.Errorf("GET %s: <th> %q without scope", path, strings.TrimSpace(textOf(n)))
			}
		}
	})
	if mains != 1 {
		t.Errorf("GET %s: %d <main> elements", path, mains)
	}
	for _, id := range fields {
		if id == "" || !labels[id] {
			t.Errorf("GET %s: form field %q has no <label for>", path, id)
		}
	}
	return doc
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) {
		if found == nil && c != n && match(c) {
			found = c
		}
	})
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// byID returns the element with the given id, or nil.
func byID(doc *html.Node, id string) *html.Node {
	return find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == id })
}

// demoServer is the portal on a database holding the demo dataset.
func demoServer(t *testing.T) (http.Handler, *store.Store) {
	t.Helper()
	st, _ := dbtest.Store(t)
	if _, err := demo.Load(context.Background(), st, fixedNow); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	return signedIn(t, newHandler(t, st), st, dialogue.RolePresidency, ""), st
}

// documentID finds a document of the register by its reference.
func documentID(t *testing.T, st *store.Store, ref string) int64 {
	t.Helper()
	list, err := st.Documents(context.Background(), store.DocumentFilter{Viewer: dialogue.Viewer{SeeAll: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Documents {
		if d.Reference() == ref {
			return d.ID
		}
	}
	t.Fatalf("document %s not in the register", ref)
	return 0
}

type nodeT = html.Node

func isElement(n *html.Node, tag string) bool { return n.Type == html.ElementNode && n.Data == tag }

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}
