package store

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// QueryCount counts the statements sent to the database on behalf of one
// context, e.g. one HTTP request: the measure of "no query per row" (a page
// must take the same number of queries whatever the size of the data).
type QueryCount struct {
	statements atomic.Int64
	roundTrips atomic.Int64
}

// Statements is how many SQL statements were sent (each query of a batch counts).
func (c *QueryCount) Statements() int64 { return c.statements.Load() }

// RoundTrips is how many calls went to the database (a batch counts once).
func (c *QueryCount) RoundTrips() int64 { return c.roundTrips.Load() }

type queryCountKey struct{}

// WithQueryCount returns a context whose queries are counted in the result.
func WithQueryCount(ctx context.Context) (context.Context, *QueryCount) {
	c := &QueryCount{}
	return context.WithValue(ctx, queryCountKey{}, c), c
}

func countOf(ctx context.Context) *QueryCount {
	c, _ := ctx.Value(queryCountKey{}).(*QueryCount)
	return c
}

// queryCounter is the pool's tracer: it costs a context lookup per query
// when nobody counts.
type queryCounter struct{}

func (queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if c := countOf(ctx); c != nil {
		c.statements.Add(1)
		c.roundTrips.Add(1)
	}
	return ctx
}

func (queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	if c := countOf(ctx); c != nil {
		c.roundTrips.Add(1)
	}
	return ctx
}

func (queryCounter) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchQueryData) {
	if c := countOf(ctx); c != nil {
		c.statements.Add(1)
	}
}

func (queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
