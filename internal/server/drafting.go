package server

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Drafting: the Presidency and the secretariat draft notes with their
// questions, preview them in the Council layout and issue them; an issued
// document is read-only and changed by a REV. Drafts are shared: every save
// names the version it started from, and a save on an older one shows both
// texts (see the store's UpdateDraft).

// draftingRoutes registers the routes of drafting, editing, previewing and issuing documents (and their REVs).
func (s *server) draftingRoutes(with withAction) {
	with(auth.DraftDocuments).Get("/drafts", s.page(s.drafts))
	with(auth.DraftDocuments).Get("/drafts/new", s.page(s.newDraft))
	with(auth.DraftDocuments).Post("/drafts", s.page(s.createDraft))
	with(auth.DraftDocuments).Get("/drafts/{id}/edit", s.page(s.editDraft))
	with(auth.DraftDocuments).Post("/drafts/{id}", s.page(s.updateDraft))
	with(auth.DraftDocuments).Get("/drafts/{id}/preview", s.page(s.previewDraft))
	with(auth.DraftDocuments).Post("/drafts/{id}/issue", s.page(s.issueDraft))
	with(auth.DraftDocuments).Post("/documents/{id}/revise", s.page(s.reviseDocument))
}

// maxDraftForm bounds a draft's form (the body may be long; not unbounded).
const maxDraftForm = 2 << 20

// emptyQuestionSlots is how many empty questions the form offers to add.
const emptyQuestionSlots = 2

func draftHref(id int64, what string) string {
	return "/drafts/" + strconv.FormatInt(id, 10) + "/" + what
}

func reviseHref(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) + "/revise" }

// drafts lists every draft and the latest issued documents.
func (s *server) drafts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	drafts, err := s.st.Drafts(ctx)
	if err != nil {
		return err
	}
	issued, err := s.st.Documents(ctx, store.DocumentFilter{Viewer: viewerOf(currentUser(ctx)),
		Status: dialogue.DocumentIssued, Limit: 10})
	if err != nil {
		return err
	}
	v := web.DraftsView{Flash: s.sessions.PopString(ctx, sessionFlash)}
	for _, d := range drafts {
		v.Drafts = append(v.Drafts, draftRow(d))
	}
	for _, d := range issued.Documents {
		v.Issued = append(v.Issued, draftRow(d))
	}
	return s.render(w, r, http.StatusOK, web.DraftsPage(v))
}

func draftRow(d dialogue.Document) web.DraftRow {
	return web.DraftRow{
		ID: d.ID, Reference: d.Reference(), Subject: d.Subject, Date: longDate(d.Date), DateISO: d.Date.Format(time.DateOnly),
		Version: d.Version, Revision: d.Ref.Revision > 0, Limite: d.Marking.IsLimite(), Demo: d.Demo,
		EditHref: draftHref(d.ID, "edit"), PreviewHref: draftHref(d.ID, "preview"), ReviseHref: reviseHref(d.ID),
	}
}

// newDraft is the form of a new note, with the register's next number.
func (s *server) newDraft(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	today := s.today()
	next, err := s.st.NextDocumentNumber(ctx, string(dialogue.SeriesST), today.Year())
	if err != nil {
		return err
	}
	form := web.DraftForm{
		Series: string(dialogue.SeriesST), Number: strconv.Itoa(next), Year: strconv.Itoa(today.Year()),
		Date: today.Format(time.DateOnly), Place: "Brussels", Language: "en", Marking: string(dialogue.MarkingLimite),
		DocType: "NOTE", From: "Presidency", To: "Delegations", Audience: string(dialogue.AudienceDelegations),
	}
	form.Questions = withEmptySlots(nil)
	return s.renderDraftForm(w, r, http.StatusOK, web.DraftFormView{Form: form})
}

// createDraft saves a new draft and goes on to its form.
func (s *server) createDraft(w http.ResponseWriter, r *http.Request) error {
	form, in, slots, err := s.parseDraftForm(w, r)
	if err != nil {
		return err
	}
	if len(form.Errors) > 0 {
		return s.renderDraftForm(w, r, http.StatusUnprocessableEntity, web.DraftFormView{Form: form})
	}
	id, err := s.st.CreateDraft(r.Context(), actorOf(r), in)
	if fe := formErrors(err); fe != nil {
		form.Errors = slotErrors(fe, slots)
		return s.renderDraftForm(w, r, http.StatusUnprocessableEntity, web.DraftFormView{Form: form})
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, draftHref(id, "edit"), "Draft saved. Preview it in the Council layout before issuing it.")
}

// draftID reads the {id} of the URL; a malformed one is "not found".
func draftID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return 0, dialogue.ErrNotFound
	}
	return id, nil
}

// editDraft is a draft's form. An issued document has no form: it goes to
// its preview, which offers a REV.
func (s *server) editDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	doc, err := s.st.Document(ctx, viewerOf(currentUser(ctx)), id)
	if err != nil {
		return err
	}
	if doc.Status != dialogue.DocumentDraft {
		http.Redirect(w, r, draftHref(id, "preview"), http.StatusSeeOther)
		return nil
	}
	choices, err := s.st.DraftChoices(ctx)
	if err != nil {
		return err
	}
	form := draftFormOf(doc, choices)
	form.Questions = withEmptySlots(form.Questions)
	return s.renderDraftFormWith(w, r, http.StatusOK, web.DraftFormView{ID: id, Form: form,
		Flash: s.sessions.PopString(ctx, sessionFlash)}, choices)
}

// updateDraft saves a draft. A save based on an older version, or on a
// document issued meanwhile, shows the conflict: the user's text in the
// form, the current version beside it.
func (s *server) updateDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	form, in, slots, err := s.parseDraftForm(w, r)
	if err != nil {
		return err
	}
	version, verr := strconv.Atoi(form.Version)
	if verr != nil || version < 1 {
		form.Errors.Add("form", "The form lacks the version it was opened at: open the draft again from the list of drafts (copy your text first).")
	}
	if len(form.Errors) > 0 {
		// Still a draft that exists? A form for something else is not found.
		if _, err := s.st.Document(ctx, viewerOf(currentUser(ctx)), id); err != nil {
			return err
		}
		return s.renderDraftForm(w, r, http.StatusUnprocessableEntity, web.DraftFormView{ID: id, Form: form})
	}
	err = s.st.UpdateDraft(ctx, actorOf(r), id, version, in)
	switch {
	case dialogue.KindOf(err) == dialogue.KindConflict:
		return s.renderDraftConflict(w, r, id, form, err)
	case formErrors(err) != nil:
		form.Errors = slotErrors(formErrors(err), slots)
		return s.renderDraftForm(w, r, http.StatusUnprocessableEntity, web.DraftFormView{ID: id, Form: form})
	case err != nil:
		return err
	}
	return s.flashTo(w, r, draftHref(id, "edit"), "Changes saved.")
}

// renderDraftConflict shows the user's form beside the current version.
func (s *server) renderDraftConflict(w http.ResponseWriter, r *http.Request, id int64, form web.DraftForm, cause error) error {
	ctx := r.Context()
	cur, err := s.st.Document(ctx, viewerOf(currentUser(ctx)), id)
	if err != nil {
		return err
	}
	choices, err := s.st.DraftChoices(ctx)
	if err != nil {
		return err
	}
	c := &web.DraftConflict{
		Issued: cur.Status == dialogue.DocumentIssued, Reference: cur.Reference(), Version: cur.Version,
		Current: draftFormOf(cur, choices), ReviseHref: reviseHref(id), ViewHref: draftHref(id, "preview"),
	}
	var de *dialogue.Error
	if errors.As(cause, &de) {
		c.Message = de.Message
	}
	if c.Issued {
		c.Message = fmt.Sprintf("%s was issued while you were editing it, so your changes were not saved: issued documents are read-only, and are changed by issuing a REV.", cur.Reference())
		c.ViewHref = documentHref(id)
	} else {
		// Saving again is a deliberate choice, made with both versions in view.
		form.Version = strconv.Itoa(cur.Version)
	}
	form.Errors = dialogue.FieldErrors{}
	return s.renderDraftFormWith(w, r, http.StatusConflict, web.DraftFormView{ID: id, Form: form, Conflict: c}, choices)
}

func (s *server) renderDraftForm(w http.ResponseWriter, r *http.Request, status int, v web.DraftFormView) error {
	choices, err := s.st.DraftChoices(r.Context())
	if err != nil {
		return err
	}
	return s.renderDraftFormWith(w, r, status, v, choices)
}

func (s *server) renderDraftFormWith(w http.ResponseWriter, r *http.Request, status int, v web.DraftFormView, c store.DraftChoices) error {
	for _, wp := range c.WorkingParties {
		v.WorkingParties = append(v.WorkingParties, web.Option{Value: wp.Code, Label: wp.Code + " – " + wp.Name})
	}
	for _, d := range c.Dialogues {
		v.Dialogues = append(v.Dialogues, web.Option{Value: d.Code, Label: d.Name})
	}
	var group *web.DraftOptionGroup
	for _, d := range c.Delegations {
		if label := d.Kind.Label(); group == nil || group.Label != label {
			v.Delegations = append(v.Delegations, web.DraftOptionGroup{Label: label})
			group = &v.Delegations[len(v.Delegations)-1]
		}
		group.Options = append(group.Options, web.Option{Value: d.Code, Label: d.Code + " – " + d.Name})
	}
	if v.Form.Errors == nil {
		v.Form.Errors = dialogue.FieldErrors{}
	}
	return s.render(w, r, status, web.DraftFormPage(v))
}

// previewDraft shows a draft in the Council layout with the issue button;
// an issued document with the REV button.
func (s *server) previewDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	return s.renderPreview(w, r, id, http.StatusOK, web.DraftBanner{Flash: s.sessions.PopString(r.Context(), sessionFlash)})
}

func (s *server) renderPreview(w http.ResponseWriter, r *http.Request, id int64, status int, b web.DraftBanner) error {
	v, err := s.documentView(r.Context(), viewerOf(currentUser(r.Context())), id)
	if err != nil {
		return err
	}
	doc := v.Doc
	b.ID, b.Version, b.Reference = id, doc.Version, doc.Reference()
	b.Issued = doc.Status == dialogue.DocumentIssued
	b.EditHref, b.IssueHref = draftHref(id, "edit"), draftHref(id, "issue")
	b.ReviseHref, b.ViewHref = reviseHref(id), documentHref(id)
	return s.render(w, r, status, web.DraftPreviewPage(v, b))
}

// issueDraft issues a draft and shows it, issued. A refusal (no
// number, a code's running number taken, a newer version) shows the
// preview again with the reason.
func (s *server) issueDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || version < 1 {
		return dialogue.Errorf(dialogue.KindInvalid, "The issue form lacks the version of the draft: open its preview again and issue it from there.")
	}
	ref, err := s.st.IssueDocument(ctx, actorOf(r), id, version)
	if fe := formErrors(err); fe != nil {
		return s.renderPreview(w, r, id, http.StatusUnprocessableEntity, web.DraftBanner{Errors: fe})
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		var de *dialogue.Error
		msg := "Someone else changed this draft in the meantime: check the version below, then issue it."
		if errors.As(err, &de) {
			msg = de.Message
		}
		return s.renderPreview(w, r, id, http.StatusConflict, web.DraftBanner{Message: msg})
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, draftHref(id, "preview"), ref.String()+" is issued: it is in the register for its audience.")
}

// reviseDocument starts the REV of an issued document (or continues the one
// in the making) and opens its form.
func (s *server) reviseDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// Only what the user may see can be revised (they see everything today).
	if _, err := s.st.Document(ctx, viewerOf(currentUser(ctx)), id); err != nil {
		return err
	}
	revID, err := s.st.ReviseDocument(ctx, actorOf(r), id)
	if err != nil {
		return err
	}
	return s.flashTo(w, r, draftHref(revID, "edit"), "This is the REV in the making: it keeps the number of what it revises, repeats its codes, and is issued like any draft.")
}

// ---------------------------------------------------------------- the form

var (
	draftNumberPattern = regexp.MustCompile(`^[1-9][0-9]{0,4}$`)
	draftYearPattern   = regexp.MustCompile(`^[0-9]{4}$`)
	footnoteLine       = regexp.MustCompile(`^\[?\^?([0-9]{1,3})\]?:?\s*\|\s*(.*)$`)
)

// maxQuestionSlots bounds the questions editor's slots read from a form.
const maxQuestionSlots = 60

// parseDraftForm reads the form as typed (kept for the page) and the input
// it means, with a message per field that cannot be read; the store's own
// checks are added (Validate). slots maps the n-th question of the input
// (1-based) to the form's slot number, for the store's messages.
func (s *server) parseDraftForm(w http.ResponseWriter, r *http.Request) (web.DraftForm, store.DraftInput, []int, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDraftForm)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return web.DraftForm{}, store.DraftInput{}, nil, dialogue.Errorf(dialogue.KindInvalid, "The form is too large (over 2 MB): shorten the text.")
		}
		return web.DraftForm{}, store.DraftInput{}, nil, dialogue.Errorf(dialogue.KindInvalid, "The form could not be read: go back and send it again.")
	}
	p := r.PostForm
	get := func(k string) string { return strings.TrimSpace(p.Get(k)) }
	f := web.DraftForm{
		Version: get("version"), Series: strings.ToUpper(get("series")), Number: get("number"), Year: get("year"),
		Date: get("date"), OnDate: get("on_date"), Place: get("place"), Language: get("language"), Marking: get("marking"),
		DocType: get("doc_type"), From: get("from"), To: get("to"), Previous: get("previous"), Subject: get("subject"),
		Body: p.Get("body"), Codes: get("codes"), Footnotes: p.Get("footnotes"), Audience: get("audience"),
		WorkingParty: get("working_party"), Named: p["named"], Also: p["also"], Dialogue: get("dialogue"),
		Errors: dialogue.FieldErrors{},
	}
	fe := f.Errors
	in := store.DraftInput{
		Series: dialogue.Series(f.Series), Place: f.Place, OriginalLanguage: f.Language, Marking: dialogue.Marking(f.Marking),
		DocType: f.DocType, Sender: f.From, Recipients: f.To, PreviousReference: f.Previous, Subject: f.Subject,
		BodyMD: f.Body, Audience: dialogue.Audience(f.Audience), WorkingParty: f.WorkingParty, DialogueCode: f.Dialogue,
	}
	if f.Number != "" {
		if !draftNumberPattern.MatchString(f.Number) {
			fe.Add("number", "Enter the number as digits, from 1 to 99999 (no leading zero), or leave it empty until you issue the note.")
		} else {
			in.Number, _ = strconv.Atoi(f.Number)
		}
	}
	if !draftYearPattern.MatchString(f.Year) {
		fe.Add("year", "Enter the year of the reference as four digits, for example 2026.")
	} else {
		in.Year, _ = strconv.Atoi(f.Year)
	}
	if f.Date != "" {
		if d, err := time.Parse(time.DateOnly, f.Date); err != nil {
			fe.Add("date", "Enter the date as year-month-day, for example 2026-02-12.")
		} else {
			in.Date = d
		}
	}
	if f.OnDate != "" {
		if d, err := time.Parse(time.DateOnly, f.OnDate); err != nil {
			fe.Add("on_date", "Enter the date as year-month-day, for example 2026-02-12, or leave it empty.")
		} else {
			in.OnDate = &d
		}
	}
	codes, err := dialogue.ParseDistributionCodes(f.Codes)
	if err != nil {
		fe.Add("codes", draftSentence(err.Error()))
	}
	in.Codes = codes
	in.Footnotes = parseFootnotes(f.Footnotes, fe)
	for _, list := range [][]string{f.Named, f.Also} {
		for _, c := range list {
			if !slices.Contains(in.NamedRecipients, c) {
				in.NamedRecipients = append(in.NamedRecipients, c)
			}
		}
	}
	var slots []int
	f.Questions, in.Questions, slots = parseQuestionSlots(p.Get("q_slots"), p.Get, fe)
	in.Validate(fe)
	// The store names questions by their place in the input; the page by slot.
	f.Errors = slotErrors(fe, slots)
	return f, in, slots, nil
}

// draftSentence makes a message start with a capital and end with a full stop.
func draftSentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// parseFootnotes reads one footnote per line: "3 | text".
func parseFootnotes(text string, fe dialogue.FieldErrors) []dialogue.Footnote {
	var out []dialogue.Footnote
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m := footnoteLine.FindStringSubmatch(line)
		if m == nil {
			fe.Add("footnotes", fmt.Sprintf("Line %d: start with the footnote's number and a bar, for example “3 | This designation …”.", i+1))
			continue
		}
		n, _ := strconv.Atoi(m[1])
		out = append(out, dialogue.Footnote{N: n, Body: m[2]})
	}
	return out
}

// parseQuestionSlots reads the questions editor: slots 1..q_slots, each
// with a number, a kind, a text and options. Empty slots are left out; the
// others are ordered by their numbers (slots without one last, in page
// order). It returns the slots as typed, the questions in order, and the
// slot of each question.
func parseQuestionSlots(count string, get func(string) string, fe dialogue.FieldErrors) ([]web.QuestionSlot, []dialogue.Question, []int) {
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 {
		n = 0
	}
	n = min(n, maxQuestionSlots)
	type numbered struct {
		slot int
		pos  int // 0: none given
		q    dialogue.Question
	}
	var slots []web.QuestionSlot
	var qs []numbered
	for i := 1; i <= n; i++ {
		slot := web.QuestionSlot{N: i}
		slot.Position = strings.TrimSpace(get(slot.Key("position")))
		slot.Kind = strings.TrimSpace(get(slot.Key("kind")))
		slot.Prompt = strings.TrimSpace(get(slot.Key("prompt")))
		slot.Options = strings.TrimSpace(get(slot.Key("options")))
		slots = append(slots, slot)
		if slot.Empty() {
			continue
		}
		x := numbered{slot: i, q: dialogue.Question{Kind: dialogue.QuestionKind(slot.Kind), Prompt: slot.Prompt}}
		if slot.Position != "" {
			p, err := strconv.Atoi(slot.Position)
			if err != nil || p < 1 || p > 999 {
				fe.Add(slot.Key("position"), fmt.Sprintf("Give question %q a number from 1 to 999, or leave it empty to put it last.", clipPrompt(slot.Prompt, 40)))
			} else {
				x.pos = p
			}
		}
		x.q.Options = parseOptions(slot, fe)
		qs = append(qs, x)
	}
	slices.SortStableFunc(qs, func(a, b numbered) int {
		if (a.pos == 0) != (b.pos == 0) {
			if a.pos == 0 {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.pos, b.pos)
	})
	questions := make([]dialogue.Question, len(qs))
	order := make([]int, len(qs))
	for i, x := range qs {
		questions[i], order[i] = x.q, x.slot
	}
	return slots, questions, order
}

// parseOptions reads a choice's options, one per line: "i) | text". The
// options of the other kinds are left to the store to refuse.
func parseOptions(slot web.QuestionSlot, fe dialogue.FieldErrors) []dialogue.Option {
	var out []dialogue.Option
	for i, line := range strings.Split(strings.ReplaceAll(slot.Options, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, body, ok := strings.Cut(line, "|")
		if !ok {
			fe.Add(slot.Key("options"), fmt.Sprintf("Option line %d: write its label, a bar, then its text, for example “i) | a phased approach”.", i+1))
			continue
		}
		out = append(out, dialogue.Option{Label: strings.TrimSpace(label), Body: strings.TrimSpace(body)})
	}
	return out
}

func clipPrompt(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

var questionErrorKey = regexp.MustCompile(`^questions\.([0-9]+)\.([a-z]+)$`)

// slotErrors renames the store's question errors ("questions.2.prompt":
// the second question in order) to the form's ("q5_prompt": its slot).
// The form's own messages (what could not be read) win over the store's.
func slotErrors(fe dialogue.FieldErrors, slots []int) dialogue.FieldErrors {
	out := dialogue.FieldErrors{}
	for k, msg := range fe {
		if !questionErrorKey.MatchString(k) {
			out[k] = msg
		}
	}
	for k, msg := range fe {
		if m := questionErrorKey.FindStringSubmatch(k); m != nil {
			if i, _ := strconv.Atoi(m[1]); i >= 1 && i <= len(slots) {
				out.Add(fmt.Sprintf("q%d_%s", slots[i-1], m[2]), msg)
			} else {
				out.Add("questions", msg)
			}
		}
	}
	return out
}

// withEmptySlots numbers the slots and adds the empty ones to add questions.
func withEmptySlots(qs []web.QuestionSlot) []web.QuestionSlot {
	last := len(qs)
	for i := range emptyQuestionSlots {
		qs = append(qs, web.QuestionSlot{Position: strconv.Itoa(last + i + 1), Kind: string(dialogue.QuestionText)})
	}
	for i := range qs {
		qs[i].N = i + 1
	}
	return qs
}

// draftFormOf is a stored document as its form shows it.
func draftFormOf(doc dialogue.Document, c store.DraftChoices) web.DraftForm {
	f := web.DraftForm{
		Version: strconv.Itoa(doc.Version), Series: string(doc.Ref.Series), Year: strconv.Itoa(doc.Ref.Year),
		Date: doc.Date.Format(time.DateOnly), Place: doc.Place, Language: doc.OriginalLanguage, Marking: string(doc.Marking),
		DocType: doc.DocType, From: doc.Sender, To: doc.Recipients, Previous: doc.PreviousReference, Subject: doc.Subject,
		Body: doc.BodyMD, Audience: string(doc.Audience), WorkingParty: doc.WorkingParty, Errors: dialogue.FieldErrors{},
	}
	if doc.Ref.Number != 0 {
		f.Number = strconv.Itoa(doc.Ref.Number)
	}
	if doc.Ref.Revision > 0 || doc.Ref.Addendum > 0 || doc.Ref.Corrigendum > 0 {
		f.Revision = doc.Reference()
	}
	if doc.OnDate != nil {
		f.OnDate = doc.OnDate.Format(time.DateOnly)
	}
	codes := make([]string, len(doc.Codes))
	for i, c := range doc.Codes {
		codes[i] = c.String()
	}
	f.Codes = strings.Join(codes, ", ")
	var notes []string
	for _, n := range doc.Footnotes {
		notes = append(notes, strconv.Itoa(n.N)+" | "+strings.Join(strings.Fields(n.Body), " "))
	}
	f.Footnotes = strings.Join(notes, "\n")
	for _, r := range doc.NamedRecipients {
		if doc.Audience == dialogue.AudienceNamed {
			f.Named = append(f.Named, r.Code)
		} else {
			f.Also = append(f.Also, r.Code)
		}
	}
	for _, d := range c.Dialogues {
		if d.ID == doc.DialogueID {
			f.Dialogue = d.Code
		}
	}
	for _, q := range doc.Questions {
		slot := web.QuestionSlot{Position: strconv.Itoa(q.Position), Kind: string(q.Kind), Prompt: q.Prompt}
		if q.Kind == dialogue.QuestionChoice {
			lines := make([]string, len(q.Options))
			for i, o := range q.Options {
				lines[i] = o.Label + " | " + o.Body
			}
			slot.Options = strings.Join(lines, "\n")
		}
		f.Questions = append(f.Questions, slot)
	}
	for i := range f.Questions {
		f.Questions[i].N = i + 1
	}
	return f
}
