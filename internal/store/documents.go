package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// DocumentFilter narrows the document register. Zero values mean "any".
type DocumentFilter struct {
	// Viewer is who asks: only documents distributed to them are listed
	// (the zero Viewer sees nothing).
	Viewer     dialogue.Viewer
	Series     dialogue.Series  // ST, WK or CM
	Year       int              // the reference's year, e.g. 2026
	Marking    dialogue.Marking // MarkingLimite or MarkingNone
	Code       string           // a distribution code, e.g. "COSI"
	DialogueID int64            // documents about one dialogue
	// DialogueCode is a dialogue by its code ("med"), as the register's
	// filter gives it: no document matches a code no dialogue has.
	DialogueCode string
	Status       dialogue.DocumentStatus // e.g. only issued documents
	Limit        int                     // 0: no limit
	Offset       int
}

// DocumentList is one page of the register.
type DocumentList struct {
	Documents []dialogue.Document // without body, codes, footnotes or questions
	More      bool                // another page follows
}

// documentRow is a documents row. Lists read documentListColumns (without
// body_md) through scanDocumentListRow, and search hits the same columns
// and their own after them (listDestinations); a single document, with its
// body, is collected by name.
type documentRow struct {
	ID                 int64      `db:"id"`
	Series             string     `db:"series"`
	Number             *int       `db:"number"`
	Year               int        `db:"year"`
	Revision           int        `db:"revision"`
	Addendum           int        `db:"addendum"`
	Corrigendum        int        `db:"corrigendum"`
	DocDate            time.Time  `db:"doc_date"`
	Place              string     `db:"place"`
	OriginalLanguage   string     `db:"original_language"`
	Marking            string     `db:"marking"`
	DocType            string     `db:"doc_type"`
	Sender             string     `db:"sender"`
	Recipients         string     `db:"recipients"`
	OnDate             *time.Time `db:"on_date"`
	PreviousReference  string     `db:"previous_reference"`
	PreviousDocumentID *int64     `db:"previous_document_id"`
	RevisesID          *int64     `db:"revises_id"`
	Subject            string     `db:"subject"`
	BodyMD             string     `db:"body_md"`
	Status             string     `db:"status"`
	Audience           string     `db:"audience"`
	WorkingParty       *string    `db:"working_party"`
	DialogueID         *int64     `db:"dialogue_id"`
	Demo               bool       `db:"demo"`
	Version            int        `db:"version"`
	IssuedAt           *time.Time `db:"issued_at"`
}

const documentListColumns = `d.id, d.series, d.number, d.year, d.revision, d.addendum, d.corrigendum,
	d.doc_date, d.place, d.original_language, d.marking, d.doc_type, d.sender, d.recipients, d.on_date,
	d.previous_reference, d.previous_document_id, d.revises_id, d.subject, d.status, d.audience,
	d.dialogue_id, d.demo, d.version, d.issued_at`

// scanDocumentListRow reads a row of documentListColumns, in their order:
// by hand, as a page of the register reads up to fifty, and matching
// columns to fields by name goes through reflection for every row.
func scanDocumentListRow(row pgx.CollectableRow) (documentRow, error) {
	var r documentRow
	err := row.Scan(r.listDestinations()...)
	return r, err
}

// listDestinations are the fields of r that documentListColumns fill, in
// their order, for Scan; a statement that reads more columns after them
// appends its own.
func (r *documentRow) listDestinations(more ...any) []any {
	return append([]any{&r.ID, &r.Series, &r.Number, &r.Year, &r.Revision, &r.Addendum, &r.Corrigendum,
		&r.DocDate, &r.Place, &r.OriginalLanguage, &r.Marking, &r.DocType, &r.Sender, &r.Recipients, &r.OnDate,
		&r.PreviousReference, &r.PreviousDocumentID, &r.RevisesID, &r.Subject, &r.Status, &r.Audience,
		&r.DialogueID, &r.Demo, &r.Version, &r.IssuedAt}, more...)
}

func (r documentRow) document() dialogue.Document {
	d := dialogue.Document{
		ID: r.ID,
		Ref: dialogue.Reference{
			Series: dialogue.Series(r.Series), Year: r.Year,
			Revision: r.Revision, Addendum: r.Addendum, Corrigendum: r.Corrigendum,
		},
		Date:              r.DocDate,
		Place:             r.Place,
		OriginalLanguage:  r.OriginalLanguage,
		Marking:           dialogue.Marking(r.Marking),
		DocType:           r.DocType,
		Sender:            r.Sender,
		Recipients:        r.Recipients,
		OnDate:            r.OnDate,
		PreviousReference: r.PreviousReference,
		Subject:           r.Subject,
		BodyMD:            r.BodyMD,
		Status:            dialogue.DocumentStatus(r.Status),
		Audience:          dialogue.Audience(r.Audience),
		Demo:              r.Demo,
		Version:           r.Version,
		IssuedAt:          r.IssuedAt,
	}
	if r.Number != nil {
		d.Ref.Number = *r.Number
	}
	if r.PreviousDocumentID != nil {
		d.PreviousDocumentID = *r.PreviousDocumentID
	}
	if r.RevisesID != nil {
		d.RevisesID = *r.RevisesID
	}
	if r.WorkingParty != nil {
		d.WorkingParty = *r.WorkingParty
	}
	if r.DialogueID != nil {
		d.DialogueID = *r.DialogueID
	}
	return d
}

// Documents lists the register, newest first, filtered by f. Every filter
// is served by an index: a year by documents_year_newest_idx (with a
// marking, documents_year_marking_newest_idx), which also gives that
// year's documents in the list's order, so a page reads one year's rows
// and stops (without a year, documents_newest_idx); status, dialogue and,
// for the distribution code, document_codes (code, document_id).
func (s *Store) Documents(ctx context.Context, f DocumentFilter) (DocumentList, error) {
	list, err := runStatement(ctx, s, documentsStatement(f))
	if err != nil {
		return DocumentList{}, fmt.Errorf("store: documents: %w", err)
	}
	return list, nil
}

// documentCode is a distribution code as the database allows it
// (document_codes' CHECK, migration 000001).
var documentCode = regexp.MustCompile(`^[A-Z][A-Z0-9-]{1,15}$`)

// Register reads a page of the register (Documents) and the dialogues its
// filter offers, in one round trip.
func (s *Store) Register(ctx context.Context, f DocumentFilter) (DocumentList, []dialogue.Dialogue, error) {
	var (
		list      DocumentList
		dialogues []dialogue.Dialogue
		b         pgx.Batch
	)
	queueStatement(&b, documentsStatement(f), &list)
	queueStatement(&b, dialoguesStatement(), &dialogues)
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return DocumentList{}, nil, fmt.Errorf("store: register: %w", err)
	}
	return list, dialogues, nil
}

func documentsStatement(f DocumentFilter) statement[DocumentList] {
	var (
		where []string
		args  params
	)
	// The values are given unplanned and the page bounds written in: the
	// statement of each combination of filters is then planned once per
	// connection (the plan does not depend on the values: the same indexes
	// serve any year or code), where planning it for every request took
	// longer than running it. Whether the viewer sees all is part of the
	// text, so that the rule is not planned at all for those who do.
	arg := args.unplanned
	if f.Series != "" {
		where = append(where, "d.series = "+arg(string(f.Series), "text"))
	}
	if f.Year != 0 {
		where = append(where, "d.year = "+arg(f.Year, "integer"))
	}
	if f.Marking != "" {
		where = append(where, "d.marking = "+arg(string(f.Marking), "text"))
	}
	if f.Status != "" {
		where = append(where, "d.status = "+arg(string(f.Status), "text"))
	}
	if f.DialogueID != 0 {
		where = append(where, "d.dialogue_id = "+arg(f.DialogueID, "bigint"))
	}
	if f.DialogueCode != "" {
		where = append(where, "d.dialogue_id = (SELECT g.id FROM dialogues g WHERE g.code = "+arg(f.DialogueCode, "text")+")")
	}
	if f.Code != "" {
		// The code is written into the statement, not passed: how to find
		// a code's documents depends on how many it has, which PostgreSQL
		// knows of each code from its statistics only when it sees the
		// code. COSI marks 2,880 documents of the bench's ten years: they
		// are best found by reading the register in order and looking the
		// code up for each, until the page is full (0.6 ms); a rare code by
		// gathering its few documents first. Passed unplanned, PostgreSQL
		// guessed a few hundred for every code and, for a page of 51,
		// gathered COSI's 2,880 first: 9.6 ms for the first page of the
		// register filtered by COSI. Each code the users filter by is thus
		// planned once per connection; only codes as the database allows
		// them are written (no quote can be among them), and any other can
		// match nothing.
		//
		// Within a year, the code is looked up for each candidate, in the
		// list's order, until the page is full: OFFSET 0 keeps PostgreSQL
		// from turning the EXISTS into a join, whose plan hashed every
		// document of the code, of every year, to keep some 70.
		code := strings.ToUpper(f.Code)
		if !documentCode.MatchString(code) {
			where = append(where, "false")
		} else {
			fence := ""
			if f.Year != 0 {
				fence = " OFFSET 0"
			}
			where = append(where, "EXISTS (SELECT 1 FROM document_codes c WHERE c.code = '"+code+"' AND c.document_id = d.id"+fence+")")
		}
	}
	if !f.Viewer.SeeAll {
		visible := documentVisible
		if f.Limit > 0 { // a page: read in order until it is full
			visible = documentVisibleInOrder
		}
		where = append(where, visible("false", arg(f.Viewer.DelegationID, "bigint")))
	}
	q := `SELECT ` + documentListColumns + ` FROM documents d`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.doc_date DESC, d.year DESC, d.number DESC NULLS FIRST, d.id DESC"
	// Numbers of the program's own making, not the user's text: the planner
	// must see the limit to prefer reading an index in order and stopping.
	if f.Limit > 0 {
		// One row more than asked tells whether another page follows.
		q += " LIMIT " + strconv.Itoa(f.Limit+1)
	}
	if f.Offset > 0 {
		q += " OFFSET " + strconv.Itoa(f.Offset)
	}
	return statement[DocumentList]{sql: q, args: args, collect: func(rows pgx.Rows) (DocumentList, error) {
		rs, err := pgx.CollectRows(rows, scanDocumentListRow)
		if err != nil {
			return DocumentList{}, err
		}
		var list DocumentList
		if f.Limit > 0 && len(rs) > f.Limit {
			rs, list.More = rs[:f.Limit], true
		}
		list.Documents = make([]dialogue.Document, len(rs))
		for i, r := range rs {
			list.Documents[i] = r.document()
		}
		return list, nil
	}}
}

// DocumentsByID returns the listed documents (without body or related rows)
// keyed by id; ids the register does not hold, or the viewer may not see,
// are left out.
func (s *Store) DocumentsByID(ctx context.Context, v dialogue.Viewer, ids []int64) (map[int64]dialogue.Document, error) {
	out := make(map[int64]dialogue.Document, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	seeAll, delegation := viewerArgs(v)
	rows, err := s.pool.Query(ctx, `SELECT `+documentListColumns+` FROM documents d
		WHERE d.id = ANY($1) AND `+documentVisible("$2", "$3"), ids, seeAll, delegation)
	if err != nil {
		return nil, fmt.Errorf("store: documents by id: %w", err)
	}
	rs, err := pgx.CollectRows(rows, scanDocumentListRow)
	if err != nil {
		return nil, fmt.Errorf("store: documents by id: %w", err)
	}
	for _, r := range rs {
		out[r.ID] = r.document()
	}
	return out, nil
}

type codeRow struct {
	Code   string `db:"code"`
	Number *int   `db:"number"`
}

type footnoteRow struct {
	N    int    `db:"n"`
	Body string `db:"body"`
}

// questionOptionColumns are a question left-joined to its options (q and
// o), as questionOptionRow.targets reads them: by position, not by name,
// since the note and round pages read them on every view.
const questionOptionColumns = `q.id, q.position, q.kind, q.prompt, o.id, o.position, o.label, o.body`

type questionOptionRow struct {
	ID             int64
	Position       int
	Kind           string
	Prompt         string
	OptionID       *int64
	OptionPosition *int
	OptionLabel    *string
	OptionBody     *string
}

// targets are the scan targets of questionOptionColumns.
func (x *questionOptionRow) targets() []any {
	return []any{&x.ID, &x.Position, &x.Kind, &x.Prompt, &x.OptionID, &x.OptionPosition, &x.OptionLabel, &x.OptionBody}
}

// collectQuestions reads rows of questionOptionColumns ordered by question,
// then option.
func collectQuestions(rows pgx.Rows) ([]dialogue.Question, error) {
	var qs []dialogue.Question
	var x questionOptionRow
	_, err := pgx.ForEachRow(rows, x.targets(), func() error {
		qs = appendQuestionRow(qs, x)
		return nil
	})
	return qs, err
}

// appendQuestionRow adds one row of questions left-joined to their options
// (ordered by question, then option) to qs.
func appendQuestionRow(qs []dialogue.Question, x questionOptionRow) []dialogue.Question {
	if n := len(qs); n == 0 || qs[n-1].ID != x.ID {
		qs = append(qs, dialogue.Question{ID: x.ID, Position: x.Position, Kind: dialogue.QuestionKind(x.Kind), Prompt: x.Prompt})
	}
	if x.OptionID != nil {
		last := &qs[len(qs)-1]
		last.Options = append(last.Options, dialogue.Option{
			ID: *x.OptionID, Position: *x.OptionPosition, Label: *x.OptionLabel, Body: *x.OptionBody})
	}
	return qs
}

// Document returns one document with its distribution codes, footnotes,
// questions (with their options) and named recipients, or a not-found error
// (also for a document the viewer may not see: its existence is not told).
// The related rows come in one round trip (a batch of four queries).
func (s *Store) Document(ctx context.Context, v dialogue.Viewer, id int64) (dialogue.Document, error) {
	seeAll, delegation := viewerArgs(v)
	rows, err := s.pool.Query(ctx, `
		SELECT `+documentListColumns+`, d.body_md, wp.code AS working_party
		FROM documents d LEFT JOIN working_parties wp ON wp.id = d.working_party_id
		WHERE d.id = $1 AND `+documentVisible("$2", "$3"), id, seeAll, delegation)
	if err != nil {
		return dialogue.Document{}, fmt.Errorf("store: document %d: %w", id, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[documentRow])
	if err != nil {
		return dialogue.Document{}, notFound(err, "document")
	}
	doc := r.document()

	var b pgx.Batch
	b.Queue(`SELECT code, number FROM document_codes WHERE document_id = $1 ORDER BY position`, id).
		Query(func(rows pgx.Rows) error {
			cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[codeRow])
			for _, c := range cs {
				dc := dialogue.DistributionCode{Code: c.Code}
				if c.Number != nil {
					dc.Number = *c.Number
				}
				doc.Codes = append(doc.Codes, dc)
			}
			return err
		})
	b.Queue(`SELECT n, body FROM document_footnotes WHERE document_id = $1 ORDER BY n`, id).
		Query(func(rows pgx.Rows) error {
			fs, err := pgx.CollectRows(rows, pgx.RowToStructByName[footnoteRow])
			for _, f := range fs {
				doc.Footnotes = append(doc.Footnotes, dialogue.Footnote{N: f.N, Body: f.Body})
			}
			return err
		})
	b.Queue(`
		SELECT `+questionOptionColumns+`
		FROM questions q LEFT JOIN question_options o ON o.question_id = q.id
		WHERE q.document_id = $1
		ORDER BY q.position, o.position`, id).
		Query(func(rows pgx.Rows) error {
			var err error
			doc.Questions, err = collectQuestions(rows)
			return err
		})
	b.Queue(`
		SELECT `+delegationColumns+`
		FROM document_recipients r JOIN delegations d ON d.id = r.delegation_id
		WHERE r.document_id = $1`, id).
		Query(func(rows pgx.Rows) error {
			var err error
			doc.NamedRecipients, err = collectConverted(rows, pgx.RowToStructByName[delegationRow], delegationRow.delegation)
			return err
		})
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return dialogue.Document{}, fmt.Errorf("store: document %d: %w", id, err)
	}
	dialogue.SortProtocol(doc.NamedRecipients)
	return doc, nil
}
