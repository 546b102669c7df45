package server_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The secretariat records an initiative from the dialogue's page in a real
// browser, with the keyboard-usable form: Syria's first gap is filled, and
// the coverage matrix shows the initiative in that cell.
func TestBrowserSecretariatRecordsAnInitiative(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := addUser(t, st, dialogue.RoleSecretariat, "", false)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browser(t)
	browserSignIn(t, ctx, ts.URL, sec.Email)

	coverageSummary := func() string {
		t.Helper()
		return text(t, ctx, ".coverage-summary")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/dialogues/med"), chromedp.WaitVisible(chromedp.CSS(".coverage-summary"))); err != nil {
		t.Fatal(err)
	}
	before := coverageSummary()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//a[normalize-space()="Record an initiative"]`)),
		chromedp.WaitVisible(chromedp.CSS("#i-name")),
		chromedp.SendKeys(chromedp.CSS("#i-name"), "Demo border training"),
		chromedp.SendKeys(chromedp.CSS("#i-implementers"), "frontex"),
		chromedp.Click(chromedp.Search(`//label[starts-with(normalize-space(), "Migrant smuggling") and not(contains(., "possible future"))]`)),
		chromedp.Click(chromedp.Search(`//fieldset[@id="i-partners"]//label[starts-with(normalize-space(), "Syria")]`)),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Record the initiative"]`)),
		chromedp.WaitVisible(chromedp.Search(`//*[@role="status"][contains(., "The initiative is recorded")]`)),
	); err != nil {
		t.Fatalf("record an initiative: %v", err)
	}
	if after := coverageSummary(); after == before {
		t.Errorf("the coverage did not change: %q", after)
	}
	row := text(t, ctx, `table.initiatives`)
	if !strings.Contains(row, "Demo border training") || !strings.Contains(row, "Syria") {
		t.Errorf("the initiatives table:\n%s", row)
	}
	cell, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const table = document.querySelector("table.coverage");
		const heads = Array.from(table.querySelectorAll("thead th")).map(th => th.textContent.trim());
		const col = heads.findIndex(h => h.startsWith("SY") || h.includes("Syria"));
		const row = Array.from(table.querySelectorAll("tbody tr")).find(tr => tr.querySelector("th").textContent.includes("Migrant smuggling"));
		return col < 0 || !row ? "" : row.children[col].textContent;
	})()`))
	if err != nil || !strings.Contains(cell, "Demo border training") {
		t.Errorf("the matrix cell of migrant smuggling × Syria = %q, %v", cell, err)
	}
	ins, err := st.Initiatives(context.Background(), medID(t, st))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		if in.Name == "Demo border training" && (len(in.Implementers) != 1 || in.Implementers[0].DelegationID == 0) {
			t.Errorf("frontex was not linked to the registry: %+v", in.Implementers)
		}
	}
}

func medID(t *testing.T, st interface {
	DialogueByCode(context.Context, string) (dialogue.Dialogue, error)
}) int64 {
	t.Helper()
	d, err := st.DialogueByCode(context.Background(), "med")
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// A partner joins: the secretariat records it on the delegations page with
// the keyboard (a missing name is said beside the field, the code typed
// stays), adds it to the dialogue's second phase, and finds it there in the
// registry.
func TestBrowserSecretariatRecordsAPartner(t *testing.T) {
	raw, st := demoServerRaw(t)
	sec := addUser(t, st, dialogue.RoleSecretariat, "", false)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browser(t)
	browserSignIn(t, ctx, ts.URL, sec.Email)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/delegations"),
		chromedp.Click(chromedp.Search(`//a[normalize-space()="Record a delegation"]`)),
		chromedp.WaitVisible(chromedp.CSS("#d-code")),
		chromedp.SendKeys(chromedp.CSS("#d-code"), "mr"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Record the delegation"]`)),
		chromedp.WaitVisible(chromedp.CSS("#d-name-error")),
	); err != nil {
		t.Fatalf("a delegation without a name: %v", err)
	}
	if code, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#d-code"))); err != nil || code != "mr" {
		t.Errorf("the code typed became %q (%v)", code, err)
	}
	if got := text(t, ctx, "#d-name-error"); !strings.Contains(got, "Enter the delegation's name") {
		t.Errorf("the name's message: %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS("#d-name")),
		chromedp.SendKeys(chromedp.CSS("#d-name"), "Mauritania"),
		chromedp.KeyEvent("\r"), // Enter submits the form
		chromedp.WaitVisible(chromedp.Search(`//*[@role="status"][contains(., "Mauritania (MR) is recorded")]`)),
		chromedp.Navigate(ts.URL+"/dialogues/med/participants/edit"),
		chromedp.WaitVisible(chromedp.CSS("#p-add-delegation")),
		chromedp.SetValue(chromedp.CSS("#p-add-delegation"), "MR"),
		chromedp.SetValue(chromedp.CSS("#p-add-phase"), "2"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Save the participation"]`)),
		chromedp.WaitVisible(chromedp.CSS("#partners")),
		chromedp.Navigate(ts.URL+"/delegations"),
		chromedp.WaitVisible(chromedp.CSS("#partners")),
	); err != nil {
		t.Fatalf("record MR and add it to the dialogue: %v", err)
	}
	phase2, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const t = Array.from(document.querySelectorAll("table.partners")).find(t => t.caption.textContent.trim() === "Phase 2");
		return t ? t.textContent : "";
	})()`))
	if err != nil || !strings.Contains(phase2, "Mauritania") {
		t.Errorf("phase 2 of the registry: %q %v", phase2, err)
	}
}
