package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestDemoAccounts(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.Store(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, dialogue.Brussels)
	if _, err := demo.Load(ctx, st, now); err != nil {
		t.Fatal(err)
	}
	first, err := demo.LoadUsers(ctx, st, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Generated || len(first.Password) != 24 || first.Created != len(first.Accounts) {
		t.Fatalf("first load: %+v", first)
	}
	roles := map[dialogue.Role]int{}
	for _, a := range first.Accounts {
		u, hash, err := st.UserForLogin(ctx, a.Email)
		if err != nil {
			t.Fatalf("%s: %v", a.Email, err)
		}
		if err := auth.CheckPassword(hash, first.Password); err != nil {
			t.Fatalf("%s: the printed password does not open it", a.Email)
		}
		roles[u.Role]++
		if a.Delegation == "TN" && u.Delegation.Kind != dialogue.Partner {
			t.Fatal("the Tunisian delegate is not of a partner delegation")
		}
		if a.Role == dialogue.RolePresidency && a.Name != "Demo Presidency officer (Ireland)" {
			t.Fatalf("presidency account %q: Ireland holds the Presidency in November 2026", a.Name)
		}
	}
	if roles[dialogue.RoleSecretariat] != 1 || roles[dialogue.RolePresidency] != 1 || roles[dialogue.RoleObserver] != 1 || roles[dialogue.RoleDelegate] < 5 {
		t.Fatalf("roles %v", roles)
	}

	again, err := demo.LoadUsers(ctx, st, "", now)
	if err != nil || again.Generated || again.Created != 0 {
		t.Fatalf("second load changed something: %+v %v", again, err)
	}
	chosen, err := demo.LoadUsers(ctx, st, "a chosen demo password", now)
	if err != nil || chosen.Created != 0 {
		t.Fatalf("with PORTAL_DEMO_PASSWORD: %+v %v", chosen, err)
	}
	_, hash, _ := st.UserForLogin(ctx, "observer.europol@demo.example")
	if auth.CheckPassword(hash, "a chosen demo password") != nil {
		t.Fatal("the chosen password was not set")
	}
	if _, err := demo.LoadUsers(ctx, st, "short", now); err == nil {
		t.Fatal("a too short PORTAL_DEMO_PASSWORD was accepted")
	}
}

// After the last Presidency the demo knows (its list ends in 2030), the
// demo accounts are still made: `make run` must not stop working in 2031.
func TestDemoAccountsAfterTheLastPresidency(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.Store(t)
	now := time.Date(2031, 1, 10, 9, 0, 0, 0, dialogue.Brussels)
	if _, err := demo.Load(ctx, st, now); err != nil {
		t.Fatal(err)
	}
	res, err := demo.LoadUsers(ctx, st, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != len(res.Accounts) {
		t.Fatalf("created %d of %d accounts", res.Created, len(res.Accounts))
	}
	u, _, err := st.UserForLogin(ctx, "presidency@demo.example")
	if err != nil || u.Role != dialogue.RolePresidency || u.Name != "Demo Presidency officer" {
		t.Fatalf("presidency account in 2031: %+v %v", u, err)
	}
}
