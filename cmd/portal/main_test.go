package main

import (
	"bytes"
	"context"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/migrations"
)

func TestLoadConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := loadConfig(env())
	if err != nil || c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" || c.Demo != "auto" ||
		c.SessionIdle != 2*time.Hour || c.SessionLifetime != 12*time.Hour || c.DataDir != ".data" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = loadConfig(env("PORTAL_BASE_URL", "https://portal.example/", "PORTAL_SESSION_IDLE", "30m",
		"PORTAL_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.0.0/16", "PORTAL_LOG_LEVEL", "debug"))
	if err != nil || c.BaseURL != "https://portal.example" || c.SessionIdle != 30*time.Minute || len(c.TrustedProxies) != 2 {
		t.Fatalf("set: %+v %v", c, err)
	}
	for _, bad := range [][]string{
		{"PORTAL_BASE_URL", "portal.example"},
		{"PORTAL_DEMO", "yes"},
		{"PORTAL_LOG_FORMAT", "xml"},
		{"PORTAL_LOG_LEVEL", "loud"},
		{"PORTAL_SESSION_IDLE", "forever"},
		{"PORTAL_SESSION_LIFETIME", "-1h"},
	} {
		if _, err := loadConfig(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%q: %v, want an error naming the variable", bad[0], bad[1], err)
		}
	}
}

// The commands on a real database: migrate, demo (twice: idempotent), user add.
func TestCommands(t *testing.T) {
	url := dbtest.NewDatabase(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("PORTAL_DEMO_PASSWORD", "a demo password for tests")
	ctx := context.Background()
	do := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, args, strings.NewReader(stdin), &out)
		return out.String(), err
	}
	if out, err := do("", "migrate", "up"); err != nil || out != "schema version "+strconv.Itoa(latestMigration(t))+"\n" {
		t.Fatalf("migrate up: %q %v", out, err)
	}
	for range 2 {
		out, err := do("", "demo")
		if err != nil || !strings.Contains(out, "45 delegations") || !strings.Contains(out, "presidency@demo.example") {
			t.Fatalf("demo: %q %v", out, err)
		}
	}
	out, err := do("a long enough password\n", "user", "add", "--email", "Anna@be.example", "--name", "Anna", "--role", "delegate", "--delegation", "be", "--manager")
	if err != nil || !strings.Contains(out, "created: Anna@be.example (Delegate)") {
		t.Fatalf("user add: %q %v", out, err)
	}
	st, err := store.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, hash, err := st.UserForLogin(ctx, "anna@be.example")
	if err != nil || !u.IsManager || u.Delegation.Code != "BE" || auth.CheckPassword(hash, "a long enough password") != nil {
		t.Fatalf("the user: %+v %v", u, err)
	}
	if _, err := do("a long enough password\n", "user", "add", "--email", "p@presidency.example", "--name", "P", "--role", "presidency", "--from", "2099-07-01", "--until", "2099-12-31"); err != nil {
		t.Fatalf("user add --from --until: %v", err)
	}
	if u, _, err := st.UserForLogin(ctx, "p@presidency.example"); err != nil || u.AccessUntil.Format(time.DateOnly) != "2099-12-31" || u.AccessFrom.Format(time.DateOnly) != "2099-07-01" || !u.AccessNotYet {
		t.Fatalf("the last day of access: %+v %v", u, err)
	}
	if _, err := do("a long enough password\n", "user", "add", "--email", "q@presidency.example", "--name", "Q", "--role", "presidency", "--until", "31/12/2099"); err == nil || !strings.Contains(err.Error(), "--until") {
		t.Fatalf("a wrong day: %v", err)
	}
	if _, err := do("a long enough password\n", "user", "add", "--email", "anna@be.example", "--name", "A", "--role", "delegate", "--delegation", "BE"); err == nil || !strings.Contains(err.Error(), "--email: A user with this e-mail address already exists.") {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := do("short\n", "user", "add", "--email", "b@be.example", "--name", "B", "--role", "secretariat"); err == nil || !strings.Contains(err.Error(), "at least 12 characters") {
		t.Fatalf("short password: %v", err)
	}
	if _, err := do("", "user", "add", "--email", "c@be.example", "--name", "C", "--role", "secretariat"); err == nil || !strings.Contains(err.Error(), "standard input") {
		t.Fatalf("no password: %v", err)
	}
	if out, err := do("", "migrate", "down", strconv.Itoa(latestMigration(t))); err != nil || !strings.HasPrefix(out, "schema version 0") {
		t.Fatalf("migrate down: %q %v", out, err)
	}
	if _, err := do("", "bogus"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
	// serve and demo take no arguments: a mistyped one is refused before
	// anything starts, and asking for help gets it.
	for _, cmd := range []string{"serve", "demo"} {
		if _, err := do("", cmd, "--addr", ":9000"); err == nil || !strings.Contains(err.Error(), "takes no arguments") {
			t.Errorf("%s with an argument: %v", cmd, err)
		}
		if out, err := do("", cmd, "--help"); err != nil || !strings.Contains(out, "usage: portal COMMAND") {
			t.Errorf("%s --help: %q %v", cmd, out, err)
		}
	}
}

// latestMigration is the number of the newest migration the binary carries.
func latestMigration(t *testing.T) int {
	t.Helper()
	files, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	latest := 0
	for _, f := range files {
		n, err := strconv.Atoi(strings.SplitN(f, "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s: %v", f, err)
		}
		latest = max(latest, n)
	}
	return latest
}
