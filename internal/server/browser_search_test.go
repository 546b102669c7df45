package server_test

import (
	"context"
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
	if _, err := st.Pool().Exec(context.Background(), `
		INSERT INTO documents (number, year, doc_date, sender, recipients, subject, body_md, status, issued_at, audience)
		SELECT i, 2026, date '2026-10-31' - i, 'Presidency', 'Delegations', 'Zanzibar note ' || i, 'On Zanzibar.', 'issued', now(), 'delegations'
		FROM generate_series(1, 25) i`); err != nil {
		t.Fatal(err)
	}
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
	if got := text(t, ctx, "#doc-hits"); got != "Documents (newest 20)" {
		t.Errorf("heading = %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.Search(`//a[normalize-space()="Older documents"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.Search(`//h2[normalize-space()="Older documents (5)"]`)),
	); err != nil {
		t.Fatalf("older documents: %v", err)
	}
	if got := text(t, ctx, "ol.hits"); !strings.HasPrefix(got, "21/26 Zanzibar note 21") || !strings.Contains(got, "Zanzibar note 25") {
		t.Errorf("older documents = %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//a[normalize-space()="Back to the newest results"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h2[normalize-space()="Documents (newest 20)"]`)),
	); err != nil {
		t.Fatalf("back to the newest: %v", err)
	}
}
