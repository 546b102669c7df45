package store_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dbtest"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/migrations"
)

// TestMigrationsUpDownUp proves every migration is reversible: up to the
// latest version, down to zero (nothing of ours left), and up again.
func TestMigrationsUpDownUp(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewDatabase(t)
	// With the pool's settings in the URL, as the README offers: the
	// migrator's one connection must not pass them on to the server.
	m, err := store.NewMigrator(withQuery(url, "pool_max_conns=3&pool_min_conns=1"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	if err := m.Up(); err != nil {
		t.Fatalf("up: %v", err)
	}
	latest, dirty, err := m.Version()
	if err != nil || dirty || latest == 0 {
		t.Fatalf("after up: version %d dirty %v err %v", latest, dirty, err)
	}
	if n := countTables(t, ctx, url); n < 30 {
		t.Fatalf("after up: %d tables, want the whole domain (30+)", n)
	}
	// Down by as many steps as there are migrations (versions may have gaps).
	ups, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil || len(ups) == 0 {
		t.Fatalf("migration files: %v %v", ups, err)
	}
	if err := m.Down(len(ups)); err != nil {
		t.Fatalf("down %d: %v", len(ups), err)
	}
	if v, _, _ := m.Version(); v != 0 {
		t.Fatalf("after down: version %d, want 0", v)
	}
	// Only golang-migrate's own bookkeeping table may remain.
	if n := countTables(t, ctx, url); n != 1 {
		t.Fatalf("after down: %d tables left, want only schema_migrations", n)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if v, _, _ := m.Version(); v != latest {
		t.Fatalf("up again: version %d, want %d", v, latest)
	}
}

// withQuery adds query parameters to a database URL.
func withQuery(url, query string) string {
	if strings.Contains(url, "?") {
		return url + "&" + query
	}
	return url + "?" + query
}

func countTables(t *testing.T, ctx context.Context, url string) int {
	t.Helper()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEveryForeignKeyHasAnIndex: each foreign key's columns lead some index
// of its table (in any order), so that a lookup by the reference, and the
// check when the referenced row is deleted, read an index rather than the
// table.
func TestEveryForeignKeyHasAnIndex(t *testing.T) {
	ctx := context.Background()
	_, url := dbtest.Store(t)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `
		SELECT f.conrelid::regclass::text, f.conname
		FROM pg_constraint f
		WHERE f.contype = 'f' AND f.connamespace = 'public'::regnamespace
		  AND NOT EXISTS (
			SELECT 1 FROM pg_index i
			WHERE i.indrelid = f.conrelid
			  AND (SELECT array_agg(k ORDER BY k) FROM unnest((i.indkey::int2[])[0:cardinality(f.conkey) - 1]) k)
			    = (SELECT array_agg(k ORDER BY k) FROM unnest(f.conkey) k))
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	missing, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var table, name string
		err := r.Scan(&table, &name)
		return table + "." + name, err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("foreign key without an index: %s", m)
	}
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`).Scan(&n); err != nil || n < 30 {
		t.Fatalf("%d foreign keys in the schema (%v): the check read nothing", n, err)
	}
}
