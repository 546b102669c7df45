package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// The secretariat records a dialogue's thematic priorities (see
// store.SavePriorities); registryRoutes (initiatives.go) registers the routes.

func (s *server) editPriorities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	version, err := s.st.PrioritiesVersion(ctx, d.ID)
	if err != nil {
		return err
	}
	ps, err := s.st.Priorities(ctx, d.ID)
	if err != nil {
		return err
	}
	f := web.PrioritiesForm{Dialogue: d, Version: version}
	for i, p := range ps {
		f.Rows = append(f.Rows, web.PriorityRow{Key: strconv.FormatInt(p.ID, 10), Code: p.Code, Title: p.Title,
			Status: string(p.Status), EmpactCycle: p.EmpactCycle, Position: strconv.Itoa(i + 1)})
	}
	f.Rows = append(f.Rows, web.PriorityRow{Key: "new", Status: string(dialogue.PriorityInitial), Position: strconv.Itoa(len(ps) + 1)})
	return s.renderPriorities(w, r, http.StatusOK, f)
}

func (s *server) savePriorities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	f := web.PrioritiesForm{Dialogue: d}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	var changes []store.PriorityChange
	row := func(key string, id int64) {
		v := func(field string) string { return r.PostFormValue(field + "-" + key) }
		c := store.PriorityChange{ID: id, Code: v("code"), Title: v("title"), Status: v("status"), EmpactCycle: v("empact_cycle"),
			Position: v("position"), Remove: v("remove") == "on"}
		changes = append(changes, c)
		f.Rows = append(f.Rows, web.PriorityRow{Key: key, Code: c.Code, Title: c.Title, Status: c.Status, EmpactCycle: c.EmpactCycle,
			Position: c.Position, Remove: c.Remove})
	}
	for _, key := range r.PostForm["priority"] {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id < 1 {
			return dialogue.Errorf(dialogue.KindInvalid, "This form is damaged: open it again from the dialogue's page.")
		}
		row(key, id)
	}
	row("new", 0)
	err = s.st.SavePriorities(ctx, actorOf(r), d.ID, f.Version, changes)
	if fe := formErrors(err); fe != nil {
		f.Errors = fe
		return s.renderPriorities(w, r, http.StatusUnprocessableEntity, f)
	}
	if dialogue.KindOf(err) == dialogue.KindConflict {
		f.ConflictMessage = errorMessage(err)
		if f.Version, err = s.st.PrioritiesVersion(ctx, d.ID); err != nil {
			return err
		}
		return s.renderPriorities(w, r, http.StatusConflict, f)
	}
	if err != nil {
		return err
	}
	return s.flashTo(w, r, "/dialogues/"+d.Code+"#priorities", "The priorities are saved; the coverage matrix follows them.")
}

// renderPriorities shows the form; the error summary lists the rows' fields
// in the form's order.
func (s *server) renderPriorities(w http.ResponseWriter, r *http.Request, status int, f web.PrioritiesForm) error {
	f.ErrorIDs = map[string]string{}
	for _, row := range f.Rows {
		for _, field := range []string{"position", "code", "title", "status", "empact_cycle", "remove"} {
			name := field + "-" + row.Key
			f.ErrorOrder = append(f.ErrorOrder, name)
			f.ErrorIDs[name] = "pr-" + name
		}
	}
	return s.render(w, r, status, web.PrioritiesFormPage(f))
}
