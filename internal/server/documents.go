package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

const documentsPerPage = 50

var (
	yearPattern = regexp.MustCompile(`^[0-9]{4}$`)
	codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9-]{1,15}$`)
)

// parseDocumentsQuery reads the register's filters as typed. The form keeps
// the user's input; the filter holds only what was valid.
func parseDocumentsQuery(q url.Values) (web.DocumentsForm, store.DocumentFilter, int) {
	form := web.DocumentsForm{
		Series:  strings.TrimSpace(q.Get("series")),
		Year:    strings.TrimSpace(q.Get("year")),
		Marking: strings.TrimSpace(q.Get("marking")),
		Code:    strings.TrimSpace(q.Get("code")),
		// Checked against the dialogues once they are read (documents).
		Dialogue: strings.ToLower(strings.TrimSpace(q.Get("dialogue"))),
		Errors:   dialogue.FieldErrors{},
	}
	f := store.DocumentFilter{Status: dialogue.DocumentIssued, Limit: documentsPerPage}
	if form.Series != "" {
		if s := dialogue.Series(strings.ToUpper(form.Series)); s.Valid() {
			form.Series, f.Series = string(s), s
		} else {
			form.Errors.Add("series", "Choose a series from the list: ST, WK or CM.")
		}
	}
	if form.Year != "" {
		y, err := strconv.Atoi(form.Year)
		if !yearPattern.MatchString(form.Year) || err != nil || y < 1990 || y > 2099 {
			form.Errors.Add("year", "Enter the year as four digits, for example 2026.")
		} else {
			f.Year = y
		}
	}
	switch strings.ToUpper(form.Marking) {
	case "":
	case "LIMITE":
		form.Marking, f.Marking = "LIMITE", dialogue.MarkingLimite
	case "NONE":
		form.Marking, f.Marking = "none", dialogue.MarkingNone
	default:
		form.Errors.Add("marking", "Choose a marking from the list: LIMITE or not marked.")
	}
	if form.Code != "" {
		if c := strings.ToUpper(form.Code); codePattern.MatchString(c) {
			f.Code = c
		} else {
			form.Errors.Add("code", "Enter a distribution code without its number, for example COSI or JAI.")
		}
	}
	f.DialogueCode = form.Dialogue
	page := 1
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 && p <= 100000 {
		page = p
	}
	f.Offset = (page - 1) * documentsPerPage
	return form, f, page
}

// documentsQuery is the query string of a page of the register with the
// same (valid) filters.
func documentsQuery(f store.DocumentFilter, page int) string {
	q := url.Values{}
	if f.Series != "" {
		q.Set("series", string(f.Series))
	}
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	}
	if f.Marking != "" {
		q.Set("marking", string(f.Marking))
	}
	if f.Code != "" {
		q.Set("code", f.Code)
	}
	if f.DialogueCode != "" {
		q.Set("dialogue", f.DialogueCode)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/documents"
	}
	return "/documents?" + q.Encode()
}

// documents is the register: issued documents, newest first, filtered.
// The page and the dialogues of the filter's list are read in one round
// trip; a dialogue code none has finds nothing and is then said to be wrong.
func (s *server) documents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	form, f, page := parseDocumentsQuery(r.URL.Query())
	f.Viewer = viewerOf(currentUser(ctx))
	var (
		list      store.DocumentList
		dialogues []dialogue.Dialogue
		err       error
	)
	if len(form.Errors) == 0 {
		list, dialogues, err = s.st.Register(ctx, f)
	} else {
		dialogues, err = s.st.Dialogues(ctx)
	}
	if err != nil {
		return err
	}
	form.DialogueOptions = []web.Option{{Value: "", Label: "Any dialogue"}}
	known := form.Dialogue == ""
	for _, d := range dialogues {
		form.DialogueOptions = append(form.DialogueOptions, web.Option{Value: d.Code, Label: d.Name})
		known = known || d.Code == form.Dialogue
	}
	if !known {
		form.Errors.Add("dialogue", "Choose a dialogue from the list.")
	}
	v := web.DocumentsView{Form: form, Page: page}
	if len(form.Errors) == 0 {
		v.Rows = documentRows(list.Documents)
		if page > 1 {
			v.PrevHref = documentsQuery(f, page-1)
		}
		if list.More {
			v.NextHref = documentsQuery(f, page+1)
		}
	}
	return s.render(w, r, http.StatusOK, web.DocumentsPage(v))
}

// document shows one issued document laid out like the Council's note.
func (s *server) document(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return dialogue.ErrNotFound
	}
	v, err := s.documentView(r.Context(), viewerOf(currentUser(r.Context())), id)
	if err != nil {
		return err
	}
	v.Flash = s.sessions.PopString(r.Context(), sessionFlash)
	return s.render(w, r, http.StatusOK, web.DocumentPage(v))
}

// documentView lays out a document like the Council's note, for the
// register and the drafting preview alike. The store answers "not found"
// for a document the viewer may not see (drafts included, outside the
// Presidency and the secretariat), and links only documents the viewer
// may see too.
func (s *server) documentView(ctx context.Context, viewer dialogue.Viewer, id int64) (web.DocumentView, error) {
	doc, err := s.st.Document(ctx, viewer, id)
	if err != nil {
		return web.DocumentView{}, err
	}
	related, err := s.st.DocumentsByID(ctx, viewer, nonZero(doc.PreviousDocumentID, doc.RevisesID))
	if err != nil {
		return web.DocumentView{}, err
	}
	v := web.DocumentView{Doc: doc, BodyMD: documentBody(doc), Reference: doc.Reference(), Date: longDate(doc.Date),
		Audience: doc.Audience.Label()}
	if doc.Audience == dialogue.AudienceWorkingParty && doc.WorkingParty != "" {
		v.Audience = "Working party " + doc.WorkingParty
	}
	if doc.OnDate != nil {
		v.OnDate = longDate(*doc.OnDate)
	}
	if d, ok := related[doc.PreviousDocumentID]; ok {
		v.Previous = &web.Link{Href: documentHref(d.ID), Text: d.Reference() + ": " + d.Subject}
	}
	if d, ok := related[doc.RevisesID]; ok {
		v.Revises = &web.Link{Href: documentHref(d.ID), Text: d.Reference() + ": " + d.Subject}
	}
	if doc.DialogueID != 0 {
		dialogues, err := s.st.Dialogues(ctx)
		if err != nil {
			return web.DocumentView{}, err
		}
		if d, ok := dialoguesByID(dialogues)[doc.DialogueID]; ok {
			v.Dialogue = &web.Link{Href: dialogueHref(d.Code), Text: d.Name}
		}
	}
	return v, nil
}

func nonZero(ids ...int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out
}

// questionsHeading is a body's own "Questions to delegations" or
// "Questions for discussion" heading; anyHeading is any Markdown heading.
var (
	questionsHeading = regexp.MustCompile(`(?im)^(#{1,6})[ \t]+questions\b.*$`)
	anyHeading       = regexp.MustCompile(`(?m)^(#{1,6})[ \t]`)
)

// documentBody is the body to show. When the document's questions are
// recorded, the page lists them (with their kind and options) in place of
// the body's own section of questions, so that they appear once, at the
// end, as on paper.
func documentBody(doc dialogue.Document) string {
	body := doc.BodyMD
	if len(doc.Questions) == 0 {
		return body
	}
	loc := questionsHeading.FindStringSubmatchIndex(body)
	if loc == nil {
		return body
	}
	level := loc[3] - loc[2]
	rest := body[loc[1]:]
	// The section ends at the next heading of the same or a higher level.
	for _, h := range anyHeading.FindAllStringSubmatchIndex(rest, -1) {
		if h[3]-h[2] <= level {
			return body[:loc[0]] + rest[h[0]:]
		}
	}
	return body[:loc[0]]
}
