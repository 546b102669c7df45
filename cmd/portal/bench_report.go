package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/store"
)

// benchReport is one run of `portal bench`. It is written as Markdown
// (bench/<date>-<years>y.md, printed too) and as JSON beside it, which the
// next run on another dataset size reads to report growth.
type benchReport struct {
	Started, Finished time.Time
	Options           benchOptions `json:"-"`
	Data              *benchData   `json:"-"`

	Years    int
	Database string
	Dataset  string
	Users    int
	Duration time.Duration
	Warmup   time.Duration
	Machine  machine
	Trivial  pageResult
	Pages    []pageResult
	Storm    *stormResult `json:",omitempty"`
	// VmHWM of the portal after the pages, and at the end (the storm signs
	// a hundred users in at once, each sign-in hashing with argon2id).
	PagesPeakMemoryKiB int64
	PeakMemoryKiB      int64
}

type machine struct {
	CPUs       int
	CPU        string
	Go         string
	PostgreSQL string
	// Load averages (1 min) when the run started and ended: the machine
	// is shared with the load generator and anything else running.
	LoadStart, LoadEnd string
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// cpuTimes are the machine's CPU time counters (the cpu line of
// /proc/stat, in ticks): all of them, and the time stolen by the
// hypervisor for other virtual machines.
type cpuTimes struct {
	total, steal uint64
	ok           bool
}

func readCPUTimes() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}
	}
	// user nice system idle iowait irq softirq steal [guest guest_nice,
	// which user and nice already include]
	var t cpuTimes
	for i, v := range f[1:9] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cpuTimes{}
		}
		t.total += n
		if i == 7 {
			t.steal = n
		}
	}
	t.ok = true
	return t
}

// stolenSince is the share of the CPU time since t that was stolen, or -1
// when it cannot be told.
func (t cpuTimes) stolenSince() float64 {
	now := readCPUTimes()
	if !t.ok || !now.ok || now.total <= t.total {
		return -1
	}
	return float64(now.steal-t.steal) / float64(now.total-t.total)
}

func stolenCell(f float64) string {
	if f < 0 {
		return "–"
	}
	return strconv.FormatFloat(100*f, 'f', 0, 64) + "%"
}

func machineInfo(ctx context.Context, st *store.Store) machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), LoadStart: loadAverage()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if c, err := st.Pool().Acquire(ctx); err == nil {
		m.PostgreSQL = c.Conn().PgConn().ParameterStatus("server_version")
		c.Release()
	}
	return m
}

// write writes the report to dir and prints it to stdout.
func (r *benchReport) write(stdout io.Writer, dir string) error {
	r.Years, r.Dataset = r.Data.Years, r.Data.describe()
	if r.Machine.LoadEnd == "" {
		r.Machine.LoadEnd = loadAverage()
	}
	r.Users, r.Duration, r.Warmup = r.Options.users, r.Options.duration, r.Options.warmup
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%dy", r.Started.Format("2006-01-02"), r.Years)
	other := previousReport(dir, r.Years, r.Users)
	md := r.markdown(other)
	if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(md), 0o644); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprint(stdout, md)
	fmt.Fprintf(stdout, "\n(written to %s)\n", filepath.Join(dir, name+".md"))
	return nil
}

// previousReport is the newest report in dir on a dataset of another size,
// with as many users.
func previousReport(dir string, years, users int) *benchReport {
	files, _ := filepath.Glob(filepath.Join(dir, "*y.json"))
	slices.Sort(files)
	slices.Reverse(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var r benchReport
		if json.Unmarshal(b, &r) == nil && r.Years != years && r.Years > 0 && r.Users == users {
			return &r
		}
	}
	return nil
}

func (r *benchReport) markdown(other *benchReport) string {
	var b strings.Builder
	d := r.Data
	fmt.Fprintf(&b, "# Portal benchmark: %d-year dataset, %s\n\n", r.Years, r.Started.Format("2 January 2006 15:04 MST"))
	fmt.Fprintf(&b, "- Dataset: %s, %s; the rounds of earlier storms removed, vacuumed and analyzed at the start of the run.\n", r.Database, d.describe())
	fmt.Fprintf(&b, "- Load: %d concurrent signed-in users per page (each its own session, signed in through the form), "+
		"%s each after a %s warm-up; keep-alive connections; the load generator runs on the same machine; "+
		"the portal logs every request but the probes (/ping, /healthz), as in service.\n",
		r.Users, r.Duration, r.Warmup)
	fmt.Fprintf(&b, "- Machine: %d CPUs (%s), %s, PostgreSQL %s; load average %s at the start, %s at the end.\n",
		r.Machine.CPUs, r.Machine.CPU, r.Machine.Go, r.Machine.PostgreSQL, r.Machine.LoadStart, r.Machine.LoadEnd)
	if r.PeakMemoryKiB > 0 {
		fmt.Fprintf(&b, "- Peak memory of the portal process (VmHWM): %.0f MiB after the pages, %.0f MiB after the deadline storm "+
			"(whose hundred sign-ins each hash a password with argon2id).\n",
			float64(r.PagesPeakMemoryKiB)/1024, float64(r.PeakMemoryKiB)/1024)
	}
	b.WriteString("- Statements: SQL statements one request of the page sends (session included), counted in-process " +
		"with `store.WithQueryCount` on the same database. Alone: the median time to serve the page in-process with " +
		"no other request running (no network, no load generator): the page's own cost, which a busy machine disturbs least.\n\n")

	b.WriteString("- CPU stolen: the share of the machine's CPU time the hypervisor gave to other virtual machines while " +
		"the page was driven (steal, /proc/stat); runs are comparable only at similar values.\n\n")
	b.WriteString("| Page | As | Requests/s | p50 | p95 | p99 | Errors | Of ceiling | Statements | Alone | CPU stolen | Target | Result |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n")
	rows := append([]pageResult{r.Trivial}, r.Pages...)
	for _, p := range rows {
		if p.Skipped != "" || p.Requests == 0 {
			why := p.Skipped
			if why == "" {
				why = "no request completed within the run"
			}
			fmt.Fprintf(&b, "| %s `%s` | %s | – | – | – | – | – | – | – | – | – | %s | **not measured**: %s |\n",
				p.Title, p.Path, p.Role, target(p), mdEscape(why))
			continue
		}
		stmts, solo := "–", "–"
		if p.Key != "ping" {
			stmts, solo = strconv.FormatFloat(p.Statements, 'f', -1, 64), fmtDuration(p.AloneP50)
		}
		fmt.Fprintf(&b, "| %s `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			p.Title, p.Path, p.Role, thousands(p.RPS), fmtDuration(p.P50), fmtDuration(p.P95), fmtDuration(p.P99),
			errorsCell(p), percent(p.Ratio), stmts, solo, stolenCell(p.Stolen), target(p), verdict(p.Pass))
	}

	if other != nil {
		small, large := other, r
		if other.Years > r.Years {
			small, large = r, other
		}
		fmt.Fprintf(&b, "\n## Growth: %d years against %d (report of %s)\n\n", large.Years, small.Years, other.Started.Format("2 January 2006 15:04"))
		b.WriteString("Target: each page's p50 on the larger dataset within 1.5× of its p50 on the smaller one, and the same number of statements. " +
			"The p50 served alone is given too: it is the page's own cost, which other work on the machine disturbs least.\n\n")
		// A virtual machine's speed drifts between runs minutes apart: say
		// how fast it was in each, so that a ratio is read with it.
		fmt.Fprintf(&b, "The machine's ceiling (`/ping`) was %s req/s in the %d-year run and %s in the %d-year run. "+
			"Every page moves with it: compare runs taken back to back, or alternate the two databases page by page "+
			"(`--only PAGE`; each report compares with the newest of the other size).\n\n",
			thousands(small.Trivial.RPS), small.Years, thousands(large.Trivial.RPS), large.Years)
		sy, ly := strconv.Itoa(small.Years)+" y", strconv.Itoa(large.Years)+" y"
		b.WriteString("| Page | As | p50, " + sy + " | p50, " + ly + " | Ratio | Alone, " + sy + " | Alone, " + ly + " | Ratio | Statements | Result |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n")
		for _, lp := range large.Pages {
			i := slices.IndexFunc(small.Pages, func(sp pageResult) bool { return sp.Key == lp.Key })
			if i < 0 {
				continue
			}
			sp := small.Pages[i]
			if lp.Requests == 0 || sp.Requests == 0 {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | – | – | – | – | – | not measured on both |\n", lp.Title, lp.Role, fmtDuration(sp.P50), fmtDuration(lp.P50))
				continue
			}
			ratio := float64(lp.P50) / float64(sp.P50)
			soloRatio := "–"
			if sp.AloneP50 > 0 {
				soloRatio = fmt.Sprintf("%.2f×", float64(lp.AloneP50)/float64(sp.AloneP50))
			}
			stmts := strconv.FormatFloat(sp.Statements, 'f', -1, 64)
			if lp.Statements != sp.Statements {
				stmts += " → " + strconv.FormatFloat(lp.Statements, 'f', -1, 64)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %.2f× | %s | %s | %s | %s | %s |\n", lp.Title, lp.Role, fmtDuration(sp.P50), fmtDuration(lp.P50),
				ratio, fmtDuration(sp.AloneP50), fmtDuration(lp.AloneP50), soloRatio, stmts, verdict(ratio <= 1.5 && lp.Statements == sp.Statements))
		}
	}

	if s := r.Storm; s != nil {
		b.WriteString("\n## Deadline storm\n\n")
		fmt.Fprintf(&b, "Round %d on %s (%d questions), consulting %d delegations: %d delegates (%d of each delegation with delegates) "+
			"save and revise replies as fast as they can from %s before the deadline to %s after it, while %d Presidency officers "+
			"reload the reply matrix; then the Presidency closes the round (status %d).\n\n",
			s.Round, d.Note.Reference, s.Questions, len(d.AllIDs), s.Writers, stormUsersPerDelegation, stormBefore, stormAfter,
			s.Watchers, s.CloseStatus)
		b.WriteString("| Save requests | Accepted | Refused late | Conflicts | Lost | Dated after the deadline | Server errors | Other errors | Result |\n")
		b.WriteString("|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
		fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d | %s |\n\n", s.Attempts, s.Accepted, s.Late, s.Conflicts, s.Lost,
			s.AfterDeadline, s.ServerErrors, s.OtherErrors, verdict(s.Pass))
		lastAck, firstLate := "no save was accepted", "none was refused as late"
		if s.Accepted > 0 {
			lastAck = "the last save accepted was sent " + relative(s.LastAck) + " the deadline"
		}
		if s.Late > 0 {
			firstLate = "the first refused as late " + relative(s.FirstLate) + " it"
		}
		fmt.Fprintf(&b, "- Saves: p50 %s, p99 %s; a save counts, and is dated, when the portal receives it: %s, %s.\n",
			fmtDuration(s.SaveP50), fmtDuration(s.SaveP99), lastAck, firstLate)
		fmt.Fprintf(&b, "- Reply matrix during the storm: %d loads, p50 %s, p99 %s.\n", s.MatrixLoads, fmtDuration(s.MatrixP50), fmtDuration(s.MatrixP99))
		fmt.Fprintf(&b, "- In the database after the close: %d revisions; every accepted save is there with its text (lost: %d); "+
			"%d revisions were saved but their acknowledgement never reached the browser.\n", s.Revisions, s.Lost, s.Unacknowledged)
		if len(s.ErrorKinds) > 0 {
			fmt.Fprintf(&b, "- Errors: %s.\n", kinds(s.ErrorKinds))
		}
	}

	var failed []string
	for _, p := range rows {
		if p.Skipped == "" && p.Errors > 0 {
			failed = append(failed, fmt.Sprintf("%s (%s): %s", p.Title, p.Role, kinds(p.ErrorKinds)))
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n## Errors\n\n")
		for _, f := range failed {
			b.WriteString("- " + mdEscape(f) + "\n")
		}
	}
	fmt.Fprintf(&b, "\nReproduce: `make bench` (or `bin/portal bench --users %d --duration %s`) on a database filled by "+
		"`bin/portal bench-data --reset --years %d`.\n", r.Users, r.Duration, r.Years)
	return b.String()
}

func target(p pageResult) string {
	if p.Limit == 0 {
		return "no errors"
	}
	s := "p99 < " + fmtDuration(p.Limit)
	if p.MinRatio > 0 {
		s += ", ≥ " + percent(p.MinRatio) + " of ceiling"
	}
	return s
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "**FAIL**"
}

func errorsCell(p pageResult) string {
	if p.Requests == 0 {
		return "0"
	}
	if p.Errors == 0 {
		return "0"
	}
	return fmt.Sprintf("**%d**", p.Errors)
}

func kinds(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s × %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func relative(d time.Duration) string {
	switch {
	case d < 0:
		return fmtDuration(-d) + " before"
	case d > 0:
		return fmtDuration(d) + " after"
	}
	return "at"
}

// fmtDuration shows a latency with three significant figures: 0.412 ms,
// 12.3 ms, 215 ms, 1.52 s.
func fmtDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "0"
	case d%time.Millisecond == 0 && d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 3, 64) + " ms"
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
}

func percent(f float64) string {
	switch {
	case f == 0:
		return "–"
	case f < 0.1:
		return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(f*100, 'f', 0, 64) + "%"
}

// thousands formats a rate: 41,230 or 12.5.
func thousands(f float64) string {
	if f < 100 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(f+0.5), 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func mdEscape(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
