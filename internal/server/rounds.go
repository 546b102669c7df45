package server

import (
	"context"
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

// Consultation rounds. Sealing is decided in one place, scopeRound (behind
// loadRound and loadRoundCells): the Presidency and the secretariat
// (auth.ReadAllPositions) see every reply at any time; a delegation sees a
// round only if it is consulted in it, its own replies always, and other
// delegations' final replies only once the round is released to an
// audience that includes its kind. Every page, count and export asks
// roundScope what to read (visiblePositions, visibleDelegations), so that
// nothing sealed can reach a page, a count or an export by mistake.

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
	// The note is read whoever asks: a delegation consulted is put its
	// questions, even if the note itself was not distributed to it.
	rd, err := s.st.RoundDetail(r.Context(), id)
	if err != nil {
		return roundScope{}, err
	}
	return scopeRound(currentUser(r.Context()), rd)
}

// loadRoundCells is loadRound for the Presidency and the secretariat, with
// the round's reply cells (store.RoundCells) read in the same round trip.
// Anyone else gets loadRound's answer, and no cells.
func (s *server) loadRoundCells(r *http.Request) (roundScope, []dialogue.Position, error) {
	if !auth.Can(currentUser(r.Context()), auth.ReadAllPositions) {
		sc, err := s.loadRound(r)
		return sc, nil, err
	}
	id, err := roundPathID(r, "id")
	if err != nil {
		return roundScope{}, nil, err
	}
	rd, cells, err := s.st.RoundDetailCells(r.Context(), id)
	if err != nil {
		return roundScope{}, nil, err
	}
	sc, err := scopeRound(currentUser(r.Context()), rd)
	return sc, cells, err
}

// scopeRound is what user may see of the round rd.
func scopeRound(u *dialogue.User, rd store.RoundDetail) (roundScope, error) {
	sc := roundScope{user: u, seeAll: auth.Can(u, auth.ReadAllPositions)}
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
