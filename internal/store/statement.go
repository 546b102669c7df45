package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// statement is one SQL statement with its arguments and the reader of its
// rows. The same statement is run alone (runStatement) or, with the
// others a page needs, queued in one batch (queueStatement): one round trip
// to the database instead of one per statement.
type statement[T any] struct {
	sql     string
	args    []any
	collect func(pgx.Rows) (T, error)
}

func runStatement[T any](ctx context.Context, s *Store, st statement[T]) (T, error) {
	rows, err := s.pool.Query(ctx, st.sql, st.args...)
	if err != nil {
		var zero T
		return zero, err
	}
	return st.collect(rows)
}

// queueStatement adds st to b; its result is stored in *out when the batch
// is read.
func queueStatement[T any](b *pgx.Batch, st statement[T], out *T) {
	b.Queue(st.sql, st.args...).Query(func(rows pgx.Rows) error {
		v, err := st.collect(rows)
		*out = v
		return err
	})
}

// collectConverted reads every row with scan (a row struct, by column
// name) and converts each with conv (the row struct's method giving the
// domain type): the shape of most of the store's list readers.
func collectConverted[R, T any](rows pgx.Rows, scan pgx.RowToFunc[R], conv func(R) T) ([]T, error) {
	rs, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rs))
	for i, r := range rs {
		out[i] = conv(r)
	}
	return out, nil
}
