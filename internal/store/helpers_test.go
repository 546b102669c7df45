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
