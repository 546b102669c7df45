package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// This file holds the writes of the documents aggregate: drafting a note
// with its codes, footnotes and questions, issuing it (it gets its final
// reference and becomes read-only) and revising an issued document (a REV
// draft that links to it; both stay). Drafts are not a person's: every
// Presidency and secretariat user edits them, so every save names the
// version it started from and a save based on an older one is refused.
// documents.go holds the reads.

// DraftInput is a draft document as the Presidency enters it. Validate
// trims it, fills the defaults noted and checks what needs no database;
// CreateDraft and UpdateDraft check the rest (that the number, the codes'
// running numbers, the working party, the recipients and the dialogue exist
// or are free). Field names of the errors are the form's: series, number,
// year, date, on_date, place, language, marking, doc_type, from, to,
// previous, subject, body, codes, footnotes, audience, working_party, named,
// dialogue, and questions.N.kind, questions.N.prompt, questions.N.options
// for the N-th question (1-based, in Questions' order).
type DraftInput struct {
	Series            dialogue.Series // "" = ST
	Number            int             // 0 while the draft has no number (one is needed to issue)
	Year              int             // the reference's year, 2000..2099
	Date              time.Time       // the document's date: a calendar date (its Y-M-D is used)
	OnDate            *time.Time      // the "On:" line's date, when there is one
	Place             string          // "" = Brussels
	OriginalLanguage  string          // "" = en
	Marking           dialogue.Marking
	DocType           string // "" = NOTE
	Sender            string // From: "Presidency"
	Recipients        string // To: "Delegations"
	PreviousReference string // "No. prev. doc." as printed, e.g. "6314/1/22"; linked when the register holds it
	Subject           string
	BodyMD            string
	Codes             []dialogue.DistributionCode
	Footnotes         []dialogue.Footnote
	// Questions in order; their positions become 1..n. An agreement
	// question gets dialogue.AgreementOptions (leave Options empty); a
	// choice question needs two options or more; a text question none.
	Questions       []dialogue.Question
	Audience        dialogue.Audience // "" = all delegations
	WorkingParty    string            // working party code, for AudienceWorkingParty
	NamedRecipients []string          // delegation codes: the audience when AudienceNamed, added to it otherwise
	DialogueCode    string            // the dialogue it belongs to ("med"); "" for none
}

// Limits of a draft's text, so that a pasted book does not land in a row.
const (
	maxSubject   = 1000
	maxBody      = 200_000
	maxShortText = 300
	maxQuestions = 50
	maxOptions   = 26
)

var (
	docTypePattern  = regexp.MustCompile(`^[A-Z][A-Z/ -]{1,39}$`)
	languagePattern = regexp.MustCompile(`^[a-z]{2}$`)
	codeNamePattern = regexp.MustCompile(`^[A-Z][A-Z0-9-]{1,15}$`)
)

// Validate normalises the input and adds a message to fe for each field
// that breaks a rule needing no database. Messages already in fe (a form's
// own parsing errors) are kept.
func (in *DraftInput) Validate(fe dialogue.FieldErrors) {
	if in.Series == "" {
		in.Series = dialogue.SeriesST
	}
	in.Series = dialogue.Series(strings.ToUpper(strings.TrimSpace(string(in.Series))))
	in.Place = strings.TrimSpace(in.Place)
	if in.Place == "" {
		in.Place = "Brussels"
	}
	in.OriginalLanguage = strings.ToLower(strings.TrimSpace(in.OriginalLanguage))
	if in.OriginalLanguage == "" {
		in.OriginalLanguage = "en"
	}
	in.DocType = strings.ToUpper(strings.TrimSpace(in.DocType))
	if in.DocType == "" {
		in.DocType = "NOTE"
	}
	in.Sender = strings.TrimSpace(in.Sender)
	in.Recipients = strings.TrimSpace(in.Recipients)
	in.PreviousReference = strings.Join(strings.Fields(in.PreviousReference), " ")
	in.Subject = strings.Join(strings.Fields(in.Subject), " ")
	in.BodyMD = strings.TrimRight(strings.ReplaceAll(in.BodyMD, "\r\n", "\n"), " \n\t")
	in.WorkingParty = strings.TrimSpace(in.WorkingParty)
	in.DialogueCode = strings.ToLower(strings.TrimSpace(in.DialogueCode))
	if in.Audience == "" {
		in.Audience = dialogue.AudienceDelegations
	}
	if !in.Date.IsZero() {
		in.Date = calendarDate(in.Date)
	}
	if in.OnDate != nil {
		d := calendarDate(*in.OnDate)
		in.OnDate = &d
	}

	if !in.Series.Valid() {
		fe.Add("series", "Choose the series: ST, WK or CM.")
	}
	if in.Year < dialogue.MinReferenceYear || in.Year > dialogue.MaxReferenceYear {
		fe.Add("year", fmt.Sprintf("Enter the year of the reference as four digits, from %d to %d.", dialogue.MinReferenceYear, dialogue.MaxReferenceYear))
	}
	if in.Number < 0 || in.Number > dialogue.MaxReferenceNumber {
		fe.Add("number", fmt.Sprintf("The number must be between 1 and %d, or empty until the note is issued.", dialogue.MaxReferenceNumber))
	}
	if in.Date.IsZero() {
		fe.Add("date", "Enter the document's date, for example 2026-02-12.")
	}
	if !languagePattern.MatchString(in.OriginalLanguage) {
		fe.Add("language", "Enter the original language as its two-letter code, for example en or fr.")
	}
	if m, err := dialogue.ParseMarking(string(in.Marking)); err != nil {
		fe.Add("marking", capitalise(err.Error())+".")
	} else {
		in.Marking = m
	}
	if len(in.Place) > maxShortText {
		fe.Add("place", "Keep the place under 300 characters.")
	}
	if !docTypePattern.MatchString(in.DocType) {
		fe.Add("doc_type", "Enter the type in capitals, for example NOTE or INFORMATION NOTE.")
	}
	switch {
	case in.Sender == "":
		fe.Add("from", "Say who the note is from, for example Presidency.")
	case len(in.Sender) > maxShortText:
		fe.Add("from", "Keep the sender under 300 characters.")
	}
	switch {
	case in.Recipients == "":
		fe.Add("to", "Say who the note is to, for example Delegations.")
	case len(in.Recipients) > maxShortText:
		fe.Add("to", "Keep the recipients under 300 characters.")
	}
	if in.PreviousReference != "" {
		if _, ok := previousReference(in.PreviousReference); !ok {
			_, err := dialogue.ParseReference(in.PreviousReference)
			msg := "Enter the previous document's reference as printed, for example 6314/1/22 or 5559/26."
			var re *dialogue.ReferenceError
			if errors.As(err, &re) {
				msg = "The previous document's reference is not valid: " + re.Reason + "."
			}
			fe.Add("previous", msg)
		}
	}
	switch {
	case in.Subject == "":
		fe.Add("subject", "Enter the subject.")
	case utf8.RuneCountInString(in.Subject) > maxSubject:
		fe.Add("subject", "Keep the subject under 1,000 characters.")
	}
	if utf8.RuneCountInString(in.BodyMD) > maxBody {
		fe.Add("body", "The text is too long: keep it under 200,000 characters.")
	}
	seen := map[string]bool{}
	for _, c := range in.Codes {
		switch {
		case !codeNamePattern.MatchString(c.Code):
			fe.Add("codes", fmt.Sprintf("%q is not a distribution code: use 2 to 16 capital letters or digits, e.g. COSI.", c.Code))
		case c.Number < 0 || c.Number > 99999:
			fe.Add("codes", fmt.Sprintf("The running number of %s must be between 1 and 99999.", c.Code))
		case seen[c.Code]:
			fe.Add("codes", fmt.Sprintf("The code %s appears twice.", c.Code))
		}
		seen[c.Code] = true
	}
	ns := map[int]bool{}
	for i := range in.Footnotes {
		f := &in.Footnotes[i]
		f.Body = strings.TrimSpace(f.Body)
		switch {
		case f.N < 1 || f.N > 999:
			fe.Add("footnotes", "Number footnotes from 1 to 999.")
		case ns[f.N]:
			fe.Add("footnotes", fmt.Sprintf("Footnote %d appears twice.", f.N))
		case f.Body == "":
			fe.Add("footnotes", fmt.Sprintf("Footnote %d has no text.", f.N))
		case len(f.Body) > 10000:
			fe.Add("footnotes", fmt.Sprintf("Footnote %d is too long: keep it under 10,000 characters.", f.N))
		}
		ns[f.N] = true
	}
	slices.SortStableFunc(in.Footnotes, func(a, b dialogue.Footnote) int { return a.N - b.N })
	if len(in.Questions) > maxQuestions {
		fe.Add("questions", "A note puts at most 50 questions.")
	}
	for i := range in.Questions {
		in.Questions[i].Position = i + 1
		validateQuestion(&in.Questions[i], fe)
	}
	switch in.Audience {
	case dialogue.AudienceDelegations, dialogue.AudienceMemberStates, dialogue.AudienceNamed:
		in.WorkingParty = "" // the schema holds a working party only for that audience
	case dialogue.AudienceWorkingParty:
		if in.WorkingParty == "" {
			fe.Add("working_party", "Choose the working party the note goes to.")
		}
	default:
		fe.Add("audience", "Choose who may read the note once issued.")
	}
	named := in.NamedRecipients[:0:0]
	for _, c := range in.NamedRecipients {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && !slices.Contains(named, c) {
			named = append(named, c)
		}
	}
	in.NamedRecipients = named
	if in.Audience == dialogue.AudienceNamed && len(named) == 0 {
		fe.Add("named", "Choose the delegations the note goes to.")
	}
}

func validateQuestion(q *dialogue.Question, fe dialogue.FieldErrors) {
	field := func(part string) string { return fmt.Sprintf("questions.%d.%s", q.Position, part) }
	q.Prompt = strings.TrimSpace(strings.ReplaceAll(q.Prompt, "\r\n", "\n"))
	switch {
	case q.Prompt == "":
		fe.Add(field("prompt"), fmt.Sprintf("Question %d has no text.", q.Position))
	case len(q.Prompt) > 10000:
		fe.Add(field("prompt"), fmt.Sprintf("Question %d is too long: keep it under 10,000 characters.", q.Position))
	}
	for i := range q.Options {
		q.Options[i].Position = i + 1
		q.Options[i].Label = strings.TrimSpace(q.Options[i].Label)
		q.Options[i].Body = strings.TrimSpace(q.Options[i].Body)
	}
	switch q.Kind {
	case dialogue.QuestionText:
		if len(q.Options) > 0 {
			fe.Add(field("options"), fmt.Sprintf("Question %d is answered in free text: leave its options empty, or choose “one choice among options”.", q.Position))
		}
	case dialogue.QuestionAgreement:
		if len(q.Options) > 0 && !sameOptions(q.Options, dialogue.AgreementOptions) {
			fe.Add(field("options"), fmt.Sprintf("Question %d has the fixed answers Agree, Partly agree and Disagree: leave its options empty.", q.Position))
		}
		q.Options = slices.Clone(dialogue.AgreementOptions)
	case dialogue.QuestionChoice:
		labels := map[string]bool{}
		switch {
		case len(q.Options) < 2:
			fe.Add(field("options"), fmt.Sprintf("Question %d offers a choice: give at least two options, one per line, e.g. “i) | a phased approach”.", q.Position))
		case len(q.Options) > maxOptions:
			fe.Add(field("options"), fmt.Sprintf("Question %d offers too many options: at most %d.", q.Position, maxOptions))
		}
		for _, o := range q.Options {
			switch {
			case o.Label == "" || o.Body == "":
				fe.Add(field("options"), fmt.Sprintf("Option %d of question %d needs a label and a text, e.g. “i) | a phased approach”.", o.Position, q.Position))
			case len(o.Label) > 40:
				fe.Add(field("options"), fmt.Sprintf("The label of option %d of question %d is too long: use a short one such as “i)”.", o.Position, q.Position))
			case len(o.Body) > 5000:
				fe.Add(field("options"), fmt.Sprintf("Option %d of question %d is too long: keep it under 5,000 characters.", o.Position, q.Position))
			case labels[o.Label]:
				fe.Add(field("options"), fmt.Sprintf("Question %d has two options labelled %q.", q.Position, o.Label))
			}
			labels[o.Label] = true
		}
	default:
		fe.Add(field("kind"), fmt.Sprintf("Choose how question %d is answered.", q.Position))
	}
}

func sameOptions(a, b []dialogue.Option) bool {
	return slices.EqualFunc(a, b, func(x, y dialogue.Option) bool { return x.Label == y.Label && x.Body == y.Body })
}

// calendarDate keeps the calendar day of t, at midnight UTC, so that a date
// column stores the day the user chose whatever t's zone.
func calendarDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// draftLinks are the ids the input names, resolved by the database.
type draftLinks struct {
	workingParty *int64
	dialogue     *int64
	recipients   []int64
	previous     *int64
}

// draftSelf is the draft being saved: its id (0 when new), the document a
// REV revises (0 for none; the draft may repeat its codes), and the REV,
// ADD and COR numbers that complete its reference.
type draftSelf struct {
	id, revises                     int64
	revision, addendum, corrigendum int
}

func (d lockedDocument) self(id int64) draftSelf {
	s := draftSelf{id: id, revision: d.Revision, addendum: d.Addendum, corrigendum: d.Corrigendum}
	if d.RevisesID != nil {
		s.revises = *d.RevisesID
	}
	return s
}

// checkDraft resolves what the input names and checks, in one round trip,
// that its reference and its codes' running numbers are free.
func checkDraft(ctx context.Context, tx pgx.Tx, self draftSelf, in *DraftInput, fe dialogue.FieldErrors) (draftLinks, error) {
	var l draftLinks
	selfID := self.id
	b := &pgx.Batch{}
	if in.WorkingParty != "" {
		b.Queue(`SELECT id FROM working_parties WHERE code = $1`, in.WorkingParty).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&l.workingParty)
			if errors.Is(err, pgx.ErrNoRows) {
				fe.Add("working_party", fmt.Sprintf("There is no working party %s: choose one from the list.", in.WorkingParty))
				return nil
			}
			return err
		})
	}
	if in.DialogueCode != "" {
		b.Queue(`SELECT id FROM dialogues WHERE code = $1`, in.DialogueCode).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&l.dialogue)
			if errors.Is(err, pgx.ErrNoRows) {
				fe.Add("dialogue", "There is no such dialogue: choose one from the list.")
				return nil
			}
			return err
		})
	}
	if len(in.NamedRecipients) > 0 {
		b.Queue(`SELECT code, id FROM delegations WHERE code = ANY ($1)`, in.NamedRecipients).Query(func(rows pgx.Rows) error {
			ids := map[string]int64{}
			var code string
			var id int64
			if _, err := pgx.ForEachRow(rows, []any{&code, &id}, func() error { ids[code] = id; return nil }); err != nil {
				return err
			}
			var unknown []string
			for _, c := range in.NamedRecipients {
				if id, ok := ids[c]; ok {
					l.recipients = append(l.recipients, id)
				} else {
					unknown = append(unknown, c)
				}
			}
			if len(unknown) > 0 {
				fe.Add("named", "Unknown delegation "+strings.Join(unknown, ", ")+": choose from the list.")
			}
			return nil
		})
	}
	if p, ok := previousReference(in.PreviousReference); ok {
		b.Queue(`SELECT id FROM documents WHERE series = $1 AND number = $2 AND year = $3 AND revision = $4
			AND addendum = $5 AND corrigendum = $6 AND id <> $7`,
			string(p.Series), p.Number, p.Year, p.Revision, p.Addendum, p.Corrigendum, selfID,
		).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&l.previous); err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			return nil
		})
	}
	if in.Number != 0 {
		next := 0
		b.Queue(nextNumberSQL, string(in.Series), in.Year).QueryRow(func(row pgx.Row) error { return row.Scan(&next) })
		b.Queue(`SELECT status, subject FROM documents WHERE series = $1 AND number = $2 AND year = $3
			AND revision = $4 AND addendum = $5 AND corrigendum = $6 AND id <> $7`,
			string(in.Series), in.Number, in.Year, self.revision, self.addendum, self.corrigendum, selfID,
		).QueryRow(func(row pgx.Row) error {
			var status, subject string
			err := row.Scan(&status, &subject)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			ref := dialogue.Reference{Series: in.Series, Number: in.Number, Year: in.Year,
				Revision: self.revision, Addendum: self.addendum, Corrigendum: self.corrigendum}
			holder := "the issued document"
			if status == string(dialogue.DocumentDraft) {
				holder = "the draft"
			}
			fe.Add("number", fmt.Sprintf("%s is already taken by %s “%s”. The next free number in %d is %d.",
				ref, holder, clipText(subject, 80), in.Year, next))
			return nil
		})
	}
	var codes []string
	var numbers []int32
	for _, c := range in.Codes {
		if c.Number != 0 {
			codes, numbers = append(codes, c.Code), append(numbers, int32(c.Number))
		}
	}
	if len(codes) > 0 {
		b.Queue(`
			SELECT c.code, c.number, d.series, d.number AS doc_number, d.year AS doc_year, d.revision, d.addendum,
			       d.corrigendum, d.status, d.subject
			FROM unnest($1::text[], $2::int[]) AS u(code, number)
			JOIN document_codes c ON c.code = u.code AND c.number = u.number AND c.year = $3 AND NOT c.inherited
			JOIN documents d ON d.id = c.document_id
			WHERE c.document_id <> $4
			  AND NOT EXISTS (SELECT 1 FROM document_codes r
			                  WHERE r.document_id = $5 AND r.code = u.code AND r.number = u.number)
			ORDER BY c.code`,
			codes, numbers, in.Year, selfID, self.revises,
		).Query(func(rows pgx.Rows) error {
			taken, err := pgx.CollectRows(rows, pgx.RowToStructByName[codeHolderRow])
			if err != nil {
				return err
			}
			var msgs []string
			for _, h := range taken {
				msgs = append(msgs, fmt.Sprintf("%s %d is already used in %d by %s", h.Code, h.Number, in.Year, h.holder()))
			}
			if len(msgs) > 0 {
				fe.Add("codes", strings.Join(msgs, "; ")+". Each code's running number is unique per year: check the numbers.")
			}
			return nil
		})
	}
	if b.Len() == 0 {
		return l, nil
	}
	return l, tx.SendBatch(ctx, b).Close()
}

// codeHolderRow is a document that already holds a code's running number.
type codeHolderRow struct {
	Code        string `db:"code"`
	Number      int    `db:"number"`
	Series      string `db:"series"`
	DocNumber   *int   `db:"doc_number"`
	DocYear     int    `db:"doc_year"`
	Revision    int    `db:"revision"`
	Addendum    int    `db:"addendum"`
	Corrigendum int    `db:"corrigendum"`
	Status      string `db:"status"`
	Subject     string `db:"subject"`
}

func (h codeHolderRow) holder() string {
	if h.DocNumber == nil {
		return "the draft “" + clipText(h.Subject, 60) + "” (not numbered yet)"
	}
	ref := dialogue.Reference{Series: dialogue.Series(h.Series), Number: *h.DocNumber, Year: h.DocYear,
		Revision: h.Revision, Addendum: h.Addendum, Corrigendum: h.Corrigendum}
	if h.Status == string(dialogue.DocumentDraft) {
		return ref.String() + " (a draft)"
	}
	return ref.String()
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// writeDraftParts replaces a draft's codes, footnotes and named recipients,
// and its questions and options by position (so that their ids stay
// stable), in one round trip. revisesID names the document whose codes the
// draft repeats (inherited), 0 for none.
func writeDraftParts(ctx context.Context, tx pgx.Tx, id, revisesID int64, in *DraftInput, l draftLinks) error {
	b := &pgx.Batch{}
	codes, numbers := make([]string, len(in.Codes)), make([]*int32, len(in.Codes))
	for i, c := range in.Codes {
		codes[i] = c.Code
		if c.Number != 0 {
			n := int32(c.Number)
			numbers[i] = &n
		}
	}
	b.Queue(`DELETE FROM document_codes WHERE document_id = $1`, id)
	b.Queue(`
		INSERT INTO document_codes (document_id, position, code, number, year, inherited)
		SELECT $1::bigint, u.position, u.code, u.number, $4::int,
		       EXISTS (SELECT 1 FROM document_codes r WHERE r.document_id = $5::bigint
		               AND r.code = u.code AND r.number IS NOT DISTINCT FROM u.number)
		FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS u(code, number, position)`,
		id, codes, numbers, in.Year, revisesID)
	queueFootnotes(b, id, in.Footnotes)
	queueRecipients(b, id, l.recipients)
	queueQuestions(b, id, in.Questions)
	return tx.SendBatch(ctx, b).Close()
}

// draftSaveError turns the unique indexes' refusals (a number or a running
// number taken by a concurrent save, after the checks passed) into messages
// beside the field.
func draftSaveError(err error) error {
	switch {
	case isUniqueViolation(err, "documents_reference_uq"):
		return dialogue.FieldError("number", "This reference was just taken by another document: choose another number.")
	case isUniqueViolation(err, "document_codes_running_uq"):
		return dialogue.FieldError("codes", "One of these running numbers was just taken by another document: check the codes and save again.")
	}
	return err
}

func nullableNumber(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// CreateDraft saves a new draft and returns its id. Invalid input is a
// *dialogue.FormError with a message per field.
func (s *Store) CreateDraft(ctx context.Context, actor dialogue.Actor, in DraftInput) (int64, error) {
	fe := dialogue.FieldErrors{}
	in.Validate(fe)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		l, err := checkDraft(ctx, tx, draftSelf{}, &in, fe)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO documents (series, number, year, doc_date, place, original_language, marking, doc_type,
				sender, recipients, on_date, previous_reference, previous_document_id, subject, body_md,
				status, audience, working_party_id, dialogue_id, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'draft', $16, $17, $18, $19)
			RETURNING id`,
			string(in.Series), nullableNumber(in.Number), in.Year, in.Date, in.Place, in.OriginalLanguage,
			string(in.Marking), in.DocType, in.Sender, in.Recipients, in.OnDate, in.PreviousReference, l.previous,
			in.Subject, in.BodyMD, string(in.Audience), l.workingParty, l.dialogue, userRef(actor),
		).Scan(&id)
		if err != nil {
			return err
		}
		if err := writeDraftParts(ctx, tx, id, 0, &in, l); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "document.create", ObjectType: "document", ObjectID: id,
			Detail: map[string]any{"reference": draftReference(in, 0), "subject": in.Subject, "questions": len(in.Questions)}})
	})
	if err != nil {
		return 0, draftSaveError(err)
	}
	return id, nil
}

func draftReference(in DraftInput, revision int) string {
	if in.Number == 0 {
		return ""
	}
	return dialogue.Reference{Series: in.Series, Number: in.Number, Year: in.Year, Revision: revision}.String()
}

// ErrIssuedReadOnly is UpdateDraft's refusal to change an issued document.
var ErrIssuedReadOnly = dialogue.Errorf(dialogue.KindConflict, "issued documents are read-only: issue a REV")

// lockedDocument is the state of a document row, locked for the action.
type lockedDocument struct {
	Status      string `db:"status"`
	Version     int    `db:"version"`
	Series      string `db:"series"`
	Number      *int   `db:"number"`
	Year        int    `db:"year"`
	Revision    int    `db:"revision"`
	Addendum    int    `db:"addendum"`
	Corrigendum int    `db:"corrigendum"`
	RevisesID   *int64 `db:"revises_id"`
}

func (d lockedDocument) ref() dialogue.Reference {
	r := dialogue.Reference{Series: dialogue.Series(d.Series), Year: d.Year, Revision: d.Revision,
		Addendum: d.Addendum, Corrigendum: d.Corrigendum}
	if d.Number != nil {
		r.Number = *d.Number
	}
	return r
}

func lockDocument(ctx context.Context, tx pgx.Tx, id int64) (lockedDocument, error) {
	rows, _ := tx.Query(ctx, `
		SELECT status, version, series, number, year, revision, addendum, corrigendum, revises_id
		FROM documents WHERE id = $1 FOR UPDATE`, id)
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[lockedDocument])
	return d, notFound(err, "document")
}

func staleVersion(current int) error {
	return dialogue.Errorf(dialogue.KindConflict,
		"This draft was changed by someone else since you opened it (it is now at version %d). Your text is kept below, beside the current one: merge them and save again.", current)
}

// UpdateDraft replaces a draft's content. baseVersion is the version the
// user started from: if the draft changed since, nothing is written and the
// error is a conflict (dialogue.KindConflict). An issued document is
// read-only (ErrIssuedReadOnly): it is changed by issuing a REV. A REV keeps
// the series, number and year of the document it revises.
func (s *Store) UpdateDraft(ctx context.Context, actor dialogue.Actor, id int64, baseVersion int, in DraftInput) error {
	fe := dialogue.FieldErrors{}
	in.Validate(fe)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status != string(dialogue.DocumentDraft) {
			return ErrIssuedReadOnly
		}
		if cur.Version != baseVersion {
			return staleVersion(cur.Version)
		}
		if cur.Revision > 0 || cur.Addendum > 0 || cur.Corrigendum > 0 {
			if base := cur.ref(); in.Series != base.Series || in.Number != base.Number || in.Year != base.Year {
				fe.Add("number", fmt.Sprintf("%s keeps the series, number and year of %s, which it revises.", base, base.Base()))
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		self := cur.self(id)
		l, err := checkDraft(ctx, tx, self, &in, fe)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var version int
		err = tx.QueryRow(ctx, `
			UPDATE documents SET series = $3, number = $4, year = $5, doc_date = $6, place = $7,
				original_language = $8, marking = $9, doc_type = $10, sender = $11, recipients = $12,
				on_date = $13, previous_reference = $14, previous_document_id = $15, subject = $16,
				body_md = $17, audience = $18, working_party_id = $19, dialogue_id = $20,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND status = 'draft'
			RETURNING version`,
			id, baseVersion, string(in.Series), nullableNumber(in.Number), in.Year, in.Date, in.Place,
			in.OriginalLanguage, string(in.Marking), in.DocType, in.Sender, in.Recipients, in.OnDate,
			in.PreviousReference, l.previous, in.Subject, in.BodyMD, string(in.Audience), l.workingParty, l.dialogue,
		).Scan(&version)
		if err != nil {
			return err
		}
		if err := writeDraftParts(ctx, tx, id, self.revises, &in, l); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "document.update", ObjectType: "document", ObjectID: id,
			Detail: map[string]any{"version": version, "reference": draftReference(in, cur.Revision), "subject": in.Subject}})
	})
	return draftSaveError(err)
}

// Drafts lists every draft, most recently changed first (without body or
// related rows). Drafts belong to no one: the Presidency and the secretariat
// all see them, and they carry over to the next Presidency.
func (s *Store) Drafts(ctx context.Context) ([]dialogue.Document, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+documentListColumns+` FROM documents d
		WHERE d.status = 'draft' ORDER BY d.updated_at DESC, d.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: drafts: %w", err)
	}
	out, err := collectConverted(rows, scanDocumentListRow, documentRow.document)
	if err != nil {
		return nil, fmt.Errorf("store: drafts: %w", err)
	}
	return out, nil
}

// IssueDocument issues a draft: it must have a number, its reference and its
// codes' running numbers must be free (field errors name the conflicting
// code and the document holding it), and baseVersion must be its current
// version. The document then is read-only; it returns its final reference.
func (s *Store) IssueDocument(ctx context.Context, actor dialogue.Actor, id int64, baseVersion int) (dialogue.Reference, error) {
	var ref dialogue.Reference
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status != string(dialogue.DocumentDraft) {
			return dialogue.Errorf(dialogue.KindConflict, "This document is already issued: it is read-only. To change it, issue a REV.")
		}
		if cur.Version != baseVersion {
			return staleVersion(cur.Version)
		}
		if cur.Number == nil {
			return dialogue.FieldError("number", "Give the note its number before issuing it: edit the draft and enter the number (the register suggests the next free one).")
		}
		ref = cur.ref()
		fe := dialogue.FieldErrors{}
		b := &pgx.Batch{}
		b.Queue(`SELECT status, subject FROM documents WHERE series = $1 AND number = $2 AND year = $3
			AND revision = $4 AND addendum = $5 AND corrigendum = $6 AND id <> $7`,
			string(ref.Series), ref.Number, ref.Year, ref.Revision, ref.Addendum, ref.Corrigendum, id,
		).QueryRow(func(row pgx.Row) error {
			var status, subject string
			err := row.Scan(&status, &subject)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err == nil {
				fe.Add("number", fmt.Sprintf("%s is already taken by “%s”: choose another number.", ref, clipText(subject, 80)))
			}
			return err
		})
		b.Queue(`
			SELECT c.code, c.number, d.series, d.number AS doc_number, d.year AS doc_year, d.revision, d.addendum,
			       d.corrigendum, d.status, d.subject
			FROM document_codes mine
			JOIN document_codes c ON c.code = mine.code AND c.number = mine.number AND c.year = mine.year
			     AND NOT c.inherited AND c.document_id <> mine.document_id
			JOIN documents d ON d.id = c.document_id
			WHERE mine.document_id = $1 AND NOT mine.inherited AND mine.number IS NOT NULL
			ORDER BY c.code`, id,
		).Query(func(rows pgx.Rows) error {
			taken, err := pgx.CollectRows(rows, pgx.RowToStructByName[codeHolderRow])
			var msgs []string
			for _, h := range taken {
				msgs = append(msgs, fmt.Sprintf("%s %d is already used in %d by %s", h.Code, h.Number, ref.Year, h.holder()))
			}
			if len(msgs) > 0 {
				fe.Add("codes", strings.Join(msgs, "; ")+".")
			}
			return err
		})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE documents SET status = 'issued', issued_at = now(), issued_by = $2,
				version = version + 1, updated_at = now()
			WHERE id = $1`, id, userRef(actor)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, actor, auditEntry{Action: "document.issue", ObjectType: "document", ObjectID: id,
			Detail: map[string]any{"reference": ref.String(), "version": baseVersion + 1}})
	})
	if err != nil {
		return dialogue.Reference{}, draftSaveError(err)
	}
	return ref, nil
}

// ReviseDocument starts the next REV of an issued document: a draft copy
// with the same series, number and year, the next revision number, a link
// to the document it revises (revises_id; both stay), its codes repeated
// (inherited: they keep their running numbers), its footnotes, recipients,
// questions and options. When a draft REV of the document already exists,
// nothing is created and its id is returned: there is one REV in the making
// at a time.
func (s *Store) ReviseDocument(ctx context.Context, actor dialogue.Actor, id int64) (int64, error) {
	var newID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		src, err := lockDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		if src.Status != string(dialogue.DocumentIssued) {
			return dialogue.Errorf(dialogue.KindConflict, "Only an issued document is revised: this one is still a draft, so edit it instead.")
		}
		var existing *int64
		var next int
		err = tx.QueryRow(ctx, `
			SELECT (SELECT id FROM documents
			        WHERE series = $1 AND number = $2 AND year = $3 AND addendum = $4 AND corrigendum = $5
			          AND revision > 0 AND status = 'draft'
			        ORDER BY revision DESC LIMIT 1),
			       (SELECT max(revision) + 1 FROM documents
			        WHERE series = $1 AND number = $2 AND year = $3 AND addendum = $4 AND corrigendum = $5)`,
			src.Series, src.Number, src.Year, src.Addendum, src.Corrigendum).Scan(&existing, &next)
		if err != nil {
			return err
		}
		if existing != nil {
			newID = *existing
			return nil
		}
		if next > dialogue.MaxReferencePart {
			return dialogue.Errorf(dialogue.KindInvalid, "This document already has %d revisions: no further REV can be numbered.", dialogue.MaxReferencePart)
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO documents (series, number, year, revision, addendum, corrigendum, doc_date, place,
				original_language, marking, doc_type, sender, recipients, on_date, previous_reference,
				previous_document_id, revises_id, subject, body_md, status, audience, working_party_id,
				dialogue_id, created_by)
			SELECT series, number, year, $2, addendum, corrigendum, (now() AT TIME ZONE 'Europe/Brussels')::date,
				place, original_language, marking, doc_type, sender, recipients, on_date, previous_reference,
				previous_document_id, id, subject, body_md, 'draft', audience, working_party_id,
				dialogue_id, $3
			FROM documents WHERE id = $1
			RETURNING id`, id, next, userRef(actor)).Scan(&newID)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO document_codes (document_id, position, code, number, year, inherited)
			SELECT $2, position, code, number, year, true FROM document_codes WHERE document_id = $1`, id, newID)
		b.Queue(`INSERT INTO document_footnotes (document_id, n, body)
			SELECT $2, n, body FROM document_footnotes WHERE document_id = $1`, id, newID)
		b.Queue(`INSERT INTO document_recipients (document_id, delegation_id)
			SELECT $2, delegation_id FROM document_recipients WHERE document_id = $1`, id, newID)
		b.Queue(`INSERT INTO questions (document_id, position, kind, prompt)
			SELECT $2, position, kind, prompt FROM questions WHERE document_id = $1`, id, newID)
		b.Queue(`INSERT INTO question_options (question_id, position, label, body)
			SELECT nq.id, o.position, o.label, o.body
			FROM question_options o
			JOIN questions oq ON oq.id = o.question_id AND oq.document_id = $1
			JOIN questions nq ON nq.document_id = $2 AND nq.position = oq.position`, id, newID)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		rev := src.ref()
		rev.Revision = next
		return writeAudit(ctx, tx, actor, auditEntry{Action: "document.revise", ObjectType: "document", ObjectID: newID,
			Detail: map[string]any{"revises": id, "revises_reference": src.ref().String(), "reference": rev.String()}})
	})
	if err != nil {
		return 0, draftSaveError(err)
	}
	return newID, nil
}

// WorkingParty is a working party or committee documents are distributed to.
type WorkingParty struct {
	ID   int64
	Code string
	Name string
}

// DraftChoices are the lists a draft's form offers.
type DraftChoices struct {
	Delegations    []dialogue.Delegation // protocol order
	WorkingParties []WorkingParty        // by code
	Dialogues      []dialogue.Dialogue   // display order
}

// DraftChoices returns the delegations, working parties and dialogues a
// draft may name, in one round trip.
func (s *Store) DraftChoices(ctx context.Context) (DraftChoices, error) {
	var c DraftChoices
	b := &pgx.Batch{}
	b.Queue(`SELECT ` + delegationColumns + ` FROM delegations d`).Query(func(rows pgx.Rows) error {
		var err error
		c.Delegations, err = collectConverted(rows, pgx.RowToStructByName[delegationRow], delegationRow.delegation)
		return err
	})
	b.Queue(`SELECT id, code, name FROM working_parties ORDER BY code`).Query(func(rows pgx.Rows) error {
		var err error
		c.WorkingParties, err = pgx.CollectRows(rows, pgx.RowToStructByPos[WorkingParty])
		return err
	})
	queueStatement(b, dialoguesStatement(), &c.Dialogues)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return DraftChoices{}, fmt.Errorf("store: draft choices: %w", err)
	}
	dialogue.SortProtocol(c.Delegations)
	return c, nil
}
