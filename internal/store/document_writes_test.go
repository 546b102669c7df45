package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
)

// draftFixture is a demo database with a Presidency user.
type draftFixture struct {
	st    *store.Store
	ctx   context.Context
	pres  dialogue.Actor
	deleg map[string]dialogue.Delegation
}

func newDraftFixture(t *testing.T) draftFixture {
	t.Helper()
	st, _ := demoStore(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, cli, store.NewUser{Email: "pres@example.eu", Name: "Presidency Drafter", Role: dialogue.RolePresidency})
	if err != nil {
		t.Fatal(err)
	}
	f := draftFixture{st: st, ctx: ctx, pres: dialogue.Actor{UserID: u.ID, Name: u.Email, RemoteAddr: "192.0.2.7"},
		deleg: map[string]dialogue.Delegation{}}
	ds, err := st.Delegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		f.deleg[d.Code] = d
	}
	return f
}

// viewer is how a delegation's user sees the register.
func (f draftFixture) viewer(code string) dialogue.Viewer {
	d := f.deleg[code]
	return dialogue.Viewer{UserID: 999, DelegationID: d.ID, DelegationKind: d.Kind}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sampleDraft is a note in the manner of 5559/26, with the three kinds of
// question.
func sampleDraft() store.DraftInput {
	return store.DraftInput{
		Year: 2026, Date: date(2026, time.March, 10), Marking: dialogue.MarkingLimite,
		Sender: "Presidency", Recipients: "Delegations",
		PreviousReference: "6314/1/22",
		Subject:           "Follow-up of the regional dialogue with the Mediterranean",
		BodyMD:            "## Introduction\n\nThe Presidency invites delegations to reply.[^1]\n",
		Codes:             []dialogue.DistributionCode{{Code: "COSI", Number: 30}, {Code: "MED", Number: 20}, {Code: "EUROPOL"}},
		Footnotes:         []dialogue.Footnote{{N: 1, Body: "5559/26"}},
		Questions: []dialogue.Question{
			{Kind: dialogue.QuestionChoice, Prompt: "Which geographical scope do you prefer?", Options: []dialogue.Option{
				{Label: "i)", Body: "a phased approach, starting with the North African states"},
				{Label: "ii)", Body: "including all ten partners from the start"},
			}},
			{Kind: dialogue.QuestionText, Prompt: "How to articulate the dialogue with existing initiatives?"},
			{Kind: dialogue.QuestionAgreement, Prompt: "Do you agree with the arrangements proposed?"},
		},
		Audience:        dialogue.AudienceMemberStates,
		NamedRecipients: []string{"EUROPOL"},
		DialogueCode:    "med",
	}
}

func fieldErrs(t *testing.T, err error) dialogue.FieldErrors {
	t.Helper()
	var fe *dialogue.FormError
	var de *dialogue.Error
	switch {
	case errors.As(err, &fe):
		return fe.Fields
	case errors.As(err, &de) && de.Kind == dialogue.KindInvalid && de.Field != "":
		return dialogue.FieldErrors{de.Field: de.Message}
	}
	t.Fatalf("want field errors, got %v", err)
	return nil
}

func TestDraftCreateUpdateAndStaleUpdate(t *testing.T) {
	f := newDraftFixture(t)
	in := sampleDraft()
	id, err := f.st.CreateDraft(f.ctx, f.pres, in)
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	doc, err := f.st.Document(f.ctx, presidency, id)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != dialogue.DocumentDraft || doc.Version != 1 || doc.Ref.Number != 0 || doc.Ref.Year != 2026 ||
		doc.Ref.Series != dialogue.SeriesST || doc.Place != "Brussels" || doc.OriginalLanguage != "en" || doc.DocType != "NOTE" ||
		!doc.Date.Equal(date(2026, time.March, 10)) || doc.Marking != dialogue.MarkingLimite || doc.Audience != dialogue.AudienceMemberStates {
		t.Fatalf("draft as stored: %+v", doc)
	}
	if doc.Reference() != "draft (no number yet)" {
		t.Errorf("reference of an unnumbered draft: %q", doc.Reference())
	}
	if got := codeStrings(doc.Codes); got != "COSI 30, MED 20, EUROPOL" {
		t.Errorf("codes %q", got)
	}
	if doc.PreviousReference != "6314/1/22" || len(doc.Footnotes) != 1 || len(doc.NamedRecipients) != 1 || doc.NamedRecipients[0].Code != "EUROPOL" {
		t.Errorf("previous %q, footnotes %v, recipients %v", doc.PreviousReference, doc.Footnotes, doc.NamedRecipients)
	}
	if doc.DialogueID == 0 {
		t.Error("dialogue not linked")
	}

	// Questions in order, the choice's options in order, the agreement
	// question with the three fixed options as rows.
	if len(doc.Questions) != 3 {
		t.Fatalf("questions: %+v", doc.Questions)
	}
	for i, want := range []dialogue.QuestionKind{dialogue.QuestionChoice, dialogue.QuestionText, dialogue.QuestionAgreement} {
		if q := doc.Questions[i]; q.Position != i+1 || q.Kind != want {
			t.Errorf("question %d: %+v", i+1, q)
		}
	}
	if o := doc.Questions[0].Options; len(o) != 2 || o[0].Label != "i)" || o[1].Label != "ii)" || o[0].Position != 1 || o[1].ID == 0 {
		t.Errorf("choice options: %+v", o)
	}
	if len(doc.Questions[1].Options) != 0 {
		t.Errorf("text question has options: %+v", doc.Questions[1].Options)
	}
	agree := doc.Questions[2].Options
	if len(agree) != 3 || agree[0].Label != "Agree" || agree[1].Label != "Partly agree" || agree[2].Label != "Disagree" || agree[2].ID == 0 {
		t.Errorf("agreement options: %+v", agree)
	}
	choiceID, optionID := doc.Questions[0].ID, doc.Questions[0].Options[0].ID

	// An update based on version 1: questions reordered by the caller,
	// ids of questions at the same position kept.
	in.Subject = "Follow-up of the regional dialogue (revised draft)"
	in.Number = 0
	in.Questions = append(in.Questions, dialogue.Question{Kind: dialogue.QuestionText, Prompt: "Any other business?"})
	if err := f.st.UpdateDraft(f.ctx, f.pres, id, 1, in); err != nil {
		t.Fatalf("UpdateDraft: %v", err)
	}
	doc, _ = f.st.Document(f.ctx, presidency, id)
	if doc.Version != 2 || doc.Subject != in.Subject || len(doc.Questions) != 4 {
		t.Fatalf("after update: version %d, %q, %d questions", doc.Version, doc.Subject, len(doc.Questions))
	}
	if doc.Questions[0].ID != choiceID || doc.Questions[0].Options[0].ID != optionID {
		t.Error("an update changed the ids of unchanged questions and options")
	}

	// Someone else's save based on version 1 is refused; nothing changes.
	stale := sampleDraft()
	stale.Subject = "Someone else's subject"
	err = f.st.UpdateDraft(f.ctx, f.pres, id, 1, stale)
	if dialogue.KindOf(err) != dialogue.KindConflict {
		t.Fatalf("stale update: %v, want a conflict", err)
	}
	if !strings.Contains(err.Error(), "version 2") {
		t.Errorf("conflict message does not name the current version: %v", err)
	}
	doc, _ = f.st.Document(f.ctx, presidency, id)
	if doc.Version != 2 || doc.Subject != in.Subject {
		t.Errorf("a stale update changed the draft: %d %q", doc.Version, doc.Subject)
	}

	// Every write has its audit entry.
	recs, err := f.st.ListAudit(f.ctx, store.AuditFilter{Action: "document."})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		if r.ObjectID == id {
			actions = append(actions, r.Action+" by "+r.Actor)
		}
	}
	if want := []string{"document.update by pres@example.eu", "document.create by pres@example.eu"}; !slices.Equal(actions, want) {
		t.Errorf("audit: %v, want %v", actions, want)
	}

	// Drafts lists it; unknown ids are not found.
	drafts, err := f.st.Drafts(f.ctx)
	if err != nil || len(drafts) != 1 || drafts[0].ID != id {
		t.Errorf("Drafts: %v %v", drafts, err)
	}
	if err := f.st.UpdateDraft(f.ctx, f.pres, 999999, 1, in); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("update of an unknown document: %v", err)
	}
}

// docID finds a document of the register by its reference.
func docID(t *testing.T, st *store.Store, ref string) int64 {
	t.Helper()
	list, err := st.Documents(context.Background(), store.DocumentFilter{Viewer: presidency})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Documents {
		if d.Reference() == ref {
			return d.ID
		}
	}
	t.Fatalf("%s is not in the register", ref)
	return 0
}

func codeStrings(cs []dialogue.DistributionCode) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, ", ")
}

func TestDraftValidation(t *testing.T) {
	f := newDraftFixture(t)
	_, err := f.st.CreateDraft(f.ctx, f.pres, store.DraftInput{
		Year: 1999, Number: 100000, Marking: "RESTREINT UE", DocType: "note!", OriginalLanguage: "english",
		PreviousReference: "5559-26",
		Questions: []dialogue.Question{
			{Kind: dialogue.QuestionChoice, Prompt: "Only one option?", Options: []dialogue.Option{{Label: "i)", Body: "this"}}},
			{Kind: dialogue.QuestionAgreement, Prompt: "", Options: []dialogue.Option{{Label: "Yes", Body: "Yes"}}},
			{Kind: "poll", Prompt: "What?"},
		},
		Audience: dialogue.AudienceWorkingParty,
	})
	fe := fieldErrs(t, err)
	for _, field := range []string{"year", "number", "date", "marking", "doc_type", "language", "previous", "from", "to",
		"subject", "working_party", "questions.1.options", "questions.2.prompt", "questions.2.options", "questions.3.kind"} {
		if fe[field] == "" {
			t.Errorf("no message for %s (got %v)", field, fe)
		}
	}
	if !strings.Contains(strings.ToLower(fe["marking"]), "classified") || !strings.Contains(fe["marking"], "RESTREINT UE") {
		t.Errorf("classified marking: %q", fe["marking"])
	}
	if n, _ := f.st.Drafts(f.ctx); len(n) != 0 {
		t.Error("an invalid draft was saved")
	}

	// Unknown working party, recipients and dialogue are named.
	in := sampleDraft()
	in.Audience, in.WorkingParty = dialogue.AudienceWorkingParty, "NOPE"
	in.NamedRecipients = []string{"BE", "XX"}
	in.DialogueCode = "moon"
	fe = fieldErrs(t, func() error { _, err := f.st.CreateDraft(f.ctx, f.pres, in); return err }())
	if !strings.Contains(fe["working_party"], "NOPE") || !strings.Contains(fe["named"], "XX") || fe["dialogue"] == "" {
		t.Errorf("unknown links: %v", fe)
	}

	// Named delegations need at least one.
	in = sampleDraft()
	in.Audience, in.NamedRecipients = dialogue.AudienceNamed, nil
	fe = fieldErrs(t, func() error { _, err := f.st.CreateDraft(f.ctx, f.pres, in); return err }())
	if fe["named"] == "" {
		t.Errorf("named audience without recipients: %v", fe)
	}
}

func TestDraftNumbersAndCodesUnique(t *testing.T) {
	f := newDraftFixture(t)

	// 5559/26 holds JAI 79 in 2026: a second document cannot.
	in := sampleDraft()
	in.Codes = []dialogue.DistributionCode{{Code: "JAI", Number: 79}, {Code: "COSI", Number: 30}}
	_, err := f.st.CreateDraft(f.ctx, f.pres, in)
	fe := fieldErrs(t, err)
	if msg := fe["codes"]; !strings.Contains(msg, "JAI 79") || !strings.Contains(msg, "5559/26") || strings.Contains(msg, "COSI") {
		t.Errorf("codes message %q: want JAI 79 and 5559/26 named, COSI not", msg)
	}

	// The same code and number in another year is fine.
	in.Year, in.Date = 2025, date(2025, time.November, 3)
	id2025, err := f.st.CreateDraft(f.ctx, f.pres, in)
	if err != nil {
		t.Fatalf("JAI 79 in 2025: %v", err)
	}

	// A draft holds its running numbers too: another draft of 2025 cannot
	// take JAI 79, and the message names the draft.
	in.Subject = "Another note"
	fe = fieldErrs(t, func() error { _, err := f.st.CreateDraft(f.ctx, f.pres, in); return err }())
	if !strings.Contains(fe["codes"], "JAI 79") || !strings.Contains(fe["codes"], "Follow-up") {
		t.Errorf("code held by a draft: %q", fe["codes"])
	}
	// Saving the draft that holds them again is fine.
	if err := f.st.UpdateDraft(f.ctx, f.pres, id2025, 1, in); err != nil {
		t.Errorf("re-saving the holder: %v", err)
	}

	// The reference 5559/26 is taken; the message suggests the next number.
	next, err := f.st.NextDocumentNumber(f.ctx, "ST", 2026)
	if err != nil {
		t.Fatal(err)
	}
	in = sampleDraft()
	in.Number = 5559
	fe = fieldErrs(t, func() error { _, err := f.st.CreateDraft(f.ctx, f.pres, in); return err }())
	if !strings.Contains(fe["number"], "5559/26 is already taken") || !strings.Contains(fe["number"], strconv.Itoa(next)) {
		t.Errorf("number message %q", fe["number"])
	}
	in.Number = next
	if _, err := f.st.CreateDraft(f.ctx, f.pres, in); err != nil {
		t.Errorf("%d/26: %v", next, err)
	}
}

func TestIssueMakesReadOnly(t *testing.T) {
	f := newDraftFixture(t)
	in := sampleDraft()
	id, err := f.st.CreateDraft(f.ctx, f.pres, in)
	if err != nil {
		t.Fatal(err)
	}
	be := f.viewer("BE")
	if _, err := f.st.Document(f.ctx, be, id); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Fatalf("a delegation sees a draft: %v", err)
	}

	// No number yet: refused, beside the number.
	_, err = f.st.IssueDocument(f.ctx, f.pres, id, 1)
	if fe := fieldErrs(t, err); !strings.Contains(fe["number"], "number") {
		t.Errorf("issue without a number: %v", fe)
	}
	next, err := f.st.NextDocumentNumber(f.ctx, "ST", 2026)
	if err != nil || next <= 5559 {
		t.Fatalf("next number %d %v", next, err)
	}
	want := strconv.Itoa(next) + "/26"
	in.Number = next
	if err := f.st.UpdateDraft(f.ctx, f.pres, id, 1, in); err != nil {
		t.Fatal(err)
	}
	// A stale issue is refused.
	if _, err := f.st.IssueDocument(f.ctx, f.pres, id, 1); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("stale issue: %v", err)
	}
	ref, err := f.st.IssueDocument(f.ctx, f.pres, id, 2)
	if err != nil {
		t.Fatalf("IssueDocument: %v", err)
	}
	if ref.String() != want {
		t.Errorf("reference %s", ref)
	}
	doc, err := f.st.Document(f.ctx, be, id)
	if err != nil {
		t.Fatalf("BE cannot read the issued note (member states): %v", err)
	}
	if doc.Status != dialogue.DocumentIssued || doc.IssuedAt == nil || doc.Version != 3 {
		t.Errorf("issued: %+v", doc)
	}
	// Member states only: the Commission does not see it; Europol, named, does.
	if _, err := f.st.Document(f.ctx, f.viewer("COM"), id); dialogue.KindOf(err) != dialogue.KindNotFound {
		t.Errorf("the Commission sees a member-states note: %v", err)
	}
	if _, err := f.st.Document(f.ctx, f.viewer("EUROPOL"), id); err != nil {
		t.Errorf("a named recipient does not see it: %v", err)
	}

	// Read-only from now on.
	in.Subject = "Changed after issue"
	if err := f.st.UpdateDraft(f.ctx, f.pres, id, 3, in); !errors.Is(err, store.ErrIssuedReadOnly) ||
		!strings.Contains(err.Error(), "issued documents are read-only: issue a REV") {
		t.Errorf("update after issue: %v", err)
	}
	if _, err := f.st.IssueDocument(f.ctx, f.pres, id, 3); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("issuing twice: %v", err)
	}
	if drafts, _ := f.st.Drafts(f.ctx); len(drafts) != 0 {
		t.Errorf("still among the drafts: %v", drafts)
	}
	recs, _ := f.st.ListAudit(f.ctx, store.AuditFilter{Action: "document.issue"})
	if len(recs) != 1 || recs[0].ObjectID != id || !strings.Contains(recs[0].Detail, want) {
		t.Errorf("audit of the issue: %+v", recs)
	}
}

func TestReviseKeepsBothAndInheritsCodes(t *testing.T) {
	f := newDraftFixture(t)
	ctx := f.ctx
	origID := docID(t, f.st, "5559/26")
	orig, _ := f.st.Document(ctx, presidency, origID)

	revID, err := f.st.ReviseDocument(ctx, f.pres, origID)
	if err != nil {
		t.Fatalf("ReviseDocument: %v", err)
	}
	rev, err := f.st.Document(ctx, presidency, revID)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Reference() != "5559/1/26 REV 1" || rev.Status != dialogue.DocumentDraft || rev.RevisesID != origID || rev.Version != 1 {
		t.Fatalf("REV: %s %s revises %d version %d", rev.Reference(), rev.Status, rev.RevisesID, rev.Version)
	}
	if codeStrings(rev.Codes) != codeStrings(orig.Codes) || len(rev.Footnotes) != len(orig.Footnotes) ||
		len(rev.NamedRecipients) != len(orig.NamedRecipients) || rev.Subject != orig.Subject || rev.BodyMD != orig.BodyMD ||
		rev.Audience != orig.Audience || rev.DialogueID != orig.DialogueID || rev.Marking != orig.Marking {
		t.Errorf("REV is not a copy:\n%+v\n%+v", rev, orig)
	}
	if len(rev.Questions) != len(orig.Questions) || len(orig.Questions) == 0 {
		t.Fatalf("questions: %d, original %d", len(rev.Questions), len(orig.Questions))
	}
	for i, q := range rev.Questions {
		o := orig.Questions[i]
		if q.ID == o.ID || q.Prompt != o.Prompt || q.Kind != o.Kind || len(q.Options) != len(o.Options) {
			t.Errorf("question %d not copied as a new row: %+v vs %+v", i+1, q, o)
		}
		for j := range q.Options {
			if q.Options[j].ID == o.Options[j].ID || q.Options[j].Body != o.Options[j].Body {
				t.Errorf("option %d.%d not copied", i+1, j+1)
			}
		}
	}

	// Asking again gives the same REV in the making.
	again, err := f.st.ReviseDocument(ctx, f.pres, origID)
	if err != nil || again != revID {
		t.Errorf("second revise: %d %v, want %d", again, err, revID)
	}
	// A draft cannot be revised; an issued document cannot be edited.
	if _, err := f.st.ReviseDocument(ctx, f.pres, revID); dialogue.KindOf(err) != dialogue.KindConflict {
		t.Errorf("revising a draft: %v", err)
	}

	// The REV repeats the codes (JAI 79 ...) and may add one of its own;
	// it keeps the reference of what it revises.
	in := store.DraftInput{
		Series: rev.Ref.Series, Number: rev.Ref.Number, Year: rev.Ref.Year, Date: date(2026, time.March, 20),
		Marking: rev.Marking, Sender: rev.Sender, Recipients: rev.Recipients, Subject: rev.Subject,
		BodyMD: rev.BodyMD + "\n\nRevised after COSI.", Codes: append(slices.Clone(rev.Codes), dialogue.DistributionCode{Code: "CRIMORG", Number: 12}),
		Footnotes: rev.Footnotes, Questions: rev.Questions, Audience: rev.Audience, DialogueCode: "med",
	}
	for _, r := range rev.NamedRecipients {
		in.NamedRecipients = append(in.NamedRecipients, r.Code)
	}
	for i := range in.Questions {
		if in.Questions[i].Kind == dialogue.QuestionAgreement {
			in.Questions[i].Options = nil
		}
	}
	bad := in
	bad.Number = 5600
	if fe := fieldErrs(t, f.st.UpdateDraft(ctx, f.pres, revID, 1, bad)); !strings.Contains(fe["number"], "5559/26") {
		t.Errorf("renumbering a REV: %v", fe)
	}
	if err := f.st.UpdateDraft(ctx, f.pres, revID, 1, in); err != nil {
		t.Fatalf("saving the REV with the original's codes: %v", err)
	}
	ref, err := f.st.IssueDocument(ctx, f.pres, revID, 2)
	if err != nil {
		t.Fatalf("issuing the REV: %v", err)
	}
	if ref.String() != "5559/1/26 REV 1" {
		t.Errorf("REV reference %s", ref)
	}
	// Both are in the register; the original is unchanged.
	all := refs(t, f.st, store.DocumentFilter{Year: 2026})
	if !slices.Contains(all, "5559/26") || !slices.Contains(all, "5559/1/26 REV 1") {
		t.Errorf("register: %v", all)
	}
	now, _ := f.st.Document(ctx, presidency, origID)
	if now.Version != orig.Version || now.Status != dialogue.DocumentIssued || now.BodyMD != orig.BodyMD {
		t.Error("revising changed the original")
	}
	// The next REV is REV 2, of the same number and year.
	rev2, err := f.st.ReviseDocument(ctx, f.pres, revID)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := f.st.Document(ctx, presidency, rev2)
	if d2.Reference() != "5559/2/26 REV 2" || d2.RevisesID != revID || !strings.Contains(codeStrings(d2.Codes), "CRIMORG 12") {
		t.Errorf("REV 2: %s revises %d codes %s", d2.Reference(), d2.RevisesID, codeStrings(d2.Codes))
	}
	// CRIMORG 12 stays the REV 1's: another note of 2026 cannot take it.
	other := sampleDraft()
	other.Codes = []dialogue.DistributionCode{{Code: "CRIMORG", Number: 12}}
	fe := fieldErrs(t, func() error { _, err := f.st.CreateDraft(ctx, f.pres, other); return err }())
	if !strings.Contains(fe["codes"], "5559/1/26 REV 1") {
		t.Errorf("code held by a REV: %q", fe["codes"])
	}
	recs, _ := f.st.ListAudit(ctx, store.AuditFilter{Action: "document.revise"})
	if len(recs) != 2 {
		t.Errorf("audit of revisions: %d records", len(recs))
	}
}

func TestDraftChoices(t *testing.T) {
	f := newDraftFixture(t)
	c, err := f.st.DraftChoices(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Delegations) == 0 || c.Delegations[0].Code != "BE" || len(c.Dialogues) == 0 {
		t.Errorf("choices: %d delegations (first %v), %d dialogues", len(c.Delegations), c.Delegations[0], len(c.Dialogues))
	}
	var wps []string
	for _, w := range c.WorkingParties {
		wps = append(wps, w.Code)
	}
	if !slices.Contains(wps, "EMWP") {
		t.Errorf("working parties %v", wps)
	}
}
