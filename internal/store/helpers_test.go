package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func exec(t *testing.T, url, sql string, args ...any) {
	t.Helper()
	if err := execErr(url, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func execErr(url, sql string, args ...any) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql, args...)
	return err
}

// queryRow reads one row on its own connection, as exec writes.
func queryRow(url, sql string, dest ...any) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.QueryRow(ctx, sql).Scan(dest...)
}
