package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/benchdata"
	"github.com/dialogue-secretariat/portal/internal/devdb"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// benchDatabase is the private cluster's database for bench data, apart
// from the portal's own ("portal"), which it never touches.
const benchDatabase = "portal_bench"

const benchDataUsage = `usage: portal bench-data [--years N] [--seed S] [--password P] [--first-year Y] [--reset]

Fills a database with N years of generated activity (documents, rounds and
replies, meetings, the audit log) on top of the demo registry, for
benchmarks. Without DATABASE_URL it uses the private cluster's database
` + benchDatabase + `, never the portal's own.`

// benchDataCmd implements `portal bench-data`.
func benchDataCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("bench-data", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), benchDataUsage+"\n\n"); fs.PrintDefaults() }
	years := fs.Int("years", 10, "years of activity: the size of the dataset")
	seed := fs.Int64("seed", 1, "seed of the generator: the same seed gives the same data")
	password := fs.String("password", "bench password 2026", "password of every generated user")
	firstYear := fs.Int("first-year", 0, "generate the calendar years from this one, as seen on 1 January after them\n"+
		"(the same data on any day); by default the years that end now")
	reset := fs.Bool("reset", false, "drop and recreate the bench database first (private cluster only)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench-data: unexpected argument %q\n\n%s", fs.Arg(0), benchDataUsage)
	}
	began := time.Now()
	log := newLogger(cfg, os.Stderr)
	db, err := openBenchDatabase(ctx, cfg, log, *reset)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := store.MigrateUp(db.URL); err != nil {
		return err
	}
	st, err := store.Open(ctx, db.URL, 4)
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := benchdata.Generate(ctx, st, benchdata.Options{
		Years: *years, FirstYear: *firstYear, Seed: *seed, Password: *password, Log: log,
	})
	if errors.Is(err, benchdata.ErrHasBenchData) {
		if db.Private {
			return fmt.Errorf("%w: run again with --reset to start afresh", err)
		}
		return fmt.Errorf("%w: give DATABASE_URL an empty database", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Bench data (years %d, seed %d): %s\n", *years, *seed, stats)
	fmt.Fprintf(stdout, "Done in %s. Users: bench.<delegation>.1..5@%s, bench.presidency.1..10@%[2]s, bench.secretariat.1..5@%[2]s\n",
		time.Since(began).Round(100*time.Millisecond), benchdata.Domain)
	if db.Private {
		fmt.Fprintf(stdout, "Serve it with: DATABASE_URL=$(bin/portal devdb url %s) bin/portal serve\n", benchDatabase)
	}
	return nil
}

// openBenchDatabase is openDatabase for bench data: DATABASE_URL as given,
// or else the private cluster's own bench database, created if needed (and
// dropped first with reset).
func openBenchDatabase(ctx context.Context, cfg config, log *slog.Logger, reset bool) (database, error) {
	if cfg.DatabaseURL != "" {
		if reset {
			return database{}, errors.New("bench-data: --reset drops the private cluster's " + benchDatabase +
				" only; with DATABASE_URL, drop and create your database yourself")
		}
		return database{URL: cfg.DatabaseURL}, nil
	}
	c, err := devdb.Open(cfg.DataDir)
	if err != nil {
		return database{}, err
	}
	started, err := c.Start(ctx, log)
	if err != nil {
		return database{}, err
	}
	closeFn := c.Release
	if started {
		closeFn = c.Stop
	}
	fail := func(err error) (database, error) {
		return database{}, errors.Join(err, closeFn(context.Background()))
	}
	if reset {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			return fail(err)
		}
		_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{benchDatabase}.Sanitize()+" WITH (FORCE)")
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return fail(fmt.Errorf("bench-data: drop %s: %w", benchDatabase, err))
		}
		log.Info("bench-data: dropped the bench database", "database", benchDatabase)
	}
	if _, err := c.EnsureDatabase(ctx, benchDatabase); err != nil {
		return fail(err)
	}
	return database{URL: c.URL(benchDatabase), Private: true, close: closeFn}, nil
}
