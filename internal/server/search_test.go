package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
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
