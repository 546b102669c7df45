package server_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat finds a delegation's user with the keyboard-usable filter
// form, disables the account from the filtered list and is back on that
// list, which shows the account disabled.
func TestBrowserSecretariatFindsAndDisablesAUser(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := addUser(t, st, dialogue.RoleSecretariat, "", false)
	fr := addUser(t, st, dialogue.RoleDelegate, "FR", false)
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browser(t)
	browserSignIn(t, ctx, ts.URL, sec.Email)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/users"),
		chromedp.WaitVisible(chromedp.CSS("#uf-q")),
		chromedp.SetValue(chromedp.CSS("#uf-delegation"), "FR"),
		chromedp.SendKeys(chromedp.CSS("#uf-q"), "test.example\n"), // Enter submits the filter
		chromedp.WaitVisible(chromedp.Search(`//caption[contains(., "matching the filter")]`)),
	); err != nil {
		t.Fatalf("filter the users: %v", err)
	}
	list := text(t, ctx, "table.data")
	if !strings.Contains(list, fr.Email) || strings.Contains(list, be.Email) {
		t.Fatalf("the list filtered by FR:\n%s", list)
	}
	disable := `//tr[contains(., "` + fr.Email + `")]//button[starts-with(normalize-space(), "Disable")]`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(disable)),
		chromedp.WaitVisible(chromedp.Search(`//tr[contains(., "`+fr.Email+`")]//span[normalize-space()="Disabled"]`)),
	); err != nil {
		t.Fatalf("disable %s from the filtered list: %v", fr.Email, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil || u.Path != "/users" || u.Query().Get("delegation") != "FR" || u.Query().Get("q") != "test.example" {
		t.Fatalf("back on %q, want the list filtered as it was", loc)
	}
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#uf-q").value + "|" + document.querySelector("#uf-delegation").value`))
	if err != nil || value != "test.example|FR" {
		t.Fatalf("the filter form after the action: %q %v", value, err)
	}
	if got, _, err := st.UserForLogin(t.Context(), fr.Email); err != nil || !got.Disabled {
		t.Fatalf("%s is not disabled: %+v %v", fr.Email, got, err)
	}
}
