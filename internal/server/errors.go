package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/web"
)

// errorView maps an error to its status and what the page tells the user.
// It is the one place where errors become statuses: domain errors by their
// kind (dialogue.KindOf), anything else is a 500 that shows no internals.
func errorView(err error) web.ErrorView {
	msg := ""
	var de *dialogue.Error
	if errors.As(err, &de) {
		msg = de.Message
	}
	switch dialogue.KindOf(err) {
	case dialogue.KindNotFound, dialogue.KindSealed:
		// Sealed replies are "not found" to those who may not see them.
		return web.ErrorView{Status: http.StatusNotFound, Title: "Page not found",
			Message: "There is no page at this address. If you typed it, check it; if you followed a link, the item may have been removed."}
	case dialogue.KindInvalid:
		if msg == "" {
			msg = "Some of what was entered is not valid. Go back, check it and try again."
		}
		return web.ErrorView{Status: http.StatusUnprocessableEntity, Title: "Check what you entered", Message: msg}
	case dialogue.KindForbidden:
		return web.ErrorView{Status: http.StatusForbidden, Title: "Not allowed",
			Message: "Your role does not allow this. Ask the secretariat if you think it should."}
	case dialogue.KindUnauthorized:
		return web.ErrorView{Status: http.StatusUnauthorized, Title: "Sign in needed", Message: "Sign in to see this page."}
	case dialogue.KindConflict:
		if msg == "" {
			msg = "Someone else changed this in the meantime. Reload the page and try again."
		}
		return web.ErrorView{Status: http.StatusConflict, Title: "Changed in the meantime", Message: msg}
	case dialogue.KindDeadline:
		if msg == "" {
			msg = "The deadline has passed."
		}
		return web.ErrorView{Status: http.StatusConflict, Title: "Deadline passed", Message: msg}
	}
	return internalError
}

var internalError = web.ErrorView{
	Status:  http.StatusInternalServerError,
	Title:   "Something went wrong",
	Message: "The portal could not show this page. The problem has been recorded; please try again in a few minutes.",
}

// fail renders the error page for err, logging what the user is not shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	v := errorView(err)
	switch {
	case v.Status >= 500 && errors.Is(err, context.Canceled):
		// The client went away: nothing to show, nothing to worry about.
		s.log.InfoContext(r.Context(), "request canceled", "path", r.URL.Path)
	case v.Status >= 500:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.renderError(w, r, v)
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, v web.ErrorView) {
	if err := s.render(w, r, v.Status, web.ErrorPage(v)); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
		http.Error(w, v.Title, v.Status)
	}
}

func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, web.ErrorView{Status: http.StatusMethodNotAllowed, Title: "Method not allowed",
		Message: "This address cannot be used that way."})
}
