// Package benchdata fills a database with years of generated activity for
// benchmarks and query-count tests (issue #6): users of 37 delegations,
// Presidencies, documents with codes and revisions, consultation rounds with
// every reply and its revisions, meetings with agendas and attendance, and
// the audit log all this leaves.
//
// The data is deterministic: the same Options (seed, years, window) on a
// database holding the same demo registry give the same rows, ids included.
// It is built in memory, then written in one transaction with COPY, table by
// table; ten years take about a minute.
//
// It writes SQL of its own rather than going through internal/store: a bulk
// load by COPY has nothing in common with the portal's one-action
// transactions, and the portal never runs it.
package benchdata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/demo"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// Options say what to generate.
type Options struct {
	// Years of activity (default 10). It is the size knob: a query-count
	// test compares a small dataset with one ten times larger.
	Years int
	// FirstYear, when set, makes the data cover the calendar years
	// FirstYear .. FirstYear+Years-1, seen from 1 January of the year after
	// (everything is in the past but a few open rounds and planned
	// meetings). When 0, the data covers the Years years that end at Now,
	// so that it ends now: exactly Years×400 documents and no document dated
	// in the future, which whole calendar years ending this year would need.
	FirstYear int
	// Now is the dataset's present when FirstYear is 0 (default time.Now()).
	// Replies, closures and held meetings lie before it; the last rounds are
	// still open and the next meetings planned. Give FirstYear or Now, not
	// both.
	Now time.Time
	// Seed of the generator: the same seed gives the same data.
	Seed int64
	// Password of every generated user; hashed once.
	Password string
	// Log receives progress lines; nil discards them.
	Log *slog.Logger
}

// Domain is the e-mail domain of the generated users (reserved: no real
// mailbox can be reached by mistake). Its presence marks a database that
// holds bench data.
const Domain = "bench.example"

// DialogueCode is the code of the third, generated dialogue.
const DialogueCode = "bench"

// ErrHasBenchData is returned when the database already holds bench data:
// generate into a fresh database.
var ErrHasBenchData = errors.New("benchdata: the database already holds bench data")

// TableCount is the number of rows generated in one table.
type TableCount struct {
	Table string
	Rows  int
}

// Stats say what Generate wrote.
type Stats struct {
	From, To time.Time // the window of activity
	Tables   []TableCount
	Elapsed  time.Duration
}

// Rows returns the number of rows generated in table (0 if none).
func (s Stats) Rows(table string) int {
	for _, t := range s.Tables {
		if t.Table == table {
			return t.Rows
		}
	}
	return 0
}

// Total is the number of rows generated in all tables.
func (s Stats) Total() int {
	n := 0
	for _, t := range s.Tables {
		n += t.Rows
	}
	return n
}

// String is the stats on one line, for a log.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s → %s: %d rows (", s.From.Format("2006-01-02"), s.To.Format("2006-01-02"), s.Total())
	for i, t := range s.Tables {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", t.Table, t.Rows)
	}
	fmt.Fprintf(&b, ") in %s", s.Elapsed.Round(100*time.Millisecond))
	return b.String()
}

// Generate loads the demo registry (demo.Load, idempotent, in its own
// transaction) and writes the generated activity on top of it in one
// transaction: either all of it is there afterwards, or none. It refuses a
// database that already holds bench data (ErrHasBenchData).
func Generate(ctx context.Context, st *store.Store, opts Options) (Stats, error) {
	began := time.Now()
	g, err := newGen(opts)
	if err != nil {
		return Stats{}, err
	}
	log := g.log
	if err := refuseBenchData(ctx, st.Pool()); err != nil {
		return Stats{}, err
	}
	// The hash is computed once: argon2id costs tens of milliseconds and
	// megabytes each time, and 200 users share the password anyway.
	if msg := auth.ValidatePassword(opts.Password); msg != "" {
		return Stats{}, fmt.Errorf("benchdata: password: %s", msg)
	}
	if g.hash, err = auth.HashPassword(opts.Password); err != nil {
		return Stats{}, err
	}
	sum, err := demo.Load(ctx, st, g.now)
	if err != nil {
		return Stats{}, fmt.Errorf("benchdata: %w", err)
	}
	log.Info("benchdata: demo registry loaded", "delegations", sum.Delegations, "first_load", sum.FirstLoad)

	var stats Stats
	err = pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
		// Two generators at once would reserve the same ids.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(74203)`); err != nil {
			return err
		}
		if err := refuseBenchData(ctx, tx); err != nil {
			return err // another generator was first
		}
		if err := g.loadRegistry(ctx, tx); err != nil {
			return err
		}
		step := time.Now()
		g.generate()
		log.Info("benchdata: generated in memory", "elapsed", time.Since(step).Round(time.Millisecond))
		step = time.Now()
		tables, err := g.write(ctx, tx)
		if err != nil {
			return err
		}
		log.Info("benchdata: written", "elapsed", time.Since(step).Round(time.Millisecond))
		stats.Tables = tables
		return nil
	})
	if errors.Is(err, ErrHasBenchData) {
		return Stats{}, err
	}
	if err != nil {
		return Stats{}, fmt.Errorf("benchdata: %w", err)
	}
	// Fresh statistics, so that the first benchmark does not measure plans
	// made for empty tables, and a vacuum, as after any bulk load: it sets
	// the visibility map and the rows' hint bits, which the first reads
	// would otherwise write (and index-only scans could not be used).
	// Outside the transaction: VACUUM cannot run in one.
	step := time.Now()
	if _, err := st.Pool().Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		return Stats{}, fmt.Errorf("benchdata: vacuum: %w", err)
	}
	log.Info("benchdata: vacuumed and analyzed", "elapsed", time.Since(step).Round(time.Millisecond))
	stats.From, stats.To = g.start, g.end
	stats.Elapsed = time.Since(began)
	return stats, nil
}

// refuseBenchData returns ErrHasBenchData when the database holds bench
// users or the bench dialogue.
func refuseBenchData(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) error {
	var exists bool
	if err := q.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) LIKE '%@' || $1)
		    OR EXISTS (SELECT 1 FROM dialogues WHERE code = $2)`, Domain, DialogueCode).Scan(&exists); err != nil {
		return fmt.Errorf("benchdata: %w", err)
	}
	if exists {
		return ErrHasBenchData
	}
	return nil
}

// newGen checks the options and fixes the window.
func newGen(opts Options) (*gen, error) {
	if opts.Years == 0 {
		opts.Years = 10
	}
	if opts.Years < 1 || opts.Years > 60 {
		return nil, fmt.Errorf("benchdata: years %d: want 1 to 60", opts.Years)
	}
	if opts.FirstYear != 0 && !opts.Now.IsZero() {
		return nil, errors.New("benchdata: give FirstYear or Now, not both")
	}
	g := &gen{
		r:   rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15)),
		log: opts.Log,
	}
	if g.log == nil {
		g.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.FirstYear != 0 {
		g.start = time.Date(opts.FirstYear, 1, 1, 0, 0, 0, 0, dialogue.Brussels)
		g.end = g.start.AddDate(opts.Years, 0, 0)
		g.now = g.end
	} else {
		g.now = opts.Now
		if g.now.IsZero() {
			g.now = time.Now()
		}
		g.now = g.now.Truncate(time.Second)
		g.end = g.now
		g.start = g.end.AddDate(-opts.Years, 0, 0)
	}
	g.years = opts.Years
	// The schema's year range is 1990-2099; users and the first meetings
	// are set up a few months before the window.
	if y := g.start.AddDate(0, -6, 0).Year(); y < 1990 {
		return nil, fmt.Errorf("benchdata: the data would start in %d: the register starts in 1990", y)
	}
	if y := g.end.AddDate(0, 6, 0).Year(); y > 2099 {
		return nil, fmt.Errorf("benchdata: the data would end in %d: the register ends in 2099", y)
	}
	return g, nil
}
