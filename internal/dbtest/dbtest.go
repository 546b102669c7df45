// Package dbtest gives each test its own freshly migrated PostgreSQL
// database, cloned in milliseconds from a template migrated once per schema.
//
// The server is the one `make test` names in TEST_DATABASE_URL; when that is
// unset (a plain `go test`), the same rule as `make test` picks one: a server
// on 127.0.0.1:5432 if it answers, else the project's private cluster.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/devdb"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/migrations"
)

var (
	once     sync.Once
	adminURL string
	template string
	setupErr error
)

// URL creates a new database migrated to the latest schema and returns its
// URL; the database is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "portal_test_" + randomHex(8)
	if err := admin(ctx, func(c *pgx.Conn) error {
		return createFromTemplate(ctx, c, name, template)
	}); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := admin(ctx, func(c *pgx.Conn) error {
			_, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			return err
		})
		if err != nil {
			t.Errorf("dbtest: drop database %s: %v", name, err)
		}
	})
	return withDatabase(adminURL, name)
}

// Store opens a store on a fresh database (see URL), closed when the test ends.
func Store(t testing.TB) (*store.Store, string) {
	t.Helper()
	u := URL(t)
	st, err := store.Open(context.Background(), u, 8)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(st.Close)
	return st, u
}

// AdminURL returns a superuser URL to the server, for tests that create
// databases of their own (the migration round trip).
func AdminURL(t testing.TB) string {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	return adminURL
}

// NewDatabase creates an empty (unmigrated) database, dropped at the end.
func NewDatabase(t testing.TB) string {
	t.Helper()
	u := AdminURL(t)
	ctx := context.Background()
	name := "portal_test_" + randomHex(8)
	if err := admin(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		return err
	}); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		_ = admin(context.Background(), func(c *pgx.Conn) error {
			_, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			return err
		})
	})
	return withDatabase(u, name)
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	adminURL = os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		dir := os.Getenv("PORTAL_DATA_DIR")
		if dir == "" {
			dir = filepath.Join(root, ".data")
		}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		// The cluster is left running for the next `go test`; `make test`
		// stops it (it sets TEST_DATABASE_URL and owns the cluster).
		u, _, err := devdb.ResolveTestURL(ctx, dir, log)
		if err != nil {
			return err
		}
		adminURL = u
	}
	sum, err := schemaHash()
	if err != nil {
		return err
	}
	template = "portal_template_" + sum
	// Test packages run in parallel processes: an advisory lock makes one of
	// them build the template while the others wait for it.
	return admin(ctx, func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, "SELECT pg_advisory_lock(74201)"); err != nil {
			return err
		}
		defer c.Exec(context.Background(), "SELECT pg_advisory_unlock(74201)")
		var exists bool
		if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", template).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return nil
		}
		building := template + "_build"
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)"); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
			return err
		}
		if err := store.MigrateUp(withDatabase(adminURL, building)); err != nil {
			return fmt.Errorf("migrate template: %w", err)
		}
		// Renamed only once complete, so a half-built template is never used.
		_, err := c.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{template}.Sanitize())
		return err
	})
}

func createFromTemplate(ctx context.Context, c *pgx.Conn, name, tmpl string) error {
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{tmpl}.Sanitize()
	var err error
	// Two CREATE DATABASE ... TEMPLATE at the same instant can collide
	// ("source database is being accessed by other users"): retry briefly.
	for range 50 {
		if _, err = c.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func admin(ctx context.Context, fn func(*pgx.Conn) error) error {
	c, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return fn(c)
}

// schemaHash names the template after the migrations' content, so a changed
// migration gets a new template instead of a stale one.
func schemaHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
