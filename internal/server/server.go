// Package server is the portal's HTTP layer: the chi router, middleware,
// one handler file per area, the mapping of domain values to the view
// models of package web, and the mapping of errors to statuses (errors.go).
package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Config configures the server. Zero values take the defaults noted.
type Config struct {
	Log     *slog.Logger
	Now     func() time.Time // nil = time.Now
	BaseURL string           // how users reach the portal; "" = http://127.0.0.1:8080

	SessionIdle     time.Duration // sign-out after this long without a request; 0 = 2 h
	SessionLifetime time.Duration // sign-out after this long in any case; 0 = 12 h

	// Failed sign-ins allowed per account and per client address within
	// LoginWindow before further attempts are refused; 0 = 5, 20 and 15 min.
	LoginFailuresPerAccount int
	LoginFailuresPerAddress int
	LoginWindow             time.Duration

	// TrustedProxies are the address prefixes (CIDR) of reverse proxies whose
	// X-Forwarded-For is believed; without them the peer address is the client.
	TrustedProxies []string
}

func (c *Config) defaults() {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://127.0.0.1:8080"
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.SessionIdle == 0 {
		c.SessionIdle = 2 * time.Hour
	}
	if c.SessionLifetime == 0 {
		c.SessionLifetime = 12 * time.Hour
	}
	if c.LoginFailuresPerAccount == 0 {
		c.LoginFailuresPerAccount = 5
	}
	if c.LoginFailuresPerAddress == 0 {
		c.LoginFailuresPerAddress = 20
	}
	if c.LoginWindow == 0 {
		c.LoginWindow = 15 * time.Minute
	}
}

type server struct {
	log      *slog.Logger
	now      func() time.Time
	st       *store.Store
	baseURL  string
	sessions *scs.SessionManager
	limits   loginLimits
}

// New returns the portal's HTTP handler.
func New(cfg Config, st *store.Store) http.Handler {
	cfg.defaults()
	s := &server{log: cfg.Log, now: cfg.Now, st: st, baseURL: cfg.BaseURL,
		sessions: newSessionManager(cfg, st.Sessions(cfg.SessionIdle, sessionUserOf)), limits: newLoginLimits(cfg)}
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }

	// Cross-origin protection for every state-changing request: a POST from
	// another site gets 403 (Sec-Fetch-Site / Origin checks; no tokens).
	cop := http.NewCrossOriginProtection()
	if err := cop.AddTrustedOrigin(cfg.BaseURL); err != nil {
		s.log.Warn("base URL is not a valid origin", "url", cfg.BaseURL, "err", err)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.WarnContext(r.Context(), "cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		s.renderError(w, r, web.ErrorView{Status: http.StatusForbidden, Title: "Request refused",
			Message: "This form was sent from another site, so it was refused. Open the portal directly and try again."})
	}))

	clientIP := middleware.ClientIPFromRemoteAddr
	if len(cfg.TrustedProxies) > 0 {
		clientIP = middleware.ClientIPFromXFF(cfg.TrustedProxies...)
	}

	r := chi.NewRouter()
	r.Use(securityHeaders, clientIP, s.logRequests, s.recoverPanics, cop.Handler)
	r.NotFound(s.page(func(http.ResponseWriter, *http.Request) error { return dialogue.ErrNotFound }))
	r.MethodNotAllowed(s.methodNotAllowed)

	// Open to all: no session is read or written.
	r.Get("/healthz", s.healthz)
	r.Get("/ping", ping)
	r.Get("/static/*", s.static)
	// A calendar application has no session: the secret token is the key.
	r.Get("/calendar/{token}", s.calendarFeed)

	r.Group(func(r chi.Router) {
		r.Use(withSessionUser, s.sessions.LoadAndSave, s.loadUser)
		r.Get("/login", s.page(s.loginForm))
		r.Post("/login", s.page(s.login))
		r.Get("/reset/{token}", s.page(s.resetForm))
		r.Post("/reset/{token}", s.page(s.reset))

		// Everything else needs a signed-in user, and each route names the
		// action of the permission policy (internal/auth) it needs.
		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)
			r.Post("/logout", s.page(s.logout))
			s.routes(r)
		})
	})
	return r
}

// routes are the application's pages, each behind its permission. The
// authorisation test walks these routes and expects a rule for each.
func (s *server) routes(r chi.Router) {
	var with withAction = func(a auth.Action) chi.Router { return r.With(s.allow(a)) }

	with(auth.ViewRegistry).Get("/", s.page(s.home))
	with(auth.ViewRegistry).Get("/delegations", s.page(s.delegations))
	with(auth.ViewRegistry).Get("/dialogues/{code}", s.page(s.dialogue))
	with(auth.ViewRegistry).Get("/missions", s.page(s.missions))
	with(auth.ViewRegistry).Get("/actions", s.page(s.actions))
	with(auth.ViewDocuments).Get("/documents", s.page(s.documents))
	with(auth.ViewDocuments).Get("/documents/{id}", s.page(s.document))
	with(auth.ViewMeetings).Get("/meetings", s.page(s.meetings))

	with(auth.UseAccount).Get("/account/password", s.page(s.passwordForm))
	with(auth.UseAccount).Post("/account/password", s.page(s.changePassword))

	with(auth.ManageOwnUsers).Get("/users", s.page(s.users))
	with(auth.ManageOwnUsers).Post("/users", s.page(s.createUser))
	with(auth.ManageOwnUsers).Post("/users/{id}/disable", s.page(s.setUserDisabled(true)))
	with(auth.ManageOwnUsers).Post("/users/{id}/enable", s.page(s.setUserDisabled(false)))
	with(auth.ManageOwnUsers).Post("/users/{id}/reset", s.page(s.resetUser))
	with(auth.ManageOwnUsers).Get("/users/{id}/edit", s.page(s.editUser))
	with(auth.ManageOwnUsers).Post("/users/{id}/edit", s.page(s.updateUser))
	with(auth.ManageUsers).Post("/users/{id}/role", s.page(s.setUserRole))
	with(auth.ViewAudit).Get("/audit", s.page(s.auditLog))

	// Each area registers its routes in its own file.
	s.draftingRoutes(with)
	s.roundRoutes(with)
	s.meetingRoutes(with)
	s.searchRoutes(with)
	s.registryRoutes(with)
	s.delegationRoutes(with)
}

// withAction gives a router whose routes need a permission of the policy.
type withAction func(auth.Action) chi.Router

// handlerFunc is a page handler: it renders the page or returns an error,
// which fail turns into the matching error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *server) page(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// render writes a page. It renders into a buffer first, so that a failure
// half-way gives a clean error page rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	if err != nil {
		s.log.DebugContext(r.Context(), "write response", "err", err)
	}
	return nil
}

// renderBuffers are reused between pages: a page is rendered whole before
// it is sent (an error half-way must not leave half a page), and growing a
// fresh buffer to 50–150 KB for every request was a good part of the
// garbage the portal made.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // an unusually large page: let it go rather than keep 1 MB per idle buffer
	}
	b.Reset()
	renderBuffers.Put(b)
}

// flashTo ends a successful form: the message is shown once on the page
// the browser is sent to (post, redirect, get: a reload sends nothing again).
func (s *server) flashTo(w http.ResponseWriter, r *http.Request, href, msg string) error {
	s.sessions.Put(r.Context(), sessionFlash, msg)
	http.Redirect(w, r, href, http.StatusSeeOther)
	return nil
}

// today is the current day in Brussels.
func (s *server) today() time.Time { return s.now().In(dialogue.Brussels) }

// healthz answers 200 "ok" when the database answers within 2 seconds.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.Ping(ctx); err != nil {
		s.log.WarnContext(r.Context(), "health check: database unavailable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "database unavailable\n")
		return
	}
	io.WriteString(w, "ok\n")
}

// ping answers "pong" with no session and no database: the cheapest
// handler on the router, whose throughput `portal bench` measures as the
// machine's ceiling (every page's figures are also given as a ratio to it).
func ping(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, "pong\n")
}
