package server

// The pages of a round: the rounds list, opening a round, the round page.

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// roundsPerPage is the length of a page of the rounds list.
const roundsPerPage = 50

// rounds is "Consultations" for the Presidency and the secretariat (every
// round with its counts) and "My consultations" for a delegation (its
// rounds, its deadline, its own status per question; never others' counts).
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
	var statuses map[int64][]store.QuestionStatus
	if !viewer.SeeAll {
		if statuses, err = s.st.QuestionStatuses(ctx, viewer.DelegationID, ids); err != nil {
			return err
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
			for _, q := range statuses[rd.ID] {
				row.Questions = append(row.Questions, web.RoundQuestionStatus{Number: q.Number, Status: q.Status.Label(), StatusKey: string(q.Status)})
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
	// The latest revisions of each reply, unless all were asked for (a
	// link under the history): every one is stored, but a reply revised
	// hundreds of times would make the page megabytes long.
	latest := roundHistoryShown
	if r.URL.Query().Get("history") == "all" {
		latest = 0
	}
	history, err := s.st.DelegationRevisions(ctx, rd.ID, own.Delegation.ID, latest)
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
		if qv.Current != nil {
			// Revisions are numbered from 1 without gaps: the current one's
			// number is how many there are.
			qv.Revisions = qv.Current.Revision
			qv.AllHistoryHref = sc.href("?history=all#q-" + strconv.Itoa(q.Position))
		}
		v.Questions = append(v.Questions, qv)
	}
	return s.render(w, r, status, web.RoundPage(v))
}

// roundHistoryShown is how many revisions of each reply the round page
// shows at first, newest first.
const roundHistoryShown = 10

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
