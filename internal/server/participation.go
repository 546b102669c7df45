package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The secretariat records a dialogue's scope, partners' phases and
// participants (see store.SaveParticipation); registryRoutes (initiatives.go)
// registers the routes.

func (s *server) editParticipation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	version, err := s.st.ParticipationVersion(ctx, d.ID)
	if err != nil {
		return err
	}
	f := web.ParticipationForm{Dialogue: d, Version: version, Scope: d.GeographicScope, AddRole: string(dialogue.ParticipantPartner), AddPhase: "1"}
	return s.renderParticipation(w, r, http.StatusOK, f, nil)
}

func (s *server) saveParticipation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	f := web.ParticipationForm{Dialogue: d, Scope: r.PostFormValue("scope"),
		AddDelegation: r.PostFormValue("add_delegation"), AddRole: r.PostFormValue("add_role"),
		AddPhase: r.PostFormValue("add_phase"), AddOn: r.PostFormValue("add_starts_on"), AddNote: r.PostFormValue("add_note")}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in := store.ParticipationInput{Scope: f.Scope}
	typed := map[int64]web.ParticipantRow{}
	for _, v := range r.PostForm["delegation"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return dialogue.Errorf(dialogue.KindInvalid, "This form is damaged: open it again from the dialogue's page.")
		}
		key := strconv.FormatInt(id, 10)
		c := store.ParticipantChange{DelegationID: id, Phase: r.PostFormValue("phase-" + key), StartsOn: r.PostFormValue("starts_on-" + key),
			Note: r.PostFormValue("note-" + key), Remove: r.PostFormValue("remove-"+key) == "on"}
		in.Changes = append(in.Changes, c)
		typed[id] = web.ParticipantRow{Phase: c.Phase, StartsOn: c.StartsOn, Note: c.Note, Remove: c.Remove}
	}
	if f.AddDelegation != "" {
		add := store.ParticipantChange{Role: dialogue.ParticipantRole(f.AddRole), Phase: f.AddPhase, StartsOn: f.AddOn, Note: f.AddNote}
		ds, err := s.st.Delegations(ctx)
		if err != nil {
			return err
		}
		for _, dl := range ds {
			if dl.Code == f.AddDelegation {
				add.DelegationID = dl.ID
			}
		}
		in.Add = &add
	}
	err = s.st.SaveParticipation(ctx, actorOf(r), d.ID, f.Version, in)
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderParticipation(w, r, http.StatusUnprocessableEntity, f, typed)
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		// The rows are read again (one may have gone); what was typed in
		// those that remain stays, and the form starts from the new version.
		f.ConflictMessage = errorMessage(err)
		if f.Version, err = s.st.ParticipationVersion(ctx, d.ID); err != nil {
			return err
		}
		return s.renderParticipation(w, r, http.StatusConflict, f, typed)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/dialogues/"+d.Code+"#partners", "The participation is saved; new meetings invite by it.")
}

// renderParticipation shows the form with the dialogue's participants as
// saved, or as typed where typed holds their row, and the delegations that
// may be added.
func (s *server) renderParticipation(w http.ResponseWriter, r *http.Request, status int, f web.ParticipationForm, typed map[int64]web.ParticipantRow) error {
	ctx := r.Context()
	parts, err := s.st.Participants(ctx, []int64{f.Dialogue.ID})
	if err != nil {
		return err
	}
	ds, err := s.st.Delegations(ctx)
	if err != nil {
		return err
	}
	taking := map[int64]bool{}
	for _, p := range parts[f.Dialogue.ID] {
		taking[p.Delegation.ID] = true
		row := web.ParticipantRow{Delegation: p.Delegation, Role: strings.ToUpper(string(p.Role[:1])) + string(p.Role[1:]),
			Phase: strconv.Itoa(p.Phase), Note: p.Note}
		if p.StartsOn != nil {
			row.StartsOn = p.StartsOn.Format(time.DateOnly)
		}
		if t, ok := typed[p.Delegation.ID]; ok {
			row.Phase, row.StartsOn, row.Note, row.Remove = t.Phase, t.StartsOn, t.Note, t.Remove
		}
		f.Rows = append(f.Rows, row)
		key := strconv.FormatInt(p.Delegation.ID, 10)
		for _, field := range []string{"phase", "starts_on", "note"} {
			f.ErrorOrder = append(f.ErrorOrder, field+"-"+key)
		}
	}
	f.ErrorIDs = map[string]string{"scope": "p-scope", "delegation-new": "p-add-delegation", "role-new": "p-add-role",
		"phase-new": "p-add-phase", "starts_on-new": "p-add-on", "note-new": "p-add-note"}
	for _, p := range f.Rows {
		key := strconv.FormatInt(p.Delegation.ID, 10)
		for _, field := range []string{"phase", "starts_on", "note"} {
			f.ErrorIDs[field+"-"+key] = "p-" + field + "-" + key
		}
	}
	f.ErrorOrder = append([]string{"scope"}, append(f.ErrorOrder, "delegation-new", "role-new", "phase-new", "starts_on-new", "note-new")...)
	for _, dl := range ds {
		if !taking[dl.ID] && dl.Kind != dialogue.MemberState {
			f.AddChoices = append(f.AddChoices, web.Option{Value: dl.Code, Label: dl.Code + " – " + dl.Name})
		}
	}
	return s.render(w, r, status, web.ParticipationFormPage(f))
}
