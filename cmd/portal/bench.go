package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dialogue-secretariat/portal/internal/store"
)

// `portal bench` (issue #6): starts the portal as a child process on the
// bench database (filled by `portal bench-data`), drives it from this
// process with internal/loadgen as signed-in users of each role, and
// writes a Markdown report to bench/. The files:
//
//	bench.go         the command: flags, database, the portal child process
//	bench_pages.go   what is measured: the targets read from the data, the pages
//	bench_storm.go   the deadline storm
//	bench_report.go  the report (Markdown, with a JSON copy for comparisons)

const benchUsage = `usage: portal bench [flags]

Measures the portal on the bench database: DATABASE_URL when it is set,
else the private cluster's ` + benchDatabase + `, the one portal bench-data
fills. Fill it first (make bench-data), or pass --prepare --years N.

The portal runs as a child process; this process drives it with --users
concurrent signed-in users per page for --duration, then runs the deadline
storm, and writes the report to --out (and prints it).`

type benchOptions struct {
	duration, warmup time.Duration
	users            int
	prepare          bool
	years            int
	seed             int64
	password         string
	out              string
	only             string
	storm            bool
	profile          string
}

func benchCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) (err error) {
	var o benchOptions
	fs := flag.NewFlagSet("portal bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each page is driven (after the warm-up)")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "run before each page's measure, not counted")
	fs.IntVar(&o.users, "users", 32, "concurrent users per page")
	fs.BoolVar(&o.prepare, "prepare", false, "(re)generate the bench data first (portal bench-data --reset --years N)")
	fs.IntVar(&o.years, "years", 0, "years of data to generate with --prepare (default 10); the report's label")
	fs.Int64Var(&o.seed, "seed", 1, "generator seed, with --prepare")
	fs.StringVar(&o.password, "password", benchDefaultPassword, "password of the bench users")
	fs.StringVar(&o.out, "out", "bench", "directory of the reports")
	fs.StringVar(&o.only, "only", "", "comma-separated names of the pages to measure (default all), e.g. matrix,search")
	fs.BoolVar(&o.storm, "storm", true, "run the deadline storm")
	fs.StringVar(&o.profile, "profile", "", "directory for a CPU profile (go tool pprof) of each page served in this process, alone, for --duration")
	// The load generator shares the two cores with the portal it measures:
	// at Go's default it collected twenty times a second (an 8 MB goal).
	// The portal child tunes its own collector (tuneGC).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if err := fs.Parse(args); err != nil {
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, benchUsage+"\n\n"+b.String())
			return nil
		}
		return fmt.Errorf("bench: %w\n\n%s\n\n%s", err, benchUsage, b.String())
	}
	if fs.NArg() > 0 || o.users < 1 || o.duration <= 0 || o.warmup < 0 {
		return fmt.Errorf("bench: unexpected arguments or values\n\n%s", benchUsage)
	}
	log := slog.Default()

	// The same database as bench-data's; the private cluster, if that is
	// where it is, is held until the end.
	db, err := openBenchDatabase(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	dbLabel := benchDatabase + " (private cluster)"
	if !db.Private {
		dbLabel = "DATABASE_URL"
	}

	if o.prepare {
		if o.years == 0 {
			o.years = 10
		}
		args := []string{"bench-data", "--years", strconv.Itoa(o.years), "--seed", strconv.FormatInt(o.seed, 10), "--password", o.password}
		if db.Private {
			args = append(args, "--reset")
		}
		if err := runSelf(ctx, stdout, args...); err != nil {
			return fmt.Errorf("bench: preparing the data: %w", err)
		}
	}
	dbURL := db.URL

	st, err := store.Open(ctx, dbURL, 8)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "3D000" { // invalid_catalog_name: no such database
			return errors.New("bench: there is no bench database yet: run `make bench-data` (portal bench-data --years 10), " +
				"or portal bench --prepare --years N")
		}
		return fmt.Errorf("bench: %w", err)
	}
	// The data may be older than this build's schema: bring it up to date
	// first (the portal would, but only once started, after the data is read).
	if err := store.MigrateUp(dbURL); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := removeStormRounds(ctx, st); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	// Every run starts from a vacuumed and analyzed database, as pgbench's
	// do. Each run's saves and deadline storm leave some ten thousand dead
	// versions of replies, which autovacuum clears only past a fifth of the
	// table; after two runs the matrix's statement of cells took 0.46 ms
	// against 0.33 after a vacuum (pgbench; the dead versions of its rows
	// read on every load), and no two runs measured the same database.
	if _, err := st.Pool().Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		return fmt.Errorf("bench: vacuum: %w", err)
	}
	data, err := readBenchData(ctx, st, o)
	if err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "bench: %s; starting the portal\n", data.describe())
	child, err := startPortal(ctx, dbURL)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, child.stop()) }()

	rep := &benchReport{Started: time.Now(), Options: o, Data: data, Database: dbLabel, Machine: machineInfo(ctx, st)}
	if err := runPages(ctx, st, child.base, data, o, rep); err != nil {
		return err
	}
	if rep.PagesPeakMemoryKiB, err = child.peakMemory(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: peak memory:", err)
	}
	if o.storm {
		storm, err := runStorm(ctx, st, child.base, data, o)
		if err != nil {
			return err
		}
		rep.Storm = storm
	}
	if rep.PeakMemoryKiB, err = child.peakMemory(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: peak memory:", err)
	}
	if err := child.stop(); err != nil {
		return err
	}
	rep.Finished = time.Now()
	return rep.write(stdout, o.out)
}

// runSelf runs this program with args (e.g. bench-data), its output going
// to stdout and stderr.
func runSelf(ctx context.Context, stdout io.Writer, args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdout, cmd.Stderr = stdout, os.Stderr
	return cmd.Run()
}

// notInfo writes to w the log lines that are not at level info (text or
// JSON format): the bench's portal logs each request.
type notInfo struct {
	w       io.Writer
	partial []byte // a line not yet ended
}

func (f *notInfo) Write(p []byte) (int, error) {
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.partial[:i+1]
		if !bytes.Contains(line, []byte(" level=INFO ")) && !bytes.Contains(line, []byte(`"level":"INFO"`)) {
			if _, err := f.w.Write(line); err != nil {
				return len(p), err
			}
		}
		f.partial = f.partial[i+1:]
	}
}

// portalProcess is the portal under test, a child process.
type portalProcess struct {
	cmd    *exec.Cmd
	base   string
	done   chan error
	exited error
	closed bool
}

// startPortal runs `portal serve` on the bench database at a free port of
// 127.0.0.1 and waits until /healthz answers. The child dies with us
// (Pdeathsig) if this process is killed.
func startPortal(ctx context.Context, dbURL string) (*portalProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve")
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "DATABASE_URL", "PORTAL_ADDR", "PORTAL_BASE_URL", "PORTAL_DEMO", "PORTAL_LOG_LEVEL", "PORTAL_TRUSTED_PROXIES":
		default:
			env = append(env, kv)
		}
	}
	// The portal logs every request, as it does in service (the default
	// level, info): the cost of logging is part of serving a page. Only
	// warnings and errors reach the terminal.
	cmd.Env = append(env, "DATABASE_URL="+dbURL, "PORTAL_ADDR="+addr, "PORTAL_DEMO=0", "PORTAL_LOG_LEVEL=info")
	cmd.Stdout = io.Discard // the banner
	cmd.Stderr = &notInfo{w: os.Stderr}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start the portal: %w", err)
	}
	p := &portalProcess{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()

	deadline := time.Now().Add(time.Minute)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		select {
		case err := <-p.done:
			p.exited, p.closed = err, true
			return nil, fmt.Errorf("bench: the portal exited before it answered: %v", err)
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), p.stop())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, errors.Join(errors.New("bench: the portal did not answer /healthz within a minute"), p.stop())
		}
	}
}

// freeAddr is an address of 127.0.0.1 with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// stop sends SIGTERM and waits for the portal to drain and exit (SIGKILL
// after 30 s). Stopping twice is harmless.
func (p *portalProcess) stop() error {
	if p == nil || p.closed {
		return nil
	}
	p.closed = true
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.exited = err
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		return errors.New("bench: the portal did not stop within 30 s of SIGTERM: killed")
	}
	if p.exited != nil {
		return fmt.Errorf("bench: the portal exited with %v", p.exited)
	}
	return nil
}

// peakMemory is the child's peak resident set size (VmHWM), in KiB.
func (p *portalProcess) peakMemory() (int64, error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}
