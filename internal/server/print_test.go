package server_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Pages showing LIMITE material print with the marking and, at the foot,
// for whom and when they were printed; pages without it do not.
func TestPrintedForOnLimitePages(t *testing.T) {
	raw, st := demoServerRaw(t)
	be := signedIn(t, raw, st, dialogue.RoleDelegate, "BE")
	tn := signedIn(t, raw, st, dialogue.RoleDelegate, "TN")
	doc := strconv.FormatInt(documentID(t, st, "5559/26"), 10)
	clasi := strconv.FormatInt(documentID(t, st, "6762/22"), 10)

	for _, path := range []string{"/documents/" + doc, "/documents", "/", "/search?q=Mediterranean", "/dialogues/med"} {
		r := get(t, be, path)
		r.mustContain(t, path+" as BE", `class="print-footer"`, "Printed for "+be.user.Name+", Belgium, ")
	}
	// 6762/22 is not LIMITE; Tunisia sees no LIMITE document at all.
	for path, h := range map[string]asUser{"/documents/" + clasi: be, "/documents": tn, "/": tn, "/missions": be} {
		if r := get(t, h, path); strings.Contains(r.body, `class="print-footer"`) {
			t.Errorf("%s as %s: printed-for footer on a page without LIMITE material", path, h.user.Email)
		}
	}
}
