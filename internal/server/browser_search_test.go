package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Searching with the keyboard alone, then on to the older results and
// back to the newest.
func TestBrowserSearchPages(t *testing.T) {
	h, st := demoServer(t)
	addZanzibarNotes(t, st)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	ctx := browser(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/search"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.Focus(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "zanzibar"+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("doc-hits")),
	); err != nil {
		t.Fatalf("search: %v", err)
	}
	if got := text(t, ctx, "#doc-hits"); got != "Documents (newest 10)" {
		t.Errorf("heading = %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.Search(`//a[normalize-space()="Older documents"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.Search(`//h2[normalize-space()="Older documents (10)"]`)),
	); err != nil {
		t.Fatalf("older documents: %v", err)
	}
	if got := text(t, ctx, "ol.hits"); !strings.HasPrefix(got, "11/26 Zanzibar note 11") || !strings.Contains(got, "Zanzibar note 20") {
		t.Errorf("older documents = %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//a[normalize-space()="Back to the newest results"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h2[normalize-space()="Documents (newest 10)"]`)),
	); err != nil {
		t.Fatalf("back to the newest: %v", err)
	}
}
