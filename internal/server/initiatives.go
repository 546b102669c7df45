package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The secretariat keeps a dialogue's initiatives (see
// store.CreateInitiative: the coverage matrix is drawn from them) and its
// participation (participation.go) and priorities (priorities.go) from the
// dialogue's page.
func (s *server) registryRoutes(with withAction) {
	with(auth.EditRegistry).Get("/dialogues/{code}/initiatives/new", s.page(s.newInitiative))
	with(auth.EditRegistry).Post("/dialogues/{code}/initiatives", s.page(s.createInitiative))
	with(auth.EditRegistry).Get("/dialogues/{code}/initiatives/{id}/edit", s.page(s.editInitiative))
	with(auth.EditRegistry).Post("/dialogues/{code}/initiatives/{id}", s.page(s.updateInitiative))
	with(auth.EditRegistry).Post("/dialogues/{code}/initiatives/{id}/remove", s.page(s.removeInitiative))
	with(auth.EditRegistry).Get("/dialogues/{code}/participants/edit", s.page(s.editParticipation))
	with(auth.EditRegistry).Post("/dialogues/{code}/participants", s.page(s.saveParticipation))
	with(auth.EditRegistry).Get("/dialogues/{code}/priorities/edit", s.page(s.editPriorities))
	with(auth.EditRegistry).Post("/dialogues/{code}/priorities", s.page(s.savePriorities))
}

func (s *server) newInitiative(w http.ResponseWriter, r *http.Request) error {
	d, err := s.st.DialogueByCode(r.Context(), chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	return s.renderInitiativeForm(w, r, http.StatusOK, web.InitiativeForm{Dialogue: d}, nil, nil)
}

func (s *server) createInitiative(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	f, in, priorities, partners := initiativeFormOf(r, d)
	_, err = s.st.CreateInitiative(ctx, actorOf(r), d.ID, in)
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderInitiativeForm(w, r, http.StatusUnprocessableEntity, f, priorities, partners)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/dialogues/"+d.Code+"#initiatives", "The initiative is recorded; the coverage of priorities and partners counts it.")
}

func (s *server) editInitiative(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, id, err := s.initiativeOfURL(ctx, r)
	if err != nil {
		return err
	}
	e, err := s.st.InitiativeForEdit(ctx, d.ID, id)
	if err != nil {
		return err
	}
	f := s.initiativeFormFrom(d, e, nil, "")
	return s.renderInitiativeForm(w, r, http.StatusOK, f, e.Initiative.PriorityIDs, e.Initiative.PartnerIDs)
}

func (s *server) updateInitiative(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, id, err := s.initiativeOfURL(ctx, r)
	if err != nil {
		return err
	}
	f, in, priorities, partners := initiativeFormOf(r, d)
	f.ID = id
	err = s.st.UpdateInitiative(ctx, actorOf(r), d.ID, id, f.Version, in)
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderInitiativeForm(w, r, http.StatusUnprocessableEntity, f, priorities, partners)
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		// What was typed stays in the form; the initiative as saved now is
		// shown above it, and the form now starts from its version.
		now, err2 := s.st.InitiativeForEdit(ctx, d.ID, id)
		if err2 != nil {
			return err2
		}
		view, err2 := s.initiativeView(ctx, d, now.Initiative)
		if err2 != nil {
			return err2
		}
		f.Conflict, f.ConflictMessage, f.Version, f.OtherDialogues = &view, errorMessage(err), now.Version, now.OtherDialogues
		return s.renderInitiativeForm(w, r, http.StatusConflict, f, priorities, partners)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/dialogues/"+d.Code+"#initiatives", "Changes saved. The audit log keeps what each save recorded.")
}

// removeInitiative takes the initiative out of the dialogue once the box
// confirming it is ticked; otherwise, or when someone saved it meanwhile,
// the edit form says why and nothing changes.
func (s *server) removeInitiative(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, id, err := s.initiativeOfURL(ctx, r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	status := http.StatusUnprocessableEntity
	f := web.InitiativeForm{Errors: dialogue.FieldErrors{}}
	if r.PostFormValue("confirm") != "on" {
		f.Errors.Add("confirm", "Tick the box to confirm the removal.")
	} else {
		err = s.st.RemoveInitiative(ctx, actorOf(r), d.ID, id, version)
		if dialogue.KindOf(err) != dialogue.KindConflict {
			if err != nil {
				return err
			}
			return s.flashTo(w, r, "/dialogues/"+d.Code+"#initiatives", "The initiative is removed from the dialogue; the audit log keeps what it held.")
		}
		f.ConflictMessage, status = errorMessage(err), http.StatusConflict
	}
	// The form as saved now, with the reason above it.
	e, err := s.st.InitiativeForEdit(ctx, d.ID, id)
	if err != nil {
		return err
	}
	f = s.initiativeFormFrom(d, e, f.Errors, f.ConflictMessage)
	if status == http.StatusConflict {
		view, err := s.initiativeView(ctx, d, e.Initiative)
		if err != nil {
			return err
		}
		f.Conflict = &view
	}
	return s.renderInitiativeForm(w, r, status, f, e.Initiative.PriorityIDs, e.Initiative.PartnerIDs)
}

// initiativeFormFrom is the edit form of an initiative as saved.
func (s *server) initiativeFormFrom(d dialogue.Dialogue, e store.InitiativeEdit, errs dialogue.FieldErrors, conflict string) web.InitiativeForm {
	f := web.InitiativeForm{Dialogue: d, ID: e.Initiative.ID, Version: e.Version, Name: e.Initiative.Name,
		Description: e.Initiative.Description, OtherDialogues: e.OtherDialogues, Errors: errs, ConflictMessage: conflict}
	var bodies []string
	for _, m := range e.Initiative.Implementers {
		bodies = append(bodies, m.Name)
	}
	f.Implementers = strings.Join(bodies, "\n")
	return f
}

// initiativeOfURL reads the dialogue and the initiative's id of the URL; an
// id that is not a number is "not found", as an unknown one is.
func (s *server) initiativeOfURL(ctx context.Context, r *http.Request) (dialogue.Dialogue, int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return dialogue.Dialogue{}, 0, dialogue.ErrNotFound
	}
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	return d, id, err
}

// initiativeFormOf reads the form as sent: what to show again (the text as
// typed) and what to save. Choices that are not numbers are kept as an id
// no row has, so that the store reports them.
func initiativeFormOf(r *http.Request, d dialogue.Dialogue) (web.InitiativeForm, store.InitiativeInput, []int64, []int64) {
	f := web.InitiativeForm{Dialogue: d, Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Implementers: r.PostFormValue("implementers")}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	ids := func(key string) []int64 {
		var out []int64
		for _, v := range r.PostForm[key] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				n = -1
			}
			out = append(out, n)
		}
		return out
	}
	priorities, partners := ids("priorities"), ids("partners")
	in := store.InitiativeInput{Name: f.Name, Description: f.Description, Implementers: strings.Split(f.Implementers, "\n"),
		PriorityIDs: priorities, PartnerIDs: partners}
	return f, in, priorities, partners
}

// renderInitiativeForm shows the form with the dialogue's priorities and
// partners to choose from, those given checked.
func (s *server) renderInitiativeForm(w http.ResponseWriter, r *http.Request, status int, f web.InitiativeForm, priorities, partners []int64) error {
	ctx := r.Context()
	ps, err := s.st.Priorities(ctx, f.Dialogue.ID)
	if err != nil {
		return err
	}
	parts, err := s.st.Participants(ctx, []int64{f.Dialogue.ID})
	if err != nil {
		return err
	}
	for _, p := range ps {
		c := web.InitiativeChoice{Value: strconv.FormatInt(p.ID, 10), Label: p.Title, Checked: slices.Contains(priorities, p.ID)}
		if p.Status == dialogue.PriorityPossibleFuture {
			c.Note = "possible future priority"
		}
		f.Priorities = append(f.Priorities, c)
	}
	var ds []dialogue.Participant
	for _, p := range parts[f.Dialogue.ID] {
		if p.Role == dialogue.ParticipantPartner {
			ds = append(ds, p)
		}
	}
	slices.SortStableFunc(ds, func(a, b dialogue.Participant) int { return strings.Compare(a.Delegation.Name, b.Delegation.Name) })
	for _, p := range ds {
		d := p.Delegation
		f.Partners = append(f.Partners, web.InitiativeChoice{Value: strconv.FormatInt(d.ID, 10), Label: d.Name,
			Note: "phase " + strconv.Itoa(p.Phase), Checked: slices.Contains(partners, d.ID), Delegation: &d})
	}
	return s.render(w, r, status, web.InitiativeFormPage(f))
}

// initiativeView is an initiative as the dialogue page's table shows it.
func (s *server) initiativeView(ctx context.Context, d dialogue.Dialogue, in dialogue.Initiative) (web.InitiativeView, error) {
	v := web.InitiativeView{Initiative: in}
	ps, err := s.st.Priorities(ctx, d.ID)
	if err != nil {
		return v, err
	}
	for _, p := range ps {
		if !slices.Contains(in.PriorityIDs, p.ID) {
			continue
		}
		if p.Status == dialogue.PriorityPossibleFuture {
			v.LaterPriorities = append(v.LaterPriorities, p.Title)
		} else {
			v.Priorities = append(v.Priorities, p.Title)
		}
	}
	ds, err := s.st.Delegations(ctx)
	if err != nil {
		return v, err
	}
	for _, dl := range ds {
		if slices.Contains(in.PartnerIDs, dl.ID) {
			v.Partners = append(v.Partners, dl)
		}
	}
	dialogue.SortProtocol(v.Partners)
	return v, nil
}
