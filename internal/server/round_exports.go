package server

// The round's exports: CSV and JSON of the replies the viewer may see.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// roundExportRow is one delegation × question of an export; Position is nil for
// no reply (or a reply the viewer may not see).
type roundExportRow struct {
	Question   dialogue.Question
	Delegation dialogue.Delegation
	Position   *dialogue.Position
}

// roundExportRows are the rows the viewer may see, sealed exactly like the
// pages: question by question, delegations in protocol order.
func (s *server) roundExportRows(ctx context.Context, sc roundScope) ([]roundExportRow, error) {
	positions, err := s.visiblePositions(ctx, sc)
	if err != nil {
		return nil, err
	}
	byKey := make(map[[2]int64]*dialogue.Position, len(positions))
	for i := range positions {
		byKey[[2]int64{positions[i].QuestionID, positions[i].DelegationID}] = &positions[i]
	}
	ds := sc.visibleDelegations()
	rows := make([]roundExportRow, 0, len(ds)*len(sc.questions))
	for _, q := range sc.questions {
		for _, d := range ds {
			rows = append(rows, roundExportRow{Question: q, Delegation: d, Position: byKey[[2]int64{q.ID, d.ID}]})
		}
	}
	return rows, nil
}

func (s *server) roundExportFilename(sc roundScope, ext string) string {
	ref := strings.NewReplacer("/", "-", " ", "-").Replace(sc.round.DocumentRef)
	return fmt.Sprintf("round-%d-%s-replies.%s", sc.round.ID, ref, ext)
}

// roundCSVHeader is the header row of the CSV export.
var roundCSVHeader = []string{"Note", "Question", "Question text", "Delegation code", "Delegation", "Status", "Choice",
	"Reply", "Revision", "Late", "Received via", "Updated (Brussels time)"}

// roundCSVSafe keeps a cell from being read as a formula by a
// spreadsheet (CSV injection): a text starting with = + - @ or a tab or
// carriage return gets a leading apostrophe, which spreadsheets show as text.
func roundCSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func roundDelegationLabel(d dialogue.Delegation) string {
	if d.Footnote != "" {
		return d.Name + " (" + d.Footnote + ")"
	}
	return d.Name
}

// roundCSV is the round's replies as CSV: UTF-8 with a byte-order mark so
// that spreadsheets read the accents right, a header row, one row per
// delegation × question, no-reply rows included.
func (s *server) roundCSV(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	rows, err := s.roundExportRows(r.Context(), sc)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	_ = cw.Write(roundCSVHeader)
	for _, x := range rows {
		rec := []string{sc.round.DocumentRef, strconv.Itoa(x.Question.Position), roundCSVSafe(x.Question.Prompt),
			x.Delegation.Code, roundCSVSafe(roundDelegationLabel(x.Delegation)), dialogue.PositionNone.Label(), "", "", "", "", "", ""}
		if p := x.Position; p != nil {
			late := "no"
			if p.Late {
				late = "yes"
			}
			rec[5], rec[6], rec[7] = p.Status.Label(), roundCSVSafe(roundChoiceText(x.Question, p.OptionID)), roundCSVSafe(p.Body)
			rec[8], rec[9], rec[10], rec[11] = strconv.Itoa(p.Revision), late, dialogue.ProxySources[p.ProxySource], roundISO(p.UpdatedAt)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return s.roundDownload(w, r, "text/csv; charset=utf-8", s.roundExportFilename(sc, "csv"), &buf)
}

// The JSON export: the round, its questions, and one reply per delegation ×
// question (status "none" for no reply), sealed like the CSV.
type (
	roundExportDoc struct {
		Round     roundExportRound      `json:"round"`
		Scope     string                `json:"scope"` // "all" or "own_delegation"
		Questions []roundExportQuestion `json:"questions"`
		Replies   []roundExportReply    `json:"replies"`
	}
	roundExportRound struct {
		ID              int64      `json:"id"`
		Title           string     `json:"title"`
		Note            string     `json:"note"`
		NoteSubject     string     `json:"note_subject"`
		OpensAt         time.Time  `json:"opens_at"`
		Deadline        time.Time  `json:"deadline"`
		State           string     `json:"state"`
		ReleasedAt      *time.Time `json:"released_at"`
		ReleaseAudience string     `json:"release_audience"`
		Compilation     string     `json:"compilation_document,omitempty"`
	}
	roundExportQuestion struct {
		ID      int64               `json:"id"`
		Number  int                 `json:"number"`
		Kind    string              `json:"kind"`
		Prompt  string              `json:"prompt"`
		Options []roundExportOption `json:"options,omitempty"`
	}
	roundExportOption struct {
		ID    int64  `json:"id"`
		Label string `json:"label"`
		Body  string `json:"body"`
	}
	roundExportReply struct {
		QuestionID         int64      `json:"question_id"`
		QuestionNumber     int        `json:"question_number"`
		DelegationCode     string     `json:"delegation_code"`
		Delegation         string     `json:"delegation"`
		DelegationFootnote string     `json:"delegation_footnote,omitempty"`
		Status             string     `json:"status"`
		StatusLabel        string     `json:"status_label"`
		OptionID           int64      `json:"option_id,omitempty"`
		Choice             string     `json:"choice,omitempty"`
		Reply              string     `json:"reply"`
		Revision           int        `json:"revision"`
		Late               bool       `json:"late"`
		ReceivedVia        string     `json:"received_via,omitempty"`
		EnteredBy          string     `json:"entered_by,omitempty"` // for a reply recorded by the secretariat
		UpdatedAt          *time.Time `json:"updated_at"`
	}
)

// roundJSON is the round's replies as JSON, for other tools: the round,
// its questions, and one entry per delegation × question the viewer may
// see, as the CSV has them.
func (s *server) roundJSON(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	rows, err := s.roundExportRows(r.Context(), sc)
	if err != nil {
		return err
	}
	rd := sc.round
	in := func(t time.Time) time.Time { return t.In(dialogue.Brussels) }
	doc := roundExportDoc{Scope: "all", Round: roundExportRound{ID: rd.ID, Title: rd.Title, Note: rd.DocumentRef, NoteSubject: sc.noteSubject,
		OpensAt: in(rd.OpensAt), Deadline: in(rd.Deadline), State: string(rd.StateAt(s.now())), ReleaseAudience: string(rd.ReleaseAudience)},
		Questions: []roundExportQuestion{}, Replies: []roundExportReply{}}
	if !sc.othersVisible {
		doc.Scope = "own_delegation"
	}
	if rd.ReleasedAt != nil {
		t := in(*rd.ReleasedAt)
		doc.Round.ReleasedAt = &t
	}
	if _, compiled, err := s.roundDocLinks(r.Context(), sc); err != nil {
		return err
	} else if compiled != nil {
		doc.Round.Compilation = compiled.Text
	}
	for _, q := range sc.questions {
		eq := roundExportQuestion{ID: q.ID, Number: q.Position, Kind: string(q.Kind), Prompt: q.Prompt}
		for _, o := range q.Options {
			eq.Options = append(eq.Options, roundExportOption{ID: o.ID, Label: o.Label, Body: o.Body})
		}
		doc.Questions = append(doc.Questions, eq)
	}
	for _, x := range rows {
		er := roundExportReply{QuestionID: x.Question.ID, QuestionNumber: x.Question.Position, DelegationCode: x.Delegation.Code,
			Delegation: x.Delegation.Name, DelegationFootnote: x.Delegation.Footnote,
			Status: string(dialogue.PositionNone), StatusLabel: dialogue.PositionNone.Label()}
		if p := x.Position; p != nil {
			t := in(p.UpdatedAt)
			er.Status, er.StatusLabel, er.OptionID, er.Choice = string(p.Status), p.Status.Label(), p.OptionID, roundChoiceText(x.Question, p.OptionID)
			er.Reply, er.Revision, er.Late, er.ReceivedVia, er.UpdatedAt = p.Body, p.Revision, p.Late, p.ProxySource, &t
			if p.ProxySource != "" {
				er.EnteredBy = p.AuthorName
			}
		}
		doc.Replies = append(doc.Replies, er)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return s.roundDownload(w, r, "application/json; charset=utf-8", s.roundExportFilename(sc, "json"), &buf)
}

// roundDownload sends an export as a file.
func (s *server) roundDownload(w http.ResponseWriter, r *http.Request, contentType, filename string, body *bytes.Buffer) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, body); err != nil {
		s.log.DebugContext(r.Context(), "write export", "err", err)
	}
	return nil
}
