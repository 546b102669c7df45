package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/calendar"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/web"
)

// The personal calendar subscription: GET /calendar/<token>.ics answers a
// calendar application, which has no session, with exactly the meetings the
// token's user may see. The token is the only secret: an unknown, revoked
// or replaced token, or a disabled user, gets a bare 404 that tells nothing.

// calendarFeedPrefix is where the feeds are; see logPath.
const calendarFeedPrefix = "/calendar/"

// calendarFeed serves a user's subscription feed. It is registered outside
// the signed-in group (server.go: New).
func (s *server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token, ok := strings.CutSuffix(chi.URLParam(r, "token"), ".ics")
	if !ok || token == "" {
		feedNotFound(w)
		return
	}
	u, err := s.st.UserByCalendarToken(ctx, token)
	if dialogue.KindOf(err) == dialogue.KindNotFound || (err == nil && !auth.Can(&u, auth.ViewMeetings)) {
		feedNotFound(w)
		return
	}
	if err != nil {
		s.feedFailed(w, r, err)
		return
	}
	viewer := viewerOf(&u)
	// The feed: the past twelve months and everything ahead. Calendar
	// applications poll it; a decade of meetings would be sent each time.
	ms, err := s.st.FeedMeetings(ctx, viewer, s.now().AddDate(-1, 0, 0))
	if err != nil {
		s.feedFailed(w, r, err)
		return
	}
	// Every meeting held back-to-back is in ms with the one it is held with
	// when the user may see that one; otherwise the entry does not hint at it.
	known := make(map[int64]dialogue.Meeting, len(ms))
	for _, m := range ms {
		known[m.ID] = m
	}
	body, err := calendar.Encode(hideUnseenBackToBack(ms, known), calendar.Options{BaseURL: s.baseURL, Now: s.now()})
	if err != nil {
		s.feedFailed(w, r, err)
		return
	}
	writeCalendar(w, body, "meetings.ics", false)
}

func feedNotFound(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("Not found\n"))
}

func (s *server) feedFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "calendar feed failed", "err", err)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("The calendar could not be made; please try again later.\n"))
}

// writeCalendar answers with an iCalendar body; attachment asks browsers
// to save it (a single meeting's .ics) rather than show it.
func writeCalendar(w http.ResponseWriter, body []byte, filename string, attachment bool) {
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Cache-Control", "private, no-cache")
	disposition := "inline"
	if attachment {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition+`; filename="`+filename+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// feedURL is the address of a feed.
func (s *server) feedURL(token string) string {
	return s.baseURL + calendarFeedPrefix + token + ".ics"
}

// calendarAccount shows the user's feed address, if there is one. The page
// never creates one: a revoked feed stays off until the user asks for a new
// address (the renew button), so nobody re-enables it by visiting the page.
func (s *server) calendarAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.CalendarFeedView{Flash: s.sessions.PopString(ctx, sessionFlash)}
	token, err := s.st.CurrentCalendarToken(ctx, currentUser(ctx).ID)
	if err != nil {
		return err
	}
	if token == "" {
		v.Revoked = true
	} else {
		v.URL = s.feedURL(token)
	}
	return s.render(w, r, http.StatusOK, web.CalendarFeedPage(v))
}

func (s *server) renewCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := s.st.RenewCalendarToken(ctx, actorOf(r), currentUser(ctx).ID); err != nil {
		return err
	}
	return s.flashTo(w, r, "/account/calendar", "Your calendar has a new address; the old one no longer works. Subscribe to the new one in your calendar application.")
}

func (s *server) revokeCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := s.st.RevokeCalendarToken(ctx, actorOf(r), currentUser(ctx).ID); err != nil {
		return err
	}
	return s.flashTo(w, r, "/account/calendar", "Your calendar feed is switched off: its address no longer works.")
}
