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
