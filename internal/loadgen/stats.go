package loadgen

import (
	"errors"
	"fmt"
	"math"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"
)

// recorder keeps one worker's measures: no locks, merged at the end.
type recorder struct {
	from       time.Time // requests that end earlier are warm-up, not recorded
	ok         func(status int) bool
	latencies  []time.Duration
	statuses   map[int]int
	errors     map[string]int
	counts     map[string]int
	requests   int
	errorCount int
}

func newRecorder(from time.Time, ok func(int) bool) *recorder {
	return &recorder{from: from, ok: ok, statuses: map[int]int{}, errors: map[string]int{}, counts: map[string]int{}}
}

// recording reports whether what ends at t is measured: after the
// warm-up. Requests count by when they end, so that a page slower than the
// warm-up is still measured, and the rate is completions per second.
func (r *recorder) recording(t time.Time) bool { return r != nil && !t.Before(r.from) }

func (r *recorder) response(end time.Time, lat time.Duration, status int) {
	if !r.recording(end) {
		return
	}
	r.requests++
	r.latencies = append(r.latencies, lat)
	r.statuses[status]++
	if !r.ok(status) {
		r.errorCount++
		r.errors[fmt.Sprintf("HTTP %d", status)]++
	}
}

func (r *recorder) transportError(end time.Time, err error) {
	if !r.recording(end) {
		return
	}
	r.requests++
	r.errorCount++
	r.errors[errorKind(err)]++
}

// stepError is an error a scenario's step reported itself (an unexpected
// page, a lost reply): counted with the errors, under its message.
func (r *recorder) stepError(end time.Time, err error) {
	var re *RequestError
	if !r.recording(end) || errors.As(err, &re) {
		return // a failed request is counted when it fails
	}
	r.errorCount++
	r.errors[err.Error()]++
}

// errorKind names a transport error without its addresses and ports, so
// that a thousand refused connections are one line of the report.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return "transport: " + s
}

// Result is what a scenario measured.
type Result struct {
	Name     string
	Workers  int
	Elapsed  time.Duration // of the measured part (after warm-up)
	Requests int           // responses received and transport failures
	// Errors are responses with a status the scenario does not accept,
	// transport failures and errors the steps reported.
	Errors     int
	ErrorKinds map[string]int
	Statuses   map[int]int
	// Counts are the outcomes the steps counted (Worker.Count), e.g.
	// "accepted" or "conflict".
	Counts    map[string]int
	Latencies []time.Duration // every recorded latency, sorted
}

func (r *Result) merge(rec *recorder) {
	r.Requests += rec.requests
	r.Errors += rec.errorCount
	r.Latencies = append(r.Latencies, rec.latencies...)
	for k, v := range rec.statuses {
		r.Statuses[k] += v
	}
	for k, v := range rec.errors {
		r.ErrorKinds[k] += v
	}
	for k, v := range rec.counts {
		r.Counts[k] += v
	}
}

// RPS is requests per second over the measured time.
func (r *Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile is the p-th percentile (0 < p <= 100) of the latencies.
func (r *Result) Percentile(p float64) time.Duration { return Percentile(r.Latencies, p) }

// Percentile is the nearest-rank p-th percentile of sorted latencies: the
// smallest value such that at least p% of the values are at most it (the
// value at rank ceil(p/100 × n), counting from 1). p <= 0 gives the
// minimum, p >= 100 the maximum, no values 0.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// Rounded first, so that 0.95 × 100 (94.99999…) still gives rank 95.
	rank := int(math.Ceil(math.Round(p/100*float64(n)*1e6) / 1e6))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

func sortLatencies(l []time.Duration) { slices.Sort(l) }
