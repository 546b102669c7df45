package server_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// browserSignOut signs out through the menu's button.
func browserSignOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// location returns the current URL's path.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`^https?://[^/]+`).ReplaceAllString(loc, "")
}

// step runs browser actions with a time limit of their own; on failure
// it reports where the browser was and what the page said.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("%s: %v\nat %s:\n%s", name, err, loc, strings.Join(strings.Fields(page), " "))
	}
}

// submit clicks a button that sends a form and waits for the page it
// leads to, so that nothing is read from the page being left.
func submit[S chromedp.Selectable](t *testing.T, ctx context.Context, name string, button S) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, chromedp.Click(button))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if resp.Status >= 400 {
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%s: status %d:\n%s", name, resp.Status, strings.Join(strings.Fields(page), " "))
	}
}

func must(t *testing.T, name string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// The whole loop of a consultation, as people do it in a browser: the
// Presidency drafts and issues a note with a choice question and opens a
// round; two delegates answer (one revises); the Presidency sees the
// matrix, writes a summary, releases the replies and issues the
// compilation; a delegate then reads it.
func TestBrowserConsultationLoop(t *testing.T) {
	_, st := demoServerRaw(t)
	raw := newHandlerAt(t, st, time.Now) // the database checks deadlines in real time
	presidency := addUser(t, st, dialogue.RolePresidency, "", false)
	be := addUser(t, st, dialogue.RoleDelegate, "BE", false)
	fr := addUser(t, st, dialogue.RoleDelegate, "FR", false)
	ts := httptest.NewServer(raw)
	t.Cleanup(ts.Close)
	ctx := browserFor(t, 240*time.Second)

	// 1. The Presidency drafts the note.
	browserSignIn(t, ctx, ts.URL, presidency.Email)
	step(t, ctx, "draft",
		chromedp.Navigate(ts.URL+"/drafts/new"),
		chromedp.WaitVisible(chromedp.CSS("#d-subject")),
		chromedp.SendKeys(chromedp.CSS("#d-subject"), "Browser test: venue of the first senior officials' meeting"),
		chromedp.SetValue(chromedp.CSS("#d-codes"), "COSI 901, JAI 9901"),
		chromedp.SetValue(chromedp.CSS("#d-body"), "## Background\n\nThe Presidency asks delegations where to meet."),
		chromedp.SetValue(chromedp.CSS("#d-q1-kind"), "choice"),
		chromedp.SetValue(chromedp.CSS("#d-q1-prompt"), "Where should the meeting take place?"),
		chromedp.SetValue(chromedp.CSS("#d-q1-options"), "i) | in Brussels, back-to-back with COSI\nii) | in a partner country"),
	)
	submit(t, ctx, "save the draft", chromedp.CSS(`form.draft-form button[type=submit]`))
	editPath := location(t, ctx)
	id := regexp.MustCompile(`^/drafts/([0-9]+)`).FindStringSubmatch(editPath)
	if id == nil {
		t.Fatalf("after saving the draft: at %s\n%s", editPath, text(t, ctx, "main"))
	}
	docID := id[1]

	// 2. Preview and issue it.
	step(t, ctx, "issue",
		chromedp.Navigate(ts.URL+"/drafts/"+docID+"/preview"),
		chromedp.WaitVisible(chromedp.CSS(".doc-head")),
	)
	submit(t, ctx, "issue", chromedp.Search(`//button[normalize-space()="Issue this document"]`))
	ref := text(t, ctx, ".doc-ref")
	if !regexp.MustCompile(`^[0-9]+/[0-9]{2}$`).MatchString(ref) {
		t.Fatalf("issued reference %q", ref)
	}

	// 3. Open a round on it: member states by default, released to member states.
	opens := time.Now().Add(-time.Hour).In(dialogue.Brussels).Format("2006-01-02T15:04")
	deadline := time.Now().Add(7 * 24 * time.Hour).In(dialogue.Brussels).Format("2006-01-02T15:04")
	step(t, ctx, "open the round",
		chromedp.Navigate(ts.URL+"/documents/"+docID+"/rounds/new"),
		chromedp.WaitVisible(chromedp.CSS("#r-title")),
		chromedp.SetValue(chromedp.CSS("#r-opens"), opens),
		chromedp.SetValue(chromedp.CSS("#r-deadline"), deadline),
		chromedp.Click(chromedp.Search(`//input[@name="release_audience" and @value="member_states"]`)),
	)
	submit(t, ctx, "open the round", chromedp.Search(`//button[normalize-space()="Open the round"]`))
	roundPath := location(t, ctx)
	if !regexp.MustCompile(`^/rounds/[0-9]+$`).MatchString(roundPath) {
		t.Fatalf("after opening the round: at %s", roundPath)
	}
	browserSignOut(t, ctx)

	// 4. Belgium answers, then revises; France answers.
	answer := func(email, option, body string, revise string) {
		t.Helper()
		browserSignIn(t, ctx, ts.URL, email)
		step(t, ctx, email+" answers",
			chromedp.Navigate(ts.URL+roundPath),
			chromedp.WaitVisible(chromedp.CSS("form.reply-form")),
			chromedp.Click(chromedp.Search(`//form[contains(@class,"reply-form")]//label[starts-with(normalize-space(), "`+option+`")]`)),
			chromedp.SetValue(chromedp.CSS("form.reply-form textarea[name=body]"), body),
		)
		submit(t, ctx, email+" submits", chromedp.CSS(`form.reply-form button[value=submitted]`))
		if revise != "" {
			step(t, ctx, email+" revises",
				chromedp.WaitVisible(chromedp.CSS("form.reply-form")),
				chromedp.SetValue(chromedp.CSS("form.reply-form textarea[name=body]"), revise),
			)
			submit(t, ctx, email+" resubmits", chromedp.CSS(`form.reply-form button[value=submitted]`))
			if page := text(t, ctx, "main"); !strings.Contains(page, "Revision 2") && !strings.Contains(page, "revision 2") {
				t.Errorf("after revising, the page shows no second revision:\n%s", page)
			}
		}
		browserSignOut(t, ctx)
	}
	answer(be.Email, "i)", "Belgium prefers Brussels.", "Belgium prefers Brussels, back-to-back with COSI in March.")
	answer(fr.Email, "ii)", "France would meet in a partner country.", "")

	// 5. The Presidency follows, summarises, releases, closes and issues.
	browserSignIn(t, ctx, ts.URL, presidency.Email)
	step(t, ctx, "matrix", chromedp.Navigate(ts.URL+roundPath+"/matrix"), chromedp.WaitVisible(chromedp.CSS("table")))
	matrix := text(t, ctx, "main")
	for _, w := range []string{"Belgium", "France", "Submitted"} {
		if !strings.Contains(matrix, w) {
			t.Errorf("matrix lacks %q:\n%s", w, matrix)
		}
	}
	step(t, ctx, "summary",
		chromedp.Navigate(ts.URL+roundPath+"/compilation"),
		chromedp.WaitVisible(chromedp.CSS("form.summary-form textarea")),
		chromedp.SetValue(chromedp.CSS("form.summary-form textarea"), "One delegation prefers Brussels, one a partner country."),
	)
	submit(t, ctx, "save the summary", chromedp.CSS("form.summary-form button"))
	step(t, ctx, "release and close",
		chromedp.Navigate(ts.URL+roundPath),
		chromedp.WaitVisible(chromedp.CSS("#rel-audience")),
		chromedp.SetValue(chromedp.CSS("#rel-audience"), "member_states"),
	)
	submit(t, ctx, "release", chromedp.Search(`//button[normalize-space()="Release the replies"]`))
	submit(t, ctx, "close", chromedp.Search(`//button[normalize-space()="Close the round"]`))
	step(t, ctx, "closed", chromedp.WaitVisible(chromedp.Search(`//*[contains(normalize-space(), "This round is closed")]`)))
	step(t, ctx, "issue the compilation",
		chromedp.Navigate(ts.URL+roundPath+"/compilation"),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space()="Issue the compilation as a document"]`)),
	)
	submit(t, ctx, "issue the compilation", chromedp.Search(`//button[normalize-space()="Issue the compilation as a document"]`))
	compilation := location(t, ctx)
	if !regexp.MustCompile(`^/documents/[0-9]+$`).MatchString(compilation) {
		t.Fatalf("after issuing the compilation: at %s", compilation)
	}
	step(t, ctx, "the round says compiled", chromedp.Navigate(ts.URL+roundPath), chromedp.WaitVisible(chromedp.Search(`//*[contains(normalize-space(), "Compiled")]`)))
	browserSignOut(t, ctx)

	// 6. France reads the compilation: Belgium's revised reply is in it.
	browserSignIn(t, ctx, ts.URL, fr.Email)
	step(t, ctx, "read the compilation", chromedp.Navigate(ts.URL+compilation), chromedp.WaitVisible(chromedp.CSS(".doc-head")))
	doc := text(t, ctx, "main")
	for _, w := range []string{"WK", "Compilation of replies", ref, "back-to-back with COSI in March", "France would meet in a partner country", "One delegation prefers Brussels"} {
		if !strings.Contains(doc, w) {
			t.Errorf("the compilation France reads lacks %q:\n%s", w, doc)
		}
	}
	if strings.Contains(doc, "Belgium prefers Brussels.") {
		t.Error("the compilation shows Belgium's first revision instead of its latest")
	}
}
