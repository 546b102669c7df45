package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Scenario is a load to apply: Workers browsers, each set up once (signed
// in, say), then repeating Step until the time or the count is up.
type Scenario struct {
	Name    string
	Base    string // the site, e.g. "http://127.0.0.1:8080"
	Workers int

	// The run stops at StopAt when set, else Duration after the start, or
	// once Operations steps have been started in all (whichever comes
	// first; at least one of them must be set). A step under way when the
	// time is up is finished and counted.
	Duration   time.Duration
	StopAt     time.Time
	Operations int

	// StartAt, when set, holds every worker until then (after setup); by
	// default they start as soon as all are set up.
	StartAt time.Time
	// Warmup is run but not recorded: requests that end within it are left
	// out of every figure, and the measured time starts after it.
	Warmup time.Duration

	// Accept lists statuses that are not errors besides 2xx and 3xx (a 409
	// a save on a stale revision expects, say).
	Accept []int

	// Transport is shared by the workers; nil gives NewTransport(Workers).
	Transport http.RoundTripper

	// Setup prepares one worker (sign in, read its starting state); it is
	// not timed. Run sets up SetupParallel workers at a time (default 4:
	// a sign-in hashes a password, which is meant to be slow).
	Setup         func(ctx context.Context, w *Worker) error
	SetupParallel int

	// Step is one operation of the scenario; every request it sends
	// through the worker is timed. An error it returns is counted as an
	// error of the run under its message (keep messages few and stable).
	Step func(ctx context.Context, w *Worker) error
}

// Worker is one simulated user. Its client records every request it sends
// during the run; State is the scenario's own (e.g. the revisions seen).
type Worker struct {
	ID int
	*Client
	State any
	rec   *recorder
}

// Count adds one to a named outcome of the run (e.g. "accepted"), unless
// the run is still warming up.
func (w *Worker) Count(name string) {
	if w.rec.recording(time.Now()) {
		w.rec.counts[name]++
	}
}

// Run sets up the scenario's workers and runs it (NewTeam, then Team.Run).
func Run(ctx context.Context, sc Scenario) (*Result, error) {
	t, err := NewTeam(ctx, sc)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return t.Run(ctx)
}

// Team is a scenario's workers, set up and ready to run. Setting up apart
// from running lets a caller start the run at a moment it learns only once
// everyone is signed in (a deadline set a few seconds ahead, say): change
// Scenario's StartAt and StopAt before Run.
type Team struct {
	Scenario Scenario
	workers  []*Worker
	close    func()
}

// NewTeam creates the workers and sets each up (Scenario.Setup). It
// returns an error when the scenario cannot run: bad settings, a worker that
// cannot be set up, the context cancelled.
func NewTeam(ctx context.Context, sc Scenario) (*Team, error) {
	if sc.Workers < 1 {
		return nil, errors.New("loadgen: a scenario needs at least one worker")
	}
	if sc.Step == nil {
		return nil, errors.New("loadgen: the scenario has no step")
	}
	t := &Team{Scenario: sc, close: func() {}}
	tr := sc.Transport
	if tr == nil {
		own := NewTransport(sc.Workers)
		t.close = own.CloseIdleConnections
		tr = own
	}
	t.workers = make([]*Worker, sc.Workers)
	for i := range t.workers {
		c, err := NewClient(sc.Base, tr)
		if err != nil {
			t.Close()
			return nil, err
		}
		t.workers[i] = &Worker{ID: i, Client: c}
	}
	if err := setupAll(ctx, sc, t.workers); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// Workers are the team's workers, set up.
func (t *Team) Workers() []*Worker { return t.workers }

// Close closes the idle connections of the team's own transport.
func (t *Team) Close() { t.close() }

// Run runs the scenario once with the team and returns what it measured;
// errors under load are in the Result, not returned.
func (t *Team) Run(ctx context.Context) (*Result, error) {
	sc := t.Scenario
	if sc.Duration <= 0 && sc.StopAt.IsZero() && sc.Operations <= 0 {
		return nil, errors.New("loadgen: set a duration, a stop time or a number of operations")
	}
	accept := func(status int) bool {
		return (status >= 200 && status < 400) || slices.Contains(sc.Accept, status)
	}
	start := time.Now()
	if !sc.StartAt.IsZero() {
		if err := sleepUntil(ctx, sc.StartAt); err != nil {
			return nil, err
		}
		start = sc.StartAt
	}
	from := start.Add(sc.Warmup)
	stop := sc.StopAt
	if stop.IsZero() && sc.Duration > 0 {
		stop = from.Add(sc.Duration)
	}
	for _, w := range t.workers {
		w.rec = newRecorder(from, accept)
		w.Client.rec = w.rec
	}

	var started atomic.Int64
	var wg sync.WaitGroup
	for _, w := range t.workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				now := time.Now()
				if !stop.IsZero() && !now.Before(stop) {
					return
				}
				if sc.Operations > 0 && started.Add(1) > int64(sc.Operations) {
					return
				}
				if err := sc.Step(ctx, w); err != nil && ctx.Err() == nil {
					w.rec.stepError(time.Now(), err)
				}
			}
		})
	}
	wg.Wait()
	end := time.Now()
	for _, w := range t.workers {
		w.Client.rec = nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res := &Result{Name: sc.Name, Workers: sc.Workers, Elapsed: end.Sub(from),
		ErrorKinds: map[string]int{}, Statuses: map[int]int{}, Counts: map[string]int{}}
	for _, w := range t.workers {
		res.merge(w.rec)
		w.rec = nil
	}
	sortLatencies(res.Latencies)
	return res, nil
}

func setupAll(ctx context.Context, sc Scenario, workers []*Worker) error {
	if sc.Setup == nil {
		return nil
	}
	par := sc.SetupParallel
	if par <= 0 {
		par = 4
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, par)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for _, w := range workers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			if err := sc.Setup(ctx, w); err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("%s: set up worker %d: %w", sc.Name, w.ID, err)
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
