// Package store keeps the portal's data in PostgreSQL through pgx. It owns
// every SQL statement and every transaction, and returns dialogue types; one
// file per aggregate (registry, documents, meetings, ...).
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// Store is the portal's database.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url. maxConns of 0 keeps pgxpool's default.
func Open(ctx context.Context, url string, maxConns int32) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: database URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.ConnConfig.Tracer = queryCounter{}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close releases every connection.
func (s *Store) Close() { s.pool.Close() }

// Pool exposes the pool to the session store, which keeps its own SQL.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// inTx runs fn in one transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// notFound turns pgx.ErrNoRows into the domain's not-found error.
func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return &dialogue.Error{Kind: dialogue.KindNotFound, Message: what + " not found"}
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint violation,
// optionally of the named constraint or index.
func isUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return false
	}
	return constraint == "" || pe.ConstraintName == constraint
}

// DemoLoaded reports whether the demo dataset was ever loaded here, so that
// `portal serve` loads it on the first start only.
func (s *Store) DemoLoaded(ctx context.Context) (bool, error) {
	var loaded bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM demo_loads)`).Scan(&loaded)
	return loaded, err
}
