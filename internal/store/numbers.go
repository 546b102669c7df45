package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// NextDocumentNumber suggests the next free number of a series in a year
// (the register's highest plus one). It is a suggestion: the number is
// checked again, by the unique reference index, when the document is saved.
func (s *Store) NextDocumentNumber(ctx context.Context, series string, year int) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, nextNumberSQL, series, year).Scan(&n)
	return n, err
}

// nextDocumentNumber is NextDocumentNumber inside a transaction.
func nextDocumentNumber(ctx context.Context, tx pgx.Tx, series string, year int) (int, error) {
	var n int
	err := tx.QueryRow(ctx, nextNumberSQL, series, year).Scan(&n)
	return n, err
}

const nextNumberSQL = `SELECT coalesce(max(number), 0) + 1 FROM documents WHERE series = $1 AND year = $2`
