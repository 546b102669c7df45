package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	thousand := make([]time.Duration, 1000)
	for i := range thousand {
		thousand[i] = time.Duration(i+1) * time.Microsecond
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 50, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"p0 is the minimum", ms(1, 2, 3), 0, time.Millisecond},
		{"p100 is the maximum", ms(1, 2, 3), 100, 3 * time.Millisecond},
		{"above 100 is the maximum", ms(1, 2, 3), 150, 3 * time.Millisecond},
		// Nearest rank: ceil(0.5 × 4) = 2.
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"median of five is the third", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p95 of 1..100", hundred, 95, 95 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p99.9 of 1..100 is the maximum", hundred, 99.9, 100 * time.Millisecond},
		{"p95 of 1..1000", thousand, 95, 950 * time.Microsecond},
		{"p99 of 1..1000", thousand, 99, 990 * time.Microsecond},
		{"p99.9 of 1..1000", thousand, 99.9, 999 * time.Microsecond},
		// One slow request in a hundred is the p99; two are above the p98.
		{"one slow request in a hundred", append(ms(slices.Repeat([]int{1}, 99)...), time.Second), 99, time.Millisecond},
		{"the slow one is the p100", append(ms(slices.Repeat([]int{1}, 99)...), time.Second), 99.5, time.Second},
	} {
		if got := Percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: Percentile(p%g) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestResultRPS(t *testing.T) {
	r := Result{Requests: 500, Elapsed: 2 * time.Second}
	if got := r.RPS(); got != 250 {
		t.Errorf("RPS = %g, want 250", got)
	}
	if got := (&Result{Requests: 5}).RPS(); got != 0 {
		t.Errorf("RPS with no time = %g, want 0", got)
	}
}

// site is a tiny site with a sign-in form: POST /login sets a session
// cookie and answers 303 when the Sec-Fetch-Site header is same-origin,
// GET /page needs the cookie, /fail always fails and /conflict answers 409.
type site struct {
	mu       sync.Mutex
	sessions map[string]string
	pages    atomic.Int64
	conns    atomic.Int64
}

func newSite(t *testing.T) (*site, *httptest.Server) {
	s := &site{sessions: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Sec-Fetch-Site") != "same-origin" {
			http.Error(w, "cross-site", http.StatusForbidden)
			return
		}
		if r.PostFormValue("password") != "secret" {
			http.Error(w, "wrong", http.StatusUnprocessableEntity)
			return
		}
		s.mu.Lock()
		token := fmt.Sprint("t", len(s.sessions))
		s.sessions[token] = r.PostFormValue("email")
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "session", Value: token, Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		s.mu.Lock()
		email := ""
		if err == nil {
			email = s.sessions[c.Value]
		}
		s.mu.Unlock()
		if email == "" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		s.pages.Add(1)
		fmt.Fprintf(w, "hello %s", email)
	})
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("GET /conflict", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "conflict", http.StatusConflict)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return s, srv
}

func TestRunSignedInWorkers(t *testing.T) {
	s, srv := newSite(t)
	var newConns atomic.Int64
	tr := NewTransport(8)
	defer tr.CloseIdleConnections()
	tr.DialContext = countingDial(tr, &newConns)

	res, err := Run(context.Background(), Scenario{
		Name: "page", Base: srv.URL, Workers: 8, Duration: 300 * time.Millisecond, Transport: tr,
		Setup: func(ctx context.Context, w *Worker) error {
			return w.Login(ctx, fmt.Sprintf("user%d@example.org", w.ID), "secret")
		},
		Step: func(ctx context.Context, w *Worker) error {
			resp, err := w.Get(ctx, "/page")
			if err != nil {
				return err
			}
			if want := fmt.Sprintf("hello user%d@example.org", w.ID); string(resp.Body) != want {
				return fmt.Errorf("got %q, want %q", resp.Body, want)
			}
			w.Count("seen")
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 {
		t.Fatalf("requests %d, errors %d (%v)", res.Requests, res.Errors, res.ErrorKinds)
	}
	if res.Statuses[200] != res.Requests || res.Counts["seen"] != res.Requests || len(res.Latencies) != res.Requests {
		t.Errorf("statuses %v, counts %v, %d latencies, %d requests", res.Statuses, res.Counts, len(res.Latencies), res.Requests)
	}
	if int64(res.Requests) > s.pages.Load() {
		t.Errorf("%d requests recorded, the site served %d pages", res.Requests, s.pages.Load())
	}
	if !slices.IsSorted(res.Latencies) || res.Percentile(50) <= 0 || res.Percentile(99) < res.Percentile(50) {
		t.Errorf("latencies: p50 %v, p99 %v, sorted %v", res.Percentile(50), res.Percentile(99), slices.IsSorted(res.Latencies))
	}
	if res.Elapsed < 300*time.Millisecond || res.RPS() <= 0 {
		t.Errorf("elapsed %v, rps %g", res.Elapsed, res.RPS())
	}
	// Keep-alive: about one connection per worker (a request may dial while
	// another connection is being put back), never one per request.
	if n := newConns.Load(); n > 16 || int(n) >= res.Requests {
		t.Errorf("%d connections opened for 8 workers: keep-alive is not working", n)
	}
}

func countingDial(tr *http.Transport, n *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	dial := tr.DialContext
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		n.Add(1)
		return dial(ctx, network, addr)
	}
}

func TestRunCountsErrorsAndAcceptedStatuses(t *testing.T) {
	_, srv := newSite(t)
	res, err := Run(context.Background(), Scenario{
		Name: "mixed", Base: srv.URL, Workers: 3, Operations: 30, Accept: []int{http.StatusConflict},
		Step: func(ctx context.Context, w *Worker) error {
			if _, err := w.Get(ctx, "/fail"); err != nil {
				return err
			}
			if _, err := w.Get(ctx, "/conflict"); err != nil {
				return err
			}
			// Not signed in: the page redirects to the sign-in form (a 3xx, not an error).
			if _, err := w.Get(ctx, "/page"); err != nil {
				return err
			}
			return errors.New("unexpected page")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 90 {
		t.Fatalf("30 operations of 3 requests: %d requests", res.Requests)
	}
	if res.Statuses[500] != 30 || res.Statuses[409] != 30 || res.Statuses[303] != 30 {
		t.Errorf("statuses %v", res.Statuses)
	}
	// The 500s and the step's own error count; the accepted 409 and the 303 do not.
	if res.Errors != 60 || res.ErrorKinds["HTTP 500"] != 30 || res.ErrorKinds["unexpected page"] != 30 {
		t.Errorf("errors %d: %v", res.Errors, res.ErrorKinds)
	}
}

func TestRunTransportErrors(t *testing.T) {
	_, srv := newSite(t)
	base := srv.URL
	srv.Close() // nothing listens any more
	res, err := Run(context.Background(), Scenario{
		Name: "down", Base: base, Workers: 2, Operations: 4,
		Step: func(ctx context.Context, w *Worker) error {
			_, err := w.Get(ctx, "/page")
			return err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each failure is one request and one error, though the step returns it too.
	if res.Requests != 4 || res.ErrorKinds["connection refused"] != 4 || res.Errors != 4 || len(res.Latencies) != 0 {
		t.Errorf("requests %d, errors %v, %d latencies", res.Requests, res.ErrorKinds, len(res.Latencies))
	}
}

func TestWarmupIsNotRecorded(t *testing.T) {
	_, srv := newSite(t)
	var steps atomic.Int64
	res, err := Run(context.Background(), Scenario{
		Name: "warm", Base: srv.URL, Workers: 2, Warmup: 200 * time.Millisecond, Duration: 200 * time.Millisecond,
		Step: func(ctx context.Context, w *Worker) error {
			steps.Add(1)
			_, err := w.Get(ctx, "/conflict")
			w.Count("done")
			return err
		},
		Accept: []int{http.StatusConflict},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || int64(res.Requests) >= steps.Load() {
		t.Errorf("%d steps in all, %d recorded: the warm-up should be left out", steps.Load(), res.Requests)
	}
	if res.Elapsed < 200*time.Millisecond || res.Elapsed > time.Second {
		t.Errorf("measured time %v, want about 200ms", res.Elapsed)
	}
}

func TestLoginFailures(t *testing.T) {
	_, srv := newSite(t)
	c, err := NewClient(srv.URL, NewTransport(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(context.Background(), "a@example.org", "wrong"); err == nil {
		t.Error("a wrong password signed in")
	}
	_, err = Run(context.Background(), Scenario{
		Name: "bad", Base: srv.URL, Workers: 3, Duration: time.Second,
		Setup: func(ctx context.Context, w *Worker) error { return w.Login(ctx, "a@example.org", "wrong") },
		Step:  func(context.Context, *Worker) error { return nil },
	})
	if err == nil {
		t.Error("a scenario whose workers cannot sign in ran")
	}
}

func TestScenarioValidation(t *testing.T) {
	step := func(context.Context, *Worker) error { return nil }
	for _, sc := range []Scenario{
		{Name: "no workers", Base: "http://127.0.0.1:1", Duration: time.Second, Step: step},
		{Name: "no end", Base: "http://127.0.0.1:1", Workers: 1, Step: step},
		{Name: "no step", Base: "http://127.0.0.1:1", Workers: 1, Duration: time.Second},
		{Name: "bad base", Base: "127.0.0.1:1", Workers: 1, Duration: time.Second, Step: step},
	} {
		if _, err := Run(context.Background(), sc); err == nil {
			t.Errorf("%s: ran", sc.Name)
		}
	}
}

func TestTeamStartsAtTheTimeSetAfterSetup(t *testing.T) {
	_, srv := newSite(t)
	var signedIn atomic.Int64
	team, err := NewTeam(context.Background(), Scenario{
		Name: "later", Base: srv.URL, Workers: 4,
		Setup: func(ctx context.Context, w *Worker) error {
			signedIn.Add(1)
			return w.Login(ctx, fmt.Sprintf("u%d@example.org", w.ID), "secret")
		},
		Step: func(ctx context.Context, w *Worker) error {
			_, err := w.Get(ctx, "/page")
			return err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer team.Close()
	if signedIn.Load() != 4 || len(team.Workers()) != 4 {
		t.Fatalf("%d workers set up", signedIn.Load())
	}
	// Learnt only now: start in 100 ms, stop 200 ms later.
	begin := time.Now()
	team.Scenario.StartAt = begin.Add(100 * time.Millisecond)
	team.Scenario.StopAt = begin.Add(300 * time.Millisecond)
	res, err := team.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < 300*time.Millisecond || took > 2*time.Second {
		t.Errorf("ran for %v", took)
	}
	if res.Requests == 0 || res.Errors != 0 || res.Statuses[200] != res.Requests {
		t.Errorf("requests %d, errors %v, statuses %v", res.Requests, res.ErrorKinds, res.Statuses)
	}
	if res.Elapsed < 200*time.Millisecond {
		t.Errorf("measured %v, want at least the 200 ms between start and stop", res.Elapsed)
	}
}
