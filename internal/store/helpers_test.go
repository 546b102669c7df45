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
	return onConnection(url, func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, sql, args...)
		return err
	})
}

// queryRow reads one row on its own connection, as exec writes.
func queryRow(url, sql string, dest ...any) error {
	return onConnection(url, func(ctx context.Context, c *pgx.Conn) error {
		return c.QueryRow(ctx, sql).Scan(dest...)
	})
}

// onConnection runs fn on a connection of its own, outside the store's pool.
func onConnection(url string, fn func(context.Context, *pgx.Conn) error) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return fn(ctx, c)
}
