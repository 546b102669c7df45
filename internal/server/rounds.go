package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Consultation rounds. Sealing is decided in one place, loadRound: the
// Presidency and the secretariat (auth.ReadAllPositions) see every reply at
// any time; a delegation sees a round only if it is consulted in it, its own
// replies always, and other delegations' final replies only once the round
// is released to an audience that includes its kind. Every page, count and
// export asks roundScope what to read (visiblePositions, visibleDelegations),
// so that nothing sealed can reach a page, a count or an export by mistake.

// roundRoutes registers the routes of consultation rounds: opening, answering, following, compiling, exporting.
func (s *server) roundRoutes(with withAction) {
	with(auth.ViewRounds).Get("/rounds", s.page(s.rounds))
	with(auth.RunRounds).Get("/documents/{id}/rounds/new", s.page(s.newRoundForm))
	with(auth.RunRounds).Post("/documents/{id}/rounds", s.page(s.createRound))
	with(auth.ViewRounds).Get("/rounds/{id}", s.page(s.round))
	with(auth.WritePositions).Post("/rounds/{id}/questions/{qid}", s.page(s.saveReply))
	with(auth.RunRounds).Post("/rounds/{id}/extensions", s.page(s.extendRound))
	with(auth.RecordProxyReplies).Post("/rounds/{id}/proxy", s.page(s.recordProxy))
	with(auth.RunRounds).Post("/rounds/{id}/release", s.page(s.releaseRound))
	with(auth.RunRounds).Post("/rounds/{id}/close", s.page(s.closeRound))
	with(auth.ReadAllPositions).Get("/rounds/{id}/matrix", s.page(s.roundMatrix))
	with(auth.ViewRounds).Get("/rounds/{id}/compilation", s.page(s.roundCompilation))
	with(auth.RunRounds).Post("/rounds/{id}/summaries/{qid}", s.page(s.saveSummary))
	with(auth.RunRounds).Post("/rounds/{id}/compilation/issue", s.page(s.issueCompilation))
	with(auth.ViewRounds).Get("/rounds/{id}/export.csv", s.page(s.roundCSV))
	with(auth.ViewRounds).Get("/rounds/{id}/export.json", s.page(s.roundJSON))
}

// ---------------------------------------------------------------- scope

// roundScope is a round as one viewer may see it.
type roundScope struct {
	round    dialogue.Round
	user     *dialogue.User
	seeAll   bool // the Presidency and the secretariat
	eligible []dialogue.Eligible
	own      *dialogue.Eligible // the viewer's delegation, when consulted
	// othersVisible: the viewer may read other delegations' final replies.
	othersVisible bool
	// What the round pages show of the note: its subject, whether it is
	// LIMITE, and the questions put.
	noteSubject string
	limite      bool
	questions   []dialogue.Question
}

// ownID is the viewer's delegation (0 for the Presidency and secretariat).
func (sc roundScope) ownID() int64 {
	if sc.own == nil {
		return 0
	}
	return sc.own.Delegation.ID
}

// loadRound reads the round named in the URL for the signed-in user. A
// round the user's delegation is not consulted in is "not found": its
// existence is not told.
func (s *server) loadRound(r *http.Request) (roundScope, error) {
	id, err := roundPathID(r, "id")
	if err != nil {
		return roundScope{}, err
	}
	ctx := r.Context()
	u := currentUser(ctx)
	sc := roundScope{user: u, seeAll: auth.Can(u, auth.ReadAllPositions)}
	// The note is read whoever asks: a delegation consulted is put its
	// questions, even if the note itself was not distributed to it.
	rd, err := s.st.RoundDetail(ctx, id)
	if err != nil {
		return sc, err
	}
	sc.round, sc.eligible, sc.questions = rd.Round, rd.Eligible, rd.Questions
	sc.noteSubject, sc.limite = rd.NoteSubject, rd.NoteMarking.IsLimite()
	var kind dialogue.DelegationKind
	if !sc.seeAll {
		for i := range sc.eligible {
			if sc.eligible[i].Delegation.ID == u.DelegationID {
				sc.own = &sc.eligible[i]
			}
		}
		if sc.own == nil || !auth.CanFor(u, auth.ViewRounds, u.DelegationID) {
			return sc, dialogue.ErrNotFound
		}
		kind = sc.own.Delegation.Kind
	}
	sc.othersVisible = sc.round.RepliesVisible(sc.seeAll, kind)
	return sc, nil
}

// visiblePositions are the replies the viewer may read: everyone's for the
// Presidency and the secretariat; its own and, once released to it, other
// delegations' final replies (never their drafts) for a delegation.
func (s *server) visiblePositions(ctx context.Context, sc roundScope) ([]dialogue.Position, error) {
	if sc.seeAll {
		return s.st.RoundPositions(ctx, sc.round.ID, 0)
	}
	if !sc.othersVisible {
		return s.st.RoundPositions(ctx, sc.round.ID, sc.ownID())
	}
	all, err := s.st.RoundPositions(ctx, sc.round.ID, 0)
	out := all[:0]
	for _, p := range all {
		if p.DelegationID == sc.ownID() || p.Status.Final() {
			out = append(out, p)
		}
	}
	return out, err
}

// visibleDelegations are the delegations whose rows the viewer may see,
// protocol order.
func (sc roundScope) visibleDelegations() []dialogue.Delegation {
	var out []dialogue.Delegation
	for _, e := range sc.eligible {
		if sc.othersVisible || e.Delegation.ID == sc.ownID() {
			out = append(out, e.Delegation)
		}
	}
	dialogue.SortProtocol(out)
	return out
}

func (sc roundScope) question(id int64) (dialogue.Question, bool) {
	for _, q := range sc.questions {
		if q.ID == id {
			return q, true
		}
	}
	return dialogue.Question{}, false
}

func (sc roundScope) eligibleByID(id int64) *dialogue.Eligible {
	for i := range sc.eligible {
		if sc.eligible[i].Delegation.ID == id {
			return &sc.eligible[i]
		}
	}
	return nil
}

func (sc roundScope) href(suffix string) string {
	return "/rounds/" + strconv.FormatInt(sc.round.ID, 10) + suffix
}

// links the viewer may follow from the documents of the round: the note
// and the compilation, each only if it is distributed to the viewer.
func (s *server) roundDocLinks(ctx context.Context, sc roundScope) (note string, compiled *web.Link, err error) {
	docs, err := s.st.DocumentsByID(ctx, viewerOf(sc.user), nonZero(sc.round.DocumentID, sc.round.CompilationDocumentID))
	if err != nil {
		return "", nil, err
	}
	if _, ok := docs[sc.round.DocumentID]; ok {
		note = "/documents/" + strconv.FormatInt(sc.round.DocumentID, 10)
	}
	if d, ok := docs[sc.round.CompilationDocumentID]; ok && sc.round.CompilationDocumentID != 0 {
		compiled = &web.Link{Href: "/documents/" + strconv.FormatInt(d.ID, 10), Text: d.Reference()}
	}
	return note, compiled, nil
}

// ---------------------------------------------------------------- formatting

func roundPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id < 1 {
		return 0, dialogue.ErrNotFound
	}
	return id, nil
}

func roundISO(t time.Time) string { return t.In(dialogue.Brussels).Format(time.RFC3339) }

// roundLocalInput is an instant as a datetime-local input shows it, in Brussels.
func roundLocalInput(t time.Time) string { return t.In(dialogue.Brussels).Format("2006-01-02T15:04") }

// roundParseLocal reads a datetime-local input as Brussels time.
func roundParseLocal(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, dialogue.Brussels); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// delegationState is the round's state for a delegation: still open to it
// while its extension runs. For the Presidency (the round's own deadline),
// it is the round's state.
func delegationState(r dialogue.Round, now, deadline time.Time) dialogue.RoundState {
	st := r.StateAt(now)
	if st == dialogue.RoundPastDue && now.Before(deadline) {
		return dialogue.RoundOpen
	}
	return st
}

// roundTimeLeft says how long a delegation still has to reply, in words.
func roundTimeLeft(now time.Time, r dialogue.Round, deadline time.Time) string {
	switch {
	case r.ClosedAt != nil:
		return "Closed"
	case now.Before(r.OpensAt):
		return "Opens " + dialogue.FormatInstant(r.OpensAt)
	case !now.Before(deadline):
		return "Deadline passed"
	}
	return timeLeft(deadline.Sub(now))
}

func roundChoiceText(q dialogue.Question, optionID int64) string {
	for _, o := range q.Options {
		if o.ID == optionID && optionID != 0 {
			return o.Label + " " + o.Body
		}
	}
	return ""
}

func positionView(p dialogue.Position, q dialogue.Question) web.PositionView {
	return web.PositionView{Revision: p.Revision, Status: p.Status.Label(), StatusKey: string(p.Status),
		Choice: roundChoiceText(q, p.OptionID), Body: p.Body, Author: p.AuthorName,
		When: dialogue.FormatInstant(p.UpdatedAt), WhenISO: roundISO(p.UpdatedAt),
		Via: dialogue.ProxySources[p.ProxySource], Late: p.Late}
}

// proxyPhrases say how a proxy reply reached the secretariat.
var proxyPhrases = map[string]string{
	"email":        "Received by e-mail",
	"note_verbale": "Received by note verbale",
	"letter":       "Received by letter",
	"meeting":      "Stated in a meeting",
}

// proxyProvenance is the compilation's note on a reply recorded by the
// secretariat: "Received by e-mail, entered by Ann Example".
func proxyProvenance(p dialogue.Position) string {
	if p.ProxySource == "" {
		return ""
	}
	s := proxyPhrases[p.ProxySource]
	if s == "" {
		s = "Received by " + p.ProxySource
	}
	if p.AuthorName != "" {
		s += ", entered by " + p.AuthorName
	}
	return s
}

var roundKindSingular = map[dialogue.DelegationKind]string{
	dialogue.MemberState: "Member state", dialogue.Institution: "EU institution",
	dialogue.Partner: "Partner", dialogue.Observer: "Observer",
}

var roundProxySources = []string{"email", "note_verbale", "letter", "meeting"}

func roundDelegationOptions(es []dialogue.Eligible) []web.Option {
	out := make([]web.Option, len(es))
	for i, e := range es {
		out[i] = web.Option{Value: strconv.FormatInt(e.Delegation.ID, 10), Label: e.Delegation.Code + " – " + e.Delegation.Name}
	}
	return out
}

// roundCountWord is "1 delegation" without its number: "delegation" or "delegations".
func roundCountWord(n int, one string) string {
	if n == 1 {
		return one
	}
	return one + "s"
}

func roundShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}

// ---------------------------------------------------------------- list

// rounds is "Consultations" for the Presidency and the secretariat (every
// round with its counts) and "My consultations" for a delegation (its
// rounds, its deadline, its own status per question; never others' counts).
// roundsPerPage is the length of a page of the rounds list.
const roundsPerPage = 50

func (s *server) rounds(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(ctx)
	viewer := viewerOf(u)
	viewer.SeeAll = auth.Can(u, auth.ReadAllPositions)
	page := 1
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 1 && p <= 100000 {
		page = p
	}
	list, more, err := s.st.FindRounds(ctx, viewer, store.RoundFilter{Limit: roundsPerPage, Offset: (page - 1) * roundsPerPage})
	if err != nil {
		return err
	}
	now := s.now()
	v := web.RoundsView{SeeAll: viewer.SeeAll, CanRun: auth.Can(u, auth.RunRounds), Flash: s.sessions.PopString(ctx, sessionFlash), Page: page}
	if page > 1 {
		v.PrevHref = "/rounds?page=" + strconv.Itoa(page-1)
	}
	if more {
		v.NextHref = "/rounds?page=" + strconv.Itoa(page+1)
	}
	ids := make([]int64, len(list))
	for i, x := range list {
		ids[i] = x.Round.ID
	}
	var questions map[int64][]dialogue.Question
	own := map[[2]int64]dialogue.Position{}
	if !viewer.SeeAll {
		if questions, err = s.st.RoundQuestions(ctx, ids); err != nil {
			return err
		}
		ps, err := s.st.DelegationPositions(ctx, viewer.DelegationID, ids)
		if err != nil {
			return err
		}
		for _, p := range ps {
			own[[2]int64{p.RoundID, p.QuestionID}] = p
		}
	}
	for _, x := range list {
		rd := x.Round
		state := delegationState(rd, now, rd.DeadlineFor(x.ExtendedUntil))
		row := web.RoundRow{Href: "/rounds/" + strconv.FormatInt(rd.ID, 10), Title: rd.Title, Note: rd.DocumentRef,
			State: state.Label(), StateKey: string(state), Opens: dialogue.FormatInstant(rd.OpensAt), OpensISO: roundISO(rd.OpensAt),
			Released: rd.ReleasedAt != nil, Demo: rd.Demo}
		deadline := rd.Deadline
		if viewer.SeeAll {
			row.Eligible, row.Expected, row.Final, row.Drafts = x.Eligible, x.Eligible*x.Questions, x.Final, x.Drafts
		} else {
			deadline = rd.DeadlineFor(x.ExtendedUntil)
			row.Extended = deadline.After(rd.Deadline)
			row.TimeLeft = roundTimeLeft(now, rd, deadline)
			for _, q := range questions[rd.ID] {
				st := dialogue.PositionNone
				if p, ok := own[[2]int64{rd.ID, q.ID}]; ok {
					st = p.Status
				}
				row.Questions = append(row.Questions, web.RoundQuestionStatus{Number: q.Position, Status: st.Label(), StatusKey: string(st)})
			}
		}
		row.Deadline, row.DeadlineISO = dialogue.FormatInstant(deadline), roundISO(deadline)
		v.Rows = append(v.Rows, row)
	}
	if v.CanRun {
		notes, err := s.st.ConsultableNotes(ctx)
		if err != nil {
			return err
		}
		for _, n := range notes {
			id := strconv.FormatInt(n.ID, 10)
			v.Notes = append(v.Notes, web.RoundNoteChoice{Href: "/documents/" + id + "/rounds/new", DocHref: "/documents/" + id,
				Reference: n.Reference, Subject: n.Subject, Questions: n.Questions, Rounds: n.Rounds, Limite: n.Limite})
		}
	}
	return s.render(w, r, http.StatusOK, web.RoundsPage(v))
}

// ---------------------------------------------------------------- opening

var roundAudienceChoices = []web.Option{
	{Value: string(dialogue.ReleasePresidency), Label: "The Presidency only (and the secretariat)"},
	{Value: string(dialogue.ReleaseMemberStates), Label: "Member states (with the Commission and the EEAS)"},
	{Value: string(dialogue.ReleaseMemberStatesPartners), Label: "Member states and partners"},
}

// noteForRound is the note named in the URL, as the user may see it.
func (s *server) noteForRound(r *http.Request) (dialogue.Document, error) {
	id, err := roundPathID(r, "id")
	if err != nil {
		return dialogue.Document{}, err
	}
	doc, err := s.st.Document(r.Context(), viewerOf(currentUser(r.Context())), id)
	if err != nil {
		return doc, err
	}
	if doc.Status != dialogue.DocumentIssued || len(doc.Questions) == 0 {
		return doc, dialogue.Errorf(dialogue.KindInvalid, "A round can be opened only on an issued note that puts questions to delegations.")
	}
	return doc, nil
}

func (s *server) newRoundForm(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.noteForRound(r)
	if err != nil {
		return err
	}
	now := s.now().In(dialogue.Brussels).Truncate(time.Minute)
	d := now.AddDate(0, 0, 14)
	deadline := time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, dialogue.Brussels)
	form := web.NewRoundForm{Title: doc.Subject, OpensAt: roundLocalInput(now), Deadline: roundLocalInput(deadline),
		Audience: string(dialogue.ReleaseMemberStates), Selected: map[int64]bool{}}
	return s.renderNewRound(w, r, http.StatusOK, doc, form, true)
}

func (s *server) renderNewRound(w http.ResponseWriter, r *http.Request, status int, doc dialogue.Document, form web.NewRoundForm, defaults bool) error {
	ds, err := s.st.Delegations(r.Context())
	if err != nil {
		return err
	}
	dialogue.SortProtocol(ds)
	id := strconv.FormatInt(doc.ID, 10)
	v := web.NewRoundView{Action: "/documents/" + id + "/rounds", NoteRef: doc.Reference(), NoteSubject: doc.Subject,
		NoteHref: "/documents/" + id, Limite: doc.Marking.IsLimite(), Questions: doc.Questions, Form: form, Audiences: roundAudienceChoices}
	groups := map[dialogue.DelegationKind]*web.RoundDelegationGroup{}
	for _, k := range []dialogue.DelegationKind{dialogue.MemberState, dialogue.Institution, dialogue.Partner, dialogue.Observer} {
		v.Groups = append(v.Groups, web.RoundDelegationGroup{Key: string(k), Label: k.Label()})
	}
	for i := range v.Groups {
		groups[dialogue.DelegationKind(v.Groups[i].Key)] = &v.Groups[i]
	}
	for _, d := range ds {
		if g := groups[d.Kind]; g != nil {
			g.Delegations = append(g.Delegations, d)
		}
		if defaults && d.Kind == dialogue.MemberState {
			v.Form.Selected[d.ID] = true
		}
	}
	return s.render(w, r, status, web.NewRoundPage(v))
}

func (s *server) createRound(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.noteForRound(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return dialogue.Errorf(dialogue.KindInvalid, "The form could not be read.")
	}
	form := web.NewRoundForm{Title: r.PostFormValue("title"), OpensAt: r.PostFormValue("opens_at"),
		Deadline: r.PostFormValue("deadline"), Audience: r.PostFormValue("release_audience"), Selected: map[int64]bool{}}
	mine := dialogue.FieldErrors{}
	nr := store.NewRound{DocumentID: doc.ID, Title: form.Title, ReleaseAudience: dialogue.ReleaseAudience(form.Audience)}
	if form.OpensAt != "" {
		if t, ok := roundParseLocal(form.OpensAt); ok {
			nr.OpensAt = t
		} else {
			mine.Add("opens_at", "Enter the opening as a date and time in Brussels, e.g. 2026-03-10 09:00.")
		}
	}
	if form.Deadline != "" {
		if t, ok := roundParseLocal(form.Deadline); ok {
			nr.Deadline = t
		} else {
			mine.Add("deadline", "Enter the deadline as a date and time in Brussels, e.g. 2026-03-24 17:00.")
		}
	}
	for _, x := range r.PostForm["delegations"] {
		id, err := strconv.ParseInt(x, 10, 64)
		if err != nil || id < 1 {
			// Only a tampered form sends this: the checkboxes carry ids.
			return dialogue.Errorf(dialogue.KindInvalid, "Choose the delegations from the list.")
		}
		if !form.Selected[id] {
			form.Selected[id] = true
			nr.DelegationIDs = append(nr.DelegationIDs, id)
		}
	}
	// A time that could not be read is left zero: the store then refuses
	// the round before writing anything, with its other messages, so every
	// problem is shown at once; what was typed wrongly keeps its own message.
	id, err := s.st.CreateRound(r.Context(), actorOf(r), nr)
	if fe := formErrors(err); fe != nil || len(mine) > 0 {
		form.Errors = mine
		for k, m := range fe {
			form.Errors.Add(k, m)
		}
		return s.renderNewRound(w, r, http.StatusUnprocessableEntity, doc, form, false)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/rounds/"+strconv.FormatInt(id, 10), "The round is set up: the delegations chosen can reply from "+
		dialogue.FormatInstant(nr.OpensAt)+" until "+dialogue.FormatInstant(nr.Deadline)+" (Brussels time).")
}

// ---------------------------------------------------------------- the round page

// roundForms carries forms as typed back to the round page, with their
// errors, so nothing typed is lost.
type roundForms struct {
	replies map[int64]web.PositionForm // by question id
	message string
	unsaved *web.RoundUnsavedReply
	ext     web.RoundExtensionForm
	proxy   web.RoundProxyForm
	release web.RoundReleaseForm
}

func (s *server) round(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	return s.renderRound(w, r, http.StatusOK, sc, roundForms{})
}

func (s *server) renderRound(w http.ResponseWriter, r *http.Request, status int, sc roundScope, f roundForms) error {
	ctx := r.Context()
	now := s.now()
	rd := sc.round
	state := rd.StateAt(now)
	if sc.own != nil {
		state = delegationState(rd, now, rd.DeadlineFor(sc.own.ExtendedUntil))
	}
	noteHref, compiled, err := s.roundDocLinks(ctx, sc)
	if err != nil {
		return err
	}
	v := web.RoundView{ID: rd.ID, Title: rd.Title, Note: rd.DocumentRef, NoteSubject: sc.noteSubject, NoteHref: noteHref,
		Limite: sc.limite, Demo: rd.Demo, State: state.Label(), StateKey: string(state),
		Opens: dialogue.FormatInstant(rd.OpensAt), OpensISO: roundISO(rd.OpensAt),
		Deadline: dialogue.FormatInstant(rd.Deadline), DeadlineISO: roundISO(rd.Deadline),
		Audience: rd.ReleaseAudience.Label(), Flash: s.sessions.PopString(ctx, sessionFlash),
		Message: f.message, Unsaved: f.unsaved, Compiled: compiled, Closed: rd.ClosedAt != nil, IsReleased: rd.ReleasedAt != nil}
	if rd.ReleasedAt != nil {
		v.Released, v.ReleasedISO = dialogue.FormatInstant(*rd.ReleasedAt), roundISO(*rd.ReleasedAt)
	}
	if sc.seeAll {
		s.roundManageView(&v, sc, f)
		return s.render(w, r, status, web.RoundPage(v))
	}

	u := sc.user
	own := sc.own
	deadline := rd.DeadlineFor(own.ExtendedUntil)
	v.Delegation = own.Delegation.Name
	v.Extended = deadline.After(rd.Deadline)
	v.YourDeadline, v.YourDeadlineISO, v.ExtensionReason = dialogue.FormatInstant(deadline), roundISO(deadline), own.ExtensionReason
	v.TimeLeft = roundTimeLeft(now, rd, deadline)
	canWrite := auth.CanFor(u, auth.WritePositions, own.Delegation.ID)
	werr := rd.CheckWritable(now, own.ExtendedUntil)
	v.Writable = canWrite && werr == nil
	var de *dialogue.Error
	switch {
	case !canWrite:
		v.ReadOnlyReason = "Your role can read this consultation but not reply to it: the delegates of your delegation reply."
	case errors.As(werr, &de):
		v.ReadOnlyReason = de.Message
	}
	if sc.othersVisible {
		v.CompilationHref = sc.href("/compilation")
	}
	positions, err := s.st.RoundPositions(ctx, rd.ID, own.Delegation.ID)
	if err != nil {
		return err
	}
	history, err := s.st.DelegationRevisions(ctx, rd.ID, own.Delegation.ID)
	if err != nil {
		return err
	}
	current := map[int64]dialogue.Position{}
	for _, p := range positions {
		current[p.QuestionID] = p
	}
	for _, q := range sc.questions {
		qv := roundQuestionView(sc, q)
		if p, ok := current[q.ID]; ok {
			rv := positionView(p, q)
			qv.Current = &rv
			qv.Form = web.PositionForm{Base: p.Revision, Body: p.Body}
			if p.OptionID != 0 {
				qv.Form.Option = strconv.FormatInt(p.OptionID, 10)
			}
		}
		if typed, ok := f.replies[q.ID]; ok {
			qv.Form = typed
		}
		for _, h := range history[q.ID] {
			qv.History = append(qv.History, positionView(h, q))
		}
		v.Questions = append(v.Questions, qv)
	}
	return s.render(w, r, status, web.RoundPage(v))
}

// roundQuestionView is a question with the options its reply form offers.
func roundQuestionView(sc roundScope, q dialogue.Question) web.RoundQuestionView {
	qv := web.RoundQuestionView{ID: q.ID, Number: q.Position, Prompt: q.Prompt, KindLabel: q.Kind.Label(),
		Action: sc.href("/questions/" + strconv.FormatInt(q.ID, 10))}
	for _, o := range q.Options {
		qv.Options = append(qv.Options, web.RoundChoice{Value: strconv.FormatInt(o.ID, 10), Label: o.Label, Body: o.Body})
	}
	return qv
}

// roundManageView fills the Presidency's and the secretariat's follow-up.
func (s *server) roundManageView(v *web.RoundView, sc roundScope, f roundForms) {
	v.Manage = true
	v.CanProxy = auth.Can(sc.user, auth.RecordProxyReplies)
	v.Links = []web.Link{
		{Href: sc.href("/matrix"), Text: "Reply matrix"},
		{Href: sc.href("/compilation"), Text: "Compilation (printable)"},
		{Href: sc.href("/export.csv"), Text: "Export as CSV (spreadsheet)"},
		{Href: sc.href("/export.json"), Text: "Export as JSON"},
	}
	for _, q := range sc.questions {
		v.Questions = append(v.Questions, roundQuestionView(sc, q))
		v.QuestionOpts = append(v.QuestionOpts, web.Option{Value: strconv.FormatInt(q.ID, 10), Label: "Question " + strconv.Itoa(q.Position)})
		if len(q.Options) > 0 {
			g := web.RoundOptionGroup{Label: "Question " + strconv.Itoa(q.Position)}
			for _, o := range q.Options {
				g.Options = append(g.Options, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Label + " " + roundShorten(o.Body, 60)})
			}
			v.OptionGroups = append(v.OptionGroups, g)
		}
	}
	for _, e := range sc.eligible {
		row := web.RoundEligibleRow{Delegation: e.Delegation, Kind: roundKindSingular[e.Delegation.Kind], Reason: e.ExtensionReason}
		if e.ExtendedUntil != nil && e.ExtendedUntil.After(sc.round.Deadline) {
			row.Extension = "Until " + dialogue.FormatInstant(*e.ExtendedUntil)
		}
		v.Eligible = append(v.Eligible, row)
	}
	v.Delegations = roundDelegationOptions(sc.eligible)
	for _, st := range []dialogue.PositionStatus{dialogue.PositionSubmitted, dialogue.PositionNoPosition, dialogue.PositionScrutinyReservation, dialogue.PositionDraft} {
		v.StatusOpts = append(v.StatusOpts, web.Option{Value: string(st), Label: st.Label()})
	}
	for _, k := range roundProxySources {
		v.SourceOpts = append(v.SourceOpts, web.Option{Value: k, Label: dialogue.ProxySources[k]})
	}
	v.AudienceOpts = roundAudienceChoices[1:]
	v.ExtForm, v.ProxyForm, v.ReleaseForm = f.ext, f.proxy, f.release
	if v.ProxyForm.Status == "" {
		v.ProxyForm.Status = string(dialogue.PositionSubmitted)
	}
	if v.ReleaseForm.Audience == "" && sc.round.ReleaseAudience != dialogue.ReleasePresidency {
		v.ReleaseForm.Audience = string(sc.round.ReleaseAudience)
	}
}

// ---------------------------------------------------------------- replying

var positionTriedLabels = map[dialogue.PositionStatus]string{
	dialogue.PositionDraft:               "Save draft",
	dialogue.PositionSubmitted:           "Submit",
	dialogue.PositionNoPosition:          "No position yet",
	dialogue.PositionScrutinyReservation: "Scrutiny reservation",
}

var positionSavedLabels = map[dialogue.PositionStatus]string{
	dialogue.PositionDraft:               "saved as a draft",
	dialogue.PositionSubmitted:           "submitted",
	dialogue.PositionNoPosition:          "recorded as \"no position yet\"",
	dialogue.PositionScrutinyReservation: "recorded as a scrutiny reservation",
}

// saveReply stores a new revision of the signed-in delegate's own
// delegation's reply: the delegation is never taken from the form. The
// store checks that the delegation is consulted in the round and the
// question is the round's (not found otherwise, as loadRound says), so
// the round is read only when the answer is its page: a refusal to show
// with the form, or not found.
func (s *server) saveReply(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r.Context())
	if !auth.CanFor(u, auth.ViewRounds, u.DelegationID) || !auth.CanFor(u, auth.WritePositions, u.DelegationID) {
		return dialogue.ErrNotFound
	}
	roundID, err := roundPathID(r, "id")
	if err != nil {
		return err
	}
	qid, err := roundPathID(r, "qid")
	if err != nil {
		return err
	}
	form := web.PositionForm{Option: r.PostFormValue("option"), Body: r.PostFormValue("body")}
	form.Base, _ = strconv.Atoi(r.PostFormValue("base"))
	form.Base = max(form.Base, 0)
	status := dialogue.PositionStatus(r.PostFormValue("status"))
	var optionID int64
	if form.Option != "" {
		if optionID, err = strconv.ParseInt(form.Option, 10, 64); err != nil {
			err = dialogue.FieldError("option", "Choose one of the options offered.")
		}
	}
	var p store.SavedPosition
	if err == nil {
		p, err = s.st.SavePosition(r.Context(), actorOf(r), store.PositionSave{RoundID: roundID, QuestionID: qid,
			DelegationID: u.DelegationID, BaseRevision: form.Base, Status: status, OptionID: optionID, Body: form.Body})
	}
	if err == nil {
		msg := fmt.Sprintf("Question %d: your delegation's reply was %s (revision %d).", p.QuestionPosition, positionSavedLabels[p.Status], p.Revision)
		return s.flashTo(w, r, "/rounds/"+strconv.FormatInt(roundID, 10)+"#q-"+strconv.Itoa(p.QuestionPosition), msg)
	}
	if k := dialogue.KindOf(err); k != dialogue.KindConflict && k != dialogue.KindDeadline && k != dialogue.KindNotFound && formErrors(err) == nil {
		return err
	}
	sc, lerr := s.loadRound(r)
	if lerr != nil {
		return lerr
	}
	q, ok := sc.question(qid)
	if !ok || sc.own == nil {
		return dialogue.ErrNotFound
	}
	var ce *dialogue.ConflictError
	switch {
	case errors.As(err, &ce):
		// A colleague saved first: show both texts; the user's goes on top
		// of the current revision if they save again.
		qv := roundQuestionView(sc, q)
		qv.Form = web.PositionForm{Base: ce.Current.Revision, Option: form.Option, Body: form.Body}
		tried := positionTriedLabels[status]
		if tried == "" {
			tried = "Save"
		}
		return s.render(w, r, http.StatusConflict, web.RoundConflictPage(web.RoundConflictView{
			RoundTitle: sc.round.Title, RoundHref: sc.href(""), Note: sc.round.DocumentRef, Limite: sc.limite,
			Question: qv, Current: positionView(ce.Current, q), Tried: tried}))
	case dialogue.KindOf(err) == dialogue.KindDeadline:
		var de *dialogue.Error
		errors.As(err, &de)
		return s.renderRound(w, r, http.StatusConflict, sc, roundForms{message: de.Message,
			unsaved: &web.RoundUnsavedReply{Question: q.Position, Choice: roundChoiceText(q, optionID), Body: form.Body}})
	case formErrors(err) != nil:
		form.Errors = formErrors(err)
		f := roundForms{replies: map[int64]web.PositionForm{q.ID: form}}
		if m, ok := form.Errors["form"]; ok {
			f.message = m
		}
		return s.renderRound(w, r, http.StatusUnprocessableEntity, sc, f)
	}
	return err
}

// ---------------------------------------------------------------- the Presidency's actions

func (s *server) extendRound(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	form := web.RoundExtensionForm{Delegation: r.PostFormValue("delegation"), Until: r.PostFormValue("until"), Reason: r.PostFormValue("reason")}
	fe := dialogue.FieldErrors{}
	id, _ := strconv.ParseInt(form.Delegation, 10, 64)
	e := sc.eligibleByID(id)
	if e == nil {
		fe.Add("delegation", "Choose a delegation consulted in this round.")
	}
	until, ok := roundParseLocal(form.Until)
	if !ok {
		fe.Add("until", "Enter the new deadline as a date and time in Brussels.")
	}
	if len(fe) == 0 {
		err = s.st.ExtendDeadline(r.Context(), actorOf(r), sc.round.ID, id, until, form.Reason)
		if f := formErrors(err); f != nil {
			fe = f
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		form.Errors = fe
		return s.renderRound(w, r, http.StatusUnprocessableEntity, sc, roundForms{ext: form})
	}
	return s.flashTo(w, r, sc.href("#delegations"), "Deadline extended for "+e.Delegation.Name+" until "+dialogue.FormatInstant(until)+".")
}

// recordProxy records a reply received outside the portal on a
// delegation's behalf, with its source and who entered it. It goes on top
// of the delegation's current revision: nothing is overwritten, every
// revision is kept.
func (s *server) recordProxy(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	form := web.RoundProxyForm{Delegation: r.PostFormValue("delegation"), Question: r.PostFormValue("question"),
		Status: r.PostFormValue("status"), Option: r.PostFormValue("option"), Body: r.PostFormValue("body"), Source: r.PostFormValue("source")}
	fe := dialogue.FieldErrors{}
	did, _ := strconv.ParseInt(form.Delegation, 10, 64)
	e := sc.eligibleByID(did)
	if e == nil {
		fe.Add("delegation", "Choose the delegation the reply comes from.")
	}
	qid, _ := strconv.ParseInt(form.Question, 10, 64)
	q, ok := sc.question(qid)
	if !ok {
		fe.Add("question", "Choose the question replied to.")
	}
	var optionID int64
	if form.Option != "" {
		if optionID, err = strconv.ParseInt(form.Option, 10, 64); err != nil {
			fe.Add("option", "Choose one of the options offered.")
		}
	}
	if _, ok := dialogue.ProxySources[form.Source]; !ok {
		fe.Add("source", "Choose how the reply was received.")
	}
	reply := func(status int, f roundForms) error {
		f.proxy = form
		return s.renderRound(w, r, status, sc, f)
	}
	if len(fe) > 0 {
		form.Errors = fe
		return reply(http.StatusUnprocessableEntity, roundForms{})
	}
	current, err := s.st.RoundPositions(r.Context(), sc.round.ID, did)
	if err != nil {
		return err
	}
	base := 0
	for _, p := range current {
		if p.QuestionID == q.ID {
			base = p.Revision
		}
	}
	p, err := s.st.SavePosition(r.Context(), actorOf(r), store.PositionSave{RoundID: sc.round.ID, QuestionID: q.ID, DelegationID: did,
		BaseRevision: base, Status: dialogue.PositionStatus(form.Status), OptionID: optionID, Body: form.Body, ProxySource: form.Source})
	var ce *dialogue.ConflictError
	var de *dialogue.Error
	switch {
	case errors.As(err, &ce):
		return reply(http.StatusConflict, roundForms{message: "The delegation's reply to this question changed while you entered it (now revision " +
			strconv.Itoa(ce.Current.Revision) + "). Check it, then record yours again: your text is kept in the form below."})
	case dialogue.KindOf(err) == dialogue.KindDeadline && errors.As(err, &de):
		return reply(http.StatusConflict, roundForms{message: de.Message})
	case formErrors(err) != nil:
		form.Errors = formErrors(err)
		return reply(http.StatusUnprocessableEntity, roundForms{})
	case err != nil:
		return err
	}
	msg := fmt.Sprintf("Reply of %s to question %d recorded (%s, revision %d).", e.Delegation.Name, q.Position,
		strings.ToLower(dialogue.ProxySources[form.Source]), p.Revision)
	if p.Late {
		msg += " It is flagged late: the delegation's deadline had passed."
	}
	return s.flashTo(w, r, sc.href("#proxy"), msg)
}

func (s *server) releaseRound(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	form := web.RoundReleaseForm{Audience: r.PostFormValue("release_audience")}
	audience := dialogue.ReleaseAudience(form.Audience)
	err = s.st.ReleaseRound(r.Context(), actorOf(r), sc.round.ID, audience)
	if fe := formErrors(err); fe != nil {
		form.Errors = fe
		return s.renderRound(w, r, http.StatusUnprocessableEntity, sc, roundForms{release: form})
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, sc.href("#release"), "The replies are released to: "+audience.Label()+".")
}

func (s *server) closeRound(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if err := s.st.CloseRound(r.Context(), actorOf(r), sc.round.ID); err != nil {
		return err
	}
	return s.flashTo(w, r, sc.href(""), "The round is closed: everything in it is now read-only.")
}

// ---------------------------------------------------------------- matrix

func (s *server) roundMatrix(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if !sc.seeAll {
		return dialogue.ErrNotFound
	}
	// Who replied, and how: the matrix shows no reply text.
	positions, err := s.st.RoundCells(r.Context(), sc.round.ID, len(sc.eligible)*len(sc.questions))
	if err != nil {
		return err
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

// ---------------------------------------------------------------- exports

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
