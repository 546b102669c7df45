package server_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// browserSignIn signs in through the sign-in form, as a person would.
func browserSignIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")), // sent to the sign-in page
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".account-name")),
	); err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func navLabels(t *testing.T, ctx context.Context) []string {
	t.Helper()
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('nav[aria-label="Main"] a, nav[aria-label="Main"] .nav-group')).map(a => a.textContent.trim())`))
	if err != nil {
		t.Fatalf("read the menu: %v", err)
	}
	return labels
}

// A delegate and the Presidency sign in in a real browser and get the
// menus of their roles.
func TestBrowserMenusDifferByRole(t *testing.T) {
	raw, st := demoServerRaw(t)
	delegate := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	presidency := addUser(t, st, dialogue.RolePresidency, "", false)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browser(t)

	browserSignIn(t, ctx, ts.URL, delegate.Email)
	delegateMenu := strings.Join(navLabels(t, ctx), "|")
	if who := text(t, ctx, ".account"); !strings.Contains(who, "Delegate, Belgium") {
		t.Errorf("account area as the delegate: %q", who)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	browserSignIn(t, ctx, ts.URL, presidency.Email)
	presidencyMenu := strings.Join(navLabels(t, ctx), "|")

	for _, c := range []struct {
		who, menu      string
		want, unwanted []string
	}{
		{"delegate", delegateMenu, []string{"My consultations", "Documents", "Meetings", "Search"}, []string{"Drafting", "|Consultations", "Users", "Audit log"}},
		{"presidency", presidencyMenu, []string{"Drafting", "|Consultations", "Documents"}, []string{"My consultations", "Users", "Audit log"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.menu, w) {
				t.Errorf("%s's menu %q lacks %q", c.who, c.menu, w)
			}
		}
		for _, u := range c.unwanted {
			if strings.Contains(c.menu, u) {
				t.Errorf("%s's menu %q has %q", c.who, c.menu, u)
			}
		}
	}
	if delegateMenu == presidencyMenu {
		t.Fatal("the delegate and the Presidency see the same menu")
	}
}
