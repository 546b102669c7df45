package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// noteForm is a valid new note in the manner of 5559/26, as the form sends it.
func noteForm(number int) url.Values {
	return url.Values{
		"series": {"ST"}, "number": {strconv.Itoa(number)}, "year": {"2026"}, "date": {"2026-03-02"},
		"place": {"Brussels"}, "language": {"en"}, "marking": {"LIMITE"}, "doc_type": {"NOTE"},
		"from": {"Presidency"}, "to": {"Delegations"}, "previous": {"5559/26"},
		"codes":     {"COSI 30, MED 20, EUROPOL"},
		"subject":   {"Launch of the Mediterranean dialogue: senior officials' meeting"},
		"body":      {"## Introduction\n\nThe Presidency proposes a first meeting.[^1]\n\n<script>alert(1)</script>\n"},
		"footnotes": {"1 | 5559/26"},
		"q_slots":   {"4"},
		// Given out of order: slot 2 is question 1.
		"q1_position": {"2"}, "q1_kind": {"choice"}, "q1_prompt": {"Which geographical scope do you prefer?"},
		"q1_options":  {"i) | a phased approach, starting with the North African states\nii) | all ten partners from the start"},
		"q2_position": {"1"}, "q2_kind": {"agreement"}, "q2_prompt": {"Do you agree with the thematic scope?"},
		"q3_position": {"3"}, "q3_kind": {"text"}, "q3_prompt": {"How to articulate the dialogue with existing initiatives?"},
		"q4_position": {"4"}, "q4_kind": {"text"}, "q4_prompt": {""},
		"audience": {"delegations"}, "also": {"EUROPOL", "FRONTEX"}, "dialogue": {"med"},
	}
}

// fieldMessage is the error shown beside a field (the element id-error).
func fieldMessage(t *testing.T, doc *html.Node, id string) string {
	t.Helper()
	n := byID(doc, id+"-error")
	if n == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(textOf(n)), "Error:"))
}

func fieldValue(doc *html.Node, id string) string {
	n := byID(doc, id)
	if n == nil {
		return "<missing>"
	}
	if n.Data == "textarea" {
		return textOf(n)
	}
	return attr(n, "value")
}

var editLocation = regexp.MustCompile(`^/drafts/([0-9]+)/edit$`)

func TestDraftingFlow(t *testing.T) {
	h, st := demoServer(t) // a Presidency user
	ctx := context.Background()
	next, err := st.NextDocumentNumber(ctx, "ST", 2026)
	if err != nil {
		t.Fatal(err)
	}

	// The list and the new note's form, with the register's next number.
	r := get(t, h, "/drafts")
	if r.status != http.StatusOK {
		t.Fatalf("GET /drafts: %d", r.status)
	}
	checkHTML(t, "/drafts", r.body)
	r.mustContain(t, "/drafts", `href="/drafts/new"`, "New note", "Start a REV")
	r = get(t, h, "/drafts/new")
	if r.status != http.StatusOK {
		t.Fatalf("GET /drafts/new: %d", r.status)
	}
	doc := checkHTML(t, "/drafts/new", r.body)
	if got := fieldValue(doc, "d-number"); got != strconv.Itoa(next) {
		t.Errorf("suggested number %q, want %d", got, next)
	}
	if got := fieldValue(doc, "d-date"); got != "2026-03-02" {
		t.Errorf("date %q, want today in Brussels", got)
	}

	// Bad year, reference, codes and options: 422, each message beside its
	// field, everything typed kept.
	bad := noteForm(next)
	bad.Set("year", "26")
	bad.Set("previous", "5559-26")
	bad.Set("codes", "COSI 30, MED twelve")
	bad.Set("q1_options", "i) a phased approach")
	bad.Set("marking", "RESTREINT UE") // not offered, but sent by hand
	r = post(t, h, "/drafts", bad)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad draft: %d\n%s", r.status, r.body)
	}
	doc = checkHTML(t, "POST /drafts", r.body)
	for id, want := range map[string]string{
		"d-year":       "four digits",
		"d-previous":   "not valid",
		"d-codes":      "MED",
		"d-q1-options": "bar",
		"d-marking":    "Classified documents (RESTREINT UE) cannot be held",
	} {
		if msg := fieldMessage(t, doc, id); !strings.Contains(msg, want) {
			t.Errorf("message beside %s: %q, want %q in it", id, msg, want)
		}
	}
	for id, want := range map[string]string{
		"d-year": "26", "d-previous": "5559-26", "d-codes": "COSI 30, MED twelve",
		"d-subject": bad.Get("subject"), "d-body": bad.Get("body"), "d-q1-options": "i) a phased approach",
		"d-q2-prompt": "Do you agree with the thematic scope?",
	} {
		if got := fieldValue(doc, id); got != want {
			t.Errorf("%s kept as %q, want %q", id, got, want)
		}
	}
	r.mustContain(t, "POST /drafts", "There is a problem", `<option value="EUROPOL" selected`, `<option value="med" selected`)
	if n, _ := st.Drafts(ctx); len(n) != 0 {
		t.Fatal("an invalid draft was saved")
	}

	// JAI 79 is 5559/26's in 2026: named beside the codes.
	taken := noteForm(next)
	taken.Set("codes", "COSI 30, JAI 79")
	r = post(t, h, "/drafts", taken)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("code taken: %d", r.status)
	}
	doc = checkHTML(t, "POST /drafts (code taken)", r.body)
	if msg := fieldMessage(t, doc, "d-codes"); !strings.Contains(msg, "JAI 79") || !strings.Contains(msg, "5559/26") {
		t.Errorf("code message %q", msg)
	}

	// Fixed: saved, and on to its form.
	r = post(t, h, "/drafts", noteForm(next))
	if r.status != http.StatusSeeOther {
		t.Fatalf("good draft: %d\n%s", r.status, r.body)
	}
	m := editLocation.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("sent to %q", r.header.Get("Location"))
	}
	id := m[1]
	stored, err := st.Document(ctx, dialogue.Viewer{SeeAll: true}, mustID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Questions) != 3 || stored.Questions[0].Kind != dialogue.QuestionAgreement ||
		stored.Questions[1].Kind != dialogue.QuestionChoice || len(stored.Questions[1].Options) != 2 ||
		stored.Questions[1].Options[1].Label != "ii)" || len(stored.Questions[0].Options) != 3 {
		t.Errorf("questions as stored: %+v", stored.Questions)
	}
	if len(stored.NamedRecipients) != 2 || stored.DialogueID == 0 || stored.PreviousDocumentID == 0 {
		t.Errorf("recipients %v, dialogue %d, previous %d", stored.NamedRecipients, stored.DialogueID, stored.PreviousDocumentID)
	}

	editPath := "/drafts/" + id + "/edit"
	r = get(t, h, editPath)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", editPath, r.status)
	}
	doc = checkHTML(t, editPath, r.body)
	r.mustContain(t, editPath, "Draft saved")
	if got := fieldValue(doc, "d-q2-options"); got != "i) | a phased approach, starting with the North African states\nii) | all ten partners from the start" {
		t.Errorf("options in the form: %q", got)
	}
	if got := fieldValue(doc, "d-q1-prompt"); got != "Do you agree with the thematic scope?" {
		t.Errorf("question 1 in the form: %q", got)
	}
	if got := fieldValue(doc, "d-q5-prompt"); got != "" { // two empty slots to add questions
		t.Errorf("empty slot: %q", got)
	}
	if got := fieldValue(doc, "d-footnotes"); got != "1 | 5559/26" {
		t.Errorf("footnotes in the form: %q", got)
	}

	// Edit (based on version 1).
	edit := noteForm(next)
	edit.Set("version", "1")
	edit.Set("subject", "Launch of the Mediterranean dialogue: kick-off meeting in Valletta")
	r = post(t, h, "/drafts/"+id, edit)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != editPath {
		t.Fatalf("edit: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}

	// A colleague's save based on version 1 too: the conflict page keeps
	// their text and shows the current one.
	stale := noteForm(next)
	stale.Set("version", "1")
	stale.Set("body", "My colleague's own paragraph.")
	r = post(t, h, "/drafts/"+id, stale)
	if r.status != http.StatusConflict {
		t.Fatalf("stale edit: %d\n%s", r.status, r.body)
	}
	doc = checkHTML(t, "POST /drafts/{id} (stale)", r.body)
	if got := fieldValue(doc, "d-body"); got != "My colleague's own paragraph." {
		t.Errorf("the user's text is lost: %q", got)
	}
	r.mustContain(t, "stale", "Someone else saved this draft", "kick-off meeting in Valletta", "The Presidency proposes a first meeting.")
	if v := find(doc, func(n *html.Node) bool { return isElement(n, "input") && attr(n, "name") == "version" }); v == nil || attr(v, "value") != "2" {
		t.Errorf("the conflict form does not carry the current version")
	}

	// Preview in the Council layout.
	previewPath := "/drafts/" + id + "/preview"
	r = get(t, h, previewPath)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", previewPath, r.status)
	}
	doc = checkHTML(t, previewPath, r.body)
	ref := strconv.Itoa(next) + "/26"
	r.mustContain(t, previewPath, "Preview of a draft", ref, "(OR. en)", "LIMITE", "COSI 30", "MED 20", "NOTE",
		"From:", "Presidency", "To:", "Delegations", "No. prev. doc.:", "kick-off meeting in Valletta", "Issue this document",
		"Which geographical scope do you prefer?", "all ten partners from the start")
	r.mustNotContain(t, previewPath, "<script>alert")
	if byID(doc, "doc-title") == nil {
		t.Error("the preview lacks the Council layout")
	}

	// Not visible to delegations before it is issued.
	be := signedIn(t, h.(asUser).h, st, dialogue.RoleDelegate, "BE")
	get(t, be, "/documents").mustNotContain(t, "/documents as BE", "kick-off meeting in Valletta")

	// Issue: its final reference; read-only; in the register for its audience.
	r = post(t, h, "/drafts/"+id+"/issue", url.Values{"version": {"2"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != previewPath {
		t.Fatalf("issue: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	r = get(t, h, previewPath)
	checkHTML(t, previewPath+" (issued)", r.body)
	r.mustContain(t, previewPath, "Issued: "+ref, "is issued", "Start a REV")
	r.mustNotContain(t, previewPath, "Issue this document")
	list := get(t, be, "/documents")
	list.mustContain(t, "/documents as BE", ref, "kick-off meeting in Valletta")
	tn := signedIn(t, h.(asUser).h, st, dialogue.RoleDelegate, "TN")
	get(t, tn, "/documents").mustNotContain(t, "/documents as TN", "kick-off meeting in Valletta")
	europol := signedIn(t, h.(asUser).h, st, dialogue.RoleObserver, "EUROPOL")
	get(t, europol, "/documents").mustContain(t, "/documents as Europol (named)", "kick-off meeting in Valletta")

	// The form of an issued document goes to its preview; a save is a
	// conflict that keeps the text and offers a REV.
	if r = get(t, h, editPath); r.status != http.StatusSeeOther {
		t.Errorf("edit form of an issued document: %d", r.status)
	}
	late := noteForm(next)
	late.Set("version", "3")
	late.Set("body", "Too late for this one.")
	r = post(t, h, "/drafts/"+id, late)
	if r.status != http.StatusConflict {
		t.Fatalf("save after issue: %d", r.status)
	}
	doc = checkHTML(t, "POST /drafts/{id} (issued)", r.body)
	r.mustContain(t, "save after issue", "issued", "Start a REV of "+ref)
	if got := fieldValue(doc, "d-body"); got != "Too late for this one." {
		t.Errorf("text lost after issue: %q", got)
	}

	// Revise: a REV draft of the same number and year.
	r = post(t, h, "/documents/"+id+"/revise", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("revise: %d\n%s", r.status, r.body)
	}
	m = editLocation.FindStringSubmatch(r.header.Get("Location"))
	if m == nil || m[1] == id {
		t.Fatalf("revise sent to %q", r.header.Get("Location"))
	}
	revPath := r.header.Get("Location")
	r = get(t, h, revPath)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", revPath, r.status)
	}
	checkHTML(t, revPath, r.body)
	revRef := strconv.Itoa(next) + "/1/26 REV 1"
	r.mustContain(t, revPath, "Edit "+revRef, "COSI 30, MED 20, EUROPOL", "Which geographical scope do you prefer?")
	// Revising again continues the same REV.
	if r2 := post(t, h, "/documents/"+id+"/revise", nil); r2.header.Get("Location") != revPath {
		t.Errorf("second revise sent to %q, want %q", r2.header.Get("Location"), revPath)
	}
	r = get(t, h, "/drafts")
	r.mustContain(t, "/drafts", revRef)

	// A draft without a number cannot be issued: said on the preview.
	nonum := noteForm(next)
	nonum.Set("number", "")
	nonum.Set("codes", "")
	r = post(t, h, "/drafts", nonum)
	m = editLocation.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("draft without number: %d", r.status)
	}
	r = post(t, h, "/drafts/"+m[1]+"/issue", url.Values{"version": {"1"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("issue without a number: %d", r.status)
	}
	checkHTML(t, "issue without a number", r.body)
	r.mustContain(t, "issue without a number", "cannot be issued yet", "number before issuing")
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Drafts are shared: a secretariat user edits a Presidency user's draft.
func TestDraftsAreShared(t *testing.T) {
	h, st := demoServer(t)
	next, _ := st.NextDocumentNumber(context.Background(), "ST", 2026)
	r := post(t, h, "/drafts", noteForm(next))
	m := editLocation.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("create: %d", r.status)
	}
	sec := signedIn(t, h.(asUser).h, st, dialogue.RoleSecretariat, "")
	get(t, sec, "/drafts").mustContain(t, "/drafts as secretariat", "Launch of the Mediterranean dialogue")
	f := noteForm(next)
	f.Set("version", "1")
	f.Set("subject", "Edited by the secretariat")
	if r := post(t, sec, "/drafts/"+m[1], f); r.status != http.StatusSeeOther {
		t.Fatalf("secretariat edit: %d\n%s", r.status, r.body)
	}
	get(t, h, "/drafts").mustContain(t, "/drafts as Presidency", "Edited by the secretariat")
}

// A delegate (and every other delegation user) gets 403 on every drafting
// route, whatever the id.
func TestDelegateCannotDraft(t *testing.T) {
	h, st := demoServer(t)
	id := matrixDraft(t, st)
	doc := documentID(t, st, "5559/26")
	delegate := signedIn(t, h.(asUser).h, st, dialogue.RoleDelegate, "BE")
	sid, sdoc := strconv.FormatInt(id, 10), strconv.FormatInt(doc, 10)
	for _, c := range []struct{ method, path string }{
		{"GET", "/drafts"}, {"GET", "/drafts/new"}, {"POST", "/drafts"}, {"GET", "/drafts/" + sid + "/edit"},
		{"POST", "/drafts/" + sid}, {"GET", "/drafts/" + sid + "/preview"}, {"POST", "/drafts/" + sid + "/issue"},
		{"POST", "/documents/" + sdoc + "/revise"},
	} {
		var r response
		if c.method == "GET" {
			r = get(t, delegate, c.path)
		} else {
			f := noteForm(9999)
			f.Set("version", "1")
			r = post(t, delegate, c.path, f)
		}
		if r.status != http.StatusForbidden {
			t.Errorf("%s %s as a delegate: %d, want 403", c.method, c.path, r.status)
		}
	}
	d, err := st.Document(context.Background(), dialogue.Viewer{SeeAll: true}, id)
	if err != nil || d.Status != dialogue.DocumentDraft || d.Version != 1 {
		t.Errorf("the delegate changed the draft: %+v %v", d, err)
	}
	if drafts, _ := st.Drafts(context.Background()); len(drafts) != 1 {
		t.Errorf("drafts: %d", len(drafts))
	}
}
