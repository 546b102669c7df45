package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// View models of drafting: the list of drafts, the draft's form (with its
// questions editor and, after a conflicting save, the current version
// beside the user's text) and the preview's banner.

// DraftsView is the list of drafts, with the latest issued documents (each
// of which can be revised).
type DraftsView struct {
	Drafts []DraftRow
	Issued []DraftRow
	Flash  string
}

// DraftRow is a draft (or an issued document) in a list.
type DraftRow struct {
	ID          int64
	Reference   string // "draft (no number yet)", "5559/1/26 REV 1"
	Subject     string
	Date        string
	DateISO     string
	Version     int
	Revision    bool
	Limite      bool
	Demo        bool
	EditHref    string
	PreviewHref string
	ReviseHref  string // the form action that starts a REV
}

// DraftForm is a draft's form as the user typed it, with a message per
// invalid field. Field names and error keys are the same: series, number,
// year, date, on_date, place, language, marking, doc_type, from, to,
// previous, subject, body, codes, footnotes, audience, working_party,
// named, dialogue; each question slot n has qn_position, qn_kind, qn_prompt
// and qn_options.
type DraftForm struct {
	Version      string // the version the user started from
	Series       string
	Number       string
	Year         string
	Date         string // YYYY-MM-DD
	OnDate       string
	Place        string
	Language     string
	Marking      string // "none" or "LIMITE"
	DocType      string
	From         string
	To           string
	Previous     string
	Subject      string
	Body         string
	Codes        string // "COSI 11, MED 12, EUROPOL"
	Footnotes    string // one per line: "3 | text"
	Audience     string
	WorkingParty string   // code
	Named        []string // delegation codes (named audience)
	Also         []string // delegation codes added to any audience
	Dialogue     string   // code
	Questions    []QuestionSlot
	// Revision is the fixed reference of a REV ("5559/1/26 REV 1"): its
	// series, number and year are those of what it revises.
	Revision string
	Errors   dialogue.FieldErrors
}

// QuestionSlot is one fieldset of the questions editor.
type QuestionSlot struct {
	N        int    // the slot's number, which names its fields ("q2_prompt")
	Position string // the question's place in the note, as typed
	Kind     string
	Prompt   string
	Options  string // one per line: "i) | a phased approach ..."
}

// Key is the name of one of the slot's fields, and its error key.
func (q QuestionSlot) Key(part string) string { return "q" + strconv.Itoa(q.N) + "_" + part }

func (q QuestionSlot) id(part string) string { return "d-q" + strconv.Itoa(q.N) + "-" + part }

// Empty reports whether nothing was typed in the slot.
func (q QuestionSlot) Empty() bool {
	return strings.TrimSpace(q.Prompt) == "" && strings.TrimSpace(q.Options) == ""
}

// DraftOptionGroup is a labelled group of a select's options.
type DraftOptionGroup struct {
	Label   string
	Options []Option
}

// DraftFormView is the page of a draft's form.
type DraftFormView struct {
	ID             int64 // 0 for a new draft
	Form           DraftForm
	WorkingParties []Option
	Delegations    []DraftOptionGroup
	Dialogues      []Option
	Flash          string
	Conflict       *DraftConflict
}

// DraftConflict is what a save based on an older version, or on a document
// issued in the meantime, shows beside the user's text.
type DraftConflict struct {
	Message    string
	Issued     bool   // the document was issued meanwhile: it is read-only now
	Reference  string // its reference now
	Version    int    // the current version
	Current    DraftForm
	ReviseHref string // starts a REV (when issued)
	ViewHref   string
}

// DraftBanner is what the preview shows above the document: its state, the
// way back to the form and the issue button (or, once issued, the REV
// button), with the reasons an issue was refused.
type DraftBanner struct {
	ID         int64
	Version    int
	Issued     bool
	Reference  string
	EditHref   string
	IssueHref  string
	ReviseHref string
	ViewHref   string
	Message    string // why an issue was refused (a conflict)
	Flash      string // what the previous action did
	Errors     dialogue.FieldErrors
}

// draftFieldIDs are the ids of the form's fields, by error key.
var draftFieldIDs = map[string]string{
	"form": "d-subject", "series": "d-series", "number": "d-number", "year": "d-year", "date": "d-date",
	"on_date": "d-on-date", "place": "d-place", "language": "d-language", "marking": "d-marking",
	"doc_type": "d-doc-type", "from": "d-from", "to": "d-to", "previous": "d-previous", "subject": "d-subject",
	"body": "d-body", "codes": "d-codes", "footnotes": "d-footnotes", "questions": "d-q1-prompt",
	"audience": "d-audience-delegations", "working_party": "d-working-party", "named": "d-named",
	"dialogue": "d-dialogue",
}

var draftFieldOrder = []string{"form", "series", "number", "year", "date", "place", "language", "marking", "codes",
	"doc_type", "from", "on_date", "to", "previous", "subject", "body", "footnotes", "questions"}

var draftAudienceOrder = []string{"audience", "working_party", "named", "dialogue"}

// errorOrder lists the form's error keys in the order of the page, with
// the ids of their fields.
func (f DraftForm) errorOrder() ([]string, map[string]string) {
	order := slices.Clone(draftFieldOrder)
	ids := make(map[string]string, len(draftFieldIDs))
	for k, v := range draftFieldIDs {
		ids[k] = v
	}
	if len(f.Questions) > 0 {
		ids["questions"] = f.Questions[0].id("prompt")
	}
	for _, q := range f.Questions {
		for _, part := range []string{"position", "kind", "prompt", "options"} {
			order = append(order, q.Key(part))
			ids[q.Key(part)] = q.id(part)
		}
	}
	return append(order, draftAudienceOrder...), ids
}

var draftSeriesOptions = []Option{
	{Value: "ST", Label: "ST: standard document"},
	{Value: "WK", Label: "WK: working document"},
	{Value: "CM", Label: "CM: call for a meeting"},
}

var draftMarkingOptions = []Option{
	{Value: "LIMITE", Label: "LIMITE (never to the public)"},
	{Value: "none", Label: "Not marked"},
}

var questionKindOptions = []Option{
	{Value: string(dialogue.QuestionText), Label: dialogue.QuestionText.Label()},
	{Value: string(dialogue.QuestionChoice), Label: dialogue.QuestionChoice.Label()},
	{Value: string(dialogue.QuestionAgreement), Label: dialogue.QuestionAgreement.Label()},
}

// draftAudiences are the audience choices, with the id of each radio button.
var draftAudiences = []struct {
	Value dialogue.Audience
	ID    string
	Hint  string
}{
	{dialogue.AudienceDelegations, "d-audience-delegations", "Member states, the Commission and the EEAS."},
	{dialogue.AudienceMemberStates, "d-audience-member-states", "The 27 member states only."},
	{dialogue.AudienceWorkingParty, "d-audience-working-party", "The members of the working party chosen below."},
	{dialogue.AudienceNamed, "d-audience-named", "Only the delegations chosen below."},
}

func questionKindLabel(kind string) string {
	for _, o := range questionKindOptions {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

func markingLabel(m string) string {
	if m == "LIMITE" {
		return "LIMITE"
	}
	return "Not marked"
}

func audienceLabel(a string) string { return dialogue.Audience(a).Label() }

func draftIDString(id int64) string { return strconv.FormatInt(id, 10) }

func draftAction(id int64) templ.SafeURL {
	if id == 0 {
		return templ.SafeURL("/drafts")
	}
	return templ.SafeURL("/drafts/" + strconv.FormatInt(id, 10))
}

func draftTitle(v DraftFormView) string {
	switch {
	case v.Conflict != nil:
		return "Changed in the meantime"
	case v.ID == 0:
		return "New note"
	case v.Form.Revision != "":
		return "Edit " + v.Form.Revision
	}
	return "Edit draft"
}
