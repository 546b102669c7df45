package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// loadDemo loads the demo dataset and accounts and tells how to sign in.
func loadDemo(ctx context.Context, cfg config, st *store.Store, w io.Writer) error {
	sum, err := demo.Load(ctx, st, time.Now())
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	fmt.Fprintln(w, "Demo data:", sum.String())
	users, err := demo.LoadUsers(ctx, st, cfg.DemoPassword, time.Now())
	if err != nil {
		return err
	}
	printAccounts(w, cfg, users)
	return nil
}

func printAccounts(w io.Writer, cfg config, users demo.UsersResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nDemo accounts (sign in at %s/login):\n", cfg.BaseURL)
	for _, a := range users.Accounts {
		who := a.Role.Label()
		if a.Delegation != "" {
			who += ", " + a.Delegation
		}
		if a.Manager {
			who += " (delegation manager)"
		}
		fmt.Fprintf(&b, "  %-32s %s\n", a.Email, who)
	}
	switch {
	case users.Generated:
		fmt.Fprintf(&b, "Password for all of them: %s\n", users.Password)
		b.WriteString("It is shown only this once. To choose another: PORTAL_DEMO_PASSWORD=... bin/portal demo\n")
	case cfg.DemoPassword != "":
		b.WriteString("Password: the one in PORTAL_DEMO_PASSWORD.\n")
	default:
		b.WriteString("Password: the one printed when the demo accounts were created. Forgotten? PORTAL_DEMO_PASSWORD=... bin/portal demo\n")
	}
	fmt.Fprintln(w, b.String())
}
