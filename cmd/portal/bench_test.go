package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBenchFormatting(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0"},
		{412 * time.Microsecond, "0.412 ms"},
		{3456 * time.Microsecond, "3.46 ms"},
		{12345 * time.Microsecond, "12.3 ms"},
		{50 * time.Millisecond, "50 ms"},
		{215400 * time.Microsecond, "215 ms"},
		{1520 * time.Millisecond, "1.52 s"},
	} {
		if got := fmtDuration(tc.d); got != tc.want {
			t.Errorf("fmtDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for f, want := range map[float64]string{12.345: "12.3", 999.6: "1,000", 41230.2: "41,230", 1234567: "1,234,567"} {
		if got := thousands(f); got != want {
			t.Errorf("thousands(%g) = %q, want %q", f, got, want)
		}
	}
	for f, want := range map[float64]string{0: "–", 0.0512: "5.1%", 0.5: "50%", 1: "100%"} {
		if got := percent(f); got != want {
			t.Errorf("percent(%g) = %q, want %q", f, got, want)
		}
	}
	for f, want := range map[float64]string{-1: "–", 0: "0%", 0.123: "12%", 0.5: "50%"} {
		if got := stolenCell(f); got != want {
			t.Errorf("stolenCell(%g) = %q, want %q", f, got, want)
		}
	}
}

// The steal share is read from /proc/stat (the machines the bench runs on
// are Linux): a share of the time since the first reading.
func TestStolenShare(t *testing.T) {
	start := readCPUTimes()
	if !start.ok || start.total == 0 {
		t.Fatalf("no CPU times in /proc/stat: %+v", start)
	}
	// Idle time counts too: sleeping lets the counters move on.
	for deadline := time.Now().Add(2 * time.Second); readCPUTimes().total == start.total && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if f := start.stolenSince(); f < 0 || f > 1 {
		t.Errorf("stolen share %g, want within [0, 1]", f)
	}
	if f := (cpuTimes{}).stolenSince(); f != -1 {
		t.Errorf("stolen share without a first reading: %g, want -1", f)
	}
}

func TestConflictPageBase(t *testing.T) {
	page := `<h1>A colleague changed this reply first</h1><form><input type="hidden" name="base" value="17"/></form>`
	m := baseField.FindStringSubmatch(page)
	if m == nil || m[1] != "17" || !strings.Contains(page, string(conflictMark)) {
		t.Fatalf("base field not found in %q", page)
	}
}

// The report marks every target and compares with the report of another
// dataset size found beside it.
func TestBenchReportGrowth(t *testing.T) {
	dir := t.TempDir()
	page := func(p50 time.Duration, stmts float64) pageResult {
		return pageResult{AloneP50: p50 / 4, Key: "matrix", Title: "Reply matrix", Path: "/rounds/1/matrix", Role: "Presidency", Limit: pageLimit,
			MinRatio: 0.05, RPS: 3000, P50: p50, P95: 2 * p50, P99: 3 * p50, Requests: 30000, Ratio: 0.07, Statements: stmts, Stolen: 0.123, Pass: true}
	}
	data := &benchData{Years: 1, Generated: "Nov 2025 – Nov 2026", Documents: 400, Rounds: 40}
	small := &benchReport{Started: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), Options: benchOptions{users: 32, duration: time.Second},
		Data: data, Database: "test", Trivial: pageResult{Key: "ping", Title: "Trivial", Path: "/ping", RPS: 40000, Requests: 400000, Pass: true},
		Pages: []pageResult{page(4*time.Millisecond, 7)}}
	if err := small.write(&strings.Builder{}, dir); err != nil {
		t.Fatal(err)
	}
	large := *small
	large.Data = &benchData{Years: 10, Generated: "Nov 2016 – Nov 2026", Documents: 4000, Rounds: 400}
	large.Started = small.Started.Add(time.Hour)
	large.Pages = []pageResult{page(7*time.Millisecond, 8)}
	large.Trivial.RPS = 20500
	var out strings.Builder
	if err := large.write(&out, dir); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	for _, want := range []string{
		"| Reply matrix `/rounds/1/matrix` | Presidency | 3,000 | 7 ms | 14 ms | 21 ms | 0 | 7.0% | 8 | 1.75 ms | 12% | p99 < 50 ms, ≥ 5.0% of ceiling | pass |",
		"## Growth: 10 years against 1",
		"The machine's ceiling (`/ping`) was 40,000 req/s in the 1-year run and 20,500 in the 10-year run.",
		"| Reply matrix | Presidency | 4 ms | 7 ms | 1.75× | 1 ms | 1.75 ms | 1.75× | 7 → 8 | **FAIL** |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	for _, f := range []string{"2026-11-22-1y.md", "2026-11-22-1y.json", "2026-11-22-10y.md", "2026-11-22-10y.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestNotInfo: the bench's portal logs every request; only its warnings
// and errors reach the terminal, whole, however the writes cut the lines.
func TestNotInfo(t *testing.T) {
	var out strings.Builder
	f := &notInfo{w: &out}
	log := `time=2026-11-23T04:00:00Z level=INFO msg=request path=/ status=200
time=2026-11-23T04:00:01Z level=WARN msg="cross-origin request refused" path=/login
{"time":"2026-11-23T04:00:02Z","level":"INFO","msg":"request"}
{"time":"2026-11-23T04:00:03Z","level":"ERROR","msg":"database"}
time=2026-11-23T04:00:04Z level=ERROR msg=unfinished`
	for i := 0; i < len(log); i += 7 { // writes that cut lines anywhere
		if _, err := f.Write([]byte(log[i:min(i+7, len(log))])); err != nil {
			t.Fatal(err)
		}
	}
	want := `time=2026-11-23T04:00:01Z level=WARN msg="cross-origin request refused" path=/login
{"time":"2026-11-23T04:00:03Z","level":"ERROR","msg":"database"}
`
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestBenchReportStorm: the storm's line says when the last accepted and
// the first late save were sent, and says so plainly when there was none.
func TestBenchReportStorm(t *testing.T) {
	r := &benchReport{Started: time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC), Options: benchOptions{users: 32, duration: time.Second},
		Data: &benchData{Years: 10, AllIDs: []int64{1, 2}}, Database: "test", Trivial: pageResult{Key: "ping", Title: "Trivial", Path: "/ping", RPS: 20000, Pass: true},
		Storm: &stormResult{Round: 7, Writers: 6, Accepted: 40, Late: 30, LastAck: -2 * time.Millisecond, FirstLate: 5 * time.Millisecond,
			SaveP50: 108 * time.Millisecond, SaveP99: 178 * time.Millisecond, CloseStatus: 303, Pass: true}}
	md := r.markdown(nil)
	if want := "- Saves: p50 108 ms, p99 178 ms; a save counts, and is dated, when the portal receives it: " +
		"the last save accepted was sent 2 ms before the deadline, the first refused as late 5 ms after it."; !strings.Contains(md, want) {
		t.Errorf("report lacks %q:\n%s", want, md)
	}
	r.Storm.Accepted, r.Storm.LastAck, r.Storm.Pass = 0, 0, false
	md = r.markdown(nil)
	if want := ": no save was accepted, the first refused as late 5 ms after it."; !strings.Contains(md, want) {
		t.Errorf("report lacks %q:\n%s", want, md)
	}
}
