package server_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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

// The secretariat gives a Presidency officer a last day of access from the
// account form, opened from the list filtered by role, with the keyboard: a day gone by is refused beside
// the field, the day typed kept; a day to come is saved and the list,
// filtered as it was, shows it.
func TestBrowserSecretariatSetsALastDayOfAccess(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now)
	sec := addUser(t, st, dialogue.RoleSecretariat, "", false)
	officer := addUser(t, st, dialogue.RolePresidency, "", false)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browser(t)
	browserSignIn(t, ctx, ts.URL, sec.Email)

	link := `//tr[contains(., "` + officer.Email + `")]//a[starts-with(normalize-space(), "Edit")]`
	past := time.Now().AddDate(0, 0, -7).Format(time.DateOnly)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/users?role=presidency"),
		chromedp.Focus(chromedp.Search(link)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#a-until")),
		chromedp.SetValue(chromedp.CSS("#a-until"), past),
		chromedp.Focus(chromedp.CSS("#a-until")),
		chromedp.KeyEvent(kb.Enter), // Enter in the field sends the form
		chromedp.WaitVisible(chromedp.CSS("#a-until-error")),
	); err != nil {
		t.Fatalf("a day gone by: %v", err)
	}
	if msg := text(t, ctx, "#a-until-error"); !strings.Contains(msg, "Choose today or a later day") {
		t.Fatalf("the message beside the field: %q", msg)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#a-until").value`)); err != nil || v != past {
		t.Fatalf("the day typed after the refusal: %q %v", v, err)
	}

	until := time.Now().AddDate(0, 1, 0)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#a-until"), until.Format(time.DateOnly)),
		chromedp.Focus(chromedp.Search(`//button[normalize-space()="Save"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.Search(`//p[@role="status"][contains(., "The account of `+officer.Name+` is saved")]`)),
	); err != nil {
		t.Fatalf("save the last day: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/users?role=presidency") {
		t.Fatalf("back on %q (%v), want the list filtered as it was", loc, err)
	}
	row := text(t, ctx, `tr:has(td a[href="/users/`+itoa(officer.ID)+`/edit?role=presidency"])`)
	if !strings.Contains(row, "until "+until.Format("2 January 2006")) {
		t.Fatalf("the officer's row: %q", row)
	}
}
