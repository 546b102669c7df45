package server_test

import (
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The home page puts first what concerns each kind of user.
func TestHomeOrientsEachRole(t *testing.T) {
	raw, st := demoServerRaw(t)
	cases := []struct {
		role       dialogue.Role
		delegation string
		want       []string
		unwanted   []string
	}{
		{dialogue.RolePresidency, "", []string{"For the Presidency", "Open consultations", "Arrangements for the first senior officials&#39; meeting (Demo)", "replies received"}, []string{"For your delegation"}},
		{dialogue.RoleSecretariat, "", []string{"For the secretariat", `href="/users"`, `href="/audit"`}, []string{"For the Presidency"}},
		{dialogue.RoleDelegate, "BE", []string{"For your delegation, Belgium", "Your open consultations", "0 of 3 questions answered", "days left"}, []string{"replies received", `href="/audit"`}},
		// Tunisia is consulted in the open demo round, CEPOL is not.
		{dialogue.RoleDelegate, "TN", []string{"For your delegation, Tunisia", "Arrangements for the first senior officials"}, nil},
		{dialogue.RoleObserver, "CEPOL", []string{"No consultation is open."}, []string{"Arrangements for the first senior officials"}},
	}
	for _, c := range cases {
		h := signedIn(t, raw, st, c.role, c.delegation)
		r := get(t, h, "/")
		checkHTML(t, "/ as "+string(c.role), r.body)
		r.mustContain(t, "/ as "+string(c.role)+" "+c.delegation, c.want...)
		r.mustNotContain(t, "/ as "+string(c.role)+" "+c.delegation, c.unwanted...)
	}
}
