package server

import (
	"context"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

// contentSecurityPolicy allows nothing inline: no inline scripts, no inline
// styles, no style attributes. Pages load their CSS and htmx from /static.
const contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		next.ServeHTTP(w, r)
	})
}

// arrivalKey holds, in a request's context, when the portal received it.
type arrivalKey struct{}

// receivedAt is when the portal received the request (logRequests, the
// first middleware that reads the clock, notes it): the instant a reply's
// deadline applies to, before the request waits for the processor, a
// database connection or the session. Its headers are in by then; its body
// (a reply form) must follow within the server's read timeout (30 s),
// well inside the minute the database allows a stamp (migration 000011).
func receivedAt(r *http.Request) time.Time {
	if t, ok := r.Context().Value(arrivalKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}

// logRequests logs each request with its status, size and duration. The
// probes (/healthz, which a load balancer or an orchestrator asks every few
// seconds, and /ping) are logged only when they fail: a line for each
// success would drown the log, and /ping is make bench's ceiling, the
// cheapest request through this router, which pages are compared with.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		probe := r.URL.Path == "/healthz" || r.URL.Path == "/ping"
		defer func() {
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			if probe && status < http.StatusBadRequest {
				return
			}
			s.log.InfoContext(r.Context(), "request",
				"method", r.Method,
				"path", logPath(r.URL.Path),
				"status", status,
				"duration", time.Since(start),
				"bytes", ww.BytesWritten(),
			)
		}()
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), arrivalKey{}, start)))
	})
}

// recoverPanics turns a panic into the 500 page and logs its stack.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path,
				"panic", v, "stack", string(debug.Stack()))
			s.renderError(w, r, internalError)
		}()
		next.ServeHTTP(w, r)
	})
}

// secretPaths are the routes whose last segment is a secret (a calendar
// feed's token, a one-time password link): the log records the route, not
// the secret, so that reading the logs gives no one a calendar or an account.
var secretPaths = []string{calendarFeedPrefix, "/reset/"}

// logPath is a request's path as the log records it.
func logPath(path string) string {
	for _, p := range secretPaths {
		if strings.HasPrefix(path, p) {
			return p + "[secret]"
		}
	}
	return path
}
