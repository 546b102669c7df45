package server

// Answering and running a round: a delegation's reply, a reply recorded
// on its behalf, extending, releasing and closing.

import (
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
			DelegationID: u.DelegationID, BaseRevision: form.Base, Status: status, OptionID: optionID, Body: form.Body,
			ReceivedAt: receivedAt(r)})
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
		BaseRevision: base, Status: dialogue.PositionStatus(form.Status), OptionID: optionID, Body: form.Body, ProxySource: form.Source,
		ReceivedAt: receivedAt(r)})
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
