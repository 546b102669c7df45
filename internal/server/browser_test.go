package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts Debian's Chromium for a test. Without it the test fails
// in CI (CI=true) and is skipped elsewhere.
func browser(t *testing.T) context.Context { return browserFor(t, 60*time.Second) }

// browserFor is browser with a longer overall time, for the long workflows.
func browserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("skipping the browser test: no Chromium at %s (apt-get install chromium; CI=true makes this a failure)", chromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	return bctx
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// From the register to 5559/26: the note reads as on paper.
func TestBrowserDocumentFromRegister(t *testing.T) {
	h, _ := demoServer(t)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	ctx := browser(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/documents"),
		chromedp.WaitVisible(chromedp.CSS("table.documents")),
	); err != nil {
		t.Fatalf("open the register: %v", err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.Search(`//table//a[normalize-space()="5559/26"]`)))
	if err != nil {
		t.Fatalf("follow the link to 5559/26: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("5559/26 answered %d", resp.Status)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !regexp.MustCompile(`/documents/[0-9]+$`).MatchString(loc) {
		t.Fatalf("location after the click = %q, %v", loc, err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".doc-head"))); err != nil {
		t.Fatal(err)
	}

	// The header block.
	for css, want := range map[string]string{
		".doc-place":   "Brussels, 12 February 2026",
		".doc-ref":     "5559/26",
		".doc-lang":    "(OR. en)",
		".doc-marking": "LIMITE",
	} {
		if got := text(t, ctx, css); got != want {
			t.Errorf("%s = %q, want %q", css, got, want)
		}
	}
	// The heading reads "NOTE", with the reference and subject for screen readers.
	if got := text(t, ctx, "h1.doc-type"); !strings.HasPrefix(got, "NOTE") {
		t.Errorf("h1 = %q, want NOTE first", got)
	}
	if codes := text(t, ctx, ".doc-codes"); !strings.HasPrefix(codes, "COSI 11 MED 12 JAI 79") || !strings.HasSuffix(codes, "EUROJUST FRONTEX EUROPOL") {
		t.Errorf("distribution codes = %q", codes)
	}
	meta := text(t, ctx, ".doc-meta")
	if !regexp.MustCompile(`^From: Presidency To: Delegations Subject: Regional dialogue on internal security with the Mediterranean$`).MatchString(meta) {
		t.Errorf("From / To / Subject = %q", meta)
	}
	// Two columns: place and date on the left, the reference on the right,
	// on the same line; the language under the place, LIMITE under the
	// reference.
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
		const r = s => document.querySelector(s).getBoundingClientRect();
		const place = r(".doc-place"), ref = r(".doc-ref"), lang = r(".doc-lang"), mark = r(".doc-marking");
		return {placeRight: place.right, refLeft: ref.left, placeTop: place.top, refTop: ref.top,
			langTop: lang.top, markTop: mark.top, placeBottom: place.bottom, refRight: ref.right, markRight: mark.right};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if layout["refLeft"] <= layout["placeRight"] || layout["langTop"] < layout["placeBottom"] ||
		abs(layout["refRight"]-layout["markRight"]) > 1 || abs(layout["langTop"]-layout["markTop"]) > 12 {
		t.Errorf("header block is not in two columns: %v", layout)
	}

	// Palestine's footnote: the marker links to footnote 3, which says it.
	if got := text(t, ctx, "#fnref-3"); got != "Footnote 3" {
		t.Errorf("marker of footnote 3 = %q", got)
	}
	if got := text(t, ctx, "#fn-3"); !strings.Contains(got, dialogue.PalestineFootnote) {
		t.Errorf("footnote 3 = %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#fnref-3"))); err != nil {
		t.Fatal(err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "#fn-3") {
		t.Errorf("the footnote marker leads to %q", loc)
	}

	// The three questions, in order.
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("ol.questions > li")))
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 3 {
		t.Fatalf("%d questions, want 3", len(nodes))
	}
	for i, want := range []string{"Do you agree with the Presidency's proposal", "How to best articulate", "Do you agree with the arrangements"} {
		got := text(t, ctx, "ol.questions > li:nth-child("+string(rune('1'+i))+") .question-prompt")
		if !strings.HasPrefix(got, want) {
			t.Errorf("question %d = %q", i+1, got)
		}
	}

	// htmx loaded from /static under the Content-Security-Policy.
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof htmx === "object"`)); err != nil || !ok {
		t.Errorf("htmx did not load: %v", err)
	}
}

// The register's filters, enhanced by htmx, narrow the table in place.
func TestBrowserDocumentFilters(t *testing.T) {
	h, _ := demoServer(t)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	ctx := browser(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/documents"),
		chromedp.WaitVisible(chromedp.CSS("table.documents")),
		chromedp.Poll[chromedp.Void](`typeof htmx === "object"`),
		chromedp.SetValue(chromedp.ID("f-marking"), "LIMITE"),
		chromedp.Click(chromedp.ID("f-submit")),
		chromedp.Poll[chromedp.Void](`location.search.includes("marking=LIMITE")`),
		chromedp.WaitNotPresent(chromedp.Search(`//table//a[normalize-space()="6762/22"]`)),
	); err != nil {
		t.Fatalf("filter by marking: %v", err)
	}
	if got := text(t, ctx, "table.documents tbody"); !strings.Contains(got, "5559/26") || strings.Contains(got, "6762/22") {
		t.Errorf("LIMITE documents = %q", got)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-marking"))); err != nil || v != "LIMITE" {
		t.Errorf("marking select after the filter = %q, %v", v, err)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
