package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

var scopeLabels = map[string]string{
	"phased": "phased approach, starting with a small number of partners",
	"all":    "all partners from the start",
}

// dialogueDocuments is how many of a dialogue's latest documents its page
// lists; the register, filtered by the dialogue, has them all.
const dialogueDocuments = 10

// dialogue shows one dialogue: partners, priorities, initiatives, the
// priority × partner coverage matrix, its latest documents, its meetings
// (upcoming, and the past twelve months, as the meetings list) and the
// cadence since its launch. Nothing on it grows with the years but the
// cadence table, a row a year: after a decade it listed a decade of
// documents and meetings, half a megabyte.
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
	viewer := viewerOf(currentUser(ctx))
	docs, err := s.st.Documents(ctx, store.DocumentFilter{Viewer: viewer, DialogueID: d.ID, Status: dialogue.DocumentIssued,
		Limit: dialogueDocuments})
	if err != nil {
		return err
	}
	now := s.now()
	meetings, err := s.st.VisibleMeetings(ctx, viewer, store.MeetingFilter{DialogueID: d.ID, Now: now, From: now.AddDate(-1, 0, 0)})
	if err != nil {
		return err
	}
	// The cadence weighs the senior officials' and ministerial meetings of
	// every year since the launch, and those alone.
	var cadence []dialogue.Meeting
	if d.LaunchYear != 0 {
		all, err := s.st.CadenceMeetings(ctx, viewer, time.Date(d.LaunchYear, time.January, 1, 0, 0, 0, 0, dialogue.Brussels))
		if err != nil {
			return err
		}
		for _, m := range all {
			if m.DialogueID == d.ID {
				cadence = append(cadence, m)
			}
		}
	}
	points, err := s.st.ActionPoints(ctx, viewer, store.ActionPointFilter{DialogueID: d.ID, OpenOnly: true})
	if err != nil {
		return err
	}

	v := web.DialogueView{
		Participation: participation(d, parts[d.ID], s.today()),
		Scope:         scopeLabels[d.GeographicScope],
		Documents:     documentRows(docs.Documents),
		DocumentsHref: documentsQuery(store.DocumentFilter{DialogueCode: d.Code}, 1),
		MeetingsHref:  meetingsHref(monthView, "", d.Code, ""),
		EditRegistry:  auth.Can(currentUser(ctx), auth.EditRegistry),
		Flash:         s.sessions.PopString(ctx, sessionFlash),
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
	v.Cadence = cadenceRows(dialogue.CheckCadence(d, cadence, now))
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
