package server

import (
	"net/http"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// home orients each kind of user and shows the next meetings and the
// latest documents.
func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	dialogues, err := s.st.Dialogues(ctx)
	if err != nil {
		return err
	}
	meetings, err := s.st.Meetings(ctx, store.MeetingFilter{Now: s.now(), UpcomingOnly: true, Limit: 5})
	if err != nil {
		return err
	}
	docs, err := s.st.Documents(ctx, store.DocumentFilter{Viewer: viewerOf(currentUser(ctx)), Status: dialogue.DocumentIssued, Limit: 5})
	if err != nil {
		return err
	}
	views, err := s.meetingViews(ctx, meetings, dialogues)
	if err != nil {
		return err
	}
	v := web.HomeView{Meetings: views, Documents: documentRows(docs.Documents)}
	for _, d := range dialogues {
		v.Dialogues = append(v.Dialogues, web.Link{Href: dialogueHref(d.Code), Text: d.ShortName + " dialogue"})
	}
	return s.render(w, r, http.StatusOK, web.HomePage(v))
}
