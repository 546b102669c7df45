package server

// Reading the replies: the matrix, the compilation and its publication.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// roundMatrix is the Presidency's and the secretariat's view of who has
// replied to what (delegations × questions: status, revision, late, by
// proxy); a delegation is answered not found, as for any page it may not see.
func (s *server) roundMatrix(w http.ResponseWriter, r *http.Request) error {
	// Who replied, and how: the matrix shows no reply text.
	sc, positions, err := s.loadRoundCells(r)
	if err != nil {
		return err
	}
	if !sc.seeAll {
		return dialogue.ErrNotFound
	}
	m := dialogue.BuildMatrix(sc.questions, sc.visibleDelegations(), positions)
	v := web.RoundMatrixView{Title: sc.round.Title, Note: sc.round.DocumentRef, RoundHref: sc.href(""), Limite: sc.limite,
		State: strings.ToLower(sc.round.StateAt(s.now()).Label()), Questions: m.Questions, NotReplied: m.NotReplied,
		Links: []web.Link{{Href: sc.href("/compilation"), Text: "Compilation"}, {Href: sc.href("/export.csv"), Text: "Export as CSV"},
			{Href: sc.href("/export.json"), Text: "Export as JSON"}}}
	for i, d := range m.Delegations {
		row := web.RoundMatrixRow{Delegation: d}
		for _, c := range m.Cells[i] {
			row.Cells = append(row.Cells, web.RoundMatrixCell{Status: c.Status.Label(), StatusKey: string(c.Status),
				Revision: c.Revision, Late: c.Late, Proxy: c.Proxy})
		}
		v.Rows = append(v.Rows, row)
	}
	return s.render(w, r, http.StatusOK, web.RoundMatrixPage(v))
}

// ---------------------------------------------------------------- compilation

// compilationData is what the compilation is made of.
type compilationData struct {
	compilation dialogue.Compilation
	summaries   map[int64]store.Summary
	positions   map[int64]dialogue.Position // by position id
}

func (s *server) compileRound(ctx context.Context, sc roundScope) (compilationData, error) {
	positions, err := s.visiblePositions(ctx, sc)
	if err != nil {
		return compilationData{}, err
	}
	sums, err := s.st.Summaries(ctx, sc.round.ID)
	if err != nil {
		return compilationData{}, err
	}
	bodies := make(map[int64]string, len(sums))
	for q, x := range sums {
		bodies[q] = x.Body
	}
	d := compilationData{summaries: sums, positions: map[int64]dialogue.Position{},
		compilation: dialogue.BuildCompilation(sc.questions, sc.visibleDelegations(), positions, bodies)}
	for _, p := range positions {
		d.positions[p.ID] = p
	}
	return d, nil
}

// compilationForms carries typed summaries and the issue form back.
type compilationForms struct {
	summaries map[int64]web.RoundSummaryForm
	issue     web.CompilationIssueForm
	message   string
}

func (s *server) roundCompilation(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	return s.renderCompilation(w, r, http.StatusOK, sc, compilationForms{})
}

func (s *server) renderCompilation(w http.ResponseWriter, r *http.Request, status int, sc roundScope, f compilationForms) error {
	if !sc.othersVisible {
		return dialogue.ErrNotFound // sealed: not even its existence
	}
	ctx := r.Context()
	data, err := s.compileRound(ctx, sc)
	if err != nil {
		return err
	}
	noteHref, compiled, err := s.roundDocLinks(ctx, sc)
	if err != nil {
		return err
	}
	rd := sc.round
	canRun := auth.Can(sc.user, auth.RunRounds)
	v := web.RoundCompilationView{Title: rd.Title, Note: rd.DocumentRef, NoteSubject: sc.noteSubject, NoteHref: noteHref,
		RoundHref: sc.href(""), Limite: sc.limite, Date: longDate(s.now().In(dialogue.Brussels)),
		Consulted: len(sc.eligible), Issued: compiled, Issue: f.issue, Message: f.message,
		Flash:   s.sessions.PopString(ctx, sessionFlash),
		CanEdit: canRun && rd.CompilationDocumentID == 0,
		Period: fmt.Sprintf("Delegations were consulted on the questions of %s from %s to %s (Brussels time). %s",
			rd.DocumentRef, dialogue.FormatInstant(rd.OpensAt), dialogue.FormatInstant(rd.Deadline),
			"Replies are given per question, in protocol order, with the tally of choices and the delegations that did not reply."),
		Links:      []web.Link{{Href: sc.href("/export.csv"), Text: "Export as CSV (spreadsheet)"}, {Href: sc.href("/export.json"), Text: "Export as JSON"}},
		SeriesOpts: []web.Option{{Value: "WK", Label: "WK – working document"}, {Value: "ST", Label: "ST – standard document"}}}
	if v.Issue.Series == "" {
		v.Issue.Series = "WK"
	}
	if canRun && rd.CompilationDocumentID == 0 {
		switch {
		case rd.ClosedAt == nil:
			v.IssueBlocked = "Close the round to issue its compilation as a document: until then replies can still change."
		case rd.ReleasedAt == nil:
			v.IssueBlocked = "Release the replies to issue the compilation as a document: it goes to the audience they are released to."
		default:
			v.CanIssue = true
		}
	}
	if compiled == nil && rd.CompilationDocumentID != 0 {
		v.Issued = &web.Link{Href: "/documents/" + strconv.FormatInt(rd.CompilationDocumentID, 10), Text: "the compilation document"}
	}
	if sc.seeAll {
		v.Links = append([]web.Link{{Href: sc.href("/matrix"), Text: "Reply matrix"}}, v.Links...)
	}
	for _, cq := range data.compilation.Questions {
		q := cq.Question
		x := web.CompiledQuestionView{ID: q.ID, Number: q.Position, Prompt: q.Prompt, Summary: cq.Summary,
			Action: sc.href("/summaries/" + strconv.FormatInt(q.ID, 10)), NonReplies: cq.NonReplies,
			SummaryForm: web.RoundSummaryForm{Version: data.summaries[q.ID].Version, Body: cq.Summary}}
		if typed, ok := f.summaries[q.ID]; ok {
			x.SummaryForm = typed
		}
		for _, t := range cq.Tally {
			x.Tally = append(x.Tally, web.RoundTallyView{Label: t.Option.Label, Body: t.Option.Body, Count: t.Count})
		}
		for _, rep := range cq.Replies {
			p := rep.Position
			x.Replies = append(x.Replies, web.CompiledReplyView{Delegation: rep.Delegation, Status: p.Status.Label(),
				StatusKey: string(p.Status), Choice: roundChoiceText(q, p.OptionID), Body: p.Body, Provenance: proxyProvenance(p), Late: p.Late})
		}
		v.Questions = append(v.Questions, x)
	}
	return s.render(w, r, status, web.RoundCompilationPage(v))
}

func (s *server) saveSummary(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	qid, err := roundPathID(r, "qid")
	if err != nil {
		return err
	}
	q, ok := sc.question(qid)
	if !ok {
		return dialogue.ErrNotFound
	}
	form := web.RoundSummaryForm{Body: r.PostFormValue("body")}
	form.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	form.Version = max(form.Version, 0)
	_, err = s.st.SaveSummary(r.Context(), actorOf(r), sc.round.ID, q.ID, form.Body, form.Version)
	if dialogue.KindOf(err) == dialogue.KindConflict {
		var de *dialogue.Error
		errors.As(err, &de)
		sums, serr := s.st.Summaries(r.Context(), sc.round.ID)
		if serr != nil {
			return serr
		}
		// The form goes on top of the current version; both texts are shown.
		form.Version, form.Current = sums[q.ID].Version, sums[q.ID].Body
		msg := de.Message
		if sc.round.CompilationDocumentID != 0 {
			msg += " Your text: " + form.Body
		}
		return s.renderCompilation(w, r, http.StatusConflict, sc, compilationForms{summaries: map[int64]web.RoundSummaryForm{q.ID: form}, message: msg})
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, sc.href("/compilation")+"#q-"+strconv.Itoa(q.Position), fmt.Sprintf("The summary of question %d is saved.", q.Position))
}

// issueCompilation issues the compilation as a Council document
// ("Compilation of replies", WK by default) linked to the note.
func (s *server) issueCompilation(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	form := web.CompilationIssueForm{Series: strings.ToUpper(strings.TrimSpace(r.PostFormValue("series")))}
	if form.Series == "" {
		form.Series = string(dialogue.SeriesWK)
	}
	if form.Series != string(dialogue.SeriesWK) && form.Series != string(dialogue.SeriesST) {
		form.Errors = dialogue.FieldErrors{"series": "Choose WK or ST."}
		return s.renderCompilation(w, r, http.StatusUnprocessableEntity, sc, compilationForms{issue: form})
	}
	data, err := s.compileRound(r.Context(), sc)
	if err != nil {
		return err
	}
	body, footnotes := compilationMarkdown(sc, data.compilation)
	versions := map[int64]int{}
	for q, x := range data.summaries {
		versions[q] = x.Version
	}
	id, err := s.st.IssueCompilation(r.Context(), actorOf(r), store.NewCompilation{RoundID: sc.round.ID,
		Series: dialogue.Series(form.Series), Date: s.now(), BodyMD: body, Footnotes: footnotes, SummaryVersions: versions})
	if fe := formErrors(err); fe != nil {
		form.Errors = fe
		return s.renderCompilation(w, r, http.StatusUnprocessableEntity, sc, compilationForms{issue: form})
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/documents/"+strconv.FormatInt(id, 10), "The compilation is issued.")
}

// compilationMarkdown writes the compilation as the body of a Council
// document: per question, the Presidency summary, the tally of choices,
// the replies in protocol order (with their provenance) and the
// delegations that did not reply. A delegation's designation footnote
// (Palestine's) becomes a footnote of the document.
func compilationMarkdown(sc roundScope, c dialogue.Compilation) (string, []dialogue.Footnote) {
	var footnotes []dialogue.Footnote
	name := func(d dialogue.Delegation) string {
		if d.Footnote == "" {
			return d.Name
		}
		for _, f := range footnotes {
			if f.Body == d.Footnote {
				return d.Name + "[^" + strconv.Itoa(f.N) + "]"
			}
		}
		footnotes = append(footnotes, dialogue.Footnote{N: len(footnotes) + 1, Body: d.Footnote})
		return d.Name + "[^" + strconv.Itoa(len(footnotes)) + "]"
	}
	quote := func(b *strings.Builder, text string) {
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			b.WriteString("> " + strings.TrimRight(line, "\r") + "\n")
		}
	}
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	rd := sc.round
	var b strings.Builder
	fmt.Fprintf(&b, "Delegations were consulted on the questions of document %s from %s to %s (Brussels time). "+
		"%d delegations were consulted. This compilation sets out, question by question, the Presidency's summary, "+
		"the tally of choices, the replies received in protocol order and the delegations that did not reply.\n",
		rd.DocumentRef, dialogue.FormatInstant(rd.OpensAt), dialogue.FormatInstant(rd.Deadline), len(sc.eligible))
	for _, cq := range c.Questions {
		q := cq.Question
		fmt.Fprintf(&b, "\n## Question %d\n\n", q.Position)
		quote(&b, q.Prompt)
		if strings.TrimSpace(cq.Summary) != "" {
			b.WriteString("\n### Presidency summary\n\n" + strings.TrimSpace(cq.Summary) + "\n")
		}
		if len(cq.Tally) > 0 {
			// A list, not a table: a document body has no table captions.
			b.WriteString("\n### Choices (submitted replies)\n\n")
			for _, t := range cq.Tally {
				fmt.Fprintf(&b, "- %s %s: %d %s\n", oneLine(t.Option.Label), oneLine(t.Option.Body), t.Count, roundCountWord(t.Count, "delegation"))
			}
		}
		b.WriteString("\n### Replies\n")
		if len(cq.Replies) == 0 {
			b.WriteString("\nNo reply.\n")
		}
		for _, rep := range cq.Replies {
			p := rep.Position
			fmt.Fprintf(&b, "\n**%s**", name(rep.Delegation))
			if p.Status != dialogue.PositionSubmitted {
				b.WriteString(" (" + p.Status.Label() + ")")
			}
			if rep.Option != nil {
				b.WriteString(": " + rep.Option.Label + " " + rep.Option.Body)
			}
			b.WriteString("\n")
			if strings.TrimSpace(p.Body) != "" {
				b.WriteString("\n")
				quote(&b, p.Body)
			}
			var notes []string
			if pv := proxyProvenance(p); pv != "" {
				notes = append(notes, pv)
			}
			if p.Late {
				notes = append(notes, "received after the deadline")
			}
			if len(notes) > 0 {
				b.WriteString("\n*" + strings.Join(notes, "; ") + ".*\n")
			}
		}
		b.WriteString("\n### No reply\n\n")
		if len(cq.NonReplies) == 0 {
			b.WriteString("Every delegation consulted replied.\n")
		} else {
			names := make([]string, len(cq.NonReplies))
			for i, d := range cq.NonReplies {
				names[i] = name(d)
			}
			b.WriteString(strings.Join(names, ", ") + ".\n")
		}
	}
	return b.String(), footnotes
}
