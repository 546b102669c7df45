package server

import (
	"net/http"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/web"
)

// delegations lists the member states in protocol order, the institutions,
// the partners per dialogue and phase, the observers, and the Presidencies
// from the one in office on.
func (s *server) delegations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	all, err := s.st.Delegations(ctx)
	if err != nil {
		return err
	}
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(dialogues))
	for i, d := range dialogues {
		ids[i] = d.ID
	}
	parts, err := s.st.Participants(ctx, ids)
	if err != nil {
		return err
	}
	presidencies, err := s.presidencyRows(r)
	if err != nil {
		return err
	}
	v := web.DelegationsView{Presidencies: presidencies, EditRegistry: auth.Can(currentUser(ctx), auth.EditRegistry),
		Flash: s.sessions.PopString(ctx, sessionFlash)}
	next := dialogue.SemesterAt(s.now()).Next()
	v.Unrecorded = next.Period()
	for _, p := range presidencies {
		if p.Presidency.Year == next.Year && p.Presidency.Semester == next.Semester {
			v.Unrecorded = ""
		}
	}
	inDialogue := map[int64]bool{}
	today := s.today()
	for _, d := range dialogues {
		for _, p := range parts[d.ID] {
			inDialogue[p.Delegation.ID] = true
		}
		v.Dialogues = append(v.Dialogues, participation(d, parts[d.ID], today))
	}
	for _, d := range all {
		switch d.Kind {
		case dialogue.MemberState:
			v.MemberStates = append(v.MemberStates, d)
		case dialogue.Institution:
			v.Institutions = append(v.Institutions, d)
		case dialogue.Observer:
			v.Observers = append(v.Observers, d)
		case dialogue.Partner:
			if !inDialogue[d.ID] {
				v.Others = append(v.Others, d)
			}
		}
	}
	return s.render(w, r, http.StatusOK, web.DelegationsPage(v))
}
