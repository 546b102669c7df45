package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

var scopeLabels = map[string]string{
	"phased": "phased approach, starting with a small number of partners",
	"all":    "all partners from the start",
}

// dialogue shows one dialogue: partners, priorities, initiatives, the
// priority × partner coverage matrix, documents and meetings.
func (s *server) dialogue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.st.DialogueByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	parts, err := s.st.Participants(ctx, []int64{d.ID})
	if err != nil {
		return err
	}
	priorities, err := s.st.Priorities(ctx, d.ID)
	if err != nil {
		return err
	}
	initiatives, err := s.st.Initiatives(ctx, d.ID)
	if err != nil {
		return err
	}
	// Initiatives may name partners outside the dialogue: the registry
	// names them all.
	delegations, err := s.st.Delegations(ctx)
	if err != nil {
		return err
	}
	docs, err := s.st.Documents(ctx, store.DocumentFilter{Viewer: viewerOf(currentUser(ctx)), DialogueID: d.ID, Status: dialogue.DocumentIssued})
	if err != nil {
		return err
	}
	now := s.now()
	viewer := viewerOf(currentUser(ctx))
	meetings, err := s.st.VisibleMeetings(ctx, viewer, store.MeetingFilter{DialogueID: d.ID, Now: now})
	if err != nil {
		return err
	}
	points, err := s.st.ActionPoints(ctx, viewer, store.ActionPointFilter{DialogueID: d.ID, OpenOnly: true})
	if err != nil {
		return err
	}

	v := web.DialogueView{
		Participation: participation(d, parts[d.ID], s.today()),
		Scope:         scopeLabels[d.GeographicScope],
		Documents:     documentRows(docs.Documents),
	}
	for _, p := range priorities {
		if p.Status == dialogue.PriorityPossibleFuture {
			v.Later = append(v.Later, p)
		} else {
			v.Initial = append(v.Initial, p)
		}
	}
	var partners []dialogue.Delegation
	for _, g := range v.Participation.Phases {
		for _, p := range g.Partners {
			partners = append(partners, p.Delegation)
		}
	}
	v.Coverage = dialogue.BuildCoverage(v.Initial, partners, initiatives)
	if len(v.Later) > 0 {
		v.Future = dialogue.BuildCoverage(v.Later, partners, initiatives)
	}

	priorityByID := map[int64]dialogue.Priority{}
	for _, p := range priorities {
		priorityByID[p.ID] = p
	}
	delegationByID := map[int64]dialogue.Delegation{}
	for _, dl := range delegations {
		delegationByID[dl.ID] = dl
	}
	for _, in := range initiatives {
		iv := web.InitiativeView{Initiative: in}
		for _, id := range in.PriorityIDs {
			p, ok := priorityByID[id]
			switch {
			case !ok:
			case p.Status == dialogue.PriorityPossibleFuture:
				iv.LaterPriorities = append(iv.LaterPriorities, p.Title)
			default:
				iv.Priorities = append(iv.Priorities, p.Title)
			}
		}
		for _, id := range in.PartnerIDs {
			if dl, ok := delegationByID[id]; ok {
				iv.Partners = append(iv.Partners, dl)
			}
		}
		dialogue.SortProtocol(iv.Partners)
		v.Initiatives = append(v.Initiatives, iv)
	}

	// Cadence and open action points, from what the viewer may see.
	v.Cadence = cadenceRows(dialogue.CheckCadence(d, meetings, now))
	v.Actions = actionRows(points, now, true)
	views, err := s.meetingViews(ctx, viewer, meetings, []dialogue.Dialogue{d})
	if err != nil {
		return err
	}
	for i, m := range meetings {
		if m.EndsAt.After(now) {
			v.Upcoming = append(v.Upcoming, views[i])
		} else {
			v.Past = append(v.Past, views[i])
		}
	}
	return s.render(w, r, http.StatusOK, web.DialoguePage(v))
}
