package server_test

import (
	"net/http"
	"testing"
)

// An empty database (before the demo or any data) must not break a page.
func TestPagesOnEmptyDatabase(t *testing.T) {
	h, _ := emptyServer(t)
	for _, path := range []string{"/", "/delegations", "/documents", "/documents?year=2026&marking=LIMITE&series=ST&code=cosi", "/missions", "/meetings", "/meetings?dialogue=cosi&level=cosi", "/actions"} {
		r := get(t, h, path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s = %d, want 200\n%s", path, r.status, r.body)
			continue
		}
		checkSecurityHeaders(t, path, r.header)
		checkHTML(t, path, r.body)
	}
	for _, path := range []string{"/dialogues/med", "/documents/1", "/documents/x", "/nope"} {
		if r := get(t, h, path); r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, r.status)
		}
	}
}
